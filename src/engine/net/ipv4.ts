import ipaddr from 'ipaddr.js'

/** An IPv4 address as an unsigned 32-bit integer in host order. Made only by the functions below. */
export type IPv4 = number & { readonly __brand: 'IPv4' }
/** A TCP/UDP port, 0…65535. */
export type Port = number & { readonly __brand: 'Port' }

export const asIPv4 = (u32: number): IPv4 => (u32 >>> 0) as IPv4
export const asPort = (n: number): Port => (n & 0xffff) as Port

/**
 * Parse an IPv4 address the way glibc's inet_aton() does: dotted quads and the classful short
 * forms (`192.168.100` = 192.168.0.100, `10.1` = 10.0.0.1, `24` = 0.0.0.24), octal and hex parts.
 * ipvsadm and iptables both accept these, so the simulator must too.
 */
export function parseInetAton(text: string): IPv4 | null {
  if (!ipaddr.IPv4.isValid(text)) return null
  const b = ipaddr.IPv4.parse(text).toByteArray()
  return asIPv4(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0)
}

/** Strict dotted quad `a.b.c.d` with decimal parts 0…255 (inet_pton). */
export function parseDottedQuad(text: string): IPv4 | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (!m) return null
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return null
  return asIPv4(((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0)
}

export function formatIPv4(a: number): string {
  return `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`
}

/** Number of leading one bits if `mask` is a contiguous netmask, else -1. */
export function prefixLength(mask: number): number {
  const m = mask >>> 0
  let n = 0
  while (n < 32 && (m & (0x80000000 >>> n)) !== 0) n++
  const rebuilt = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0
  return rebuilt === m ? n : -1
}
