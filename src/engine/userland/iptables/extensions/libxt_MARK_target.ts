import type { MarkTarget } from '../../../netfilter/rule'
import { u32 } from '../../../netfilter/xt_mark'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { parseValMask, strtoui } from '../xtables'
import { hex } from './libxt_mark'

/**
 * The MARK target, iptables' side: extensions/libxt_MARK.c (1.8.9, revision 2; the file is not
 * named libxt_MARK.ts beside libxt_mark.ts so that case-insensitive file systems can hold both) — its options,
 * its help, mark_tg_parse() and mark_tg_check(), how --set-mark/--and-mark/--or-mark/--xor-mark
 * become the kernel's (mark, mask) pair, and mark_tg_print() / mark_tg_save(). At packet time:
 * netfilter/xt_mark.ts applyMark().
 */

export const MARK_OPTS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'] as const
/** The options' ids in libxt_MARK.c (the order xtables_options_fcheck() names a clash in). */
const MARK_IDS: Record<string, number> = { 'set-mark': 0, 'and-mark': 1, 'or-mark': 2, 'xor-mark': 3, 'set-xmark': 4 }

export const MARK_TARGET_OPTIONS: OptDef[] = MARK_OPTS.map((n) => ({
  name: n,
  arg: 'required' as const,
  val: `MARK:${n}`,
}))

export const MARK_TARGET_HELP =
  'MARK target options:\n  --set-xmark value[/mask]  Clear bits in mask and XOR value into nfmark\n  --set-mark value[/mask]   Clear bits in mask and OR value into nfmark\n  --and-mark bits           Binary AND the nfmark with bits\n  --or-mark bits            Binary OR the nfmark with bits\n  --xor-mark bits           Binary XOR the nfmark with bits\n'

export type MarkOption = { name: (typeof MARK_OPTS)[number]; value: number; mask: number }

/** mark_tg_parse(): one option, never inverted, each once. */
export function parseMarkTarget(markOpts: MarkOption[], opt: string, arg: string | null, invert: boolean): void {
  const name = opt as (typeof MARK_OPTS)[number]
  if (invert) throw perr(`MARK: option "--${name}" cannot be inverted.\n`)
  if (markOpts.some((m) => m.name === name)) throw perr(`MARK: option "--${name}" can only be used once.\n`)
  if (name === 'set-xmark' || name === 'set-mark') markOpts.push({ name, ...parseValMask(arg as string, 'MARK', name) })
  else {
    const n = strtoui(arg as string, 0xffffffff)
    if (n === null || /^[ \t]*-/.test(arg as string))
      throw perr(`MARK: bad value for option "--${name}", or out of range (0-4294967295).\n`)
    markOpts.push({ name, value: n, mask: 0 })
  }
}

/** mark_tg_check() and the kernel's form of each option: clear `mask`, XOR `mark`. */
export function markTarget(markOpts: MarkOption[]): MarkTarget {
  if (markOpts.length === 0) throw perr('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required')
  if (markOpts.length > 1) {
    const a = MARK_OPTS.find((n) => markOpts.some((m) => m.name === n)) as string
    const b = markOpts
      .filter((m) => m.name !== a)
      .map((m) => m.name)
      .sort((x, y) => MARK_IDS[x] - MARK_IDS[y])[0]
    throw perr(`MARK: option "--${a}" cannot be used together with "--${b}".\n`)
  }
  const m = markOpts[0]
  switch (m.name) {
    case 'set-xmark':
      return { kind: 'MARK', mark: m.value, mask: m.mask }
    case 'set-mark':
      return { kind: 'MARK', mark: m.value, mask: (m.value | m.mask) >>> 0 }
    case 'and-mark':
      return { kind: 'MARK', mark: 0, mask: ~m.value >>> 0 }
    case 'or-mark':
      return { kind: 'MARK', mark: m.value, mask: m.value }
    case 'xor-mark':
      return { kind: 'MARK', mark: m.value, mask: 0 }
  }
}

/** mark_tg_print(): the shortest of and/or/xor/set/xset that says it. */
export function printMarkTarget(t: MarkTarget): string {
  if (t.mark === 0) return ` MARK and ${hex(~t.mask)}`
  if (u32(t.mark) === u32(t.mask)) return ` MARK or ${hex(t.mark)}`
  if (t.mask === 0) return ` MARK xor ${hex(t.mark)}`
  if (u32(t.mask) === 0xffffffff) return ` MARK set ${hex(t.mark)}`
  return ` MARK xset ${hex(t.mark)}/${hex(t.mask)}`
}

/** mark_tg_save(): always the revision-2 form. */
export const saveMarkTarget = (t: MarkTarget): string => ` -j MARK --set-xmark ${hex(t.mark)}/${hex(t.mask)}`
