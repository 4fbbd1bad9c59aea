/**
 * The kernel's hsiphash() on 64-bit machines (lib/siphash.c): SipHash-1-3 over the bytes, with a
 * 128-bit key given as two 64-bit words; the result is the low 32 bits of v0^v1^v2^v3.
 * Only the 4-byte input IPVS uses (a u32 in little-endian memory order) is needed; 64-bit words are
 * kept as (hi, lo) 32-bit halves so the hot path never allocates.
 */

/** A 64-bit key word as two unsigned 32-bit halves. */
export interface U64 {
  hi: number
  lo: number
}

const u64 = (x: bigint): U64 => ({ hi: Number((x >> 32n) & 0xffffffffn), lo: Number(x & 0xffffffffn) })

const C0 = u64(0x736f6d6570736575n)
const C1 = u64(0x646f72616e646f6dn)
const C2 = u64(0x6c7967656e657261n)
const C3 = u64(0x7465646279746573n)

// v0..v3 as hi/lo pairs in one scratch array: [v0h, v0l, v1h, v1l, v2h, v2l, v3h, v3l]
const v = new Uint32Array(8)

function add(a: number, b: number): void {
  const lo = v[a + 1] + v[b + 1]
  v[a] = (v[a] + v[b] + (lo > 0xffffffff ? 1 : 0)) >>> 0
  v[a + 1] = lo >>> 0
}

function rol(a: number, n: number): void {
  const hi = v[a]
  const lo = v[a + 1]
  if (n === 32) {
    v[a] = lo
    v[a + 1] = hi
  } else if (n < 32) {
    v[a] = ((hi << n) | (lo >>> (32 - n))) >>> 0
    v[a + 1] = ((lo << n) | (hi >>> (32 - n))) >>> 0
  } else {
    const m = n - 32
    v[a] = ((lo << m) | (hi >>> (32 - m))) >>> 0
    v[a + 1] = ((hi << m) | (lo >>> (32 - m))) >>> 0
  }
}

function xor(a: number, b: number): void {
  v[a] = (v[a] ^ v[b]) >>> 0
  v[a + 1] = (v[a + 1] ^ v[b + 1]) >>> 0
}

const V0 = 0
const V1 = 2
const V2 = 4
const V3 = 6

// SIPHASH_PERMUTATION(v0, v1, v2, v3)
function sipRound(): void {
  add(V0, V1)
  rol(V1, 13)
  xor(V1, V0)
  rol(V0, 32)
  add(V2, V3)
  rol(V3, 16)
  xor(V3, V2)
  add(V0, V3)
  rol(V3, 21)
  xor(V3, V0)
  add(V2, V1)
  rol(V1, 17)
  xor(V1, V2)
  rol(V2, 32)
}

/** hsiphash(&value, 4, key) as on x86_64: SipHash-1-3 of a little-endian u32. */
export function hsiphashU32(value: number, k0: U64, k1: U64): number {
  v[0] = (C0.hi ^ k0.hi) >>> 0
  v[1] = (C0.lo ^ k0.lo) >>> 0
  v[2] = (C1.hi ^ k1.hi) >>> 0
  v[3] = (C1.lo ^ k1.lo) >>> 0
  v[4] = (C2.hi ^ k0.hi) >>> 0
  v[5] = (C2.lo ^ k0.lo) >>> 0
  v[6] = (C3.hi ^ k1.hi) >>> 0
  v[7] = (C3.lo ^ k1.lo) >>> 0
  // b = len << 56 | the 4 bytes
  const bHi = (4 << 24) >>> 0
  const bLo = value >>> 0
  v[6] = (v[6] ^ bHi) >>> 0
  v[7] = (v[7] ^ bLo) >>> 0
  sipRound()
  v[0] = (v[0] ^ bHi) >>> 0
  v[1] = (v[1] ^ bLo) >>> 0
  v[5] = (v[5] ^ 0xff) >>> 0
  sipRound()
  sipRound()
  sipRound()
  return (v[1] ^ v[3] ^ v[5] ^ v[7]) >>> 0
}

export const u64From = (x: number): U64 => ({ hi: Math.floor(x / 0x100000000) >>> 0, lo: x >>> 0 })
