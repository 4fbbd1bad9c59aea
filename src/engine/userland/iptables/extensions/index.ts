import type { Match, Target } from '../../../netfilter/rule'
import { BASE_LONG, type OptDef, SHORT } from '../getopt'
import { COMMENT_HELP, COMMENT_OPTIONS, printComment, saveComment } from './libxt_comment'
import { CONNTRACK_HELP, CONNTRACK_OPTIONS, printConntrack, saveConntrack } from './libxt_conntrack'
import { IPRANGE_HELP, IPRANGE_OPTIONS, printIprange, saveIprange } from './libxt_iprange'
import { LOG_TARGET_HELP, LOG_TARGET_OPTIONS, printLogTarget, saveLogTarget } from './libxt_LOG_target'
import { MARK_TARGET_HELP, MARK_TARGET_OPTIONS, printMarkTarget, saveMarkTarget } from './libxt_MARK_target'
import { MAC_HELP, MAC_OPTIONS, printMac, saveMac } from './libxt_mac'
import { MARK_MATCH_HELP, MARK_MATCH_OPTIONS, printMark, saveMark } from './libxt_mark'
import { MULTIPORT_HELP, MULTIPORT_OPTIONS, printMultiport, saveMultiport } from './libxt_multiport'
import { saveStandardTarget } from './libxt_standard'
import { STATE_HELP, STATE_OPTIONS } from './libxt_state'
import { printTcp, saveTcp, TCP_HELP, TCP_OPTIONS } from './libxt_tcp'
import { printUdp, saveUdp, UDP_HELP, UDP_OPTIONS } from './libxt_udp'

/**
 * The extensions iptables loads in this lab, one module each as iptables keeps libxt_*.c:
 * tcp, udp, multiport, mark, comment, iprange, state, conntrack and mac (matches), MARK, LOG and
 * the standard target. Here: their option
 * tables and help texts by name, and the listing of a rule's matches and target through them.
 */

/** Each extension's long options, merged into getopt_long()'s table when it is loaded. */
export const EXTENSION_OPTIONS: Record<MatchName | TargetName, OptDef[]> = {
  tcp: TCP_OPTIONS,
  udp: UDP_OPTIONS,
  multiport: MULTIPORT_OPTIONS,
  mark: MARK_MATCH_OPTIONS,
  comment: COMMENT_OPTIONS,
  iprange: IPRANGE_OPTIONS,
  state: STATE_OPTIONS,
  conntrack: CONNTRACK_OPTIONS,
  mac: MAC_OPTIONS,
  MARK: MARK_TARGET_OPTIONS,
  LOG: LOG_TARGET_OPTIONS,
}

/** The matches `-m NAME` loads in the lab (the console's completion offers these). */
export const IPTABLES_MATCHES = [
  'tcp',
  'udp',
  'multiport',
  'mark',
  'comment',
  'iprange',
  'state',
  'conntrack',
  'mac',
] as const
export type MatchName = (typeof IPTABLES_MATCHES)[number]
/** The targets `-j NAME` takes in the lab: the standard verdicts and the extension targets. */
export const IPTABLES_TARGETS = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'MARK', 'LOG'] as const
export type TargetName = 'MARK' | 'LOG'

/** The help block each extension adds to `iptables -h` once loaded. */
export const EXTENSION_HELP: Record<string, string> = {
  MARK: MARK_TARGET_HELP,
  tcp: TCP_HELP,
  udp: UDP_HELP,
  multiport: MULTIPORT_HELP,
  mark: MARK_MATCH_HELP,
  comment: COMMENT_HELP,
  iprange: IPRANGE_HELP,
  state: STATE_HELP,
  conntrack: CONNTRACK_HELP,
  mac: MAC_HELP,
  LOG: LOG_TARGET_HELP,
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
      case 'comment':
        s += printComment(m)
        break
      case 'iprange':
        s += printIprange(m)
        break
      case 'conntrack':
        s += printConntrack(m, numeric)
        break
      case 'mac':
        s += printMac(m)
        break
    }
  }
  const t = r.target
  if (t?.kind === 'MARK') s += printMarkTarget(t)
  else if (t?.kind === 'LOG') s += printLogTarget(t, numeric)
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
      case 'comment':
        s += saveComment(m)
        break
      case 'iprange':
        s += saveIprange(m)
        break
      case 'conntrack':
        s += saveConntrack(m)
        break
      case 'mac':
        s += saveMac(m)
        break
    }
  }
  return s
}

/** The target of a rule as `iptables -S` and iptables-save write it ('' without one). */
export function saveTargetText(t: Target | null): string {
  if (!t) return ''
  if (t.kind === 'MARK') return saveMarkTarget(t)
  if (t.kind === 'LOG') return saveLogTarget(t)
  return saveStandardTarget(t)
}
