import type { Target } from '../../../netfilter/rule'

/**
 * The standard target, iptables' side: extensions/libxt_standard.c and the verdict names of
 * libiptc/nft (ACCEPT, DROP, RETURN, QUEUE), plus jumps (-j CHAIN) and gotos (-g CHAIN) to user
 * chains, which the kernel keeps as standard-target verdicts too.
 */

/** The rule's target from -j NAME / -g CHAIN when NAME is not an extension target. */
export function standardTarget(targetName: string | null, gotoName: string | null): Target | null {
  if (targetName === 'ACCEPT' || targetName === 'DROP' || targetName === 'RETURN' || targetName === 'QUEUE')
    return { kind: 'verdict', verdict: targetName }
  if (targetName !== null) return { kind: 'jump', chain: targetName }
  if (gotoName !== null) return { kind: 'goto', chain: gotoName }
  return null
}

/** The target column of -L: the extension's name, the verdict or the chain. */
export const targetColumn = (t: Target | null): string =>
  !t ? '' : t.kind === 'MARK' || t.kind === 'LOG' ? t.kind : t.kind === 'verdict' ? t.verdict : t.chain

/** A standard target as -S and iptables-save write it. */
export function saveStandardTarget(t: Exclude<Target, { kind: 'MARK' } | { kind: 'LOG' }>): string {
  if (t.kind === 'verdict') return ` -j ${t.verdict}`
  if (t.kind === 'jump') return ` -j ${t.chain}`
  return ` -g ${t.chain}`
}
