/**
 * The simulated clock as the toolbar and the panels write it. No import: `bench/app.ts` reads the
 * clock it waits for through these very functions.
 */

/** Simulated milliseconds as `123.4 s`, or `12:03` above ten minutes. */
export function clock(ms: number): string {
  const s = ms / 1000
  if (s < 600) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`
}

/**
 * The toolbar's clock: now and the run's end in one format, chosen by the end — seconds for a run
 * under 1,000 s (`74.5 s / 600.0 s`, as lessons and markers speak), minutes above
 * (`2:05.0 / 40:00.0`), hours from ten hours on (`1:02:03 / 87600:00:00`), so the two halves always
 * read alike.
 */
export function clockPair(nowMs: number, endMs: number): [now: string, end: string] {
  if (endMs < 1_000_000) {
    const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`
    return [sec(nowMs), sec(endMs)]
  }
  if (endMs >= 36_000_000) {
    // ten hours and more (a run of years): hours, minutes and seconds
    const hms = (ms: number) => {
      const t = Math.floor(ms / 1000)
      const mm = String(Math.floor(t / 60) % 60).padStart(2, '0')
      return `${Math.floor(t / 3600)}:${mm}:${String(t % 60).padStart(2, '0')}`
    }
    return [hms(nowMs), hms(endMs)]
  }
  const min = (ms: number) => {
    const tenths = Math.round(ms / 100)
    const m = Math.floor(tenths / 600)
    const rest = (tenths % 600) / 10
    return `${m}:${rest.toFixed(1).padStart(4, '0')}`
  }
  return [min(nowMs), min(endMs)]
}
