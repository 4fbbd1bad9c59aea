import { CT_ESTABLISHED, CT_INVALID, CT_NEW, CT_RELATED, CT_UNTRACKED } from '../../../netfilter/nf_conntrack'
import type { ConntrackMatch } from '../../../netfilter/rule'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { newConntrack, stateBit } from './libxt_conntrack'

/**
 * The state match, iptables' side: in iptables 1.8.9 it lives in extensions/libxt_conntrack.c
 * as an alias of the conntrack match (`.name = "state"`, `.real_name = "conntrack"`,
 * XTABLES_EXT_ALIAS) — state_opts, state_help(), state_parse_states() (no SNAT/DNAT; a list
 * ending in a comma has its own message) and state_ct23_parse(). It is listed and saved through
 * conntrack_dump() with XT_CONNTRACK_STATE_ALIAS (`state NEW`, `-m state --state NEW`):
 * libxt_conntrack.ts. The packet-time test: netfilter/xt_conntrack.ts.
 */

export const STATE_OPTIONS: OptDef[] = [{ name: 'state', arg: 'required', val: 'state:state' }]

export const STATE_HELP =
  'state match options:\n [!] --state [INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED][,...]\n\t\t\t\tState(s) to match\n'

const STATE_NAMES: [string, number][] = [
  ['INVALID', CT_INVALID],
  ['NEW', CT_NEW],
  ['ESTABLISHED', CT_ESTABLISHED],
  ['RELATED', CT_RELATED],
  ['UNTRACKED', CT_UNTRACKED],
]

/** state_parse_states(). */
function parseStates(arg: string): number {
  let mask = 0
  let rest = arg
  for (let comma = rest.indexOf(','); comma >= 0; comma = rest.indexOf(',')) {
    const bit = comma === 0 ? 0 : stateBit(rest.slice(0, comma), STATE_NAMES)
    if (!bit) throw perr(`Bad state "${rest}"`)
    mask |= bit
    rest = rest.slice(comma + 1)
  }
  if (rest === '') throw perr('"--state" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED')
  const bit = stateBit(rest, STATE_NAMES)
  if (!bit) throw perr(`Bad state "${rest}"`)
  return mask | bit
}

/** state_ct23_parse(): --state once. */
export function parseState(current: ConntrackMatch | null, arg: string, invert: boolean): ConntrackMatch {
  if (current) throw perr('state: option "--state" can only be used once.\n')
  const m = newConntrack(true)
  m.state = parseStates(arg)
  m.stateInv = invert
  return m
}

/** XTOPT_MAND. */
export function checkState(current: ConntrackMatch | null): void {
  if (!current) throw perr('state: option "--state" must be specified\n')
}
