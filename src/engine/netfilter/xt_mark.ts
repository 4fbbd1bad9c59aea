import type { NfPacket } from './rule'

/**
 * The mark match and the MARK target at packet time, both in net/netfilter/xt_mark.c: mark_mt()
 * over struct xt_mark_mtinfo1 and mark_tg() over struct xt_mark_tginfo2. Their command lines and
 * listings: userland/iptables/extensions/libxt_mark.ts and libxt_MARK.ts.
 */

export const u32 = (x: number): number => x >>> 0

export interface MarkMatch {
  name: 'mark'
  value: number
  mask: number
  inv: boolean
}

/** The MARK target as the kernel stores it: the bits to clear (mask) and the value to XOR. */
export interface MarkTarget {
  kind: 'MARK'
  mark: number
  mask: number
}

/** mark_mt(): (nfmark & mask) == mark, inverted by `!`. */
export const markMatches = (m: MarkMatch, pkt: NfPacket): boolean =>
  ((pkt.mark & m.mask) >>> 0 === u32(m.value)) !== m.inv

/** xt_MARK's mark_tg(): clear the mask bits, then XOR the value. */
export const applyMark = (mark: number, t: { mark: number; mask: number }): number => u32((mark & ~t.mask) ^ t.mark)
