import { serviceNameOf } from '../../../net/netdb'
import type { PortRange, TcpUdpMatch } from '../../../netfilter/rule'

/**
 * What the port extensions (libxt_tcp.c, libxt_udp.c, libxt_multiport.c) share: the state a
 * tcp/udp match is parsed into, and ports as -L (names without -n) and -S print them.
 */

/** A tcp/udp match while its options are parsed (`flagsGiven`: --syn or --tcp-flags seen). */
export const newPortState = () => ({
  sport: null as PortRange | null,
  sportInv: false,
  dport: null as PortRange | null,
  dportInv: false,
  flagsMask: 0,
  flagsCmp: 0,
  flagsInv: false,
  flagsGiven: false,
  pairNeq: false,
})
export type PortState = ReturnType<typeof newPortState>

export const isFull = (r: PortRange): boolean => r.lo === 0 && r.hi === 65535

function portText(p: number, proto: 'tcp' | 'udp', numeric: boolean): string {
  return numeric ? String(p) : (serviceNameOf(p, proto) ?? String(p))
}

export function rangeText(r: PortRange, proto: 'tcp' | 'udp', numeric: boolean): string {
  return r.lo === r.hi
    ? portText(r.lo, proto, numeric)
    : `${portText(r.lo, proto, numeric)}:${portText(r.hi, proto, numeric)}`
}

export function rangeSave(r: PortRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}:${r.hi}`
}

/** print_ports() of libxt_tcp/libxt_udp for -L: ` spt:…` / ` spts:…`, then ` dpt…`. */
export function printPorts(m: TcpUdpMatch, numeric: boolean): string {
  let s = ''
  const show = (label: string, range: PortRange | null, inv: boolean) => {
    if (!range || (range.lo === 0 && range.hi === 65535 && !inv)) return
    s += ` ${label}${range.lo === range.hi ? '' : 's'}:${inv ? '!' : ''}${rangeText(range, m.name, numeric)}`
  }
  show('spt', m.sport, m.sportInv)
  show('dpt', m.dport, m.dportInv)
  return s
}

/** The port part of tcp_save()/udp_save(): ` --sport …`, ` --dport …`. */
export function savePorts(m: TcpUdpMatch): string {
  let s = ''
  if (m.sport && !isFull(m.sport)) s += `${m.sportInv ? ' !' : ''} --sport ${rangeSave(m.sport)}`
  if (m.dport && !isFull(m.dport)) s += `${m.dportInv ? ' !' : ''} --dport ${rangeSave(m.dport)}`
  return s
}
