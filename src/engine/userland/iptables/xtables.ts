import { formatIPv4 } from '../../net/ipv4'
import { servicePortOf } from '../../net/netdb'
import type { AddrMask } from '../../netfilter/rule'
import { perr } from './errors'

/**
 * The helpers of libxtables (iptables/libxtables/xtables.c, 1.8.9) that parsing uses: numbers
 * (xtables_strtoui(), xtables_parse_val_mask()), ports, addresses with masks, protocols and
 * interfaces.
 */

/** Protocol numbers iptables knows by name (xtables chain_protos + /etc/protocols for the common ones). */
export const PROTO_NAMES: Record<number, string> = {
  0: 'all',
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  33: 'dccp',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  132: 'sctp',
  136: 'udplite',
}

export const protoName = (p: number): string => PROTO_NAMES[p] ?? String(p)

/** strtoul(…, 0) over the whole string within [0, max] (xtables_strtoui()). */
export function strtoui(s: string, max: number): number | null {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '')
  const hex = /^\+?0[xX]([0-9a-fA-F]+)$/.exec(t)
  const oct = /^\+?0([0-7]*)$/.exec(t)
  const dec = /^\+?([1-9]\d*)$/.exec(t)
  let v: number
  if (hex) v = Number.parseInt(hex[1], 16)
  else if (oct) v = oct[1] ? Number.parseInt(oct[1], 8) : 0
  else if (dec) v = Number(dec[1])
  else return null
  return v <= max ? v : null
}

/** The longest prefix strtoul(…, 0) would read: the value and what is left. */
function strtoulPrefix(s: string): { value: number; rest: string } | null {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '')
  let m = /^\+?0[xX]([0-9a-fA-F]+)/.exec(t)
  if (m) return { value: Number.parseInt(m[1], 16), rest: t.slice(m[0].length) }
  m = /^\+?0([0-7]*)/.exec(t)
  if (m) return { value: m[1] ? Number.parseInt(m[1], 8) : 0, rest: t.slice(m[0].length) }
  m = /^\+?(\d+)/.exec(t)
  if (m) return { value: Number(m[1]), rest: t.slice(m[0].length) }
  return null
}

/** xtables_parse_val_mask(): V[/M], base 0, default mask all ones. */
export function parseValMask(arg: string, ext: string, opt: string): { value: number; mask: number } {
  const bad = () => perr(`${ext}: bad integer value for option "--${opt}", or out of range.\n`)
  const garbage = () => perr(`${ext}: trailing garbage after value for option "--${opt}".\n`)
  const v = strtoulPrefix(arg)
  if (!v || v.value > 0xffffffff || /^[ \t]*-/.test(arg)) throw bad()
  if (v.rest === '') return { value: v.value, mask: 0xffffffff }
  if (!v.rest.startsWith('/')) throw garbage()
  const m = strtoulPrefix(v.rest.slice(1))
  if (!m || m.value > 0xffffffff) throw bad()
  if (m.rest !== '') throw garbage()
  return { value: v.value, mask: m.value }
}

/** xtables_parse_port(): a number 0…65535 (base 0) or a service name. */
export function portOrName(s: string, proto: 'tcp' | 'udp'): number {
  const n = strtoui(s, 65535)
  if (n !== null) return n
  const p = servicePortOf(s, proto)
  if (p === null) throw perr(`invalid port/service \`${s}' specified`)
  return p
}

/** The director's /etc/hosts and /etc/networks (Debian 12 defaults) for names in `iptables -L`. */
const HOSTS = new Map([[0x7f000001, 'localhost']])
const NETWORKS = new Map([
  [0, 'default'],
  [0x7f000000, 'loopback'],
  [0xa9fe0000, 'link-local'],
])

/** xtables_ipaddr_to_anyname(): /etc/hosts first, then /etc/networks, else numeric. */
export const ipaddrToAnyname = (a: number): string => HOSTS.get(a) ?? NETWORKS.get(a) ?? formatIPv4(a)

/** inet_aton() (what getaddrinfo() takes for a numeric IPv4 host): 1–4 parts, base 0, the last fills the rest. */
export function inetAton(s: string): number | null {
  const parts = s.split('.')
  if (parts.length > 4 || parts.some((p) => p === '')) return null
  const nums = parts.map((p) => strtoui(p, 0xffffffff))
  if (nums.some((n) => n === null)) return null
  const v = nums as number[]
  const last = v[v.length - 1]
  const lead = v.slice(0, -1)
  if (lead.some((n) => n > 255) || last >= 2 ** (8 * (4 - lead.length))) return null
  let a = 0
  for (const n of lead) a = a * 256 + n
  return (a * 2 ** (8 * (4 - lead.length)) + last) >>> 0
}

/** xtables_numeric_to_ipaddr(): 1…4 dotted parts filled from the left, each 0…255 (base 0). */
function hostAddr(s: string): number | null {
  if (s === 'localhost') return 0x7f000001
  const parts = s.split('.')
  if (parts.length < 1 || parts.length > 4) return null
  let a = 0
  for (let i = 0; i < 4; i++) {
    let v = 0
    if (i < parts.length) {
      const n = strtoui(parts[i], 255)
      if (n === null) return null
      v = n
    }
    a = a * 256 + v
  }
  return a >>> 0
}

/** xtables_numeric_to_ipaddr(): a dotted address (1…4 parts, filled from the left), or null. */
export const numericToIpaddr = (s: string): number | null => (s === 'localhost' ? null : hostAddr(s))

/**
 * xtables_save_string(): as is when made only of `_-0-9a-zA-Z` (and not empty), otherwise in
 * double quotes with `"`, `\` and `'` escaped by a backslash. Begins with a space.
 */
export function saveString(value: string): string {
  if (/^[_\-0-9a-zA-Z]+$/.test(value)) return ` ${value}`
  return ` "${value.replace(/["\\']/g, (c) => `\\${c}`)}"`
}

/** xtopt_parse_string() with XTOPT_PUT into a char[size]: the text cut to size-1 bytes. */
export function putString(arg: string, size: number): string {
  let bytes = 0
  let out = ''
  for (const ch of arg) {
    const cp = ch.codePointAt(0) as number
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    // (a character cut in the middle is dropped whole: the lab keeps text, not bytes)
    if (bytes + n > size - 1) break
    bytes += n
    out += ch
  }
  return out
}

/** -s / -d: a comma list of address[/mask] (xtables_ipparse_multiple()). */
export function parseAddrs(s: string): AddrMask[] {
  return s.split(',').map((item0) => {
    const item = item0.replace(/^[ \t]+/, '')
    const slash = item.lastIndexOf('/')
    let mask = 0xffffffff
    let host = item
    if (slash >= 0) {
      const m = item.slice(slash + 1)
      host = item.slice(0, slash)
      const dotted = /^\d+\.\d+\.\d+\.\d+$/.test(m) ? hostAddr(m) : null
      if (dotted !== null) mask = dotted
      else {
        const bits = strtoui(m, 32)
        if (bits === null) throw perr(`invalid mask \`${m}' specified`)
        mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
      }
    }
    if (mask === 0) return { addr: 0, mask: 0 }
    const a = hostAddr(host)
    if (a === null) throw perr(`host/network \`${host}' not found`)
    return { addr: (a & mask) >>> 0, mask }
  })
}

const PROTOCOLS: Record<string, number> = {
  all: 0,
  ip: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  dccp: 33,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
  'mobility-header': 135,
  'ipv6-mh': 135,
  mh: 135,
}

export function parseProto(s: string): number {
  const l = s.toLowerCase()
  const n = strtoui(l, 255)
  if (n !== null) return n
  const p = PROTOCOLS[l]
  if (p === undefined) throw perr(`unknown protocol "${s}" specified`)
  return p
}

/** xtables_parse_interface(): returns a warning for characters the kernel refuses, or ''. */
export function parseIface(s: string): string {
  if (s.length === 0) throw perr('Empty interface is likely to be undesired')
  if (s.length > 15) throw perr(`interface name \`${s}' must be shorter than IFNAMSIZ (15)`)
  return /[/ ]/.test(s)
    ? `Warning: weird character in interface \`${s}' ('/' and ' ' are not allowed by the kernel).\n`
    : ''
}
