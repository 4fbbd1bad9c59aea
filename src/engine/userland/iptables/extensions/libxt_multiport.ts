import type { MultiportMatch, PortRange } from '../../../netfilter/rule'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { PROTO_NAMES, portOrName } from '../xtables'
import { rangeSave, rangeText } from './ports'

/**
 * The multiport match, iptables' side: extensions/libxt_multiport.c (1.8.9) — its options, its
 * help, multiport_parse_v1() (up to 15 ports, a range taking two), the final check, and
 * multiport_print_v1() / multiport_save_v1(). The packet-time test: netfilter/xt_multiport.ts.
 */

export const MULTIPORT_OPTIONS: OptDef[] = [
  { name: 'source-ports', arg: 'required', val: 'multiport:sports' },
  { name: 'sports', arg: 'required', val: 'multiport:sports' },
  { name: 'destination-ports', arg: 'required', val: 'multiport:dports' },
  { name: 'dports', arg: 'required', val: 'multiport:dports' },
  { name: 'ports', arg: 'required', val: 'multiport:ports' },
]

export const MULTIPORT_HELP =
  'multiport match options:\n[!] --source-ports port[,port:port,port...]\n --sports ...\n\t\t\t\tmatch source port(s)\n[!] --destination-ports port[,port:port,port...]\n --dports ...\n\t\t\t\tmatch destination port(s)\n[!] --ports port[,port:port,port]\n\t\t\t\tmatch both source and destination port(s)\n'

/** A multiport match while parsed: the option last given, and every option given (for the final check). */
export interface MultiportState {
  multi: Omit<MultiportMatch, 'name'> | null
  multiGiven: string[]
}

/** multiport_parse_v1(): needs `-p` of a protocol with ports; the list of ports and ranges. */
export function parseMultiport(
  inst: MultiportState,
  opt: string,
  arg: string | null,
  invert: boolean,
  p: { proto: number; protoGiven: boolean; protoInv: boolean },
): void {
  const pname = PROTO_NAMES[p.proto]
  if (!p.protoGiven) throw perr("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'")
  if (p.protoInv || !['tcp', 'udp', 'udplite', 'sctp', 'dccp'].includes(pname ?? ''))
    throw perr('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP')
  const pp = pname === 'udp' ? 'udp' : 'tcp'
  const items = (arg as string).split(',')
  const ports: PortRange[] = []
  let slots = 0
  for (const item of items) {
    const c = item.indexOf(':')
    if (c >= 0) {
      if (slots + 2 > 15) throw perr('too many ports specified')
      const lo = portOrName(item.slice(0, c), pp)
      const hi = portOrName(item.slice(c + 1), pp)
      if (lo >= hi) throw perr('invalid portrange specified')
      ports.push({ lo, hi })
      slots += 2
    } else {
      if (slots + 1 > 15) throw perr('too many ports specified')
      const p = portOrName(item, pp)
      ports.push({ lo: p, hi: p })
      slots += 1
    }
  }
  inst.multiGiven.push(opt)
  inst.multi = { option: opt as 'sports' | 'dports' | 'ports', ports, inv: invert }
}

/** multiport_check(): exactly one of the options. */
export function checkMultiport(multiGiven: string[]): void {
  if (multiGiven.length === 0) throw perr('multiport expection an option')
  if (multiGiven.length > 1) {
    // xtables_options_fcheck(): reported in the extension's option table order
    const order = ['sports', 'dports', 'ports']
    const [a, b] = [...new Set(multiGiven)].sort((x, y) => order.indexOf(x) - order.indexOf(y))
    const longName = (o: string) => (o === 'sports' ? 'source-ports' : o === 'dports' ? 'destination-ports' : 'ports')
    throw perr(`multiport: option "--${longName(a)}" cannot be used together with "--${longName(b)}".\n`)
  }
}

/** multiport_print_v1(): ports named by the rule's protocol (tcp unless udp) without -n. */
export const printMultiport = (m: MultiportMatch, proto: 'tcp' | 'udp', numeric: boolean): string =>
  ` multiport ${m.option} ${m.inv ? ' !' : ''}${m.ports.map((p) => rangeText(p, proto, numeric)).join(',')}`

/** multiport_save_v1(). */
export const saveMultiport = (m: MultiportMatch): string =>
  ` -m multiport${m.inv ? ' !' : ''} --${m.option} ${m.ports.map(rangeSave).join(',')}`
