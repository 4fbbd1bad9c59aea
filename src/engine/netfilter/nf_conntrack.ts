import type { NfPacket } from './rule'

/**
 * Connection tracking as the director's packets meet it before IPVS (net/netfilter/
 * nf_conntrack_core.c nf_conntrack_in(), nf_conntrack_proto_tcp.c tcp_new()/tcp_packet(),
 * and IPVS's net/netfilter/ipvs/ip_vs_xmit.c ip_vs_notrack()). It fills the packet's
 * conntrack view (`ctState`, the tuple) that xt_conntrack.ts (`-m state`, `-m conntrack`) reads.
 *
 * With net.ipv4.vs.conntrack=0 (the default) IPVS calls ip_vs_notrack() on every packet it
 * forwards (ip_vs_send_or_cont(), ip_vs_nat_send_or_cont(), handle_response()): the conntrack
 * created in PREROUTING is never confirmed, so every packet of a flow starts a fresh one. The
 * state is then the first-packet state of its TCP flags — SYN: NEW; a bare ACK: NEW (picked up
 * mid-stream, nf_conntrack_tcp_loose=1); FIN, RST, SYN-ACK: INVALID (tcp_conntracks[0][…][sNO]
 * is sIV) — and UDP is always NEW. A director's rule `-m state --state ESTABLISHED` therefore
 * never matches a client's packet unless net.ipv4.vs.conntrack=1.
 *
 * With net.ipv4.vs.conntrack=1 the entries are confirmed and kept in `table` (simplified: keyed
 * by the client's end; a reply marks the entry SEEN_REPLY, after which both directions are
 * ESTABLISHED; an ACK before any reply on an entry still in SYN_SENT is INVALID, as sSS→sIV;
 * entries go at RST, at the client's last ACK after its FIN, or after the kernel's default
 * timeouts — not the full TCP window tracking).
 */

/** The state bits of xt_conntrack.h: XT_CONNTRACK_STATE_BIT(ctinfo) = 1 << (ctinfo % IP_CT_IS_REPLY + 1). */
export const CT_INVALID = 1
export const CT_ESTABLISHED = 2
export const CT_RELATED = 4
export const CT_NEW = 8
export const CT_SNAT = 64
export const CT_DNAT = 128
export const CT_UNTRACKED = 256

const FIN = 0x01
const SYN = 0x02
const RST = 0x04
const ACK = 0x10

/** The state a packet gets from a conntrack created for it (tcp_new(): tcp_conntracks[0][index][sNO]). */
export function firstPacketState(protocol: number, tcpFlags: number): number {
  if (protocol !== 6) return CT_NEW
  if (tcpFlags & RST) return CT_INVALID
  if (tcpFlags & SYN) return tcpFlags & ACK ? CT_INVALID : CT_NEW
  if (tcpFlags & FIN) return CT_INVALID
  if (tcpFlags & ACK) return CT_NEW
  return CT_INVALID
}

interface CtEntry {
  client: number
  clientPort: number
  /** The original tuple's other end (the VIP, as the client addressed it). */
  peer: number
  peerPort: number
  protocol: number
  seenReply: boolean
  synSent: boolean
  finSeen: boolean
  /** Simulated ms after which the entry is gone. */
  expires: number
}

/** nf_conntrack_udp_timeout(_stream), tcp_timeouts[] (SYN_SENT 120 s, ESTABLISHED 5 days). */
const TIMEOUT_MS = { udp: 30_000, udpStream: 120_000, synSent: 120_000, established: 432_000_000 }

export class Conntrack {
  /** Confirmed entries (net.ipv4.vs.conntrack=1 only), keyed `proto|client|port`. */
  readonly table = new Map<string, CtEntry>()

  /**
   * Give `pkt` its conntrack view. `reply`: the packet comes from a real server through a NAT
   * director; `confirm`: net.ipv4.vs.conntrack=1; `now`: simulated ms.
   */
  classify(pkt: NfPacket, reply: boolean, confirm: boolean, now: number): void {
    pkt.ctOrigSrc = pkt.saddr
    pkt.ctOrigDst = pkt.daddr
    pkt.ctReplSrc = pkt.daddr
    pkt.ctReplDst = pkt.saddr
    if (!confirm) {
      pkt.ctState = firstPacketState(pkt.protocol, pkt.tcpFlags)
      return
    }
    const client = reply ? pkt.daddr : pkt.saddr
    const clientPort = reply ? pkt.dport : pkt.sport
    const key = `${pkt.protocol}|${client}|${clientPort}`
    let e = this.table.get(key)
    if (e && e.expires <= now) {
      this.table.delete(key)
      e = undefined
    }
    const tcp = pkt.protocol === 6
    const f = pkt.tcpFlags
    if (!e) {
      const st = firstPacketState(pkt.protocol, f)
      pkt.ctState = st
      if (st === CT_INVALID) return
      e = {
        client,
        clientPort,
        peer: reply ? pkt.saddr : pkt.daddr,
        peerPort: reply ? pkt.sport : pkt.dport,
        protocol: pkt.protocol,
        seenReply: false,
        synSent: tcp && (f & SYN) !== 0,
        finSeen: false,
        expires: now + (tcp ? (f & SYN ? TIMEOUT_MS.synSent : TIMEOUT_MS.established) : TIMEOUT_MS.udp),
      }
      this.table.set(key, e)
      if (this.table.size % 4096 === 0) this.sweep(now)
      return
    }
    // the tuple as first seen
    pkt.ctOrigSrc = e.client
    pkt.ctOrigDst = e.peer
    pkt.ctReplSrc = reply ? pkt.saddr : e.peer
    pkt.ctReplDst = e.client
    if (reply) {
      e.seenReply = true
      e.synSent = false
      pkt.ctState = CT_ESTABLISHED
    } else if (tcp && e.synSent && !e.seenReply && !(f & SYN) && f & ACK) {
      pkt.ctState = CT_INVALID
      return
    } else pkt.ctState = e.seenReply ? CT_ESTABLISHED : CT_NEW
    if (tcp) {
      if (f & RST) {
        this.table.delete(key)
        return
      }
      if (!reply && f & FIN) e.finSeen = true
      else if (!reply && e.finSeen && f === ACK) {
        this.table.delete(key)
        return
      }
      if (!(f & SYN)) e.expires = now + TIMEOUT_MS.established
    } else e.expires = now + (e.seenReply ? TIMEOUT_MS.udpStream : TIMEOUT_MS.udp)
  }

  /** Drop every expired entry (the kernel's gc worker, gc_worker()). */
  sweep(now: number): void {
    for (const [k, e] of this.table) if (e.expires <= now) this.table.delete(k)
  }
}
