/**
 * The template timeline with two directors (issue 16 §2): each director's templates under a
 * heading — the VIP holder's first — so that a class sees, on one time axis, the
 * templates the sync daemon gave the backup (or did not) and the ones it made itself after a
 * failover. With one director there is no heading and the rows are as sorted.
 */
import type { DirectorIndex, PairState } from '../engine/index'
import type { TemplateRow } from '../store/index'

/** A heading row: a director's name, state and how many of the rows below are its. */
export interface DirectorHeading {
  heading: DirectorIndex
  count: number
}

export type TimelineEntry = TemplateRow | DirectorHeading

export function isHeading(e: TimelineEntry): e is DirectorHeading {
  return 'heading' in e
}

/**
 * The rows as the timeline lists them: with a pair, each director's under its heading — first the
 * one the clients' packets reach now (the VIP's holder: after a failover, the backup), then the
 * other — each group in the order `rows` came in; without, `rows` itself.
 */
export function groupByDirector(rows: TemplateRow[], pair: PairState | null): TimelineEntry[] {
  if (!pair) return rows
  const mine: [TemplateRow[], TemplateRow[]] = [[], []]
  for (const r of rows) mine[r.director === 1 ? 1 : 0].push(r)
  const order: DirectorIndex[] = pair.directors[1].front ? [1, 0] : [0, 1]
  return order.flatMap((i): TimelineEntry[] => [{ heading: i, count: mine[i].length }, ...mine[i]])
}

/** How many of `entries` are templates (not headings). */
export function templateCount(entries: readonly TimelineEntry[]): number {
  let n = 0
  for (const e of entries) if (!isHeading(e)) n++
  return n
}

/**
 * When the drawing of a director's row stops: its director lost power then (its memory, the
 * table with it, is gone), or never (Infinity). A crashed kernel's timers still run in the engine
 * (host/simulator.ts) so that its shell ages with the run; the timeline shows the host as a class
 * would think of it.
 */
export function lostAt(row: TemplateRow, pair: PairState | null): number {
  const at = pair?.directors[row.director === 1 ? 1 : 0].downAt
  return at ?? Number.POSITIVE_INFINITY
}

/** The next template row from `from` going `step` (±1), skipping headings; `from` when none. */
export function nextRow(entries: readonly TimelineEntry[], from: number, step: 1 | -1): number {
  for (let i = from + step; i >= 0 && i < entries.length; i += step) if (!isHeading(entries[i])) return i
  return from
}
