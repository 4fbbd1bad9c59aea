import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
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

  it('tcp_write_timeout() in SYN_SENT: the SYN goes again at 1, 3, 7, 15, 31, 63 s; the 7th firing, at 127 s, gives up', () => {
    expect(SYN_SCHEDULE).toEqual({ firings: [1000, 3000, 7000, 15000, 31000, 63000, 127000], retransmits: 6 })
    // icsk_retransmits >= tcp_syn_retries
    expect(retransmitSchedule('syn', { ...CLIENT_TCP_SYSCTL, tcp_syn_retries: 2 })).toEqual({
      firings: [1000, 3000, 7000],
      retransmits: 2,
    })
  })

  it("an orphan's FIN (close()): RTO from TCP_RTO_MIN, doubling; retrans_stamp is the first retransmission's time, so 9 go before the 8 retries' 102.2 s have passed", () => {
    // tcp_retransmit_skb(): "Save stamp of the first (attempted) retransmit." — at 0.2 s; the
    // firing at 102.2 s finds 102.0 s since then (< 102.2 s): one more; at 204.6 s it gives up
    expect(ORPHAN_FIN_SCHEDULE).toEqual({
      firings: [200, 600, 1400, 3000, 6200, 12600, 25400, 51000, 102200, 204600],
      retransmits: 9,
    })
    // tcp_orphan_retries = 2: tcp_model_timeout(2, 200 ms) = 1.4 s after 0.2 s
    expect(retransmitSchedule('orphan', { ...CLIENT_TCP_SYSCTL, tcp_orphan_retries: 2 })).toEqual({
      firings: [200, 600, 1400, 3000],
      retransmits: 3,
    })
  })

  it('a socket its application still holds: tcp_retries2 (15), the RTO capped at TCP_RTO_MAX (120 s)', () => {
    const s = retransmitSchedule('established')
    expect(s.retransmits).toBe(16)
    expect(s.firings.at(-1)).toBe(1_044_600)
    expect(s.firings.slice(9, 12)).toEqual([204_600, 324_600, 444_600])
  })

  it('property: the timer fires at the RTO series (base × 2^i, capped at TCP_RTO_MAX), retransmits up to its limit, gives up exactly once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<RetransmitKind>('syn', 'established', 'orphan'),
        fc.record({
          tcp_syn_retries: fc.integer({ min: 1, max: 127 }),
          tcp_retries2: fc.integer({ min: 0, max: 30 }),
          tcp_orphan_retries: fc.integer({ min: 0, max: 20 }),
        }),
        (kind, sysctl) => {
          const { firings, retransmits } = retransmitSchedule(kind, sysctl)
          const base = kind === 'syn' ? TCP_TIMEOUT_INIT_MS : TCP_RTO_MIN_MS
          // every firing but the last retransmits; the last one gives up
          expect(firings).toHaveLength(retransmits + 1)
          let prev = 0
          for (const [i, t] of firings.entries()) {
            const gap = t - prev
            expect(gap).toBe(Math.min(base * 2 ** i, TCP_RTO_MAX_MS))
            expect(gap).toBeLessThanOrEqual(TCP_RTO_MAX_MS)
            prev = t
          }
          if (kind === 'syn') expect(retransmits).toBe(sysctl.tcp_syn_retries)
          else {
            // the give-up firing is the first one at which retrans_stamp (the first retransmission,
            // at `base`) is tcp_model_timeout() old (for a dead socket, while it is alive)
            const boundary =
              kind === 'orphan'
                ? tcpOrphanRetries(
                    sysctl.tcp_orphan_retries,
                    (firings.at(-1) ?? 0) - (firings.at(-2) ?? 0) < TCP_RTO_MAX_MS,
                  )
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
