/**
 * The figures as CSV tables, one table per file: each builder returns the rows of one table, a
 * header line first, every row as many cells as the header. What the panels export (the figures
 * over time, the real servers now, compare's summary and its figures over time).
 */
import type { CompareRunView, RsLive, RsSummed } from '../store/index'

export type Rows = (string | number)[][]
/** A history's series by name, one point per simulated second (the store's `history.series`). */
export type SeriesOf = (name: string) => { t: number; v: number }[]

const LAB_SERIES = ['imbalance', 'currentImbalance', 'templatesLive', 'connections', 'brokenSessions'] as const

/** The lab's figures over time: one row per simulated second. */
export function figuresOverTime(seriesOf: SeriesOf): Rows {
  const rows: Rows = [['t_s', 'imbalance', 'current_imbalance', 'templates_live', 'connections', 'broken_sessions']]
  const cols = LAB_SERIES.map((c) => seriesOf(c))
  for (const [i, p] of cols[0].entries()) rows.push([p.t / 1000, ...cols.map((c) => c[i]?.v ?? '')])
  return rows
}

/** The real servers now, as `ipvsadm -Ln` counts them (servers beyond the drawn ones summed in `+N` rows). */
export function realServersNow(rs: RsLive[], more: RsSummed[]): Rows {
  const rows: Rows = [['real_server', 'service', 'weight', 'ActiveConn', 'InActConn', 'templates', 'connections']]
  for (const r of rs) rows.push([r.label, r.service, r.weight, r.activeConns, r.inactConns, r.persistConns, r.conns])
  for (const m of more)
    rows.push([`+${m.count}`, m.service, m.weight, m.activeConns, m.inactConns, m.persistConns, m.conns])
  return rows
}

/** Compare's summary table: one row per configuration. */
export function compareSummary(runs: Pick<CompareRunView, 'label' | 'metrics'>[]): Rows {
  return [
    [
      'configuration',
      'connections',
      'broken_sessions',
      'users_with_broken_session',
      'stickiness',
      'imbalance',
      'refused',
      'peak_templates',
      'peak_template_bytes',
    ],
    ...runs.map((r) => [
      r.label,
      r.metrics.connections,
      r.metrics.brokenSessions,
      r.metrics.usersWithBrokenSession,
      r.metrics.stickiness,
      r.metrics.imbalance,
      r.metrics.refused,
      r.metrics.templatesPeak,
      r.metrics.templatePeakBytes,
    ]),
  ]
}

const COMPARE_SERIES = ['imbalance', 'brokenSessions', 'templatesLive', 'templateKiB'] as const

/** Compare's figures over time: one row per configuration and simulated second. */
export function compareOverTime(runs: { label: string; seriesOf: SeriesOf | null }[]): Rows {
  const rows: Rows = [['configuration', 't_s', 'imbalance', 'broken_sessions', 'templates_live', 'template_KiB']]
  for (const r of runs) {
    if (!r.seriesOf) continue
    const seriesOf = r.seriesOf
    const cols = COMPARE_SERIES.map((c) => seriesOf(c))
    for (const [i, p] of cols[0].entries()) rows.push([r.label, p.t / 1000, ...cols.map((c) => c[i]?.v ?? '')])
  }
  return rows
}
