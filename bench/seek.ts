/**
 * Rewind speed in Node (no browser): bench-10k loaded into the worker's lab host, played to the end
 * (checkpoints taken on the way), then 20 seeks to random whole seconds (mulberry32, seed 13, as
 * bench/app.ts) — each timed from the seek request to the frame after it. JSON lines: one per seek,
 * then a summary (median, p95, max; checkpoint count and MiB). `npx tsx bench/seek.ts [seeks]`.
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { Host } from '../src/worker/host'
import { LabRun } from '../src/worker/labRun'
import { seekTargets } from './seekTargets'

/** Time spent in the run's rewind phases (restore = copying a checkpoint back; replay; from 0). */
const phases: Record<string, number> = {}
function timed(name: string): void {
  const proto = LabRun.prototype as unknown as Record<string, (...a: unknown[]) => unknown>
  const f = proto[name]
  proto[name] = function (this: unknown, ...a: unknown[]) {
    const t = performance.now()
    try {
      return f.apply(this, a)
    } finally {
      phases[name] = (phases[name] ?? 0) + performance.now() - t
    }
  }
}
for (const name of ['restore', 'restartFrom0', 'advance', 'takeCheckpoint', 'catchUp', 'historyFrame']) timed(name)
const takePhases = () => {
  const out = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]))
  for (const k of Object.keys(phases)) delete phases[k]
  return out
}

const seeks = Number(process.argv[2] ?? 20)
const text = readFileSync(new URL('../public/scenarios/bench-10k.json', import.meta.url), 'utf8')
const host = new Host({ now: () => performance.now() })
const frame = () => host.handle({ type: 'frame', wallMs: performance.now(), listing: null, listingFilter: '' })
const loaded = host.handle({ type: 'load', scenario: text, name: 'bench-10k' })[0] as { endMs: number }
frame()
const endMs = loaded.endMs
let t0 = performance.now()
host.handle({ type: 'seek', toMs: endMs })
frame()
const stats0 = host.checkpointStats()
console.log(
  JSON.stringify({
    playToEndMs: Math.round(performance.now() - t0),
    endMs,
    checkpoints: stats0.checkpoints,
    checkpointMiB: +(stats0.checkpointBytes / 2 ** 20).toFixed(1),
    historyMiB: +(stats0.historyBytes / 2 ** 20).toFixed(1),
    horizonS: stats0.horizonMs / 1000,
    ...takePhases(),
  }),
)
const times: number[] = []
for (const [i, target] of seekTargets(endMs, seeks).entries()) {
  t0 = performance.now()
  host.handle({ type: 'seek', toMs: target })
  frame()
  const ms = performance.now() - t0
  times.push(ms)
  console.log(JSON.stringify({ seek: i, targetS: target / 1000, ms: Math.round(ms), ...takePhases() }))
}
const sorted = [...times].sort((a, b) => a - b)
const stats = host.checkpointStats()
console.log(
  JSON.stringify({
    seek_median_ms: Math.round(sorted[Math.floor(sorted.length / 2)]),
    seek_p95_ms: Math.round(sorted[Math.ceil(sorted.length * 0.95) - 1]),
    seek_max_ms: Math.round(sorted[sorted.length - 1]),
    checkpoints: stats.checkpoints,
    checkpointMiB: +(stats.checkpointBytes / 2 ** 20).toFixed(1),
    historyMiB: +(stats.historyBytes / 2 ** 20).toFixed(1),
    checkpointS: (host as unknown as { run: LabRun }).run.checkpoints.times().map((t) => t / 1000),
  }),
)
