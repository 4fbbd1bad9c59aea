import type { IPv4 } from './ipv4'

/** Route types (include/uapi/linux/rtnetlink.h) that inet_addr_type() can answer here. */
export type RouteType = 'UNICAST' | 'LOCAL' | 'BROADCAST' | 'MULTICAST'

/** One interface address: what `ip addr add ADDR/PREFIXLEN` gave it. */
export interface IfAddr {
  addr: number
  prefixLen: number
  loopback: boolean
}

/**
 * The director's IPv4 addresses, as the recordings' director had them (the golden README's
 * topology): 127.0.0.1/8 on lo, 10.0.255.254 toward the clients (10.0.x.y: /16), the DIP
 * 192.168.8.1 toward the real servers (192.168.8.x: /24). The VIPs are not in it: how the
 * recorder configured them is not known, and a /32 adds no broadcast route.
 */
export const DIRECTOR_IFADDRS: readonly IfAddr[] = Object.freeze([
  { addr: 0x7f000001, prefixLen: 8, loopback: true },
  { addr: 0x0a00fffe, prefixLen: 16, loopback: false },
  { addr: 0xc0a80801, prefixLen: 24, loopback: false },
])

const maskOf = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)

/**
 * inet_addr_type() (net/ipv4/fib_frontend.c, Linux 6.1.192): 0.0.0.0 and 255.255.255.255 are
 * BROADCAST, 224.0.0.0/4 MULTICAST (ipv4_is_zeronet() is only 0.0.0.0 since 5.3); otherwise the
 * local table decides — what fib_add_ifaddr() put there for each address: LOCAL for the address
 * itself (and a loopback's whole prefix), BROADCAST for its subnet's broadcast address when the
 * prefix is shorter than /31 — and an address it does not hold is UNICAST.
 */
export function inetAddrType(addr: IPv4, ifaddrs: readonly IfAddr[] = DIRECTOR_IFADDRS): RouteType {
  const a = addr >>> 0
  if (a === 0 || a === 0xffffffff) return 'BROADCAST'
  if (a >>> 28 === 0xe) return 'MULTICAST'
  // longest prefix first, as fib_table_lookup() matches: /32 entries, then a loopback's prefix
  for (const ifa of ifaddrs) if (a === ifa.addr) return 'LOCAL'
  for (const ifa of ifaddrs) {
    const mask = maskOf(ifa.prefixLen)
    if (ifa.prefixLen < 31 && a === ((ifa.addr & mask) | ~mask) >>> 0) return 'BROADCAST'
  }
  for (const ifa of ifaddrs) {
    const mask = maskOf(ifa.prefixLen)
    if (ifa.loopback && (a & mask) >>> 0 === (ifa.addr & mask) >>> 0) return 'LOCAL'
  }
  return 'UNICAST'
}
