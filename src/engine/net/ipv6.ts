import ipaddr from 'ipaddr.js'
import { formatIPv4, type IPv4, parseDottedQuad } from './ipv4'

/**
 * An IPv6 address, kept as the text glibc's inet_ntop() makes of it (`2001:db8::10`): one text per
 * address, so `===` compares addresses, and a string is never equal to an IPv4 number, so a
 * lookup that compares addresses compares their family too (the kernel's `af == cp->af`).
 * Made only by the functions below.
 */
export type IPv6 = string & { readonly __brand: 'IPv6' }
/** An address of either family (union nf_inet_addr with its af): IPv4 a number, IPv6 a string. */
export type Addr = IPv4 | IPv6

export const AF_INET = 2
export const AF_INET6 = 10

export const isIPv6 = (a: Addr): a is IPv6 => typeof a === 'string'
export const familyOf = (a: Addr): number => (typeof a === 'string' ? AF_INET6 : AF_INET)

/** inet_ntop(AF_INET) / inet_ntop(AF_INET6): how ipvsadm prints an address. */
export const formatAddr = (a: Addr): string => (typeof a === 'string' ? a : formatIPv4(a))

const WORDS_CACHE = new Map<string, readonly number[]>()

/** The eight 16-bit groups of an address (s6_addr16 in host order). */
export function ipv6Words(a: IPv6): readonly number[] {
  let w = WORDS_CACHE.get(a)
  if (w === undefined) {
    w = ipaddr.IPv6.parse(hexForm(a) ?? '::').parts
    if (WORDS_CACHE.size >= 4096) WORDS_CACHE.clear()
    WORDS_CACHE.set(a, w)
  }
  return w
}

/**
 * glibc's inet_ntop6(): lower-case groups without leading zeros, the longest run of two or more
 * zero groups (the first of equal runs) as `::`, and `::a.b.c.d` / `::ffff:a.b.c.d` for the
 * IPv4-compatible and IPv4-mapped forms.
 */
export function ipv6FromWords(words: readonly number[]): IPv6 {
  let bestBase = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) {
      bestBase = i
      bestLen = j - i
    }
    i = j
  }
  if (bestLen < 2) bestBase = -1
  let out = ''
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':'
      continue
    }
    if (i !== 0) out += ':'
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += formatIPv4(((words[6] << 16) | words[7]) >>> 0)
      break
    }
    out += words[i].toString(16)
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':'
  return out as IPv6
}

/**
 * inet_pton(AF_INET6): hex groups with at most one `::`, optionally ending in a dotted quad; no
 * zone (`%eth0`), no prefix. ipaddr.js reads the hex form; the dotted tail is read here because
 * ipaddr.js turns `::1.2.3.4` into an IPv4-mapped address.
 */
export function parseIPv6(text: string): IPv6 | null {
  if (text.includes('%') || text.indexOf(':') === text.lastIndexOf(':')) return null
  const hex = hexForm(text)
  if (hex === null || !/^[0-9a-fA-F:]+$/.test(hex) || !ipaddr.IPv6.isValid(hex)) return null
  return ipv6FromWords(ipaddr.IPv6.parse(hex).parts)
}

/** The text with a dotted-quad tail written as two hex groups (null if the tail is not a dotted quad). */
function hexForm(text: string): string | null {
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (!tail.includes('.')) return text
  const v4 = parseDottedQuad(tail)
  if (v4 === null) return null
  return `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
}

/** ipv6_addr_prefix(): the first `plen` bits of the address, the rest zero. */
export function ipv6Prefix(a: IPv6, plen: number): IPv6 {
  if (plen >= 128) return a
  const w = ipv6Words(a)
  const out = new Array<number>(8)
  for (let i = 0; i < 8; i++) {
    const bits = Math.min(16, Math.max(0, plen - i * 16))
    out[i] = bits === 0 ? 0 : w[i] & ((0xffff << (16 - bits)) & 0xffff)
  }
  return ipv6FromWords(out)
}

/** The address's four 32-bit words in host order (ntohl(s6_addr32[i])), as libipvs compares them. */
export function addrWords32(a: Addr): [number, number, number, number] {
  if (typeof a !== 'string') return [a >>> 0, 0, 0, 0]
  const w = ipv6Words(a)
  return [
    ((w[0] << 16) | w[1]) >>> 0,
    ((w[2] << 16) | w[3]) >>> 0,
    ((w[4] << 16) | w[5]) >>> 0,
    ((w[6] << 16) | w[7]) >>> 0,
  ]
}

/** A 32-bit number for hashing: the address itself, or an IPv6 address's words folded (addr_fold). */
export function addrFold(a: Addr): number {
  if (typeof a !== 'string') return a
  const w = addrWords32(a)
  return (w[0] ^ w[1] ^ w[2] ^ w[3]) >>> 0
}

/** `%pI6`: eight groups of four hex digits, as /proc/net/ip_vs_conn prints an IPv6 address. */
export function procIPv6(a: IPv6): string {
  return ipv6Words(a)
    .map((g) => g.toString(16).padStart(4, '0'))
    .join(':')
}

/** The IPv6 address whose first 32 bits are `u32`, the rest zero: `{ .ip = htonl(fwmark) }` of a v6 fwmark template. */
export function ipv6FromFirstWord(u32: number): IPv6 {
  return ipv6FromWords([(u32 >>> 16) & 0xffff, u32 & 0xffff, 0, 0, 0, 0, 0, 0])
}

/** An address as a scenario or a traffic spec writes it: a strict dotted quad or an IPv6 address. */
export function parseAddr(text: string): Addr | null {
  return parseDottedQuad(text) ?? parseIPv6(text)
}

/** `a.b.c.d:port` or `[v6]:port`, as ipvsadm -n and the recordings write an endpoint. */
export const formatAddrPort = (a: Addr, port: number): string =>
  typeof a === 'string' ? `[${a}]:${port}` : `${formatIPv4(a)}:${port}`

/**
 * Address order for a display (not ipvsadm's sort, which compares signed words): IPv4 addresses
 * by value, then IPv6 ones by their 128 bits.
 */
export function compareAddr(a: Addr, b: Addr): number {
  if (typeof a !== 'string') return typeof b === 'string' ? -1 : (a >>> 0) - (b >>> 0)
  if (typeof b !== 'string') return 1
  const wa = ipv6Words(a)
  const wb = ipv6Words(b)
  for (let i = 0; i < 8; i++) if (wa[i] !== wb[i]) return wa[i] - wb[i]
  return 0
}
