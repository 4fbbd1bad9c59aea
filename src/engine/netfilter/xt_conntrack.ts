import { CT_DNAT, CT_SNAT } from './nf_conntrack'
import type { AddrMask, NfPacket } from './rule'

/**
 * The conntrack match at packet time (`-m conntrack`, and `-m state`, which iptables 1.8.9
 * loads as the conntrack match with XT_CONNTRACK_STATE_ALIAS): net/netfilter/xt_conntrack.c
 * conntrack_mt() over struct xt_conntrack_mtinfo3. The packet's state and tuple come from
 * nf_conntrack.ts. Its command lines and listings: userland/iptables/extensions/libxt_conntrack.ts
 * and libxt_state.ts.
 */

export interface ConntrackMatch {
  name: 'conntrack'
  /** Written as `-m state --state` (the alias); otherwise `-m conntrack`. */
  alias: boolean
  /** XT_CONNTRACK_STATE: a mask of nf_conntrack.ts CT_* bits, or null when not given. */
  state: number | null
  stateInv: boolean
  /** XT_CONNTRACK_PROTO: the layer-4 protocol number. */
  proto: number | null
  protoInv: boolean
  origsrc: AddrMask | null
  origsrcInv: boolean
  origdst: AddrMask | null
  origdstInv: boolean
  replsrc: AddrMask | null
  replsrcInv: boolean
  repldst: AddrMask | null
  repldstInv: boolean
}

const addrHit = (a: number, m: AddrMask): boolean => (a & m.mask) >>> 0 === (m.addr & m.mask) >>> 0

/** conntrack_mt(): state (with SNAT/DNAT bits, none here: the lab has no NAT rules), then the tuple and protocol. */
export function conntrackMatches(m: ConntrackMatch, pkt: NfPacket): boolean {
  const statebit = pkt.ctState & ~(CT_SNAT | CT_DNAT)
  if (m.state !== null && ((m.state & statebit) !== 0) === m.stateInv) return false
  // no conntrack (INVALID or UNTRACKED): only a state test can match
  if (statebit === 1 || statebit === 256) return m.state !== null
  if (m.origsrc && addrHit(pkt.ctOrigSrc, m.origsrc) === m.origsrcInv) return false
  if (m.origdst && addrHit(pkt.ctOrigDst, m.origdst) === m.origdstInv) return false
  if (m.replsrc && addrHit(pkt.ctReplSrc, m.replsrc) === m.replsrcInv) return false
  if (m.repldst && addrHit(pkt.ctReplDst, m.repldst) === m.repldstInv) return false
  if (m.proto !== null && (pkt.protocol === m.proto) === m.protoInv) return false
  return true
}
