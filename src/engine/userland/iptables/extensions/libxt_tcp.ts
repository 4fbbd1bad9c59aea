import type { PortRange, TcpUdpMatch } from '../../../netfilter/rule'
import { notModelled, perr } from '../errors'
import type { OptDef } from '../getopt'
import { portOrName } from '../xtables'
import { type PortState, printPorts, savePorts } from './ports'

/**
 * The tcp match, iptables' side: extensions/libxt_tcp.c (1.8.9) — its options (tcp_opts), its
 * help, tcp_parse() (ports, --syn, --tcp-flags), tcp_print() for -L and tcp_save() for -S and
 * iptables-save. The packet-time test is the kernel's: netfilter/xt_tcpudp.ts.
 */

export const TCP_OPTIONS: OptDef[] = [
  { name: 'source-port', arg: 'required', val: 'tcp:sport' },
  { name: 'sport', arg: 'required', val: 'tcp:sport' },
  { name: 'destination-port', arg: 'required', val: 'tcp:dport' },
  { name: 'dport', arg: 'required', val: 'tcp:dport' },
  { name: 'syn', arg: 'none', val: 'tcp:syn' },
  { name: 'tcp-flags', arg: 'required', val: 'tcp:flags' },
  { name: 'tcp-option', arg: 'required', val: 'tcp:option' },
]

export const TCP_HELP =
  'tcp match options:\n[!] --tcp-flags mask comp\tmatch when TCP flags & mask == comp\n\t\t\t\t(Flags: SYN ACK FIN RST URG PSH ALL NONE)\n[!] --syn\t\t\tmatch when only SYN flag set\n\t\t\t\t(equivalent to --tcp-flags SYN,RST,ACK,FIN SYN)\n[!] --source-port port[:port]\n --sport ...\n\t\t\t\tmatch source port(s)\n[!] --destination-port port[:port]\n --dport ...\n\t\t\t\tmatch destination port(s)\n[!] --tcp-option number        match if TCP option set\n'

/** libxt_tcp's flag names, in the order print_tcpf() tries them. */
export const TCP_FLAG_NAMES: readonly (readonly [string, number])[] = [
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
  ['ALL', 0x3f],
  ['NONE', 0],
]

/** print_tcpf(): `FIN,SYN,RST,ACK`, or `NONE`. */
export function tcpFlagNames(flags: number): string {
  const names: string[] = []
  let f = flags & 0xff
  while (f) {
    const hit = TCP_FLAG_NAMES.find(([, bit]) => (f & bit) !== 0)
    if (!hit) break
    names.push(hit[0])
    f &= ~hit[1]
  }
  return names.length ? names.join(',') : 'NONE'
}

const hex2 = (x: number): string => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`

/** libxt_tcp parse_tcp_flag(): comma-separated names, any case. */
function parseTcpFlags(text: string): number {
  let bits = 0
  for (const part of text.split(',').filter((p) => p !== '')) {
    const hit = TCP_FLAG_NAMES.find(([n]) => n.toLowerCase() === part.toLowerCase())
    if (!hit) throw perr(`Unknown TCP flag \`${part}'`)
    bits |= hit[1]
  }
  return bits
}

/** libxt_tcp's port range: p, a:b, a:, :b (a > b is an error). */
function tcpRange(s: string): PortRange {
  const c = s.indexOf(':')
  if (c < 0) {
    const p = portOrName(s, 'tcp')
    return { lo: p, hi: p }
  }
  const lo = c === 0 ? 0 : portOrName(s.slice(0, c), 'tcp')
  const hi = c === s.length - 1 ? 65535 : portOrName(s.slice(c + 1), 'tcp')
  if (lo > hi) throw perr('invalid portrange (min > max)')
  return { lo, hi }
}

/** tcp_parse(): one tcp option into the match being built. */
export function parseTcp(
  tcp: PortState,
  opt: string,
  arg: string | null,
  invert: boolean,
  g: { peekArg(): string | null; takeArg(): string },
): void {
  const long = opt === 'sport' ? 'source-port' : 'destination-port'
  if (opt === 'option') throw notModelled("tcp match option `--tcp-option'")
  if (opt === 'syn' || opt === 'flags') {
    // libxt_tcp tcp_parse(): --syn is --tcp-flags SYN,RST,ACK,FIN SYN
    if (tcp.flagsGiven) throw perr("Only one of `--syn' or `--tcp-flags'  allowed")
    let maskText = 'SYN,RST,ACK,FIN'
    let cmpText = 'SYN'
    if (opt === 'flags') {
      if (g.peekArg() === null) throw perr('--tcp-flags requires two args.')
      maskText = arg as string
      cmpText = g.takeArg()
    }
    tcp.flagsMask = parseTcpFlags(maskText)
    tcp.flagsCmp = parseTcpFlags(cmpText)
    tcp.flagsInv = invert
    tcp.flagsGiven = true
    return
  }
  if (tcp[opt as 'sport' | 'dport'] !== null) throw perr(`Only one \`--${long}' allowed`)
  const range = tcpRange(arg as string)
  if (opt === 'sport') {
    tcp.sport = range
    tcp.sportInv = invert
  } else {
    tcp.dport = range
    tcp.dportInv = invert
  }
}

/** tcp_print(): ` tcp`, the ports, ` flags:…` (names, or hex under -n). */
export function printTcp(m: TcpUdpMatch, numeric: boolean): string {
  let s = ` ${m.name}${printPorts(m, numeric)}`
  if (m.flagsMask || m.flagsInv)
    s += ` flags:${m.flagsInv ? '!' : ''}${numeric ? `${hex2(m.flagsMask)}/${hex2(m.flagsCmp)}` : `${tcpFlagNames(m.flagsMask)}/${tcpFlagNames(m.flagsCmp)}`}`
  return s
}

/** tcp_save(): ` -m tcp`, the ports, ` --tcp-flags MASK COMP`. */
export function saveTcp(m: TcpUdpMatch): string {
  let s = ` -m ${m.name}${savePorts(m)}`
  if (m.flagsMask || m.flagsInv)
    s += `${m.flagsInv ? ' !' : ''} --tcp-flags ${tcpFlagNames(m.flagsMask)} ${tcpFlagNames(m.flagsCmp)}`
  return s
}
