import { formatIPv4 } from '../../../net/ipv4'
import type { IprangeMatch } from '../../../netfilter/rule'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { numericToIpaddr } from '../xtables'

/**
 * The iprange match, iptables' side: extensions/libxt_iprange.c (1.8.9, revision 1 for IPv4) —
 * iprange_mt_opts, its help, iprange_parse_range() (`ip[-ip]`, each end through
 * xtables_numeric_to_ipaddr(); a reversed range is warned about on stderr and kept),
 * iprange_mt_check(), iprange_mt4_print() and iprange_mt4_save(). The packet-time test:
 * netfilter/xt_iprange.ts.
 */

export const IPRANGE_OPTIONS: OptDef[] = [
  { name: 'src-range', arg: 'required', val: 'iprange:src-range' },
  { name: 'dst-range', arg: 'required', val: 'iprange:dst-range' },
]

export const IPRANGE_HELP =
  'iprange match options:\n[!] --src-range ip[-ip]    Match source IP in the specified range\n[!] --dst-range ip[-ip]    Match destination IP in the specified range\n'

export const newIprange = (): IprangeMatch => ({ name: 'iprange', src: null, srcInv: false, dst: null, dstInv: false })

/** iprange_mt_parse(): the range of one option; returns the warning for a reversed range ('' otherwise). */
export function parseIprange(m: IprangeMatch, opt: string, arg: string, invert: boolean): string {
  const src = opt === 'src-range'
  if (src ? m.src : m.dst) throw perr(`iprange: option "--${opt}" can only be used once.\n`)
  const dash = arg.indexOf('-')
  const from = dash < 0 ? arg : arg.slice(0, dash)
  const to = dash < 0 ? arg : arg.slice(dash + 1)
  const ends = [from, to].map((x) => {
    const a = numericToIpaddr(x)
    if (a === null) throw perr(`iprange: Bad value for "--${opt}" option: "${x}"`)
    return a
  })
  const range = { min: ends[0], max: ends[1] }
  if (src) {
    m.src = range
    m.srcInv = invert
  } else {
    m.dst = range
    m.dstInv = invert
  }
  return dash >= 0 && range.min > range.max ? `xt_iprange: range ${from}-${to} is reversed and will never match\n` : ''
}

/** iprange_mt_check(). */
export function checkIprange(m: IprangeMatch): void {
  if (!m.src && !m.dst) throw perr("iprange match: You must specify `--src-range' or `--dst-range'")
}

const range = (r: { min: number; max: number }) => `${formatIPv4(r.min)}-${formatIPv4(r.max)}`

/** iprange_mt4_print(). */
export function printIprange(m: IprangeMatch): string {
  let s = ''
  if (m.src) s += ` source IP range${m.srcInv ? ' !' : ''} ${range(m.src)}`
  if (m.dst) s += ` destination IP range${m.dstInv ? ' !' : ''} ${range(m.dst)}`
  return s
}

/** iprange_mt4_save(). */
export function saveIprange(m: IprangeMatch): string {
  let s = ' -m iprange'
  if (m.src) s += `${m.srcInv ? ' !' : ''} --src-range ${range(m.src)}`
  if (m.dst) s += `${m.dstInv ? ' !' : ''} --dst-range ${range(m.dst)}`
  return s
}
