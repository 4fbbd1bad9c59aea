import { describe, expect, it } from 'vitest'
import { validateScenario } from '../engine/index'
import { LabRun } from './labRun'
import { LAB_SAMPLE_FIELDS } from './protocol'
import { lessonOnline } from './testScenarios'
import { TextbookShadow } from './textbook'

function run(): { r: LabRun; restarts: () => number } {
  const check = validateScenario({ ...lessonOnline, until: 120 })
  if (!check.ok) throw new Error(check.error)
  let n = 0
  return { r: new LabRun(check.scenario, 1, 0, new TextbookShadow(), () => n++), restarts: () => n }
}
const times = (s: Float64Array) => Array.from(s).filter((_, k) => k % LAB_SAMPLE_FIELDS === 0)

describe('the lab run', () => {
  it('a rewind is a new epoch replayed from 0 with the typed commands at their times', () => {
    const { r, restarts } = run()
    expect([r.epoch, restarts()]).toEqual([1, 1])
    r.advance(20_000)
    r.run('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.102 -g -w 0')
    r.advance(60_000)
    const weightsAfter = r.currentScript()
    r.seek(10_000)
    expect([r.epoch, restarts(), r.now]).toEqual([2, 2, 10_000])
    expect(r.currentScript()).not.toBe(weightsAfter)
    r.advance(30_000)
    expect(r.currentScript()).toBe(weightsAfter)
    // typing after a rewind starts a new history from there
    r.seek(10_000)
    r.run('ipvsadm -Ln')
    expect(r.journal.entries.map((j) => j.text)).toEqual(['ipvsadm -Ln'])
  })

  it('the history grows by steps of at most two hours: a longer jump is sampled as before and leaves the horizon', () => {
    const check = validateScenario({ ...lessonOnline, until: 6 * 3600 })
    if (!check.ok) throw new Error(check.error)
    const r = new LabRun(check.scenario, 1, 0, new TextbookShadow(), () => {})
    r.advance(60_000)
    expect(r.rewindStats().horizonMs).toBe(60_000)
    // five hours at once: only the last SAMPLES_KEPT seconds are sampled, none noted
    r.samples.take()
    r.seek(5 * 3600_000)
    expect(r.rewindStats().horizonMs).toBe(60_000)
    expect(times(r.samples.take())).toHaveLength(900)
    // within the horizon a seek is still answered from the history, then the engine catches up
    r.seek(30_000)
    expect(r.rewindStats().horizonMs).toBe(60_000)
    r.advance(31_000)
    expect(r.now).toBe(31_000)
    // playing on from the horizon extends it again, second by second
    r.seek(60_000)
    r.advance(120_000)
    expect(r.rewindStats().horizonMs).toBe(120_000)
  })

  it('samples every whole second once, stepping or advancing', () => {
    const { r } = run()
    r.samples.take()
    r.step('second')
    r.step('second')
    r.advance(5000)
    expect(times(r.samples.take())).toEqual([1000, 2000, 3000, 4000, 5000])
  })

  it('a script is applied all or nothing, and journaled only when it applies', () => {
    const { r } = run()
    expect(r.applyScript('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.999\n')?.line).toBe(2)
    expect(r.journal.entries).toEqual([])
    expect(r.currentScript()).toContain('192.168.100.100')
    expect(r.applyScript('-A -t 10.0.0.1:80 -s rr\n')).toBeNull()
    expect(r.currentScript()).toBe('ipvsadm -A -t 10.0.0.1:80 -s rr\n')
    expect(r.journal.entries.map((j) => j.kind)).toEqual(['apply'])
  })
})
