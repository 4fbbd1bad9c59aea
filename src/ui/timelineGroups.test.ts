import { describe, expect, it } from 'vitest'
import type { PairState } from '../engine/index'
import type { TemplateRow } from '../store/index'
import { groupByDirector, isHeading, lostAt, nextRow, templateCount } from './timelineGroups'

const row = (id: number, director: number): TemplateRow => ({
  id,
  director,
  client: id,
  vaddrOrMark: 1,
  vport: 80,
  rsAddr: 2,
  rsPort: 80,
  createdAt: 0,
  expiresAt: 300_000,
  firstRearmAt: -1,
  expiredAt: -1,
  refreshes: [],
})

const card = (name: 'director' | 'backup', downAt: number | null) => ({
  name,
  down: downAt !== null,
  downAt,
  holdsVip: false,
  front: false,
  vrrp: [],
  syncDaemons: [],
  connections: 0,
  templates: 0,
})
const pair = (downAt: number | null, front: 0 | 1 = 0): PairState => ({
  directors: [
    { ...card('director', downAt), front: front === 0 },
    { ...card('backup', null), front: front === 1 },
  ],
  syncMessages: 0,
  syncApplied: 0,
  moves: [],
})

describe('the timeline with two directors', () => {
  const rows = [row(1, 0), row(2, 1), row(3, 0), row(4, 1)]

  it('one director: the rows as they came, no heading', () => {
    expect(groupByDirector(rows, null)).toBe(rows)
  })

  it('two: a heading and the VIP holder’s rows, then a heading and the other’s, each in the order given', () => {
    const g = groupByDirector(rows, pair(null))
    expect(g.map((e) => (isHeading(e) ? `h${e.heading}:${e.count}` : e.id))).toEqual(['h0:2', 1, 3, 'h1:2', 2, 4])
    expect(templateCount(g)).toBe(4)
    // an empty group keeps its heading (the backup that knows nothing says so)
    const none = groupByDirector([row(1, 0)], pair(null))
    expect(none.map((e) => (isHeading(e) ? `h${e.heading}:${e.count}` : e.id))).toEqual(['h0:1', 1, 'h1:0'])
    // after a failover the backup holds the VIP: its rows come first
    const after = groupByDirector(rows, pair(240_000, 1))
    expect(after.map((e) => (isHeading(e) ? `h${e.heading}:${e.count}` : e.id))).toEqual(['h1:2', 2, 4, 'h0:2', 1, 3])
  })

  it('the keyboard passes over headings', () => {
    const g = groupByDirector(rows, pair(null))
    expect(nextRow(g, -1, 1)).toBe(1)
    expect(nextRow(g, 2, 1)).toBe(4)
    expect(nextRow(g, 4, -1)).toBe(2)
    expect(nextRow(g, 1, -1)).toBe(1)
    expect(nextRow(g, 5, 1)).toBe(5)
  })

  it('a director that lost power: its rows stop then; the other’s do not', () => {
    expect(lostAt(row(1, 0), pair(240_000))).toBe(240_000)
    expect(lostAt(row(2, 1), pair(240_000))).toBe(Number.POSITIVE_INFINITY)
    expect(lostAt(row(1, 0), null)).toBe(Number.POSITIVE_INFINITY)
  })
})
