import type { Destination } from '../destination'
import { s64MulGreater } from './loadCompare'

/**
 * The weighted least-connection pick the locality schedulers fall back on (__ip_vs_lblc_schedule(),
 * __ip_vs_lblcr_schedule()): like wlc, but an overloaded server is skipped before the weight test.
 */
export function weightedLeastConnection(list: readonly Destination[]): Destination | null {
  let i = 0
  while (i < list.length && (list[i].overloaded || list[i].weight <= 0)) i++
  if (i === list.length) return null
  let least = list[i]
  let loh = least.connOverhead
  for (i++; i < list.length; i++) {
    const d = list[i]
    if (d.overloaded) continue
    const doh = d.connOverhead
    if (s64MulGreater(loh, d.weight, doh, least.weight)) {
      least = d
      loh = doh
    }
  }
  return least
}

/** lblc/lblcr's own "overloaded": more active connections than its weight while some server is under half. */
export function localityOverloaded(dest: Destination, list: readonly Destination[]): boolean {
  if (dest.activeConns > dest.weight) return list.some((d) => d.activeConns * 2 < d.weight)
  return false
}
