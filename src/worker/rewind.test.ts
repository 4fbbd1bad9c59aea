import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { ScenarioPlayer, type SimMs } from '../engine/index'
import { cloneGraph, functionSlots } from './cloneGraph'
import { Host } from './host'
import { LabRun } from './labRun'
import { LISTING_QUIET_MS } from './requestKinds'
import {
  canonical,
  checkRandomRuns,
  driveBoth,
  frameOf,
  historySeeks,
  op,
  RANDOM_RUNS,
  SCENARIOS,
  scenarioOf,
} from './rewindProperty'
import { classroom, lessonOnline } from './testScenarios'
import { TextbookShadow } from './textbook'

/**
 * Rewinding through checkpoints is a replay from 0, faster: for random scenarios, typed
 * commands, plays, steps, the textbook switch and rewinds, a host rewinding through checkpoints
 * and one replaying from 0 send the same frames — services, counters, attempts, template rows,
 * refresh ticks, textbook marks, figures, samples, the commands run mid-run and the live listings
 * (`ipvsadm -Lnc`, `--stats`, `--rate`) — byte for byte once entry ids are named by first
 * appearance (ids are unique over the process, so two runs number their entries differently).
 */

describe('rewinding through checkpoints', () => {
  it('sends the same frames and listings as replaying from 0 (random runs, commands and rewinds: the first 20 of 40)', () => {
    // the other 20 in rewindMore.test.ts, so that two test workers share them
    checkRandomRuns(RANDOM_RUNS.slice(0, 20))
    // the history answered many of those seeks (whole seconds the run had reached); the limit is
    // generous: 287 s and 242 s for the two halves side by side on the 2-core machine at load 7–9
    expect(historySeeks.count).toBeGreaterThan(10)
  }, 600_000)

  it('a seek within the history is answered from it, without the engine, and then plays on as a replay does', () => {
    let wall = 0
    const fast = new Host({ now: () => wall, rewind: { everyMs: 10_000 } })
    const slow = new Host({ now: () => wall, rewind: { replayOnly: true } })
    const both = (req: Parameters<Host['handle']>[0]) => [fast.handle(req), slow.handle(req)]
    both({ type: 'load', scenario: SCENARIOS.arrivals, name: 'arrivals' })
    const run = () => (fast as unknown as { run: LabRun }).run
    const frames = (listing: string | null = null) => {
      wall += listing ? LISTING_QUIET_MS : 1000 / 60
      const [a, b] = both({ type: 'frame', wallMs: wall, listing, listingFilter: '' }).map(frameOf)
      expect(a === null ? null : canonical(a)).toBe(b === null ? null : canonical(b))
      return a
    }
    both({ type: 'seek', toMs: 150_000 })
    frames()
    expect(run().history.horizon).toBe(150_000)
    // a command at 90 s cuts the history there; played on to 150 s again, it holds the new line
    both({ type: 'seek', toMs: 90_000 })
    frames()
    both({ type: 'run', id: 1, line: 'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.101 -g -w 0' })
    expect(run().history.horizon).toBe(90_000)
    both({ type: 'seek', toMs: 150_000 })
    frames()
    const engine = vi.spyOn(run() as unknown as { engineSeek: () => void }, 'engineSeek')
    for (const t of [12_000, 149_000, 90_000, 91_000, 0, 60_000]) {
      both({ type: 'seek', toMs: t })
      expect(run().behind?.atMs).toBe(t)
      expect(frames()?.nowMs).toBe(t)
      frames()
    }
    expect(engine).not.toHaveBeenCalled()
    // the listing waits for the page to stop seeking, then the engine catches up (the same epoch)
    const epoch = run().epoch
    expect(frames('ipvsadm -Lnc')?.listing).not.toBeNull()
    expect(engine).toHaveBeenCalledTimes(1)
    expect(run().epoch).toBe(epoch)
    // a seek, "Why?" of a template, then play on: the same as the replay's
    both({ type: 'seek', toMs: 100_000 })
    frames()
    const [a, b] = [fast, slow].map((h) => {
      const r = (h as unknown as { run: LabRun }).run
      if (r.behind) r.catchUp()
      const row = [...r.templates.values()].at(-1)
      return h.handle({ type: 'why', id: 2, target: { kind: 'template', templateId: row?.id ?? 0 } })
    })
    expect(a).toEqual(b)
    both({ type: 'seek', toMs: 120_000 })
    frames()
    both({ type: 'speed', speed: 50 })
    both({ type: 'play' })
    for (let i = 0; i < 30; i++) frames(i % 10 === 0 ? 'ipvsadm -Ln --stats' : null)
    both({ type: 'pause' })
    // the textbook switch on: its marks are not in the history, the engine's path answers
    both({ type: 'textbook', on: true })
    frames()
    engine.mockClear()
    both({ type: 'seek', toMs: 30_000 })
    expect(run().behind).toBeNull()
    expect(engine).toHaveBeenCalledTimes(1)
    frames()
    both({ type: 'textbook', on: false })
    frames()
    // beyond the horizon: the engine's path, which extends the history
    const horizon = run().history.horizon
    both({ type: 'seek', toMs: 190_000 })
    expect(run().behind).toBeNull()
    frames('ipvsadm -Lnc')
    expect(run().history.horizon).toBeGreaterThan(horizon)
  }, 120_000) // two hosts replaying a class-sized run side by side: about 11 s alone, three times that beside other test files

  it('the same with a memory cap that keeps only a few checkpoints (thinned)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('rs-failure', 'arrivals', 'ppc'),
        fc.array(op, { minLength: 4, maxLength: 10 }),
        (scenario, ops) => driveBoth(scenario, ops, 1000, 4 * 2 ** 20),
      ),
      { numRuns: 12, seed: 7 },
    )
  }, 300_000)

  it('a rewind restores a checkpoint (not a replay from 0), and the checkpoints stay under the cap', () => {
    const run = new LabRun(scenarioOf(lessonOnline), 1, 0, new TextbookShadow(), () => {}, [], {
      everyMs: 10_000,
      capBytes: 16 * 2 ** 20,
      history: false,
    })
    const fromZero = vi.spyOn(run as unknown as { restartFrom0: () => void }, 'restartFrom0')
    run.advance(150_000)
    expect(run.checkpoints.times()).toEqual([
      10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000, 110_000, 120_000, 130_000,
      140_000, 150_000,
    ])
    expect(run.checkpoints.bytes).toBeLessThanOrEqual(16 * 2 ** 20)
    const epoch = run.epoch
    run.seek(95_000)
    expect(run.epoch).toBe(epoch + 1)
    expect(run.now).toBe(95_000)
    expect(fromZero).not.toHaveBeenCalled()
    // a command typed at 95 s: the checkpoints after it did not run it
    run.run('ipvsadm -E -t 192.168.100.100:80 -s rr -p 60')
    expect(run.checkpoints.times().at(-1)).toBe(90_000)
  })

  it('a seek forward restores a checkpoint well ahead of the present, and sends what a replay from 0 sends', () => {
    let wall = 0
    const fast = new Host({ now: () => wall, rewind: { everyMs: 10_000, history: false } })
    const slow = new Host({ now: () => wall, rewind: { replayOnly: true } })
    const both = (req: Parameters<Host['handle']>[0]) => [fast.handle(req), slow.handle(req)]
    both({ type: 'load', scenario: SCENARIOS.arrivals, name: 'arrivals' })
    const run = () => (fast as unknown as { run: LabRun }).run
    const frames = () => {
      wall += 1000 / 60
      return both({ type: 'frame', wallMs: wall, listing: 'ipvsadm -Lnc', listingFilter: '' }).map((r) => {
        const f = frameOf(r)
        return f === null ? null : canonical(f)
      })
    }
    both({ type: 'seek', toMs: 150_000 })
    frames()
    both({ type: 'seek', toMs: 12_000 })
    frames()
    const restore = vi.spyOn(run() as unknown as { restore: () => void }, 'restore')
    // 2 s ahead: plays on; 128 s ahead, past the checkpoint at 140 s: restores it
    both({ type: 'seek', toMs: 14_000 })
    const [a1, b1] = frames()
    expect(restore).not.toHaveBeenCalled()
    expect(a1).toBe(b1)
    both({ type: 'seek', toMs: 142_000 })
    const [a2, b2] = frames()
    expect(restore).toHaveBeenCalledTimes(1)
    expect(run().now).toBe(142_000)
    expect(a2).toBe(b2)
  })

  it('where a copy shares functions: only the audited slots, each re-made by relink()', () => {
    const run = new LabRun(scenarioOf(classroom('preset-rs-failure')), 1, 0, new TextbookShadow(), () => {})
    run.advance(60_000)
    const slots = functionSlots(run.player)
    expect(slots).toEqual([
      'Director.listener',
      'Metrics.onDirectorEvent',
      'Object.attempt',
      'Object.command',
      'Object.delDest',
      'Object.director',
      'Object.init',
      'Object.program',
      'Object.queueRequest',
      'Object.schedule',
      'Object.writeFile',
      'TrafficGenerator.connections',
      'TrafficGenerator.exp',
      'TrafficGenerator.geo',
      'TrafficGenerator.int',
      'TrafficGenerator.longHold',
      'TrafficGenerator.pages',
      'TrafficGenerator.request',
      'TrafficGenerator.rnd',
      'TrafficGenerator.think',
      'Wire.onPacket',
    ])
    // a copy, re-linked, runs on by itself: the same run as the original's, which it leaves alone
    // (its random numbers, its shell, its director's events are its own)
    const scenario = scenarioOf(SCENARIOS['rs-failure'])
    const original = new ScenarioPlayer(scenario, { metrics: true })
    original.advanceTo(30_000 as SimMs)
    const copy = cloneGraph(original)
    copy.relink()
    copy.advanceTo(450_000 as SimMs)
    copy.record('ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.101 -g -w 0')
    expect(original.sim.run('ipvsadm -Ln').stdout).toMatch(/192\.168\.8\.101:0 +Route +2 /)
    original.advanceTo(450_000 as SimMs)
    const reference = new ScenarioPlayer(scenario, { metrics: true })
    reference.advanceTo(450_000 as SimMs)
    const lnc = (p: ScenarioPlayer) => p.sim.run('ipvsadm -Lnc').stdout
    expect(lnc(original)).toBe(lnc(reference))
    expect(lnc(copy)).toBe(lnc(reference))
    // templates kept past their timeout by long connections: the copy's metrics count its own
    expect(reference.metrics?.snapshot().templates.keptPastTimeout).toBeGreaterThan(0)
    expect(original.metrics?.snapshot()).toEqual(reference.metrics?.snapshot())
    copy.record('ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.101 -g -w 2')
    reference.record('ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.101 -g -w 0')
    reference.record('ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.101 -g -w 2')
    expect(copy.metrics?.snapshot()).toEqual(reference.metrics?.snapshot())
  })
})
