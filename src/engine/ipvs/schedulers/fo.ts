import type { Destination } from '../destination'
import type { Scheduler } from './scheduler'

/** Weighted failover (ip_vs_fo.c): the highest weight among usable servers; ties → first in list order. */
export const fo: Scheduler<null> = {
  name: 'fo',
  init: () => null,
  // mirrors ip_vs_fo_schedule()
  schedule(svc) {
    let best: Destination | null = null
    let hw = 0
    for (const d of svc.destinations) {
      if (!d.overloaded && d.weight > hw) {
        best = d
        hw = d.weight
      }
    }
    return best
  },
}
