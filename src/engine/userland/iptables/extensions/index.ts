import type { Match, Target } from '../../../netfilter/rule'
import { BASE_LONG, type OptDef, SHORT } from '../getopt'
import { MARK_TARGET_HELP, MARK_TARGET_OPTIONS, printMarkTarget, saveMarkTarget } from './libxt_MARK_target'
import { MARK_MATCH_HELP, MARK_MATCH_OPTIONS, printMark, saveMark } from './libxt_mark'
import { MULTIPORT_HELP, MULTIPORT_OPTIONS, printMultiport, saveMultiport } from './libxt_multiport'
import { saveStandardTarget } from './libxt_standard'
import { printTcp, saveTcp, TCP_HELP, TCP_OPTIONS } from './libxt_tcp'
import { printUdp, saveUdp, UDP_HELP, UDP_OPTIONS } from './libxt_udp'

/**
 * The extensions iptables loads in this lab, one module each as iptables keeps libxt_*.c:
 * tcp, udp, multiport and mark (matches), MARK and the standard target. Here: their option
 * tables and help texts by name, and the listing of a rule's matches and target through them.
 */

/** Each extension's long options, merged into getopt_long()'s table when it is loaded. */
export const EXTENSION_OPTIONS: Record<'tcp' | 'udp' | 'multiport' | 'mark' | 'MARK', OptDef[]> = {
  tcp: TCP_OPTIONS,
  udp: UDP_OPTIONS,
  multiport: MULTIPORT_OPTIONS,
  mark: MARK_MATCH_OPTIONS,
  MARK: MARK_TARGET_OPTIONS,
}

/** The help block each extension adds to `iptables -h` once loaded. */
export const EXTENSION_HELP: Record<string, string> = {
  MARK: MARK_TARGET_HELP,
  tcp: TCP_HELP,
  udp: UDP_HELP,
  multiport: MULTIPORT_HELP,
  mark: MARK_MATCH_HELP,
}

/** Every option iptables accepts as it can be typed (`--long`, `-s`), base and extensions: for completion and tests. */
export const IPTABLES_OPTION_WORDS: readonly string[] = [
  ...new Set([
    ...BASE_LONG.map((o) => `--${o.name}`),
    ...Object.values(EXTENSION_OPTIONS).flatMap((defs) => defs.map((o) => `--${o.name}`)),
    ...Object.keys(SHORT).map((c) => `-${c}`),
  ]),
]

/** The matches and target of a rule in `iptables -L` (each piece starts with a space). */
export function listText(r: { proto: number; matches: Match[]; target: Target | null }, numeric: boolean): string {
  let s = ''
  const proto = r.proto === 17 ? 'udp' : 'tcp'
  const matches = r.matches
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k]
    switch (m.name) {
      case 'tcp':
        s += printTcp(m, numeric)
        break
      case 'udp':
        s += printUdp(m, numeric)
        break
      case 'multiport':
        s += printMultiport(m, proto, numeric)
        break
      case 'mark':
        s += printMark(m)
        break
    }
  }
  const t = r.target
  if (t?.kind === 'MARK') s += printMarkTarget(t)
  return s
}

/** The matches of a rule as `iptables -S` and iptables-save write them. */
export function saveMatchesText(matches: Match[]): string {
  let s = ''
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k]
    switch (m.name) {
      case 'tcp':
        s += saveTcp(m)
        break
      case 'udp':
        s += saveUdp(m)
        break
      case 'multiport':
        s += saveMultiport(m)
        break
      case 'mark':
        s += saveMark(m)
        break
    }
  }
  return s
}

/** The target of a rule as `iptables -S` and iptables-save write it ('' without one). */
export function saveTargetText(t: Target | null): string {
  if (!t) return ''
  return t.kind === 'MARK' ? saveMarkTarget(t) : saveStandardTarget(t)
}
