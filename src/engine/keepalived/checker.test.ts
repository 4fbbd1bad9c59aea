import { describe, expect, it } from 'vitest'
import { type CheckerState, epilog, probe } from './checker'

const state = (kind: 'TCP_CHECK' | 'HTTP_GET', retry = 2): CheckerState => ({
  cfg: {
    kind,
    line: 1,
    connectTimeout: null,
    retry: null,
    delayBeforeRetry: null,
    delayLoop: null,
    warmup: null,
    connectPort: null,
    urls: kind === 'HTTP_GET' ? [{ path: '/', statusCodes: [[200, 299]] }] : [],
    logAllFailures: false,
  },
  vs: 0,
  rs: 0,
  connectTimeout: 3000,
  retry,
  delayBeforeRetry: 2000,
  delayLoop: 6000,
  port: 80,
  isUp: true,
  hasRun: false,
  retryIt: 0,
  failedUrl: false,
  dueAt: 0,
  pending: null,
})
const N = '[192.168.8.101]:tcp:80'

describe('checker', () => {
  it('probe: crash refused at once, hang after connect_timeout, slow HTTP read past it, a status outside status_code', () => {
    const tcp = state('TCP_CHECK')
    const http = state('HTTP_GET')
    expect(probe(tcp, { kind: 'crash', status: 500, delayMs: 0 })).toEqual({ ok: false, afterMs: 0, why: 'refused' })
    expect(probe(tcp, { kind: 'hang', status: 500, delayMs: 0 })).toEqual({ ok: false, afterMs: 3000, why: 'timeout' })
    expect(probe(tcp, { kind: 'slow', status: 500, delayMs: 5000 }).ok).toBe(true)
    expect(probe(http, { kind: 'slow', status: 500, delayMs: 5000 })).toEqual({
      ok: false,
      afterMs: 3000,
      why: 'read-timeout',
    })
    expect(probe(http, { kind: 'slow', status: 500, delayMs: 1000 })).toEqual({ ok: true, afterMs: 1000, why: 'ok' })
    expect(probe(http, { kind: 'http-status', status: 503, delayMs: 0 }).why).toBe('status')
    expect(probe(http, { kind: 'http-status', status: 204, delayMs: 0 }).ok).toBe(true)
  })

  it('TCP_CHECK (tcp_epilog): the first success logs once; failures retry delay_before_retry apart, then DOWN', () => {
    const c = state('TCP_CHECK')
    const ok = { ok: true, afterMs: 0, why: 'ok' as const }
    const bad = { ok: false, afterMs: 0, why: 'refused' as const }
    expect(epilog(c, ok, N, false)).toEqual({ logs: [`TCP connection to ${N} success.`], change: 'up', delay: 6000 })
    c.isUp = true
    expect(epilog(c, ok, N, false)).toEqual({ logs: [], change: null, delay: 6000 })
    expect(epilog(c, bad, N, false)).toEqual({ logs: [], change: null, delay: 2000 })
    expect(epilog(c, bad, N, true)).toEqual({ logs: [`TCP connection to ${N} failed.`], change: null, delay: 2000 })
    expect(epilog(c, bad, N, false)).toEqual({
      logs: [`TCP_CHECK on service ${N} failed after 2 retries.`],
      change: 'down',
      delay: 6000,
    })
  })

  it('HTTP_GET (epilog): retries, then DOWN; a known-dead server waits the longer of delay_loop and delay_before_retry', () => {
    const c = state('HTTP_GET', 1)
    c.hasRun = true
    const bad = { ok: false, afterMs: 0, why: 'status' as const }
    expect(epilog(c, bad, N, false)).toEqual({ logs: [], change: null, delay: 2000 })
    expect(epilog(c, bad, N, true)).toEqual({
      logs: [`HTTP status code error to server ${N}.`, `HTTP_CHECK on service ${N} failed after 1 retries.`],
      change: 'down',
      delay: 6000,
    })
    c.isUp = false
    expect(epilog(c, bad, N, false)).toEqual({ logs: [], change: null, delay: 6000 })
    expect(epilog(c, { ok: true, afterMs: 0, why: 'ok' }, N, false)).toEqual({
      logs: [`Remote Web server ${N} succeed on service.`],
      change: 'up',
      delay: 6000,
    })
  })
})
