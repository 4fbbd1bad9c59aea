import { formatIPv4, prefixLength } from '../../../net/ipv4'
import {
  CT_DNAT,
  CT_ESTABLISHED,
  CT_INVALID,
  CT_NEW,
  CT_RELATED,
  CT_SNAT,
  CT_UNTRACKED,
} from '../../../netfilter/nf_conntrack'
import type { AddrMask, ConntrackMatch } from '../../../netfilter/rule'
import { notModelled, perr } from '../errors'
import type { OptDef } from '../getopt'
import { inetAton, ipaddrToAnyname, parseProto, strtoui } from '../xtables'

/**
 * The conntrack match, iptables' side: extensions/libxt_conntrack.c (1.8.9, revision 3) —
 * conntrack3_mt_opts, conntrack_mt_help(), conntrack_ps_states() (each name may be abbreviated:
 * strncasecmp over the typed length), conntrack_mt_parse(), conntrack_mt_check() and
 * conntrack_dump() for -L and -S. Modelled: --ctstate, --ctproto, --ctorigsrc, --ctorigdst,
 * --ctreplsrc, --ctrepldst; the port, status, expiry and direction options are refused as not
 * modelled. `-m state` is the same match under its alias: libxt_state.ts. The packet-time test:
 * netfilter/xt_conntrack.ts.
 */

const MODELLED = ['ctstate', 'ctproto', 'ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst'] as const
const OTHERS = ['ctorigsrcport', 'ctorigdstport', 'ctreplsrcport', 'ctrepldstport', 'ctstatus', 'ctexpire', 'ctdir']

export const CONNTRACK_OPTIONS: OptDef[] = [...MODELLED, ...OTHERS].map((n) => ({
  name: n,
  arg: 'required' as const,
  val: `conntrack:${n}`,
}))

export const CONNTRACK_HELP =
  'conntrack match options:\n[!] --ctstate {INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED|SNAT|DNAT}[,...]\n                               State(s) to match\n[!] --ctproto proto            Protocol to match; by number or name, e.g. "tcp"\n[!] --ctorigsrc address[/mask]\n[!] --ctorigdst address[/mask]\n[!] --ctreplsrc address[/mask]\n[!] --ctrepldst address[/mask]\n                               Original/Reply source/destination address\n[!] --ctorigsrcport port\n[!] --ctorigdstport port\n[!] --ctreplsrcport port\n[!] --ctrepldstport port\n                               TCP/UDP/SCTP orig./reply source/destination port\n[!] --ctstatus {NONE|EXPECTED|SEEN_REPLY|ASSURED|CONFIRMED}[,...]\n                               Status(es) to match\n[!] --ctexpire time[:time]     Match remaining lifetime in seconds against\n                               value or range of values (inclusive)\n    --ctdir {ORIGINAL|REPLY}   Flow direction of packet\n'

export const newConntrack = (alias: boolean): ConntrackMatch => ({
  name: 'conntrack',
  alias,
  state: null,
  stateInv: false,
  proto: null,
  protoInv: false,
  origsrc: null,
  origsrcInv: false,
  origdst: null,
  origdstInv: false,
  replsrc: null,
  replsrcInv: false,
  repldst: null,
  repldstInv: false,
})

/** The state names in the order conntrack_ps_state() tries them (each against the typed prefix). */
const CT_NAMES: [string, number][] = [
  ['INVALID', CT_INVALID],
  ['NEW', CT_NEW],
  ['ESTABLISHED', CT_ESTABLISHED],
  ['RELATED', CT_RELATED],
  ['UNTRACKED', CT_UNTRACKED],
  ['SNAT', CT_SNAT],
  ['DNAT', CT_DNAT],
]

/** One name: strncasecmp(state, NAME, len) == 0, the first that fits; 0 when none does. */
export function stateBit(word: string, names: [string, number][] = CT_NAMES): number {
  const w = word.toUpperCase()
  for (const [n, bit] of names) if (n.startsWith(w)) return bit
  return 0
}

/** conntrack_ps_states(). */
function parseCtStates(arg: string): number {
  let mask = 0
  let rest = arg
  for (let comma = rest.indexOf(','); comma >= 0; comma = rest.indexOf(',')) {
    const bit = comma === 0 ? 0 : stateBit(rest.slice(0, comma))
    if (!bit) throw perr(`Bad ctstate "${rest}"`)
    mask |= bit
    rest = rest.slice(comma + 1)
  }
  const bit = rest === '' ? 0 : stateBit(rest)
  if (!bit) throw perr(`Bad ctstate "${rest}"`)
  return mask | bit
}

/**
 * XTTYPE_HOSTMASK (xtopt_parse_hostmask()): a host through getaddrinfo() (numeric as inet_aton()
 * reads it, or localhost; the lab has no resolver, so any other name fails as an offline
 * director's does not — `Name or service not known`) and an optional /len or mask. A mask that
 * is not a run of ones (or a number over 32, read as an address) leaves hlen invalid, so
 * xtopt_parse_plenmask() keeps all ones: /32. The address is kept unmasked.
 */
function parseHostMask(opt: string, arg: string): AddrMask {
  const slash = arg.indexOf('/')
  const host = slash < 0 ? arg : arg.slice(0, slash)
  const addr = host === 'localhost' ? 0x7f000001 : inetAton(host)
  if (addr === null) throw perr('getaddrinfo: Name or service not known\n')
  if (slash < 0) return { addr, mask: 0xffffffff }
  const plen = arg.slice(slash + 1)
  const len = strtoui(plen, 32)
  if (len !== null) return { addr, mask: len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0 }
  const mask = inetAton(plen)
  if (mask === null)
    throw perr(`conntrack: bad value for option "--${opt}", neither a valid network mask nor valid CIDR (0-32).\n`)
  return { addr, mask: prefixLength(mask) >= 0 ? mask : 0xffffffff }
}

/** conntrack_mt_parse() for one option (xtables_option_parse() first: once, then `!`). */
export function parseConntrack(m: ConntrackMatch, given: Set<string>, opt: string, arg: string, invert: boolean): void {
  if (given.has(opt)) throw perr(`conntrack: option "--${opt}" can only be used once.\n`)
  given.add(opt)
  if (OTHERS.includes(opt)) throw notModelled(`conntrack option "--${opt}"`)
  switch (opt) {
    case 'ctstate':
      m.state = parseCtStates(arg)
      m.stateInv = invert
      break
    case 'ctproto':
      m.proto = parseProto(arg)
      m.protoInv = invert
      break
    case 'ctorigsrc':
    case 'ctorigdst':
    case 'ctreplsrc':
    case 'ctrepldst': {
      const a = parseHostMask(opt, arg)
      const k = opt.slice(2) as 'origsrc' | 'origdst' | 'replsrc' | 'repldst'
      m[k] = a
      m[`${k}Inv`] = invert
      break
    }
  }
}

/** conntrack_mt_check(). */
export function checkConntrack(given: Set<string>): void {
  if (given.size === 0) throw perr('conntrack: At least one option is required')
}

/** print_state(): the names in the kernel's bit order. */
export function stateNames(mask: number): string {
  const order: [string, number][] = [
    ['INVALID', CT_INVALID],
    ['NEW', CT_NEW],
    ['RELATED', CT_RELATED],
    ['ESTABLISHED', CT_ESTABLISHED],
    ['UNTRACKED', CT_UNTRACKED],
    ['SNAT', CT_SNAT],
    ['DNAT', CT_DNAT],
  ]
  return order
    .filter(([, b]) => mask & b)
    .map(([n]) => n)
    .join(',')
}

/** conntrack_dump_addr(): ` anywhere` for 0.0.0.0 without -n, else the address and its mask (none for /32). */
function dumpAddr(a: AddrMask, numeric: boolean): string {
  if (!numeric && a.addr === 0) return ' anywhere'
  const host = numeric ? formatIPv4(a.addr) : ipaddrToAnyname(a.addr)
  if (a.mask >>> 0 === 0xffffffff) return ` ${host}`
  const len = prefixLength(a.mask)
  return ` ${host}/${len >= 0 ? len : formatIPv4(a.mask)}`
}

/** conntrack_dump(): `prefix` is '' for -L, '--' for -S. */
export function dumpConntrack(m: ConntrackMatch, prefix: string, numeric: boolean): string {
  let s = ''
  if (m.state !== null)
    s += `${m.stateInv ? ' !' : ''} ${prefix}${m.alias ? 'state' : 'ctstate'} ${stateNames(m.state)}`
  if (m.proto !== null) s += `${m.protoInv ? ' !' : ''} ${prefix}ctproto ${m.proto}`
  for (const k of ['origsrc', 'origdst', 'replsrc', 'repldst'] as const) {
    const a = m[k]
    if (a) s += `${m[`${k}Inv`] ? ' !' : ''} ${prefix}ct${k}${dumpAddr(a, numeric)}`
  }
  return s
}

/** conntrack3_mt_print() / the state alias's print. */
export const printConntrack = (m: ConntrackMatch, numeric: boolean): string => dumpConntrack(m, '', numeric)

/** conntrack3_mt_save(): ` -m conntrack` (or ` -m state` for the alias) and the options. */
export const saveConntrack = (m: ConntrackMatch): string =>
  ` -m ${m.alias ? 'state' : 'conntrack'}${dumpConntrack(m, '--', true)}`
