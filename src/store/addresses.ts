/**
 * The page's copy of the worker's address book (src/worker/addrBook.ts): frames carry addresses as
 * address numbers (an IPv4 address itself, an IPv6 one an index into the book, protocol.ts
 * V6_ADDR_BASE), and the book's new entries with them. Folded in before anything else of a frame,
 * so every number a frame carries can be read. Outside React, like live.ts: a module, never reset
 * (a restarted worker sends its book again from index 0, over the old entries).
 */
import { type Addr, compareAddr, formatAddr, formatAddrPort } from '../engine/net/ipv6'
import { type AddrBookDelta, applyAddrBook, decodeAddr, V6_ADDR_BASE } from '../worker/protocol'

const v6: string[] = []

/** Fold a frame's new book entries in. */
export function foldAddrBook(d: AddrBookDelta | null | undefined): void {
  applyAddrBook(v6, d ?? null)
}

/** The address an address number stands for (null: −1, or an index not received). */
export function addrOf(n: number): Addr | null {
  return decodeAddr(n, v6)
}

/** Is this address number an IPv6 address? */
export const isV6Num = (n: number): boolean => n >= V6_ADDR_BASE

/** An address number as ipvsadm -n prints the address: `192.168.8.101`, `2001:db8:8::101` (`?`: unknown). */
export function addrText(n: number): string {
  const a = addrOf(n)
  return a === null ? '?' : formatAddr(a)
}

/** An address number and a port as ipvsadm -n prints an endpoint: `192.168.8.101:80`, `[2001:db8:8::101]:80`. */
export function addrPortText(n: number, port: number): string {
  const a = addrOf(n)
  return a === null ? `?:${port}` : formatAddrPort(a, port)
}

/** Address order (IPv4 by value, then IPv6) of two address numbers. */
export function compareAddrNums(a: number, b: number): number {
  const x = addrOf(a)
  const y = addrOf(b)
  if (x === null || y === null) return a - b
  return compareAddr(x, y)
}
