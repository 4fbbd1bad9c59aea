import type { SimMs } from './time'

/**
 * One priority queue for everything that happens at a simulated time: ordered by time, then by
 * `rank` (scenario events come in a fixed order within the same millisecond, see golden README),
 * then by insertion order — so a run is deterministic byte for byte.
 */
export interface QueuedEvent {
  at: SimMs
  rank: number
  seq: number
}

/** An event before the queue stamped its sequence number. */
export type Unsequenced<E> = E extends unknown ? Omit<E, 'seq'> : never

export class EventQueue<E extends QueuedEvent> {
  private heap: E[] = []
  private nextSeq = 0

  get size(): number {
    return this.heap.length
  }

  /** Stamp `event.seq` and insert it. */
  push(event: Unsequenced<E>): E {
    const e = event as E
    e.seq = this.nextSeq++
    const h = this.heap
    // sift up with a hole: no swaps, no allocation
    let i = h.length
    h.push(e)
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = h[parent]
      if (!before(e, p)) break
      h[i] = p
      i = parent
    }
    h[i] = e
    return e
  }

  peek(): E | undefined {
    return this.heap[0]
  }

  pop(): E | undefined {
    const h = this.heap
    if (h.length === 0) return undefined
    const top = h[0]
    const last = h.pop() as E
    const n = h.length
    if (n > 0) {
      // sift down with a hole
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const m = r < n && before(h[r], h[l]) ? r : l
        if (!before(h[m], last)) break
        h[i] = h[m]
        i = m
      }
      h[i] = last
    }
    return top
  }

  clear(): void {
    this.heap = []
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  if (a.at !== b.at) return a.at < b.at
  if (a.rank !== b.rank) return a.rank < b.rank
  return a.seq < b.seq
}
