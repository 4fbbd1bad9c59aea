/**
 * The newest rows of numbers something noted (attempts, refresh ticks, textbook marks, samples),
 * in one typed array: a frame takes the rows noted since the last frame (the newest `capacity` of
 * them), and after a rewind `resend()` makes the next frame carry the newest `capacity` rows noted
 * since the run began — what a replay from 0 would have sent, whether the run was replayed from 0
 * or restored from a checkpoint.
 */
export class RecentRows {
  private readonly buf: Float64Array
  /** Rows noted since clear(). */
  private total = 0
  /** Rows noted since the last take(). */
  private fresh = 0
  readonly fields: number
  readonly capacity: number

  constructor(fields: number, capacity: number) {
    this.fields = fields
    this.capacity = capacity
    this.buf = new Float64Array(fields * capacity)
  }

  /** Rows noted since the run began. */
  get noted(): number {
    return this.total
  }

  /** Where the next row goes (the oldest is overwritten): write `fields` numbers at buf[offset]. */
  next(): { buf: Float64Array; offset: number } {
    const offset = (this.total % this.capacity) * this.fields
    this.total++
    this.fresh++
    return { buf: this.buf, offset }
  }

  /** The last row noted (a view into the buffer). */
  last(): Float64Array {
    const offset = ((this.total - 1) % this.capacity) * this.fields
    return this.buf.subarray(offset, offset + this.fields)
  }

  /** Note one row. */
  push(...row: number[]): void {
    const { buf, offset } = this.next()
    for (let i = 0; i < this.fields; i++) buf[offset + i] = row[i] ?? 0
  }

  /** The rows noted since the last take (the newest `capacity`, oldest first), and how many more there were. */
  take(): { rows: Float64Array; skipped: number } {
    const kept = Math.min(this.fresh, this.capacity)
    const rows = new Float64Array(kept * this.fields)
    const first = this.total - kept
    for (let i = 0; i < kept; i++) {
      const from = ((first + i) % this.capacity) * this.fields
      rows.set(this.buf.subarray(from, from + this.fields), i * this.fields)
    }
    const skipped = this.fresh - kept
    this.fresh = 0
    return { rows, skipped }
  }

  /** The next take() carries every row since the run began (the newest `capacity`). */
  resend(): void {
    this.fresh = this.total
  }

  clear(): void {
    this.total = 0
    this.fresh = 0
  }
}
