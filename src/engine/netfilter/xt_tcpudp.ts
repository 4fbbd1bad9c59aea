import type { NfPacket, PortRange } from './rule'

/**
 * The tcp and udp matches at packet time: net/netfilter/xt_tcpudp.c tcp_mt() / udp_mt() over
 * struct xt_tcp / xt_udp (include/uapi/linux/netfilter/xt_tcpudp.h). Their command line and
 * listings are iptables' (userland/iptables/extensions/libxt_tcp.ts, libxt_udp.ts).
 */

/** A tcp or udp match as a rule carries it (also when loaded implicitly by -p). */
export interface TcpUdpMatch {
  name: 'tcp' | 'udp'
  sport: PortRange | null
  sportInv: boolean
  dport: PortRange | null
  dportInv: boolean
  /** tcp only: --tcp-flags mask and comparison (0 mask: not given). */
  flagsMask: number
  flagsCmp: number
  flagsInv: boolean
  /**
   * nf_tables only: iptables-nft encodes `! --sport S ! --dport D` (single ports) as one 32-bit
   * compare, which matches unless *both* ports are equal (nft.c add_nft_tcpudp()).
   */
  pairNeq: boolean
}

export const inRange = (p: number, r: PortRange): boolean => p >= r.lo && p <= r.hi

/** tcp_mt() / udp_mt(): the protocol, the port ranges (port_match()), tcp's flag test. */
export function tcpUdpMatches(m: TcpUdpMatch, pkt: NfPacket): boolean {
  if (pkt.protocol !== (m.name === 'tcp' ? 6 : 17)) return false
  if (m.pairNeq) {
    if (pkt.sport === m.sport?.lo && pkt.dport === m.dport?.lo) return false
  } else {
    if (m.sport && inRange(pkt.sport, m.sport) === m.sportInv) return false
    if (m.dport && inRange(pkt.dport, m.dport) === m.dportInv) return false
  }
  if ((m.flagsMask || m.flagsInv) && ((pkt.tcpFlags & m.flagsMask) === m.flagsCmp) === m.flagsInv) return false
  return true
}
