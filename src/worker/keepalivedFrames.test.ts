import { describe, expect, it } from 'vitest'
import { Host } from './host'
import { AttemptHow, decodeAttempts, type Frame } from './protocol'
import { classroom, frameOf } from './testScenarios'

/** A clock the test moves: the history's seeks wait LISTING_QUIET_MS of it before the engine catches up. */
let wall = 0
const host = () => new Host({ now: () => wall })
const ask = (h: Host, log = true) => {
  wall += 400
  return frameOf(h.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '', log }))
}
const seek = (h: Host, toMs: number): Frame => {
  h.handle({ type: 'seek', toMs })
  let f = ask(h)
  // a seek within the history is answered from it; the log comes once the engine caught up
  for (let i = 0; i < 5 && f.engineBehind; i++) f = ask(h)
  return f
}

describe("keepalived's log and the real servers' faults in the frames", () => {
  it("carries keepalived's log as journalctl -u keepalived prints it, and follows a seek", () => {
    const h = host()
    h.handle({ type: 'load', scenario: classroom('keepalived-inhibit-on-failure'), name: 'ka' })
    const first = ask(h)
    expect(first.keepalivedLog?.lines.map((l) => l.text)).toContain(
      'Jan 05 09:00:00 director Keepalived_healthcheckers[1203]: Activating healthchecker for service [192.168.8.101]:tcp:80 for VS [192.168.100.100]:tcp:80',
    )
    // paused and unchanged: nothing is sent
    expect(h.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '', log: true })).toEqual([
      { type: 'idle' },
    ])
    const at300 = seek(h, 300_000)
    const texts = (at300.keepalivedLog?.lines ?? []).map((l) => l.text)
    const down = texts.findIndex((x) =>
      x.endsWith('Disabling service [192.168.8.101]:tcp:80 of VS [192.168.100.100]:tcp:80'),
    )
    expect(down).toBeGreaterThan(0)
    const downMs = (at300.keepalivedLog?.lines ?? [])[down].ms
    expect(downMs).toBeGreaterThan(189_000)
    expect(downMs).toBeLessThanOrEqual(195_000)
    // back before the crash: the line is not there any more
    const at100 = seek(h, 100_000)
    expect(at100.keepalivedLog?.lines.some((l) => l.text.includes('Disabling service'))).toBe(false)
    // the faults in force: .101 crashed from 180 s to 420 s
    expect(at100.faults).toEqual([])
    expect(at300.faults).toEqual([{ addr: 0xc0a80865, kind: 'crash', status: 500, delayMs: 10_000 }])
  })

  it('a lab-fault line (a button) shows as a fault at once and counts failed connections per real server', () => {
    const h = host()
    h.handle({ type: 'load', scenario: classroom('preset-ppc'), name: 'ppc' })
    seek(h, 20_000)
    h.handle({ type: 'run', id: 1, line: 'lab-fault 192.168.8.101 crash', by: 'button' })
    const f = ask(h)
    expect(f.faults.map((x) => [x.addr, x.kind])).toEqual([[0xc0a80865, 'crash']])
    const later = seek(h, 120_000)
    expect(later.metrics.failedConnections).toBeGreaterThan(0)
    expect(later.metrics.failedByRs?.['192.168.8.101']).toBe(later.metrics.failedConnections)
    expect(later.metrics.refused).toBeGreaterThanOrEqual(later.metrics.failedConnections ?? 0)
    h.handle({ type: 'run', id: 2, line: 'lab-fault 192.168.8.101 recover', by: 'button' })
    expect(ask(h).faults).toEqual([])
  })

  it("Why? of a connection a template sent to the server keepalived set to weight 0 says so, from the run's state", () => {
    const h = host()
    h.handle({ type: 'load', scenario: classroom('keepalived-inhibit-on-failure'), name: 'ka' })
    const f = seek(h, 300_000)
    const rows = decodeAttempts(f.attempts)
    const i = rows.findIndex((a) => a.rsAddr === 0xc0a80865 && a.how === AttemptHow.TEMPLATE_HIT && a.at > 200_000)
    expect(i).toBeGreaterThanOrEqual(0)
    const [why] = h.handle({ type: 'why', id: 7, target: { kind: 'attempt', seq: f.attemptsFirstSeq + i } })
    const steps = (why as { steps: { key: string; values: Record<string, unknown> }[] }).steps
    expect(steps.map((x) => x.key)).toEqual([
      'why.attempt.arrives',
      'why.attempt.service',
      'why.attempt.hit',
      'why.attempt.quiescentBy',
      'why.attempt.sentHit',
      'why.attempt.crashed',
    ])
    expect(steps[3].values).toEqual({ rs: '192.168.8.101', by: 'keepalived' })
    // before keepalived noticed the crash, .101's weight was 2: no word of weight 0
    const early = rows.findIndex((a) => a.rsAddr === 0xc0a80865 && a.at > 180_500 && a.at < 189_000)
    if (early >= 0) {
      const [w] = h.handle({ type: 'why', id: 8, target: { kind: 'attempt', seq: f.attemptsFirstSeq + early } })
      expect((w as { steps: { key: string }[] }).steps.map((x) => x.key)).not.toContain('why.attempt.quiescentBy')
    }
  })
})
