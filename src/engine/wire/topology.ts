import { ForwardMethod } from '../ipvs/destination'
import { parseDottedQuad } from '../net/ipv4'
import { type Addr, formatAddr, ipv6Words, parseIPv6 } from '../net/ipv6'
import { DIRECTOR_MAC, labMacOf } from '../netfilter/xt_mac'

/**
 * The hosts behind a scenario and how they are set up — what the packets' Ethernet and IP
 * headers follow. The default is a correctly built lab, the one the real-kernel recordings ran in
 * (test/golden/README.md "The world the recordings ran in"): clients, the director and the real
 * servers on one Ethernet; the clients' gateway toward the VIPs is the director's client-side
 * address; every real server's VIP is set up for its forwarding method.
 *
 * MAC addresses follow from the address, one rule for the whole engine (netfilter/xt_mac.ts, what
 * `iptables -m mac` matches): a client or real server at a.b.c.d has `02:00:aa:bb:cc:dd` (a
 * locally administered address holding the IPv4 address in hex); the director's eth0 has
 * `52:54:00:12:34:56` (QEMU's first NIC, as on a lab VM).
 */

/** `gateway`: a real server's gateway that is not the director (a NAT lab built wrong). */
export type HostRole = 'client' | 'director' | 'real-server' | 'gateway'

export interface Host {
  role: HostRole
  /** The host's address on this hop (the director's: the one the packet came to or left from). */
  addr: string
  mac: string
}

/** The director's interfaces and the sysctl its forwarding needs. */
export interface DirectorSetup {
  /** The address clients send VIP traffic to (their route to the VIPs): 10.0.255.254. */
  clientSide: string
  /** The director's IP on the real servers' LAN (DIP): the source of tunnelled packets, a NAT RS's gateway. */
  dip: string
  /** The same two for IPv6 (test/golden/README.md): 2001:db8:ffff::fe and 2001:db8:8::1. */
  clientSide6: string
  dip6: string
  /** net.ipv4.ip_forward: NAT replies are routed through the director (ip_forward()), so NAT needs 1. */
  ip_forward: number
}

/** Where a real server holds the VIP. */
export type VipPlace = 'lo' | 'tunl0' | 'none'

/** One real server's setup: the VIP, the ARP and reverse-path sysctls, its default gateway. */
export interface RealServerSetup {
  /** DR: on `lo` (the RS accepts packets to the VIP); TUN: on `tunl0` (decapsulated packets are for it); NAT: none. */
  vip: VipPlace
  /** net.ipv4.conf.*.arp_ignore: 1 = answer ARP only for addresses on the interface asked on (not the VIP on lo). */
  arp_ignore: number
  /** net.ipv4.conf.*.arp_announce: 2 = never name the VIP as the sender of its own ARP requests. */
  arp_announce: number
  /** net.ipv4.conf.*.rp_filter: 0 on tunl0, or the decapsulated packet (from a client not routed via tunl0) is dropped. */
  rp_filter: number
  /** The next hop for the clients' addresses: null = on the LAN (replies go straight to the client); NAT: the DIP. */
  gateway: string | null
}

/**
 * A router in front of the director on the VIP's LAN (arp.ts): the clients' gateway toward the
 * VIPs and the real servers' default gateway. It finds the VIP's MAC by ARP, so a real server
 * that answers for the VIP can take the director's place (the DR "ARP problem").
 */
export interface RouterSetup {
  /** Its address on the LAN: 192.168.8.254. */
  addr: string
  /** net.ipv4.neigh.eth0.base_reachable_time_ms on the router: 30000. */
  base_reachable_time_ms: number
  /** net.ipv4.neigh.eth0.locktime, in ms (the kernel's is 100 jiffies = 1 s). */
  locktime_ms: number
}

export const DEFAULT_ROUTER: Readonly<RouterSetup> = Object.freeze({
  addr: '192.168.8.254',
  base_reachable_time_ms: 30_000,
  locktime_ms: 1000,
})

/** The scenario's `topology` field: every part optional, defaults as above (docs/scenario-format.md). */
export interface TopologySpec {
  director?: Partial<DirectorSetup>
  realServers?: Record<string, Partial<RealServerSetup>>
  /** A router in front of the director (absent: the clients' gateway is the director itself). */
  router?: Partial<RouterSetup>
}

export const DEFAULT_DIRECTOR: Readonly<DirectorSetup> = Object.freeze({
  clientSide: '10.0.255.254',
  dip: '192.168.8.1',
  clientSide6: '2001:db8:ffff::fe',
  dip6: '2001:db8:8::1',
  ip_forward: 1,
})

/** A correctly built real server for a forwarding method (what LVS-HOWTO and the recorder's lab set up). */
export function defaultRealServer(method: ForwardMethod, dip: string): RealServerSetup {
  switch (method) {
    case ForwardMethod.MASQ:
      return { vip: 'none', arp_ignore: 0, arp_announce: 0, rp_filter: 0, gateway: dip }
    case ForwardMethod.TUNNEL:
      return { vip: 'tunl0', arp_ignore: 1, arp_announce: 2, rp_filter: 0, gateway: null }
    default:
      return { vip: 'lo', arp_ignore: 1, arp_announce: 2, rp_filter: 0, gateway: null }
  }
}

export class Topology {
  readonly director: DirectorSetup
  private readonly rs: Record<string, Partial<RealServerSetup>>
  /** Some real server or the director's forwarding is set up otherwise than by default (else every rule below passes at once). */
  private readonly custom: boolean
  /** The router in front of the director, or null (the default lab: the clients' gateway is the director). */
  readonly router: RouterSetup | null

  constructor(spec: TopologySpec = {}) {
    this.director = { ...DEFAULT_DIRECTOR, ...spec.director }
    this.router = spec.router ? { ...DEFAULT_ROUTER, ...spec.router } : null
    this.rs = spec.realServers ?? {}
    this.custom = Object.keys(this.rs).length > 0 || this.director.ip_forward !== 1
  }

  /** A real server's setup for packets of `method`: the method's defaults, then what the scenario set. */
  realServer(addr: string, method: ForwardMethod): RealServerSetup {
    const dip = addr.includes(':') ? this.director.dip6 : this.director.dip
    return { ...defaultRealServer(method, dip), ...this.rs[addr] }
  }

  /** The real servers the scenario sets up itself, in its order. */
  listedRealServers(): string[] {
    return Object.keys(this.rs)
  }

  /** The director's address toward the clients, and toward the real servers (DIP), in a family. */
  directorAddr(side: 'clients' | 'real-servers', v6: boolean): string {
    if (side === 'clients') return v6 ? this.director.clientSide6 : this.director.clientSide
    return v6 ? this.director.dip6 : this.director.dip
  }

  /**
   * Whether a real server takes a packet the director forwarded to it by `method`, and if not,
   * why. DR: the packet is for the VIP, so the VIP must be a local address (on `lo`; or `tunl0`)
   * or ip_rcv_finish() finds no local route and the RS (not a router) drops it. TUN: only a
   * `tunl0` device (the ipip module) decapsulates IPIP — without one, protocol 4 has no handler;
   * after decapsulation rp_filter=1 (strict) drops it, as the client's address is not routed
   * via tunl0 (fib_validate_source()). NAT: the packet is for the RIP, always taken.
   */
  rsDrops(rip: Addr, method: ForwardMethod): string | null {
    if (!this.custom) return null
    if (method === ForwardMethod.MASQ || method === ForwardMethod.LOCALNODE) return null
    const rs = this.realServer(formatAddr(rip), method)
    if (method === ForwardMethod.TUNNEL) {
      if (rs.vip !== 'tunl0') return 'no-tunl0'
      return rs.rp_filter === 1 ? 'rp_filter' : null
    }
    return rs.vip === 'none' ? 'vip-not-local' : null
  }

  /**
   * Where a NAT real server's reply to a client goes. Its gateway must be the director (the DIP)
   * for handle_response() to rewrite the source back to the VIP, and the director must route
   * it (net.ipv4.ip_forward = 1: the reply is not for the director, ip_forward() carries it to
   * the FORWARD hook where ip_vs_out_hook() runs). `bypass`: the reply goes to another gateway
   * with the RIP as its source, and the client, which talked to the VIP, answers it with RST.
   */
  natReplyPath(rip: Addr): 'director' | 'bypass' | 'no-ip_forward' {
    if (!this.custom) return 'director'
    const rs = this.realServer(formatAddr(rip), ForwardMethod.MASQ)
    if (rs.gateway !== (typeof rip === 'string' ? this.director.dip6 : this.director.dip)) return 'bypass'
    return this.director.ip_forward === 1 ? 'director' : 'no-ip_forward'
  }

  /** The MAC address of a host (see the rule above). */
  macOf(role: HostRole, addr: string): string {
    if (role === 'director') return DIRECTOR_MAC
    const a = parseDottedQuad(addr)
    if (a !== null) return labMacOf(a)
    // IPv6: 02:00 and the address's last 32 bits
    const v6 = parseIPv6(addr)
    if (v6 === null) return '02:00:00:00:00:00'
    const w = ipv6Words(v6)
    return labMacOf(((w[6] << 16) | w[7]) >>> 0)
  }

  host(role: HostRole, addr: string): Host {
    return { role, addr, mac: this.macOf(role, addr) }
  }
}
