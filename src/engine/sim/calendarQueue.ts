/**
 * A priority queue of integer keys (simulated milliseconds, or ms × ranks) that pops the smallest
 * key first and, among equal keys, the first pushed — the order a binary heap of (key, sequence)
 * gives, at O(1) per push and amortised O(1) per pop.
 *
 * The structure is a hierarchical timing wheel, like the kernel's own (kernel/time/timer.c):
 * 6 levels of 64 slots cover a 2^36 window of keys ahead of the cursor (the key last popped). An
 * entry sits at the level of the highest 6-bit group in which its key differs from the cursor;
 * when the cursor reaches a slot, that slot's entries cascade down a level. Every entry of one key
 * is always in the same slot list, in push order, so ties pop first-in first-out. Keys in a later
 * 2^32 block than the cursor's wait in a small binary heap and move into the wheel, in order, when
 * the wheel has run dry — years of simulated time cost nothing.
 *
 * Entries live in parallel typed arrays (a pool with a free list): pushing and popping allocate
 * nothing. Keys must be integers not below the last popped key (simulated time never runs back).
 *
 * An entry may be *postponed* (a timer re-armed later, the common case): it stays where it is and,
 * when its old key comes, is filed again at its new one, behind the entries already there — what
 * popping it and pushing it again at that moment would do, without its owner being touched.
 */
const LEVELS = 6
const BITS = 6
const SLOTS = 1 << BITS
const MASK = SLOTS - 1
const BLOCK = 2 ** 32
const NIL = -1
/** The level of an entry whose key first differs from the cursor's at bit 31 − clz32(key ^ cursor). */
const LEVEL_BY_CLZ = Uint8Array.from({ length: 33 }, (_, clz) => (clz >= 32 ? 0 : Math.floor((31 - clz) / BITS)))
/** The key span of one slot at each level. */
const SLOT_SPAN = Float64Array.from({ length: LEVELS }, (_, level) => 2 ** (level * BITS))

export class CalendarQueue<T> {
  private key = new Float64Array(256)
  private tag = new Float64Array(256)
  /** The key an entry was postponed to (its own key when it was not). */
  private target = new Float64Array(256)
  private next = new Int32Array(256)
  private items: (T | undefined)[] = new Array<T | undefined>(256)
  private free = NIL
  private used = 0
  private readonly head = new Int32Array(LEVELS * SLOTS).fill(NIL)
  private readonly tail = new Int32Array(LEVELS * SLOTS).fill(NIL)
  /** Which slots hold entries: two 32-bit words per level. */
  private readonly occupied = new Uint32Array(LEVELS * 2)
  /** The smallest key in each slot list (a higher slot's entries differ in their lower bits). */
  private readonly slotMin = new Float64Array(LEVELS * SLOTS)
  /** The last popped key (or 0): every entry's key is at least this. */
  private cursor = 0
  /** The cursor's 2^32 block, and its low 32 bits (what the wheel's levels index). */
  private cursorBlock = 0
  private cursorLow = 0
  /** Entries of later blocks: a binary heap of pool indices ordered by (key, sequence). */
  private later: number[] = []
  private laterSeq = new Float64Array(256)
  private nextSeq = 0
  private n = 0
  /** The smallest key, once found (-1: not known; keys are never negative). */
  private cachedMin = -1
  /** The key and tag of the entry `pop()` returned last. */
  poppedKey = 0
  poppedTag = 0

  get size(): number {
    return this.n
  }

  /** Insert `item` with `key`; `tag` is a number kept with it (e.g. a generation or an event kind). Returns its handle. */
  push(key: number, item: T, tag = 0): number {
    if (!(key >= this.cursor) || !isKey(key))
      throw new RangeError(`calendar queue: key ${key} is not an integer at or after ${this.cursor}`)
    const i = this.alloc()
    this.key[i] = key
    this.target[i] = key
    this.tag[i] = tag
    this.items[i] = item
    this.n++
    if (key < this.cachedMin) this.cachedMin = key
    this.file(i)
    return i
  }

  /** The key of a queued entry (by the handle `push` gave). */
  keyOf(handle: number): number {
    return this.key[handle]
  }

  /** Let a queued entry come out at `key` (not before its current key) instead; see the class comment. */
  postpone(handle: number, key: number): void {
    if (!(key >= this.key[handle]) || !isKey(key))
      throw new RangeError(`calendar queue: cannot postpone ${this.key[handle]} to ${key}`)
    this.target[handle] = key
  }

  /** The smallest key, or Infinity when empty. Does not move the cursor. */
  peekKey(): number {
    if (this.n === 0) return Number.POSITIVE_INFINITY
    if (this.cachedMin >= 0) return this.cachedMin
    let min = Number.POSITIVE_INFINITY
    for (let level = 0; level < LEVELS; level++) {
      const s = this.firstSlot(level)
      if (s < 0) continue
      min = this.slotMin[level * SLOTS + s]
      break
    }
    if (min === Number.POSITIVE_INFINITY) min = this.key[this.later[0]]
    this.cachedMin = min
    return min
  }

  /**
   * Remove the entry with the smallest key (the first pushed among equals) and return its item.
   * Undefined when that entry had been postponed: it was filed again at its new key, and the
   * smallest key may have changed — peek again.
   */
  pop(): T | undefined {
    if (this.n === 0) return undefined
    for (;;) {
      const slot = this.firstSlot(0)
      if (slot >= 0) {
        const i = this.head[slot]
        const nx = this.next[i]
        this.head[slot] = nx
        if (nx === NIL) {
          this.tail[slot] = NIL
          this.occupied[slot >> 5] &= ~(1 << (slot & 31))
        }
        this.cursor = this.key[i]
        this.cursorLow = (this.cursor - this.cursorBlock * BLOCK) >>> 0
        this.cachedMin = -1
        if (this.target[i] > this.key[i]) {
          this.key[i] = this.target[i]
          this.file(i)
          return undefined
        }
        const item = this.items[i]
        this.poppedKey = this.key[i]
        this.poppedTag = this.tag[i]
        this.release(i)
        this.n--
        return item
      }
      if (!this.cascade()) this.nextBlock()
    }
  }

  // ---------------------------------------------------------------- internals

  /** The first occupied slot of a level, or -1. */
  private firstSlot(level: number): number {
    const lo = this.occupied[level * 2]
    if (lo !== 0) return lowestBit(lo)
    const hi = this.occupied[level * 2 + 1]
    return hi !== 0 ? 32 + lowestBit(hi) : -1
  }

  /** File entry `i` by its key: in the wheel when in the cursor's block, else with the later ones. */
  private file(i: number): void {
    const key = this.key[i]
    const block = Math.floor(key / BLOCK)
    if (block !== this.cursorBlock) {
      this.laterSeq[i] = this.nextSeq++
      this.laterPush(i)
    } else this.place(i, (key - block * BLOCK) >>> 0)
  }

  /** File entry `i` (whose key's low 32 bits are `low`) at the level where it first differs from the cursor. */
  private place(i: number, low: number): void {
    const level = LEVEL_BY_CLZ[Math.clz32(low ^ this.cursorLow)]
    const slot = level * SLOTS + ((low >>> (level * BITS)) & MASK)
    this.next[i] = NIL
    const t = this.tail[slot]
    const key = this.key[i]
    if (t === NIL) {
      this.head[slot] = i
      this.occupied[slot >> 5] |= 1 << (slot & 31)
      this.slotMin[slot] = key
    } else {
      this.next[t] = i
      if (key < this.slotMin[slot]) this.slotMin[slot] = key
    }
    this.tail[slot] = i
  }

  /**
   * Level 0 is empty: move the cursor to the start of the first occupied slot of the lowest
   * occupied level and file that slot's entries again (each lands lower). False when the wheel is empty.
   */
  private cascade(): boolean {
    for (let level = 1; level < LEVELS; level++) {
      const s = this.firstSlot(level)
      if (s < 0) continue
      const slot = level * SLOTS + s
      let i = this.head[slot]
      this.head[slot] = NIL
      this.tail[slot] = NIL
      this.occupied[slot >> 5] &= ~(1 << (slot & 31))
      // the cursor moves to the slot's start: higher groups kept, this group = s, lower groups 0
      const unit = SLOT_SPAN[level]
      const above = Math.floor(this.cursorLow / (unit * SLOTS)) * (unit * SLOTS)
      this.cursorLow = above + s * unit
      this.cursor = this.cursorBlock * BLOCK + this.cursorLow
      while (i !== NIL) {
        const nx = this.next[i]
        this.place(i, (this.key[i] - this.cursorBlock * BLOCK) >>> 0)
        i = nx
      }
      return true
    }
    return false
  }

  /** The wheel is empty: move to the block of the earliest later entry and file that block's entries. */
  private nextBlock(): void {
    const first = this.later[0]
    this.cursorBlock = Math.floor(this.key[first] / BLOCK)
    this.cursor = this.cursorBlock * BLOCK
    this.cursorLow = 0
    while (this.later.length > 0 && Math.floor(this.key[this.later[0]] / BLOCK) === this.cursorBlock) {
      const i = this.laterPop()
      this.place(i, (this.key[i] - this.cursorBlock * BLOCK) >>> 0)
    }
  }

  private alloc(): number {
    if (this.free !== NIL) {
      const i = this.free
      this.free = this.next[i]
      return i
    }
    if (this.used === this.key.length) this.grow()
    return this.used++
  }

  private release(i: number): void {
    this.items[i] = undefined
    this.next[i] = this.free
    this.free = i
  }

  private grow(): void {
    const size = this.key.length * 2
    const key = new Float64Array(size)
    key.set(this.key)
    const tag = new Float64Array(size)
    tag.set(this.tag)
    const next = new Int32Array(size)
    next.set(this.next)
    const seq = new Float64Array(size)
    seq.set(this.laterSeq)
    const target = new Float64Array(size)
    target.set(this.target)
    this.target = target
    this.key = key
    this.tag = tag
    this.next = next
    this.laterSeq = seq
    this.items.length = size
  }

  private laterBefore(a: number, b: number): boolean {
    const ka = this.key[a]
    const kb = this.key[b]
    return ka < kb || (ka === kb && this.laterSeq[a] < this.laterSeq[b])
  }

  private laterPush(i: number): void {
    const h = this.later
    let j = h.length
    h.push(i)
    while (j > 0) {
      const p = (j - 1) >> 1
      if (!this.laterBefore(i, h[p])) break
      h[j] = h[p]
      j = p
    }
    h[j] = i
  }

  private laterPop(): number {
    const h = this.later
    const top = h[0]
    const last = h.pop() as number
    const n = h.length
    if (n > 0) {
      let j = 0
      for (;;) {
        const l = 2 * j + 1
        if (l >= n) break
        const r = l + 1
        const m = r < n && this.laterBefore(h[r], h[l]) ? r : l
        if (!this.laterBefore(h[m], last)) break
        h[j] = h[m]
        j = m
      }
      h[j] = last
    }
    return top
  }
}

/** A key is a whole number a double holds exactly. */
const isKey = (key: number): boolean => Number.isSafeInteger(key)

/** Index of the lowest set bit of a non-zero 32-bit value. */
const lowestBit = (x: number): number => 31 - Math.clz32(x & -x)
