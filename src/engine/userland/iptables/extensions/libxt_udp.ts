import { servicePortOf } from '../../../net/netdb'
import type { PortRange, TcpUdpMatch } from '../../../netfilter/rule'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { type PortState, printPorts, savePorts } from './ports'

/**
 * The udp match, iptables' side: extensions/libxt_udp.c (1.8.9) — its x6 options (udp_opts),
 * its help, udp_parse(), udp_print() for -L and udp_save() for -S and iptables-save. The
 * packet-time test is the kernel's: netfilter/xt_tcpudp.ts.
 */

export const UDP_OPTIONS: OptDef[] = [
  { name: 'source-port', arg: 'required', val: 'udp:sport' },
  { name: 'sport', arg: 'required', val: 'udp:sport' },
  { name: 'destination-port', arg: 'required', val: 'udp:dport' },
  { name: 'dport', arg: 'required', val: 'udp:dport' },
]

export const UDP_HELP =
  'udp match options:\n[!] --source-port port[:port]\n --sport ...\n\t\t\t\tmatch source port(s)\n[!] --destination-port port[:port]\n --dport ...\n\t\t\t\tmatch destination port(s)\n'

/** libxt_udp's x6 port range: numbers wrap modulo 65536, names through the services table. */
function udpRange(s: string, long: string): PortRange {
  const parts = s.split(':')
  if (parts.length > 2) throw perr(`udp: Too many components for option "--${long}" (max: 2)\n`)
  const one = (x: string, dflt: number) => {
    if (x === '') return dflt
    if (/^\d+$/.test(x)) return Number(x) % 65536
    const p = servicePortOf(x, 'udp')
    if (p === null) throw perr(`Port "${x}" does not resolve to anything.\n`)
    return p
  }
  if (parts.length === 1) {
    const p = one(parts[0], 0)
    return { lo: p, hi: p }
  }
  return { lo: one(parts[0], 0), hi: one(parts[1], 65535) }
}

/** udp_parse(): one udp option (x6 checks: each option once). */
export function parseUdp(udp: PortState, opt: string, arg: string | null, invert: boolean): void {
  const long = opt === 'sport' ? 'source-port' : 'destination-port'
  if (udp[opt as 'sport' | 'dport'] !== null) throw perr(`udp: option "--${long}" can only be used once.\n`)
  const range = udpRange(arg as string, long)
  if (opt === 'sport') {
    udp.sport = range
    udp.sportInv = invert
  } else {
    udp.dport = range
    udp.dportInv = invert
  }
}

/** udp_print(): ` udp` and the ports. */
export const printUdp = (m: TcpUdpMatch, numeric: boolean): string => ` ${m.name}${printPorts(m, numeric)}`

/** udp_save(): ` -m udp` and the ports. */
export const saveUdp = (m: TcpUdpMatch): string => ` -m ${m.name}${savePorts(m)}`
