import { describe, expect, it } from 'vitest'
import { toCsv } from './exporting'
import { compareOverTime, compareSummary, figuresOverTime, type Rows, realServersNow } from './exportTables'

/** One table: a header line, then rows as wide as it, no blank line between. */
function oneTable(rows: Rows): void {
  expect(rows.length).toBeGreaterThan(1)
  const width = rows[0].length
  expect(rows[0].every((h) => typeof h === 'string' && h.length > 0)).toBe(true)
  for (const r of rows) expect(r.length).toBe(width)
  const lines = toCsv(rows).trimEnd().split('\r\n')
  expect(lines.every((l) => l.length > 0)).toBe(true)
}

const series = (n: number) => (name: string) =>
  Array.from({ length: n }, (_, i) => ({ t: i * 1000, v: name.length + i }))

const metrics = {
  connections: 6419,
  brokenSessions: 142,
  usersWithBrokenSession: 142,
  stickiness: 0.71,
  imbalance: 1.044,
  refused: 20,
  templatesPeak: 481,
  templatePeakBytes: 153920,
}

describe('figures as CSV, one table per file', () => {
  it('the figures over time: one row per second', () => {
    const rows = figuresOverTime(series(5))
    oneTable(rows)
    expect(rows[0][0]).toBe('t_s')
    expect(rows.slice(1).map((r) => r[0])).toEqual([0, 1, 2, 3, 4])
  })

  it('the real servers now, the summed ones as +N rows', () => {
    const rs = {
      key: 'k',
      addr: 0,
      port: 80,
      label: '192.168.8.101:80',
      service: 'TCP 192.168.100.100:80',
      serviceFamily: 'inet' as const,
      weight: 2,
      forward: 'Route',
      activeConns: 3,
      inactConns: 4,
      persistConns: 5,
      conns: 60,
    }
    const more = {
      key: 'm',
      service: 'TCP 192.168.100.100:80',
      count: 7,
      weight: 7,
      activeConns: 1,
      inactConns: 1,
      persistConns: 1,
      conns: 9,
    }
    const rows = realServersNow([rs], [more])
    oneTable(rows)
    expect(rows[1]).toEqual(['192.168.8.101:80', 'TCP 192.168.100.100:80', 2, 3, 4, 5, 60])
    expect(rows[2][0]).toBe('+7')
  })

  it("compare's summary and its figures over time are two tables", () => {
    const summary = compareSummary([
      { label: 'PPC (:80 and :443)', metrics },
      { label: 'No persistence', metrics: { ...metrics, brokenSessions: 4393 } },
    ] as Parameters<typeof compareSummary>[0])
    oneTable(summary)
    expect(summary.map((r) => r[2])).toEqual(['broken_sessions', 142, 4393])
    const over = compareOverTime([
      { label: 'PPC (:80 and :443)', seriesOf: series(3) },
      { label: 'No persistence', seriesOf: series(3) },
      { label: 'not started', seriesOf: null },
    ])
    oneTable(over)
    expect(over).toHaveLength(1 + 6)
  })
})
