import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { wheelLatenessMs } from '../sim/timerWheel'
import {
  CLIENT_TCP_SYSCTL,
  ORPHAN_FIN_SCHEDULE,
  type RetransmitKind,
  retransmitSchedule,
  retransmitsTimedOut,
  SYN_SCHEDULE,
  TCP_RTO_MAX_MS,
  TCP_RTO_MIN_MS,
  TCP_TIMEOUT_INIT_MS,
  tcpModelTimeout,
  tcpOrphanRetries,
} from './tcpRetransmit'

describe("a Linux client's retransmission timer (net/ipv4/tcp_timer.c, 6.1.192)", () => {
  it('tcp_orphan_retries(): 0 means 8 while the RTO is below TCP_RTO_MAX; after an ICMP error a dead one gets 0', () => {
    expect(tcpOrphanRetries(0, true)).toBe(8)
    expect(tcpOrphanRetries(0, false)).toBe(0)
    expect(tcpOrphanRetries(3, true)).toBe(3)
    expect(tcpOrphanRetries(3, false)).toBe(3)
    expect(tcpOrphanRetries(3, false, true)).toBe(0)
    expect(tcpOrphanRetries(3, true, true)).toBe(3)
  })

  it('tcp_model_timeout(): (2 << boundary) - 1 RTO bases, then TCP_RTO_MAX per retransmission past ilog2(TCP_RTO_MAX / base)', () => {
    // tcp_syn_retries 6 with TCP_TIMEOUT_INIT: 127 s
    expect(tcpModelTimeout(6, TCP_TIMEOUT_INIT_MS)).toBe(127_000)
    // tcp_orphan_retries' 8 with TCP_RTO_MIN: 102.2 s ("8 corresponds to >100 seconds")
    expect(tcpModelTimeout(8, TCP_RTO_MIN_MS)).toBe(102_200)
    // tcp_retries2 15 with TCP_RTO_MIN: 924.6 s (ip-sysctl.rst's figure); ilog2(600) = 9
    expect(tcpModelTimeout(15, TCP_RTO_MIN_MS)).toBe(924_600)
    expect(tcpModelTimeout(9, TCP_RTO_MIN_MS)).toBe(204_600)
    expect(tcpModelTimeout(10, TCP_RTO_MIN_MS)).toBe(324_600)
  })

  it('retransmits_timed_out(): never before the first retransmission, then once retrans_stamp is the model time old', () => {
    expect(retransmitsTimedOut(0, 10_000_000, 1, false)).toBe(false)
    expect(retransmitsTimedOut(1, 102_199, 8, false)).toBe(false)
    expect(retransmitsTimedOut(1, 102_200, 8, false)).toBe(true)
    // SYN_SENT: the base is tcp_timeout_init()
    expect(retransmitsTimedOut(6, 126_999, 6, true)).toBe(false)
    expect(retransmitsTimedOut(6, 127_000, 6, true)).toBe(true)
  })

  it('tcp_write_timeout() in SYN_SENT: the SYN goes again after RTOs of 1, 2, 4, 8, 16, 32 s; the 7th firing gives up', () => {
    // the 32 s and 64 s timers sit in the wheel's level 3 and fire half a 2.048 s bucket late
    expect(SYN_SCHEDULE).toEqual({
      firings: [1000, 3000, 7000, 15000, 31000, 64024, 129048],
      rtos: [1000, 2000, 4000, 8000, 16000, 32000, 64000],
      retransmits: 6,
    })
    // icsk_retransmits >= tcp_syn_retries
    expect(retransmitSchedule('syn', { ...CLIENT_TCP_SYSCTL, tcp_syn_retries: 2 })).toEqual({
      firings: [1000, 3000, 7000],
      rtos: [1000, 2000, 4000],
      retransmits: 2,
    })
  })

  it("an orphan's FIN (close()): RTO from TCP_RTO_MIN, doubling; 8 retransmissions, then the 9th firing finds tcp_model_timeout(8) = 102.2 s passed since retrans_stamp", () => {
    // tcp_retransmit_skb(): "Save stamp of the first (attempted) retransmit." — at 0.2 s; the
    // 9th firing, at 104.2 s (the 25.6 s and 51.2 s timers fired 1 s late each), is 104.0 s later
    expect(ORPHAN_FIN_SCHEDULE).toEqual({
      firings: [200, 600, 1400, 3000, 6200, 12600, 25400, 52024, 104248],
      rtos: [200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200],
      retransmits: 8,
    })
    // tcp_orphan_retries = 2: tcp_model_timeout(2, 200 ms) = 1.4 s after 0.2 s
    expect(retransmitSchedule('orphan', { ...CLIENT_TCP_SYSCTL, tcp_orphan_retries: 2 })).toEqual({
      firings: [200, 600, 1400, 3000],
      rtos: [200, 400, 800, 1600],
      retransmits: 3,
    })
  })

  it('a socket its application still holds: tcp_retries2 (15), the RTO capped at TCP_RTO_MAX (120 s); it gives up after 933.8 s', () => {
    const s = retransmitSchedule('established')
    expect(s.retransmits).toBe(15)
    expect(s.rtos.slice(9)).toEqual([102_400, 120_000, 120_000, 120_000, 120_000, 120_000, 120_000])
    // tcp_model_timeout(15, 200 ms) = 924.6 s after the first retransmission (0.2 s), plus the
    // lateness of the long timers: the 16th firing is the first past it
    expect(s.firings.at(-1)).toBe(933_816)
    expect((s.firings.at(-2) ?? 0) - 200).toBeLessThan(924_600)
  })

  it('property: the timer is armed with the RTO series (base × 2^i, capped at TCP_RTO_MAX), fires when the wheel says, retransmits up to its limit, gives up exactly once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<RetransmitKind>('syn', 'established', 'orphan'),
        fc.record({
          tcp_syn_retries: fc.integer({ min: 1, max: 127 }),
          tcp_retries2: fc.integer({ min: 0, max: 30 }),
          tcp_orphan_retries: fc.integer({ min: 0, max: 20 }),
        }),
        (kind, sysctl) => {
          const { firings, rtos, retransmits } = retransmitSchedule(kind, sysctl)
          const base = kind === 'syn' ? TCP_TIMEOUT_INIT_MS : TCP_RTO_MIN_MS
          // every firing but the last retransmits; the last one gives up
          expect(firings).toHaveLength(retransmits + 1)
          expect(rtos).toHaveLength(retransmits + 1)
          let prev = 0
          for (const [i, t] of firings.entries()) {
            // the backoff series, never above TCP_RTO_MAX; the wheel fires it at most a bucket late
            expect(rtos[i]).toBe(Math.min(base * 2 ** i, TCP_RTO_MAX_MS))
            expect(rtos[i]).toBeLessThanOrEqual(TCP_RTO_MAX_MS)
            expect(t - prev).toBe(rtos[i] + wheelLatenessMs(rtos[i]))
            prev = t
          }
          if (kind === 'syn') {
            // tcp_write_timeout() in SYN_SENT: icsk_retransmits >= tcp_syn_retries, or (the wheel's
            // lateness adding up over many long RTOs) retransmits_timed_out() from the first SYN
            const limit = tcpModelTimeout(sysctl.tcp_syn_retries, TCP_TIMEOUT_INIT_MS)
            expect(retransmits).toBeLessThanOrEqual(sysctl.tcp_syn_retries)
            if (retransmits < sysctl.tcp_syn_retries) expect(firings.at(-1)).toBeGreaterThanOrEqual(limit)
            for (const t of firings.slice(0, -1)) expect(t).toBeLessThan(limit)
          } else {
            // the give-up firing is the first one at which retrans_stamp (the first retransmission,
            // at `base`) is tcp_model_timeout() old (for a dead socket, while it is alive)
            const boundary =
              kind === 'orphan'
                ? tcpOrphanRetries(sysctl.tcp_orphan_retries, (rtos.at(-1) ?? 0) < TCP_RTO_MAX_MS)
                : sysctl.tcp_retries2
            const limit = tcpModelTimeout(boundary, TCP_RTO_MIN_MS)
            expect((firings.at(-1) ?? 0) - base).toBeGreaterThanOrEqual(retransmits === 0 ? -base : limit)
            for (const t of firings.slice(1, -1)) expect(t - base).toBeLessThan(limit)
          }
        },
      ),
      { seed: 61192, numRuns: 500 },
    )
  })
})
