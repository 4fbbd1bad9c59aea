/**
 * The page's entry, kept tiny: it starts the engine's worker and fetches the first scenario
 * (boot.ts), then loads the interface's code — so the worker starts while React is still on the
 * wire rather than after it was evaluated.
 */
import './boot'
import './index.css'

void import('./app-main')
