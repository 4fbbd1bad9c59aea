import { hsiphashU32, u64From } from '../../lib/hsiphash'
import { addrFold } from '../../net/ipv6'
import type { Destination } from '../destination'
import { type Service, SvcFlag } from '../service'
import type { Scheduler } from './scheduler'

/** primes[CONFIG_IP_VS_MH_TAB_INDEX − 8] with the default index 12: the lookup table has 4093 slots. */
export const MH_TAB_SIZE = 4093
/** IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2: weights are scaled to fit 6 bits. */
const MH_TAB_BITS = 6
const HASH1 = u64From(2654435761)
const HASH2 = u64From(2654446892)

interface MhState {
  lookup: (Destination | null)[]
}

// mirrors ip_vs_mh_hashkey(): hsiphash of (offset + port + address) as a u32.
const hashKey = (addr: number, port: number, key: typeof HASH1, offset: number): number =>
  hsiphashU32((offset + port + addr) >>> 0, key, key)

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** fls(): the position of the highest set bit (1-based), 0 for 0. */
const fls = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x))

// mirrors ip_vs_mh_dest_changed() → ip_vs_mh_gcd_weight(), ip_vs_mh_shift_weight(),
// ip_vs_mh_permutate() and ip_vs_mh_populate(). Uses last_weight, so quiescing a server
// does not reshuffle the table.
function reassign(svc: Service, s: MhState): void {
  const list = svc.destinations
  let g = 0
  for (const d of list) if (d.lastWeight > 0) g = g > 0 ? gcd(d.lastWeight, g) : d.lastWeight
  if (g < 1) {
    s.lookup.fill(null)
    return
  }
  let maxW = 0
  for (const d of list) if (d.lastWeight > maxW) maxW = d.lastWeight
  const shift = Math.max(0, fls(Math.floor(maxW / g)) - MH_TAB_BITS)
  const setup = list.map((d) => {
    const offset = hashKey(addrFold(d.addr), d.port, HASH1, 0) % MH_TAB_SIZE
    const skip = (hashKey(addrFold(d.addr), d.port, HASH2, 0) % (MH_TAB_SIZE - 1)) + 1
    const turns = Math.floor(d.lastWeight / g) >> shift || (d.lastWeight !== 0 ? 1 : 0)
    return { offset, skip, perm: offset, turns }
  })
  const used = new Uint8Array(MH_TAB_SIZE)
  let n = 0
  let dtCount = 0
  for (;;) {
    for (let p = 0; p < list.length; ) {
      const ds = setup[p]
      if (ds.turns < 1) {
        p++
        continue
      }
      let c = ds.perm
      while (used[c]) {
        ds.perm += ds.skip
        if (ds.perm >= MH_TAB_SIZE) ds.perm -= MH_TAB_SIZE
        c = ds.perm
      }
      used[c] = 1
      s.lookup[c] = list[p]
      if (++n === MH_TAB_SIZE) return
      if (++dtCount >= ds.turns) {
        dtCount = 0
        p++
      }
    }
  }
}

const unavailable = (d: Destination): boolean => d.weight <= 0 || d.overloaded

/**
 * Maglev hashing (ip_vs_mh.c): each server gets a permutation of the 4093 slots from hsiphash of
 * its address and port; slots are claimed round robin, `weight/gcd` at a time; a client's address
 * (and with mh-port its port) hashes to a slot.
 */
export const mh: Scheduler<MhState> = {
  name: 'mh',
  init(svc) {
    const s: MhState = { lookup: Array.from({ length: MH_TAB_SIZE }, () => null) }
    reassign(svc, s)
    return s
  },
  addDest: (svc, s) => reassign(svc, s),
  delDest: (svc, s) => reassign(svc, s),
  updDest: (svc, s) => reassign(svc, s),
  // mirrors ip_vs_mh_schedule(), ip_vs_mh_get() and ip_vs_mh_get_fallback()
  schedule(svc, s, pkt) {
    const port = svc.flags & SvcFlag.SCHED2 ? pkt.sport : 0
    const ihash = hashKey(addrFold(pkt.saddr), port, HASH1, 0) % MH_TAB_SIZE
    const first = s.lookup[ihash]
    if (!(svc.flags & SvcFlag.SCHED1)) return !first || unavailable(first) ? null : first
    if (!first) return null
    if (!unavailable(first)) return first
    for (let offset = 0; offset < MH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % MH_TAB_SIZE
      const d = s.lookup[hashKey(addrFold(pkt.saddr), port, HASH1, roffset) % MH_TAB_SIZE]
      if (!d) return null
      if (!unavailable(d)) return d
    }
    return null
  },
}
