import { describe, expect, it } from 'vitest'
import { hsiphashU32, u64From } from './hsiphash'

// An independent BigInt SipHash-1-3 to check the 32-bit-halves version against.
const M = (1n << 64n) - 1n
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M
function reference(value: number, k0: bigint, k1: bigint): number {
  let v0 = 0x736f6d6570736575n ^ k0
  let v1 = 0x646f72616e646f6dn ^ k1
  let v2 = 0x6c7967656e657261n ^ k0
  let v3 = 0x7465646279746573n ^ k1
  const round = () => {
    v0 = (v0 + v1) & M
    v1 = rotl(v1, 13n) ^ v0
    v0 = rotl(v0, 32n)
    v2 = (v2 + v3) & M
    v3 = rotl(v3, 16n) ^ v2
    v0 = (v0 + v3) & M
    v3 = rotl(v3, 21n) ^ v0
    v2 = (v2 + v1) & M
    v1 = rotl(v1, 17n) ^ v2
    v2 = rotl(v2, 32n)
  }
  const b = (4n << 56n) | BigInt(value >>> 0)
  v3 ^= b
  round()
  v0 ^= b
  v2 ^= 0xffn
  round()
  round()
  round()
  return Number((v0 ^ v1 ^ v2 ^ v3) & 0xffffffffn)
}

describe('hsiphash (64-bit kernels: SipHash-1-3)', () => {
  it('matches a BigInt reference for the keys IPVS mh uses', () => {
    for (const value of [0, 1, 0xc0a86465 + 8012, 0x0a000c01, 0xffffffff, 123456789]) {
      for (const k of [2654435761, 2654446892]) {
        expect(hsiphashU32(value, u64From(k), u64From(k))).toBe(reference(value, BigInt(k), BigInt(k)))
      }
    }
  })
})
