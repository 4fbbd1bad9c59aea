/**
 * The real servers' side of a director's configuration, as shell comments for the "Script for a
 * real director" export: what each real server needs for the forwarding method its services use —
 * the setup `Topology.realServer()` assumes by default (`defaultRealServer()`), written as the
 * commands that make it on a Linux real server:
 *
 * - DR (`ip_vs_dr_xmit()`: the packet still goes to the VIP) — the VIP on `lo`, so that
 *   `ip_rcv_finish()` finds it local; `arp_ignore` 1 and `arp_announce` 2 on `all` (the kernel takes
 *   the larger of `all` and the interface's value: `IN_DEV_ARP_IGNORE()`, `IN_DEV_ARP_ANNOUNCE()`),
 *   so that the server never answers ARP for the VIP nor names it in its own requests.
 * - TUN (`ip_vs_tunnel_xmit()`: IPIP from the DIP, or GUE / GRE) — a tunnel device that decapsulates
 *   it (`tunl0` from the `ipip` module; GUE: a `fou` receive port; GRE: `gre0` from `ip_gre`), the
 *   VIP on it, `rp_filter` 0 on it and on `all` (`fib_validate_source()` takes the larger; the
 *   client is not routed through the tunnel), and the same ARP sysctls (the VIP is local there too).
 * - NAT (`ip_vs_nat_xmit()`; the reply must come back through `handle_response()`) — the default
 *   route through the DIP.
 *
 * A fwmark service has no address of its own: its VIPs are those the MARK rules match, named so.
 * IPv6 services get the `ip -6` forms (no ARP: the sysctls are IPv4's).
 */
import { ForwardMethod, TunnelType } from '../ipvs/destination'
import type { Service } from '../ipvs/service'
import { AF_INET6, formatAddr } from '../net/ipv6'
import type { Topology } from './topology'

/** What one real server is for: its forwarding methods and the VIPs it serves by each. */
interface ServerUse {
  v6: boolean
  methods: Map<ForwardMethod, Set<string>>
  tunnel: Set<string>
}

const METHOD_WORD: Partial<Record<ForwardMethod, string>> = {
  [ForwardMethod.DROUTE]: 'DR (Route)',
  [ForwardMethod.TUNNEL]: 'TUN (Tunnel)',
  [ForwardMethod.MASQ]: 'NAT (Masq)',
}

/** The VIP a service's packets are addressed to, or how to find it for a fwmark service. */
function vipOf(svc: Service): string {
  return svc.fwmark !== 0 ? `<each VIP your MARK ${svc.fwmark} rules match>` : formatAddr(svc.vaddr)
}

/** The tunnel device and the commands that make it, for a destination's `--tun-type`. */
function tunnelSetup(tunType: number, tunPort: number, v6: boolean): { dev: string; lines: string[] } {
  if (v6) return { dev: 'ip6tnl0', lines: ['modprobe ip6_tunnel', 'ip link set ip6tnl0 up'] }
  if (tunType === TunnelType.GRE) return { dev: 'gre0', lines: ['modprobe ip_gre', 'ip link set gre0 up'] }
  if (tunType === TunnelType.GUE)
    return {
      dev: 'tunl0',
      lines: ['modprobe ipip', 'modprobe fou', `ip fou add port ${tunPort} gue`, 'ip link set tunl0 up'],
    }
  return { dev: 'tunl0', lines: ['modprobe ipip', 'ip link set tunl0 up'] }
}

/**
 * The real servers' setup for `services`, one commented block per real server (address order of
 * first appearance), each line starting with `#`: empty when no service has a real server.
 */
export function realServerSetup(services: readonly Service[], topology: Topology): string {
  const servers = new Map<string, ServerUse>()
  for (const svc of services)
    for (const d of svc.destinations) {
      if (d.forward === ForwardMethod.LOCALNODE) continue
      const addr = formatAddr(d.addr)
      let use = servers.get(addr)
      if (!use) {
        use = { v6: typeof d.addr === 'string', methods: new Map(), tunnel: new Set() }
        servers.set(addr, use)
      }
      let vips = use.methods.get(d.forward)
      if (!vips) {
        vips = new Set()
        use.methods.set(d.forward, vips)
      }
      vips.add(vipOf(svc))
      if (d.forward === ForwardMethod.TUNNEL) use.tunnel.add(`${d.tunType}/${d.tunPort}/${svc.af === AF_INET6}`)
    }
  if (servers.size === 0) return ''
  const out = ['# On each real server (as root): what its forwarding method needs.']
  for (const [addr, use] of servers) {
    for (const [method, vips] of use.methods) {
      const word = METHOD_WORD[method] ?? 'Local'
      out.push(`# ${addr} — ${word}${method === ForwardMethod.MASQ ? '' : ` for ${[...vips].join(', ')}`}`)
      const lines: string[] = []
      const arp = ['sysctl -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -w net.ipv4.conf.all.arp_announce=2']
      const plen = use.v6 ? 128 : 32
      const ip = use.v6 ? 'ip -6' : 'ip'
      if (method === ForwardMethod.MASQ) {
        const dip = use.v6 ? topology.director.dip6 : topology.director.dip
        lines.push(`${ip} route replace default via ${dip}`)
      } else if (method === ForwardMethod.DROUTE) {
        for (const vip of vips) lines.push(`${ip} addr add ${vip}/${plen} dev lo`)
        if (!use.v6) lines.push(...arp)
      } else {
        const devices = new Set<string>()
        for (const t of use.tunnel) {
          const [type, port] = t.split('/').map(Number)
          const setup = tunnelSetup(type, port, use.v6)
          for (const l of setup.lines) if (!lines.includes(l)) lines.push(l)
          devices.add(setup.dev)
        }
        for (const dev of devices) for (const vip of vips) lines.push(`${ip} addr add ${vip}/${plen} dev ${dev}`)
        if (!use.v6) {
          for (const dev of devices) lines.push(`sysctl -w net.ipv4.conf.${dev}.rp_filter=0`)
          lines.push('sysctl -w net.ipv4.conf.all.rp_filter=0', ...arp)
        }
      }
      for (const l of lines) out.push(`#   ${l}`)
    }
  }
  return `${out.join('\n')}\n`
}
