import type { NfPacket } from './rule'

/**
 * The iprange match at packet time: net/netfilter/xt_iprange.c iprange_mt4() over
 * struct xt_iprange_mtinfo (revision 1). Addresses compare as host-order numbers, both ends
 * inclusive; a reversed range never matches. Its command line and listings:
 * userland/iptables/extensions/libxt_iprange.ts.
 */

export interface IpRange {
  min: number
  max: number
}

export interface IprangeMatch {
  name: 'iprange'
  src: IpRange | null
  srcInv: boolean
  dst: IpRange | null
  dstInv: boolean
}

/** Whether `a` lies outside [min, max] (iprange_mt4(): `m = a < min; m |= a > max`). */
const outside = (a: number, r: IpRange): boolean => a >>> 0 < r.min >>> 0 || a >>> 0 > r.max >>> 0

/** iprange_mt4(): each given range, XOR its `!`; any miss fails the match. */
export function iprangeMatches(m: IprangeMatch, pkt: NfPacket): boolean {
  if (m.src && outside(pkt.saddr, m.src) !== m.srcInv) return false
  if (m.dst && outside(pkt.daddr, m.dst) !== m.dstInv) return false
  return true
}
