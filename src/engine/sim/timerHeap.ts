/**
 * A min-heap of (time, insertion order) → payload, kept in parallel typed arrays so the hot path
 * (thousands of connection timers per simulated second) touches contiguous memory and allocates
 * nothing per operation. Ties in time pop in insertion order: a run is deterministic.
 */
export class TimerHeap<T> {
  private at = new Float64Array(1024)
  private seq = new Float64Array(1024)
  private items: (T | undefined)[] = new Array<T | undefined>(1024)
  private tags = new Float64Array(1024)
  /** The tag of the entry `pop()` returned last. */
  poppedTag = 0
  private n = 0
  private nextSeq = 0

  get size(): number {
    return this.n
  }

  /** Time of the earliest entry, or Infinity. */
  peekTime(): number {
    return this.n > 0 ? this.at[0] : Number.POSITIVE_INFINITY
  }

  /** Insert `item` due at `time`; `tag` is a number kept with it (e.g. a generation). */
  push(time: number, item: T, tag = 0): void {
    if (this.n === this.at.length) this.grow()
    const s = this.nextSeq++
    let i = this.n++
    const at = this.at
    const seq = this.seq
    const items = this.items
    const tags = this.tags
    while (i > 0) {
      const p = (i - 1) >> 1
      if (at[p] < time || (at[p] === time && seq[p] < s)) break
      at[i] = at[p]
      seq[i] = seq[p]
      items[i] = items[p]
      tags[i] = tags[p]
      i = p
    }
    at[i] = time
    seq[i] = s
    items[i] = item
    tags[i] = tag
  }

  /** Remove the earliest entry and return its payload (undefined when empty). */
  pop(): T | undefined {
    if (this.n === 0) return undefined
    const at = this.at
    const seq = this.seq
    const items = this.items
    const tags = this.tags
    const top = items[0]
    this.poppedTag = tags[0]
    const n = --this.n
    const lt = at[n]
    const ls = seq[n]
    const li = items[n]
    const lg = tags[n]
    items[n] = undefined
    if (n > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const m = r < n && (at[r] < at[l] || (at[r] === at[l] && seq[r] < seq[l])) ? r : l
        if (lt < at[m] || (lt === at[m] && ls < seq[m])) break
        at[i] = at[m]
        seq[i] = seq[m]
        items[i] = items[m]
        tags[i] = tags[m]
        i = m
      }
      at[i] = lt
      seq[i] = ls
      items[i] = li
      tags[i] = lg
    }
    return top
  }

  clear(): void {
    this.n = 0
    this.items = new Array<T | undefined>(this.at.length)
  }

  private grow(): void {
    const size = this.at.length * 2
    const at = new Float64Array(size)
    at.set(this.at)
    const seq = new Float64Array(size)
    seq.set(this.seq)
    const tags = new Float64Array(size)
    tags.set(this.tags)
    this.at = at
    this.seq = seq
    this.tags = tags
    this.items.length = size
  }
}
