import type { Destination } from '../destination'
import { s64MulGreater } from './loadCompare'
import type { Scheduler } from './scheduler'

/**
 * Never queue (ip_vs_nq.c): the first idle server (no active connection) in list order at once;
 * otherwise as sed. With UDP (never active) it always picks the first usable server.
 */
export const nq: Scheduler<null> = {
  name: 'nq',
  init: () => null,
  // mirrors ip_vs_nq_schedule()
  schedule(svc) {
    let least: Destination | null = null
    let loh = 0
    for (const d of svc.destinations) {
      if (d.overloaded || d.weight === 0) continue
      const doh = d.activeConns + 1
      if (d.activeConns === 0) return d
      if (least === null || s64MulGreater(loh, d.weight, doh, least.weight)) {
        least = d
        loh = doh
      }
    }
    return least
  },
}
