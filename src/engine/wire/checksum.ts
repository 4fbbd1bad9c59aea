/**
 * The Internet checksum (RFC 1071) as the kernel computes it for IPv4, TCP, UDP, ICMP and GRE
 * headers (include/net/checksum.h csum_partial()/csum_fold(), ip_fast_csum()): the ones'
 * complement of the ones'-complement sum of 16-bit big-endian words, an odd last byte padded with 0.
 */

/** The ones'-complement sum of `bytes[start, end)`, added to `sum` (not folded, not inverted). */
export function onesSum(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let s = sum
  let i = start
  for (; i + 1 < end; i += 2) s += (bytes[i] << 8) | bytes[i + 1]
  if (i < end) s += bytes[i] << 8
  return s
}

/** csum_fold(): fold the carries into 16 bits and invert. */
export function fold(sum: number): number {
  let s = sum
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000)
  return ~s & 0xffff
}

/** ip_fast_csum() / ip_compute_csum() over a byte range. */
export const internetChecksum = (bytes: Uint8Array, start: number, end: number): number =>
  fold(onesSum(bytes, start, end))

/**
 * csum_tcpudp_magic(): the TCP/UDP checksum over the IPv4 pseudo-header (source, destination,
 * zero, protocol, segment length) and the segment `bytes[start, end)`.
 */
export function pseudoHeaderChecksum(
  saddr: number,
  daddr: number,
  protocol: number,
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  const len = end - start
  let s = (saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff) + protocol + len
  s = onesSum(bytes, start, end, s)
  return fold(s)
}

/** udp_set_csum(): a computed UDP checksum of 0 is sent as 0xffff (0 means "none", RFC 768). */
export const udpChecksumOnWire = (c: number): number => (c === 0 ? 0xffff : c)
