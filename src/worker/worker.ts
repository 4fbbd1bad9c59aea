/**
 * The Web Worker entry: a thin shell around Host. Requests come in as messages; replies go out
 * with their typed arrays transferred, not copied. A fault is posted, never swallowed.
 */
import { Host } from './host'
import type { Reply, Request } from './protocol'

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void
  onmessage: ((ev: MessageEvent<Request>) => void) | null
  onerror: ((ev: unknown) => void) | null
}
const scope = self as unknown as WorkerScope

const host = new Host()

function post(r: Reply): void {
  if (r.type === 'frame')
    scope.postMessage(r, [r.attempts.buffer, r.templates.buffer, r.refreshes.buffer, r.rsCounters.buffer])
  else scope.postMessage(r)
}

scope.onmessage = (ev) => {
  for (const r of host.handle(ev.data)) post(r)
}

scope.onerror = (e) => {
  post({ type: 'error', message: e instanceof ErrorEvent ? e.message : String(e), fatal: true })
}
