import type { CheckerConfig } from './config'
import type { ActiveFault } from './faults'

/**
 * One health checker's state machine: TCP_CHECK as check_tcp.c `tcp_check_thread()` and
 * `tcp_epilog()`, HTTP_GET as check_http.c `epilog()` and `timeout_epilog()`. The daemon
 * (daemon.ts) runs it on the simulated clock; this file decides what one check's outcome does.
 */
export interface CheckerState {
  cfg: CheckerConfig
  vs: number
  rs: number
  /** Resolved as check_data.c does: the checker's, else the real server's, else the virtual server's. */
  connectTimeout: number
  retry: number
  delayBeforeRetry: number
  delayLoop: number
  port: number
  isUp: boolean
  hasRun: boolean
  retryIt: number
  /** HTTP_GET: a URL failed (`failed_url`). */
  failedUrl: boolean
  /** When the next check starts (ms), or when the current one's outcome is known. */
  dueAt: number
  /** The current check's outcome, known at `dueAt`; null when the next thing due is a new check. */
  pending: ProbeOutcome | null
}

/** What one check sees. */
export interface ProbeOutcome {
  ok: boolean
  /** After how long it is known (ms). */
  afterMs: number
  /** Why it failed: connect refused (RST), connect timeout, HTTP status, read timeout. */
  why: 'ok' | 'refused' | 'timeout' | 'status' | 'read-timeout'
}

/**
 * One check against a real server in the state `fault`: TCP connect (refused at once, or timed
 * out after connect_timeout), then for HTTP_GET the answer's status (each URL in turn; the read
 * also times out after connect_timeout).
 */
export function probe(c: CheckerState, fault: ActiveFault | null): ProbeOutcome {
  if (fault?.kind === 'crash') return { ok: false, afterMs: 0, why: 'refused' }
  if (fault?.kind === 'hang') return { ok: false, afterMs: c.connectTimeout, why: 'timeout' }
  if (c.cfg.kind === 'TCP_CHECK') return { ok: true, afterMs: 0, why: 'ok' }
  if (fault?.kind === 'slow') {
    if (fault.delayMs >= c.connectTimeout) return { ok: false, afterMs: c.connectTimeout, why: 'read-timeout' }
    return { ok: true, afterMs: fault.delayMs, why: 'ok' }
  }
  const status = fault?.kind === 'http-status' ? fault.status : 200
  for (const u of c.cfg.urls)
    if (!u.statusCodes.some(([lo, hi]) => status >= lo && status <= hi)) return { ok: false, afterMs: 0, why: 'status' }
  return { ok: true, afterMs: 0, why: 'ok' }
}

/** What an outcome does: the lines to log, the state change to make (UP/DOWN) and the next delay. */
export interface EpilogResult {
  logs: string[]
  change: 'up' | 'down' | null
  delay: number
}

/**
 * The epilog of one check (`tcp_epilog()` / HTTP's `epilog()`), given the checker's name as
 * FMT_CHK prints it. Mutates the counters; the caller applies `change` (update_svr_checker_state).
 */
export function epilog(c: CheckerState, out: ProbeOutcome, name: string, logAll: boolean): EpilogResult {
  const logs: string[] = []
  let change: EpilogResult['change'] = null
  let delay: number
  if (c.cfg.kind === 'TCP_CHECK') {
    if (!out.ok && c.isUp && logAll)
      logs.push(out.why === 'timeout' ? `TCP connection to ${name} timeout.` : `TCP connection to ${name} failed.`)
    if (out.ok || c.retryIt >= c.retry) {
      delay = c.delayLoop
      c.retryIt = 0
      if (out.ok && (!c.isUp || !c.hasRun)) {
        logs.push(`TCP connection to ${name} success.`)
        change = 'up'
      } else if (!out.ok && (c.isUp || !c.hasRun)) {
        logs.push(
          c.retry && c.hasRun
            ? `TCP_CHECK on service ${name} failed after ${c.retry} retries.`
            : `TCP_CHECK on service ${name} failed.`,
        )
        change = 'down'
      }
    } else {
      delay = c.delayBeforeRetry
      c.retryIt++
    }
    c.hasRun = true
    return { logs, change, delay }
  }
  // HTTP_GET
  if (out.ok) {
    if (!c.isUp || !c.hasRun) {
      logs.push(`Remote Web server ${name} succeed on service.`)
      change = 'up'
      c.hasRun = true
    }
    c.failedUrl = false
    c.retryIt = 0
    return { logs, change, delay: c.delayLoop }
  }
  const longest = Math.max(c.delayBeforeRetry, c.delayLoop)
  if (c.isUp || !c.hasRun) {
    // timeout_epilog(): the message only with log_all_failures, then a retry
    if (logAll) {
      const what =
        out.why === 'status'
          ? 'HTTP status code error to'
          : out.why === 'read-timeout'
            ? 'Timeout HTTP read'
            : out.why === 'refused'
              ? 'Error connecting'
              : 'Timeout connecting'
      logs.push(`${what} server ${name}.`)
    }
    c.hasRun = true
    c.retryIt++
    if (c.retryIt > c.retry) {
      logs.push(
        c.retry
          ? `HTTP_CHECK on service ${name} failed after ${c.retryIt - 1} retries.`
          : `HTTP_CHECK on service ${name} failed.`,
      )
      change = 'down'
      c.failedUrl = true
    }
    return { logs, change, delay: c.failedUrl ? longest : c.delayBeforeRetry }
  }
  // do not retry if server is already known as dead
  return { logs, change, delay: c.failedUrl ? longest : c.delayBeforeRetry }
}
