import { addrFold } from '../../net/ipv6'
import type { Destination } from '../destination'
import type { Service } from '../service'
import type { Scheduler } from './scheduler'
import { hash32 } from './sh'

const DH_TAB_BITS = 8
const DH_TAB_SIZE = 1 << DH_TAB_BITS

interface DhState {
  buckets: (Destination | null)[]
}

// mirrors ip_vs_dh_reassign(): buckets filled round robin over the list, weights ignored.
function reassign(svc: Service, s: DhState): void {
  const list = svc.destinations
  for (let i = 0; i < DH_TAB_SIZE; i++) s.buckets[i] = list.length === 0 ? null : list[i % list.length]
}

/**
 * Destination hashing (ip_vs_dh.c): the packet's destination address picks a bucket
 * (hash_32 of the address); an unusable bucket server means no destination (no fallback).
 */
export const dh: Scheduler<DhState> = {
  name: 'dh',
  init(svc) {
    const s: DhState = { buckets: Array.from({ length: DH_TAB_SIZE }, () => null) }
    reassign(svc, s)
    return s
  },
  addDest: (svc, s) => reassign(svc, s),
  delDest: (svc, s) => reassign(svc, s),
  updDest: (svc, s) => reassign(svc, s),
  // mirrors ip_vs_dh_schedule()
  schedule(_svc, s, pkt) {
    const d = s.buckets[hash32(addrFold(pkt.daddr), DH_TAB_BITS)]
    if (!d?.available || d.weight <= 0 || d.overloaded) return null
    return d
  },
}
