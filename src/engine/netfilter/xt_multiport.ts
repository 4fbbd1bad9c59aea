import type { NfPacket, PortRange } from './rule'
import { inRange } from './xt_tcpudp'

/**
 * The multiport match at packet time: net/netfilter/xt_multiport.c ports_match_v1() over
 * struct xt_multiport_v1. Its command line and listings: userland/iptables/extensions/libxt_multiport.ts.
 */

export interface MultiportMatch {
  name: 'multiport'
  option: 'sports' | 'dports' | 'ports'
  ports: PortRange[]
  inv: boolean
}

/** ports_match_v1(): any listed port or range, on the side(s) the option names. */
export function multiportMatches(m: MultiportMatch, pkt: NfPacket): boolean {
  const src = m.option !== 'dports'
  const dst = m.option !== 'sports'
  let hit = false
  for (let j = 0; j < m.ports.length && !hit; j++)
    hit = (src && inRange(pkt.sport, m.ports[j])) || (dst && inRange(pkt.dport, m.ports[j]))
  return hit !== m.inv
}
