/**
 * Histories kept outside React state (docs/style.md §4): the lab's figures one row per simulated
 * second, and per configuration of a comparison its history and templates. Bounded ring buffers;
 * the charts read them when the store's `historyVersion` (or a compare frame) says they changed.
 */
import { LAB_SAMPLE_SERIES } from '../worker/protocol'
import type { TemplateRow } from './live'

/** Fixed-size history for the small charts (docs/style.md §4: bounded ring buffers). */
export class HistoryRing {
  readonly size: number
  readonly t: Float64Array
  readonly cols: Record<string, Float64Array>
  length = 0
  private head = 0
  constructor(size: number, names: string[]) {
    this.size = size
    this.t = new Float64Array(size)
    this.cols = Object.fromEntries(names.map((n) => [n, new Float64Array(size)]))
  }
  /** Rows of [t, then one value per column in the ring's column order], as the worker sends them. */
  pushRows(rows: Float64Array): void {
    const cols = Object.values(this.cols)
    const stride = 1 + cols.length
    for (let k = 0; k + stride <= rows.length; k += stride) {
      this.t[this.head] = rows[k]
      for (let c = 0; c < cols.length; c++) cols[c][this.head] = rows[k + 1 + c]
      this.head = (this.head + 1) % this.size
      this.length = Math.min(this.size, this.length + 1)
    }
  }
  clear(): void {
    this.length = 0
    this.head = 0
  }
  /** Oldest first. */
  series(name: string): { t: number; v: number }[] {
    const out: { t: number; v: number }[] = []
    const col = this.cols[name]
    for (let i = 0; i < this.length; i++) {
      const j = (this.head - this.length + i + this.size) % this.size
      out.push({ t: this.t[j], v: col[j] })
    }
    return out
  }
}

/** Per configuration of a comparison: its history (one sample per simulated second) and its templates. */
export const compareData = new Map<string, { history: HistoryRing; templates: Map<number, TemplateRow> }>()

/** The lab's figures, one row per simulated second, as the worker samples them. */
export const history = new HistoryRing(900, [...LAB_SAMPLE_SERIES])
