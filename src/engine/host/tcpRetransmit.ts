import { wheelLatenessMs } from '../sim/timerWheel'

/**
 * A Linux client's retransmission timer, as Linux 6.1.192's net/ipv4/tcp_timer.c runs it
 * (`tcp_retransmit_timer()`, `tcp_write_timeout()`, `retransmits_timed_out()`,
 * `tcp_model_timeout()`, `tcp_orphan_retries()`): when a segment the director dropped is sent
 * again, and when the client gives up.
 *
 * The clients are other hosts than the director: their `net.ipv4.tcp_*` values are Linux's
 * defaults (`CLIENT_TCP_SYSCTL`), whatever the director's own sysctl says.
 */

/** include/net/tcp.h, in milliseconds. */
export const TCP_RTO_MIN_MS = 200
export const TCP_RTO_MAX_MS = 120_000
/** RFC 6298's initial RTO, the SYN's (`tcp_timeout_init()` without a BPF override). */
export const TCP_TIMEOUT_INIT_MS = 1000

/** A client host's `net.ipv4.tcp_syn_retries`, `tcp_retries2`, `tcp_orphan_retries`: Linux's defaults. */
export interface ClientTcpSysctl {
  tcp_syn_retries: number
  tcp_retries2: number
  tcp_orphan_retries: number
}

/** TCP_SYN_RETRIES (6), TCP_RETR2 (15) and 0 for tcp_orphan_retries (which then means 8). */
export const CLIENT_TCP_SYSCTL: Readonly<ClientTcpSysctl> = Object.freeze({
  tcp_syn_retries: 6,
  tcp_retries2: 15,
  tcp_orphan_retries: 0,
})

/**
 * What the timer guards: the SYN of a connecting socket (`TCP_SYN_SENT`); a segment (data, or the
 * FIN of `shutdown()`) of a socket its application still holds; the FIN of a socket the
 * application has closed (`close()`: an orphan, `SOCK_DEAD`) — what the lab's clients send.
 */
export type RetransmitKind = 'syn' | 'established' | 'orphan'

/**
 * tcp_orphan_retries(): how many retransmissions an orphaned socket is allowed. 0 (the default)
 * means 8 while the socket is alive (its RTO below TCP_RTO_MAX) — "8 corresponds to >100 seconds
 * with minimal RTO of 200msec" — and 0 once an ICMP error was seen on a socket that is not.
 */
export function tcpOrphanRetries(sysctl: number, alive: boolean, errSoft = false): number {
  let retries = sysctl
  if (errSoft && !alive) retries = 0
  if (retries === 0 && alive) retries = 8
  return retries
}

/**
 * tcp_model_timeout(): the time `boundary` retransmissions take when the RTO starts at `rtoBase`
 * and doubles up to TCP_RTO_MAX (ms).
 */
export function tcpModelTimeout(boundary: number, rtoBase: number): number {
  const linearBackoffThresh = Math.floor(Math.log2(TCP_RTO_MAX_MS / rtoBase))
  if (boundary <= linearBackoffThresh) return (2 * 2 ** boundary - 1) * rtoBase
  return (2 * 2 ** linearBackoffThresh - 1) * rtoBase + (boundary - linearBackoffThresh) * TCP_RTO_MAX_MS
}

/**
 * retransmits_timed_out() with no TCP_USER_TIMEOUT: false before the first retransmission;
 * otherwise whether `sinceRetransStamp` ms (since `retrans_stamp`) reach the modelled time of
 * `boundary` retransmissions (the RTO base is TCP_TIMEOUT_INIT in SYN_SENT, TCP_RTO_MIN after).
 */
export function retransmitsTimedOut(
  retransmits: number,
  sinceRetransStamp: number,
  boundary: number,
  synSent: boolean,
): boolean {
  if (retransmits === 0) return false
  return sinceRetransStamp - tcpModelTimeout(boundary, synSent ? TCP_TIMEOUT_INIT_MS : TCP_RTO_MIN_MS) >= 0
}

/**
 * The timer of one segment nobody acknowledges, from its first transmission (time 0): `firings[i]`
 * is when the retransmission timer fires the (i+1)-th time (ms); the first `retransmits` firings
 * send the segment again, the next one gives up (`tcp_write_err()`: ETIMEDOUT, the socket is done).
 * `rtos[i]` is the RTO the timer was armed with before that firing (the backoff series).
 */
export interface RetransmitSchedule {
  readonly firings: readonly number[]
  readonly rtos: readonly number[]
  readonly retransmits: number
}

/**
 * tcp_retransmit_timer(), fired again and again for a segment that is never acknowledged:
 * `tcp_write_timeout()` decides first (SYN_SENT: `icsk_retransmits >= tcp_syn_retries`, and the
 * time model; otherwise `retransmits_timed_out()` against `tcp_retries2`, or, for an orphan,
 * `tcp_orphan_retries()`), then the segment goes again (`tcp_retransmit_skb()` saves the time of
 * the first retransmission in `retrans_stamp`; a SYN's was saved when it was first sent, by
 * `tcp_connect()`) and the RTO doubles, up to TCP_RTO_MAX.
 *
 * The timer is a kernel timer armed `icsk_rto` ahead (`inet_csk_reset_xmit_timer()`): an RTO of
 * 16.1 s or more lands in the timer wheel's level 3 and fires late, as every long timer of the
 * engine does (`wheelLatenessMs()`, docs/adr/0001: half a 2.048 s bucket). That lateness decides
 * an orphan's last firing: without it the 9th would come 102.0 s after the first retransmission,
 * 0.2 s short of tcp_model_timeout(8) = 102.2 s, and go out once more; with any lateness at all
 * (on a real kernel, three level-3 timers' worth) it finds the time up — 8 retransmissions, as
 * tcp_orphan_retries' comment says.
 *
 * The first RTO: TCP_TIMEOUT_INIT for a SYN; TCP_RTO_MIN after the handshake. On a LAN the
 * smoothed RTT is far below a millisecond and `tcp_rtt_estimator()` keeps `rttvar` at
 * TCP_RTO_MIN or more, so the RTO is TCP_RTO_MIN plus that RTT rounded up to a jiffy (204 ms at
 * Debian's HZ=250) when the handshake seeds it, TCP_RTO_MIN exactly when `tcp_init_metrics()`
 * seeds it from an earlier connection's cached RTT; the model takes TCP_RTO_MIN (by the 8th
 * retransmission the two differ by 1 s). `tcp_out_of_resources()` (too many orphans, memory
 * pressure) never kills a lab client's socket early.
 */
export function retransmitSchedule(
  kind: RetransmitKind,
  sysctl: Readonly<ClientTcpSysctl> = CLIENT_TCP_SYSCTL,
): RetransmitSchedule {
  const synSent = kind === 'syn'
  let rto = synSent ? TCP_TIMEOUT_INIT_MS : TCP_RTO_MIN_MS
  let retransStamp: number | null = synSent ? 0 : null
  let retransmits = 0
  let t = 0
  const firings: number[] = []
  const rtos: number[] = []
  for (;;) {
    // inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, icsk_rto, TCP_RTO_MAX), fired by the wheel
    t += rto + wheelLatenessMs(rto)
    firings.push(t)
    rtos.push(rto)
    // tcp_write_timeout()
    let expired = false
    let retryUntil: number
    if (synSent) {
      retryUntil = sysctl.tcp_syn_retries
      expired = retransmits >= retryUntil
    } else {
      retryUntil = sysctl.tcp_retries2
      if (kind === 'orphan') retryUntil = tcpOrphanRetries(sysctl.tcp_orphan_retries, rto < TCP_RTO_MAX_MS)
    }
    if (!expired) expired = retransmitsTimedOut(retransmits, t - (retransStamp ?? t), retryUntil, synSent)
    if (expired) return { firings, rtos, retransmits }
    // icsk_retransmits++; tcp_retransmit_skb(): "Save stamp of the first (attempted) retransmit."
    retransmits++
    if (retransStamp === null) retransStamp = t
    // "Use normal (exponential) backoff"
    rto = Math.min(rto * 2, TCP_RTO_MAX_MS)
  }
}

/**
 * A client's SYN: retransmitted at 1, 3, 7, 15, 31 and 64.0 s (the 32 s RTO fires 1 s late);
 * ETIMEDOUT at 129.0 s.
 */
export const SYN_SCHEDULE = retransmitSchedule('syn')

/**
 * A closed client's FIN: retransmitted at 0.2, 0.6, 1.4, 3.0, 6.2, 12.6, 25.4 and 52.0 s after
 * it was first sent; the socket is destroyed, silently, at 104.2 s.
 */
export const ORPHAN_FIN_SCHEDULE = retransmitSchedule('orphan')
