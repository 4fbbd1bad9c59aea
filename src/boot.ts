/**
 * First thing the page runs (imported before React): start the engine's worker and fetch the
 * first scenario, so both are under way while the interface's code is still being evaluated.
 */
export const createWorker = (): Worker => new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' })
export const worker = createWorker()

function firstScenarioFile(search: string): string {
  const q = new URLSearchParams(search)
  const file = q.get('scenario')
  if (file && /^[\w.-]+\.json$/.test(file)) return file
  return ''
}

/** The `?scenario=FILE` the address names, fetched early ('' when the address names a preset). */
export const earlyScenario: { file: string; json: Promise<unknown> | null } = (() => {
  const file = firstScenarioFile(window.location.search)
  return { file, json: file ? fetch(`${import.meta.env.BASE_URL}scenarios/${file}`).then((r) => r.json()) : null }
})()
