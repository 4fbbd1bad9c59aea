import { type CommentMatch, commentMatches } from './xt_comment'
import { type ConntrackMatch, conntrackMatches } from './xt_conntrack'
import { type IprangeMatch, iprangeMatches } from './xt_iprange'
import type { LogTarget } from './xt_LOG'
import { type MacMatch, macMatches } from './xt_mac'
import { type MarkMatch, type MarkTarget, markMatches } from './xt_mark'
import { type MultiportMatch, multiportMatches } from './xt_multiport'
import { type TcpUdpMatch, tcpUdpMatches } from './xt_tcpudp'

/**
 * A rule as the kernel holds it (struct ipt_entry: struct ipt_ip, the matches, the target, the
 * counters) and the test every packet meets in ipt_do_table(): ip_packet_match(), then each
 * match's match() function (xt_tcpudp.ts, xt_multiport.ts, xt_mark.ts, xt_comment.ts, xt_iprange.ts, xt_conntrack.ts, xt_mac.ts).
 */

export type { CommentMatch } from './xt_comment'
export type { ConntrackMatch } from './xt_conntrack'
export type { IprangeMatch } from './xt_iprange'
export type { LogTarget } from './xt_LOG'
export type { MacMatch } from './xt_mac'
export type { MarkMatch, MarkTarget } from './xt_mark'
export type { MultiportMatch } from './xt_multiport'
export type { TcpUdpMatch } from './xt_tcpudp'

export interface AddrMask {
  addr: number
  mask: number
}

export interface PortRange {
  lo: number
  hi: number
}

/** A match a rule carries (xt matches; tcp/udp also when loaded implicitly by -p). */
export type Match = TcpUdpMatch | MultiportMatch | MarkMatch | CommentMatch | IprangeMatch | ConntrackMatch | MacMatch

/** A rule's target: MARK (as the kernel stores it: mark and mask), a verdict, a jump or a goto. */
export type Target =
  | MarkTarget
  | LogTarget
  | { kind: 'verdict'; verdict: 'ACCEPT' | 'DROP' | 'RETURN' | 'QUEUE' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }

export interface Rule {
  src: AddrMask
  srcInv: boolean
  dst: AddrMask
  dstInv: boolean
  inIface: string | null
  inIfaceInv: boolean
  outIface: string | null
  outIfaceInv: boolean
  proto: number
  protoInv: boolean
  /** 0: any, 1: -f (second and later fragments), 2: ! -f */
  frag: 0 | 1 | 2
  matches: Match[]
  target: Target | null
  pkts: number
  bytes: number
}

/** What a packet looks like to netfilter. */
export interface NfPacket {
  protocol: number
  saddr: number
  sport: number
  daddr: number
  dport: number
  len: number
  mark: number
  inIface: string
  /** The out interface ('' before routing: PREROUTING and INPUT). */
  outIface: string
  /** TCP flag bits (FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20); 0 for UDP. */
  tcpFlags: number
  /** The Ethernet source of the frame (xt_mac.ts labMacOf()). */
  srcMac: string
  /** Its conntrack state bit (nf_conntrack.ts CT_*) and tuple, filled by Conntrack.classify(). */
  ctState: number
  ctOrigSrc: number
  ctOrigDst: number
  ctReplSrc: number
  ctReplDst: number
}

function ifaceMatches(pattern: string, name: string): boolean {
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1))
  return pattern === name
}

// mirrors ipt_do_table()'s ip_packet_match() plus each match's match() function
export function ruleMatches(r: Rule, pkt: NfPacket): boolean {
  if (((pkt.saddr & r.src.mask) >>> 0 !== r.src.addr) !== r.srcInv) return false
  if (((pkt.daddr & r.dst.mask) >>> 0 !== r.dst.addr) !== r.dstInv) return false
  if (r.inIface !== null && ifaceMatches(r.inIface, pkt.inIface) === r.inIfaceInv) return false
  if (r.outIface !== null && ifaceMatches(r.outIface, pkt.outIface) === r.outIfaceInv) return false
  if (r.proto !== 0 && (pkt.protocol === r.proto) === r.protoInv) return false
  if (r.frag === 1) return false
  const matches = r.matches
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k]
    switch (m.name) {
      case 'tcp':
      case 'udp':
        if (!tcpUdpMatches(m, pkt)) return false
        break
      case 'multiport':
        if (!multiportMatches(m, pkt)) return false
        break
      case 'mark':
        if (!markMatches(m, pkt)) return false
        break
      case 'comment':
        if (!commentMatches(m)) return false
        break
      case 'iprange':
        if (!iprangeMatches(m, pkt)) return false
        break
      case 'conntrack':
        if (!conntrackMatches(m, pkt)) return false
        break
      case 'mac':
        if (!macMatches(m, pkt)) return false
        break
    }
  }
  return true
}
