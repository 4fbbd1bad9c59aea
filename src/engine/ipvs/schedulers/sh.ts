import { addrFold } from '../../net/ipv6'
import type { Destination } from '../destination'
import { type Service, SvcFlag } from '../service'
import type { SchedulePacket, Scheduler } from './scheduler'

/** CONFIG_IP_VS_SH_TAB_BITS default. */
const SH_TAB_BITS = 8
const SH_TAB_SIZE = 1 << SH_TAB_BITS
const GOLDEN_RATIO_32 = 0x61c88647

/** include/linux/hash.h hash_32(): multiplicative hash, top `bits` bits. */
export function hash32(value: number, bits: number): number {
  return Math.imul(value >>> 0, GOLDEN_RATIO_32) >>> (32 - bits)
}

interface ShState {
  buckets: (Destination | null)[]
}

// mirrors ip_vs_sh_reassign(): buckets 0..255 filled by walking the list cyclically, each destination
// taking `weight` consecutive buckets per round (a weight-0 destination still takes one).
function reassign(svc: Service, s: ShState): void {
  const list = svc.destinations
  let p = 0
  let dCount = 0
  for (let i = 0; i < SH_TAB_SIZE; i++) {
    if (list.length === 0) {
      s.buckets[i] = null
      continue
    }
    if (p === list.length) p = 0
    const dest = list[p]
    s.buckets[i] = dest
    if (++dCount >= dest.weight) {
      p++
      dCount = 0
    }
  }
}

// mirrors ip_vs_sh_hashkey()
function hashKey(addr: number, port: number, offset: number): number {
  return (offset + hash32((port + addr) >>> 0, SH_TAB_BITS)) % SH_TAB_SIZE
}

const unavailable = (d: Destination | null): boolean => d === null || d.weight <= 0 || d.overloaded

/** Source hashing (ip_vs_sh.c): a client address (and with sh-port its port) maps to a fixed bucket. */
export const sh: Scheduler<ShState> = {
  name: 'sh',
  init(svc) {
    const s: ShState = { buckets: Array.from({ length: SH_TAB_SIZE }, () => null) }
    reassign(svc, s)
    return s
  },
  addDest: (svc, s) => reassign(svc, s),
  delDest: (svc, s) => reassign(svc, s),
  updDest: (svc, s) => reassign(svc, s),

  // mirrors ip_vs_sh_schedule(), ip_vs_sh_get() and ip_vs_sh_get_fallback()
  schedule(svc, s, pkt: SchedulePacket) {
    const port = svc.flags & SvcFlag.SCHED2 ? pkt.sport : 0
    const ihash = hashKey(addrFold(pkt.saddr), port, 0)
    const first = s.buckets[ihash]
    if (!(svc.flags & SvcFlag.SCHED1)) return unavailable(first) ? null : first
    if (first === null) return null
    if (!unavailable(first)) return first
    for (let offset = 0; offset < SH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % SH_TAB_SIZE
      const d = s.buckets[hashKey(addrFold(pkt.saddr), port, roffset)]
      if (!unavailable(d)) return d
    }
    return null
  },
}
