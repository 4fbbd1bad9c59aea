import type { Connection } from '../ipvs/connection'
import { ForwardMethod, TunnelType } from '../ipvs/destination'
import { mix32 } from './flow'
import { cloneDatagram, ETH_P_IP, IPPROTO, type IpDatagram, type Ipv4Header } from './headers'

/**
 * What the director does to a packet it forwards, per forwarding method — Linux 6.1
 * net/netfilter/ipvs/ip_vs_xmit.c and ip_vs_core.c. Each function returns a new datagram (the
 * input is what arrived; both are shown hop by hop).
 *
 * Common to every method: __ip_vs_get_out_rt() routes to the real server and, for a non-local
 * destination, decrement_ttl() lowers the TTL by one (ip_decrease_ttl(), which also fixes the
 * header checksum); the Ethernet header is the output route's: director → real server.
 */

const clone = cloneDatagram

/** The kernel function that sends a packet by this method. */
export const XMIT_FUNCTION: Record<ForwardMethod, string> = {
  [ForwardMethod.MASQ]: 'ip_vs_nat_xmit',
  [ForwardMethod.LOCALNODE]: 'ip_vs_null_xmit',
  [ForwardMethod.TUNNEL]: 'ip_vs_tunnel_xmit',
  [ForwardMethod.DROUTE]: 'ip_vs_dr_xmit',
}

/**
 * ip_vs_dr_xmit(): nothing in the IP packet changes but the TTL (and so the header checksum,
 * ip_send_check()); the frame goes to the real server's MAC, which accepts it because it holds
 * the VIP on `lo`.
 */
export function drXmit(arrived: IpDatagram): IpDatagram {
  const d = clone(arrived)
  d.ip.ttl--
  return d
}

/**
 * ip_vs_nat_xmit(): the destination becomes the real server — `ip_hdr(skb)->daddr = cp->daddr`,
 * and the protocol's dnat_handler (tcp_dnat_handler(), udp_dnat_handler()) writes `cp->dport`
 * as the destination port (port mapping, `-r RIP:8080 -m`) and fixes the TCP/UDP checksum.
 */
export function natXmit(arrived: IpDatagram, cp: Connection, rip: string): IpDatagram {
  const d = clone(arrived)
  d.ip.ttl--
  d.ip.dst = rip
  const p = d.payload
  if (p.kind === 'tcp') p.tcp.dport = cp.dport
  else if (p.kind === 'udp') p.udp.dport = cp.dport
  return d
}

/**
 * handle_response() (from ip_vs_out_hook(), NF_INET_FORWARD): a NAT real server's reply on its
 * way to the client. ip_forward() has already lowered the TTL; the protocol's snat_handler
 * (tcp_snat_handler(), udp_snat_handler()) writes `cp->vport` as the source port, then
 * `ip_hdr(skb)->saddr = cp->vaddr` and ip_send_check(): the client sees the VIP answer.
 */
export function natReply(fromRs: IpDatagram, cp: Connection, vip: string): IpDatagram {
  const d = clone(fromRs)
  d.ip.ttl--
  d.ip.src = vip
  const p = d.payload
  if (p.kind === 'tcp') p.tcp.sport = cp.vport
  else if (p.kind === 'udp') p.udp.sport = cp.vport
  return d
}

/** ip_vs_tunnel_xmit()'s choices, from the destination (`--tun-type`, `--tun-port`, `--tun-csum`/`--tun-remcsum`). */
export interface TunnelChoice {
  type: TunnelType
  port: number
  /** IP_VS_TUNNEL_ENCAP_FLAG_CSUM (1) / _REMCSUM (2). */
  flags: number
}

/**
 * ip_vs_tunnel_xmit(): the packet (TTL lowered) is put inside a new IPv4 header from the
 * director's address on the route to the real server (the DIP) to the real server
 * (`iph->saddr = saddr; iph->daddr = cp->daddr`). ip_vs_prepare_tunneled_skb() copies the inner
 * packet's TOS, TTL and DF bit (net.ipv4.vs.pmtu_disc = 1); ip_select_ident(net, skb, NULL) gives
 * a DF packet without a socket the id 0. The outer protocol is IPPROTO_IPIP, or with
 * `--tun-type gue` ipvs_gue_encap() puts UDP (source port udp_flow_src_port(): a hash of the
 * inner flow in 32768…60999; destination `--tun-port`) and a 4-byte GUE header (version 0,
 * proto_ctype IPPROTO_IPIP) first — the UDP checksum only with `--tun-csum`; with
 * `--tun-type gre` ipvs_gre_encap() puts a GRE header (protocol 0x0800; with `--tun-csum` the C
 * bit and a checksum).
 */
export function tunnelXmit(arrived: IpDatagram, dip: string, rip: string, tun: TunnelChoice): IpDatagram {
  const inner = clone(arrived)
  inner.ip.ttl--
  const v6 = dip.includes(':')
  // ip_vs_tunnel_xmit_v6(): an IPv6 header (hop limit and traffic class copied, no id, no DF)
  const outer: Ipv4Header = {
    version: v6 ? 6 : 4,
    ...(v6 ? { flowLabel: 0 } : {}),
    src: dip,
    dst: rip,
    tos: inner.ip.tos,
    ttl: inner.ip.ttl,
    id: v6 || inner.ip.df ? 0 : mix32(`tun-id ${dip} ${rip} ${inner.ip.id}`) & 0xffff || 1,
    df: !v6 && inner.ip.df,
    // IPPROTO_IPIP for an IPv4 packet inside, IPPROTO_IPV6 for an IPv6 one (ip_vs_prepare_tunneled_skb())
    protocol: inner.ip.version === 6 ? IPPROTO.IPV6 : IPPROTO.IPIP,
    length: 0,
    checksum: 0,
  }
  // GUE and GRE over IPv6 are not drawn: an IPv6 tunnel is shown as IPv6-in-IPv6 / IPIP
  if (v6) return { ip: outer, payload: { kind: 'ipip', inner } }
  if (tun.type === TunnelType.GUE) {
    const p = inner.payload
    const ports =
      p.kind === 'tcp' ? `${p.tcp.sport} ${p.tcp.dport}` : p.kind === 'udp' ? `${p.udp.sport} ${p.udp.dport}` : ''
    const hash = mix32(`flow ${inner.ip.src} ${inner.ip.dst} ${inner.ip.protocol} ${ports}`)
    const sport = Math.floor((hash * (60999 - 32768)) / 2 ** 32) + 32768
    outer.protocol = IPPROTO.UDP
    return {
      ip: outer,
      payload: {
        kind: 'gue',
        // a non-zero placeholder asks encodeFrame() to compute the checksum
        udp: { sport, dport: tun.port, length: 0, checksum: tun.flags & 1 ? 1 : 0 },
        gue: { version: 0, hlen: 0, proto: IPPROTO.IPIP },
        inner,
      },
    }
  }
  if (tun.type === TunnelType.GRE) {
    outer.protocol = IPPROTO.GRE
    return {
      ip: outer,
      payload: { kind: 'gre', gre: { csum: (tun.flags & 1) !== 0, protocol: ETH_P_IP, checksum: 0 }, inner },
    }
  }
  return { ip: outer, payload: { kind: 'ipip', inner } }
}
