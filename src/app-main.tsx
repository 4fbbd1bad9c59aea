/** The interface: loaded by main.tsx once the worker and the first scenario are under way. */

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createWorker, earlyScenario, worker } from './boot'
import { actions, applyTheme, connectWorker, msg, resumeSession, savedSession, useLab, verbatim } from './store/index'
import { installTestApi } from './testApi'
import { App } from './ui/App'
import { DEFAULT_PRESET, fetchPreset, fetchScenarioFile, PRESETS, presetFromUrl } from './ui/presets'
import { decodeShare, shareFromHash } from './ui/share'

// The worker and the first scenario start before React renders: the first screen is ready sooner.
// a worker that stops twice in a minute with the same session falls back to the default lab
connectWorker(worker, createWorker, () => {
  void fetchPreset(DEFAULT_PRESET).then((json) => actions.load(json, DEFAULT_PRESET, 'preset'))
})
const shared = shareFromHash(window.location.hash)
if (shared !== null) {
  // a share link: data only, validated by the worker's schema like any scenario
  decodeShare(shared)
    .then((s) => {
      if (s.lang) actions.setLocale(s.lang)
      actions.load(s.scenario, '', 'shared', s.t)
    })
    .catch((e: unknown) => {
      const why = e instanceof Error ? e.message : String(e)
      actions.showError(msg('share.bad', { why }))
      void fetchPreset(DEFAULT_PRESET).then((json) => actions.load(json, DEFAULT_PRESET, 'preset'))
    })
} else if (!window.location.search && savedSession()) {
  // the last session of this browser comes back as it was (with a "start fresh" choice)
  const s = savedSession() as NonNullable<ReturnType<typeof savedSession>>
  resumeSession(s)
  actions.sessionRestored(s)
} else {
  // fetched by boot.ts already (unless a saved session that could not be read whole was expected)
  const want = presetFromUrl(window.location.search)
  const first =
    earlyScenario ??
    (want.kind === 'preset'
      ? fetchPreset(want.id).then((json) => ({
          json,
          id: want.id,
          name: PRESETS.find((p) => p.id === want.id)?.file ?? want.id,
        }))
      : fetchScenarioFile(want.file).then((json) => ({ json, id: '', name: want.file })))
  first
    .then(({ json, id, name }) => actions.load(json, id, name))
    .catch((e: unknown) => actions.showError(verbatim(String(e))))
}

applyTheme(useLab.getState().theme)
// the test build only (`vite build --mode e2e`); the product build drops it as dead code
if (import.meta.env.MODE === 'e2e') installTestApi()

const root = document.getElementById('root')
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
