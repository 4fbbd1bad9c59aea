/**
 * First thing the page runs (imported before React): start the engine's worker and fetch the
 * first scenario, so both are under way while the interface's code is still being evaluated.
 */
import { SESSION_KEY } from './store/sessionStorage'
import { msg, useLab } from './store/state'
import { DEFAULT_PRESET, fetchPreset, fetchScenarioFile, PRESETS, presetFromUrl } from './ui/presets'

export const createWorker = (): Worker => new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' })
export const worker = createWorker()

/**
 * The first scenario the page will open — the address's `?preset=`/`?scenario=`, else the default
 * preset — fetched now, while the interface's code is still being evaluated. Not when the address
 * carries a share link or a saved session will come back (those open without a fetch).
 */
export const earlyScenario: Promise<{ json: unknown; id: string; name: string }> | null = (() => {
  if (window.location.hash) return null
  if (!window.location.search && hasSavedSession()) return null
  const want = presetFromUrl(window.location.search)
  const preset = (id: string) => {
    const file = PRESETS.find((p) => p.id === id)?.file ?? id
    return fetchPreset(id).then((json) => ({ json, id, name: file }))
  }
  // a wrong name says so in words, and the default lab opens
  if (want.kind === 'file')
    return fetchScenarioFile(want.file).then(
      (json) => ({ json, id: '', name: want.file }),
      () => {
        useLab.setState({ notice: msg('session.noScenario', { name: want.file }) })
        return preset(DEFAULT_PRESET)
      },
    )
  const asked = new URLSearchParams(window.location.search).get('preset')
  if (asked !== null && asked !== want.id) useLab.setState({ notice: msg('session.noPreset', { name: asked }) })
  return preset(want.id)
})()
// an unhandled rejection here would be reported twice; app-main.tsx reports it once
earlyScenario?.catch(() => undefined)

function hasSavedSession(): boolean {
  try {
    return localStorage.getItem(SESSION_KEY) !== null
  } catch {
    return false
  }
}
