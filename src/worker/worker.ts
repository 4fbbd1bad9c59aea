/**
 * The Web Worker entry: a thin shell around Host. Requests come in as messages; replies go out
 * with their typed arrays transferred, not copied. A fault is posted, never swallowed.
 */
import { CompareHost } from './compare'
import { Host } from './host'
import { wallClock } from './pacer'
import type { Reply, Request } from './protocol'

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void
  onmessage: ((ev: MessageEvent<Request>) => void) | null
  onerror: ((ev: unknown) => void) | null
}
const scope = self as unknown as WorkerScope

// the wall clock is injected here: the pacers' frame budget is measured on it
const host = new Host({ now: wallClock })
const compare = new CompareHost({ now: wallClock })
/** The requests compare mode answers while it is on; the rest always go to the lab. */
const COMPARE_ROUTED = new Set([
  'play',
  'pause',
  'speed',
  'seek',
  'reset',
  'step',
  'frame',
  'compare-start',
  'compare-stop',
])

function post(r: Reply): void {
  if (r.type === 'frame')
    scope.postMessage(r, [
      r.attempts.buffer,
      r.templates.buffer,
      r.refreshes.buffer,
      r.rsCounters.buffer,
      r.textbookMarks.buffer,
    ])
  else scope.postMessage(r)
}

/** Wall ms spent handling requests (the test build's stats: the worker's busy time). */
let busyMs = 0

scope.onmessage = (ev) => {
  const start = wallClock()
  const req = ev.data
  const toCompare = req.type === 'compare-start' || (compare.active && COMPARE_ROUTED.has(req.type))
  for (const r of toCompare ? compare.handle(req) : host.handle(req)) post(r)
  busyMs += wallClock() - start
}

// the test build only: what `npm run bench:app` reads of the worker (the checkpoints' estimated size)
if (import.meta.env.MODE === 'e2e')
  (self as unknown as { labWorkerStats: () => object }).labWorkerStats = () => ({ ...host.checkpointStats(), busyMs })

scope.onerror = (e) => {
  post({ type: 'error', message: e instanceof ErrorEvent ? e.message : String(e), fatal: true })
}
