import type { MarkMatch } from '../../../netfilter/rule'
import { u32 } from '../../../netfilter/xt_mark'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { parseValMask } from '../xtables'

/**
 * The mark match, iptables' side: extensions/libxt_mark.c (1.8.9) — its option, its help,
 * mark_parse() (value[/mask]), the final check, mark_print() / mark_save(). The packet-time test:
 * netfilter/xt_mark.ts.
 */

export const MARK_MATCH_OPTIONS: OptDef[] = [{ name: 'mark', arg: 'required', val: 'mark:mark' }]

export const MARK_MATCH_HELP = 'mark match options:\n[!] --mark value[/mask]    Match nfmark value with optional mask\n'

/** A mark as iptables prints it: `0x` and lower-case hex of the unsigned value. */
export const hex = (x: number): string => `0x${u32(x).toString(16)}`

/** mark_parse(): --mark once. */
export function parseMark(
  current: Omit<MarkMatch, 'name'> | null,
  arg: string | null,
  invert: boolean,
): Omit<MarkMatch, 'name'> {
  if (current) throw perr('mark: option "--mark" can only be used once.\n')
  return { ...parseValMask(arg as string, 'mark', 'mark'), inv: invert }
}

/** The x6 final check: --mark is mandatory. */
export function checkMark(current: Omit<MarkMatch, 'name'> | null): void {
  if (!current) throw perr('mark: option "--mark" must be specified\n')
}

const maskText = (m: MarkMatch): string => (u32(m.mask) !== 0xffffffff ? `/${hex(m.mask)}` : '')

/** mark_print(). */
export const printMark = (m: MarkMatch): string => ` mark match ${m.inv ? '! ' : ''}${hex(m.value)}${maskText(m)}`

/** mark_save(). */
export const saveMark = (m: MarkMatch): string => ` -m mark${m.inv ? ' !' : ''} --mark ${hex(m.value)}${maskText(m)}`
