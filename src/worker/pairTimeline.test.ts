import { describe, expect, it } from 'vitest'
import { Host } from './host'
import { decodeRsCounters, decodeTemplates, type Frame, type TemplateRecord } from './protocol'
import { classroom, frameOf } from './testScenarios'

/** The template rows the page would hold after a seek to `s` seconds (the new epoch's frames folded). */
function rowsAt(h: Host, s: number, wall: { ms: number }): { rows: Map<number, TemplateRecord>; frame: Frame } {
  h.handle({ type: 'seek', toMs: s * 1000 })
  const rows = new Map<number, TemplateRecord>()
  let frame: Frame | null = null
  // paused: the seek's first frame carries every row kept, later ones what changed (none: idle)
  for (let i = 0; i < 4; i++) {
    wall.ms += 400
    const replies = h.handle({ type: 'frame', wallMs: wall.ms, listing: null, listingFilter: '', log: false })
    if (replies[0]?.type === 'idle') break
    const f = frameOf(replies)
    if (frame && f.epoch !== frame.epoch) rows.clear()
    for (const r of decodeTemplates(f.templates)) rows.set(r.id, r)
    frame = f
  }
  if (!frame) throw new Error('no frame')
  return { rows, frame }
}

const load = (name: string) => {
  const wall = { ms: 0 }
  const h = new Host({ now: () => wall.ms })
  h.handle({ type: 'load', scenario: classroom(name), name })
  return { h, wall }
}

const live = (rows: Map<number, TemplateRecord>, director: number, nowMs: number) =>
  [...rows.values()].filter((r) => r.director === director && (r.expiredAt < 0 || r.expiredAt > nowMs))

/** Client → real server of the rows given (the latest row of each client). */
const byClient = (rows: TemplateRecord[]) => new Map(rows.map((r) => [r.client, r.rsAddr]))

/** The templates the real servers' counters count (persistConns summed). */
function persistConns(f: Frame): number {
  let n = 0
  for (let i = 0; ; i++) {
    const c = decodeRsCounters(f.rsCounters, i)
    if (!c) return n
    n += c.persistConns
  }
}

describe('both directors’ templates on the timeline (issue 16 §2)', () => {
  it('the real servers’ counters are the VIP holder’s table, before and after the failover', () => {
    const { h, wall } = load('failover-with-sync')
    const before = rowsAt(h, 120, wall).frame
    const after = rowsAt(h, 250, wall).frame
    if (!before.pair || !after.pair) throw new Error('no pair state')
    expect(before.pair.directors[0].front).toBe(true)
    expect(persistConns(before)).toBe(before.pair.directors[0].templates)
    expect(after.pair.directors[1].front).toBe(true)
    expect(persistConns(after)).toBe(after.pair.directors[1].templates)
    expect(after.pair.directors[1].templates).not.toBe(after.pair.directors[0].templates)
  })

  it('with sync: the backup’s rows are the ones the master sent — same clients, same real servers — and explained as synced', () => {
    const { h, wall } = load('failover-with-sync')
    const { rows, frame } = rowsAt(h, 200, wall)
    const mine = live(rows, 0, frame.nowMs)
    const backup = live(rows, 1, frame.nowMs)
    expect(mine.length).toBeGreaterThan(10)
    // a template reaches the backup with its connection's sync message: the backup knows nearly all of them
    expect(backup.length).toBeGreaterThanOrEqual(mine.length - 3)
    const master = byClient(mine)
    for (const r of backup) expect(master.get(r.client)).toBe(r.rsAddr)
    // its timer ran from when the last message carrying it arrived (ip_vs_proc_conn()), the master's
    // from the last connection: the backup's deadline comes a little later (the sync's delay)
    const late = backup.map((r) => r.expiresAt - (mine.find((x) => x.client === r.client)?.expiresAt ?? 0))
    // (earlier only where the master's last refresh came from a connection not synced yet, or never)
    const later = late.filter((d) => d > 0 && d < 4000)
    expect(later.length).toBeGreaterThan(late.length * 0.9)
    expect(late.some((d) => d < 0)).toBe(true)
    const [why] = h.handle({ type: 'why', id: 1, target: { kind: 'template', templateId: backup[0].id } })
    expect(why.type === 'why' && why.steps.map((s) => s.key)).toContain('why.template.createdBySync')
    // hovering it shows the line of the backup's table
    const [line] = h.handle({ type: 'template-line', templateId: backup[0].id })
    expect(line.type === 'template-line' && line.line).toMatch(
      /^TCP\s+\d\d:\d\d\s+(NONE|ASSURED)\s+\d+\.\d+\.\d+\.\d+:0 /,
    )
    expect(frame.pair?.directors.map((d) => d.downAt)).toEqual([null, null])
  })

  it('without sync: the backup has no template until the failover; then its own, and some clients land elsewhere', () => {
    const { h, wall } = load('failover-without-sync')
    const before = rowsAt(h, 200, wall)
    expect(live(before.rows, 0, before.frame.nowMs).length).toBeGreaterThan(10)
    expect(live(before.rows, 1, before.frame.nowMs)).toEqual([])
    const after = rowsAt(h, 300, wall)
    // the director lost power at 240 s: the frame says when (its rows stop there on the timeline)
    expect(after.frame.pair?.directors[0].downAt).toBe(240_000)
    const born = [...after.rows.values()].filter((r) => r.director === 1)
    expect(born.length).toBeGreaterThan(5)
    for (const r of born) expect(r.createdAt).toBeGreaterThan(240_000)
    const [why] = h.handle({ type: 'why', id: 1, target: { kind: 'template', templateId: born[0].id } })
    expect(why.type === 'why' && why.steps[0].key).toBe('why.template.createdOnBackup')
    // the director's templates as they were when it lost power, against the backup's own choices
    const master = byClient([...after.rows.values()].filter((r) => r.director === 0 && r.createdAt < 240_000))
    const moved = born.filter((r) => master.has(r.client) && master.get(r.client) !== r.rsAddr)
    expect(moved.length).toBeGreaterThan(0)
  })
})
