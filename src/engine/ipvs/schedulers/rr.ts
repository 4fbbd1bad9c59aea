import type { Destination } from '../destination'
import type { Scheduler } from './scheduler'

/** The cursor: the destination last picked, or null for the list head. */
interface RrState {
  cursor: Destination | null
}

/**
 * Round robin (ip_vs_rr.c). Walks on from the last pick, wrapping over the list head, and takes the
 * first destination that is not overloaded and has weight > 0. The list holds the most recently
 * added destination first, so that is the first pick (golden: rr-first-pick-order).
 */
export const rr: Scheduler<RrState> = {
  name: 'rr',
  init: () => ({ cursor: null }),

  // mirrors ip_vs_rr_del_dest(): a cursor on the removed destination moves to its predecessor
  // (the kernel reaches it through the unlinked node's still valid `next->prev`).
  delDest(svc, state, dest, formerIndex) {
    if (state.cursor === dest) state.cursor = formerIndex > 0 ? svc.destinations[formerIndex - 1] : null
  },

  // mirrors ip_vs_rr_schedule()
  schedule(svc, state) {
    const list = svc.destinations
    const start = state.cursor === null ? -1 : list.indexOf(state.cursor)
    if (start === -1 && state.cursor !== null) state.cursor = null
    // First pass: after the cursor to the end. Second pass (only when the cursor is not the head):
    // from the head up to and including the cursor.
    const n = list.length
    for (let k = 0; k < n; k++) {
      const d = list[start >= 0 ? (start + 1 + k) % n : k]
      if (d.usable) {
        state.cursor = d
        return d
      }
    }
    return null
  },
}
