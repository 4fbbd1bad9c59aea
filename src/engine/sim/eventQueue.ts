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
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i], h[parent])) break
      ;[h[i], h[parent]] = [h[parent], h[i]]
      i = parent
    }
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
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l], h[m])) m = l
        if (r < h.length && before(h[r], h[m])) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m], h[i]]
        i = m
      }
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
