import type { Destination } from '../destination'
import type { Scheduler } from './scheduler'

/**
 * Weighted overflow (ip_vs_ovf.c): the highest weight among servers whose active connections do
 * not exceed their weight; ties → first in list order.
 */
export const ovf: Scheduler<null> = {
  name: 'ovf',
  init: () => null,
  // mirrors ip_vs_ovf_schedule()
  schedule(svc) {
    let h: Destination | null = null
    for (const d of svc.destinations) {
      const w = d.weight
      if (d.overloaded || d.activeConns > w || w === 0) continue
      if (h === null || w > h.weight) h = d
    }
    return h
  },
}
