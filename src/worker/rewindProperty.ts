import fc from 'fast-check'
import { expect } from 'vitest'
import { type Scenario, validateScenario } from '../engine/index'
import { Host } from './host'
import type { LabRun } from './labRun'
import { ATTEMPT_FIELDS, AttemptField, type Frame, type Reply, TEMPLATE_FIELDS, TemplateField } from './protocol'
import { LISTING_QUIET_MS } from './requestKinds'
import { classroom, lessonOnline } from './testScenarios'

/**
 * Test support for rewind.test.ts and rewindMore.test.ts: two hosts driven alike — one rewinding
 * through checkpoints and answering seeks from its history, one replaying from 0 — must send the
 * same frames — services, counters, attempts, template rows, refresh ticks, textbook marks,
 * figures, samples, the commands run mid-run and the live listings (`ipvsadm -Lnc`, `--stats`,
 * `--rate`) — byte for byte once entry ids are named by first appearance (ids are unique over the
 * process, so two runs number their entries differently).
 */

const rsFailure = classroom('preset-rs-failure') as { traffic: object; midCommands: object[] }
export const SCENARIOS: Record<string, unknown> = {
  'rs-failure': rsFailure,
  // users arriving all along (each planned — random draws — as the clock reaches it), a command mid-run
  arrivals: {
    ...rsFailure,
    until: 200,
    midCommands: [{ at: 90, cmd: 'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.102 -g -w 0' }],
    traffic: { ...rsFailure.traffic, users: 400, duration: 200 },
  },
  ppc: classroom('classroom-ppc'),
  fwmark: classroom('classroom-fwmark'),
  lesson5: lessonOnline,
}

const COMMANDS = [
  'ipvsadm -E -t 192.168.100.100:80 -s rr -p 60',
  'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0',
  'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.103 -g -w 1',
  'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.101 -g -w 0',
  'ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.102',
  'ipvsadm -E -f 1 -s wlc -p 30',
  'sysctl -w net.ipv4.vs.expire_nodest_conn=1',
  'sysctl -w net.ipv4.vs.expire_quiescent_template=1',
]
const LISTINGS = ['ipvsadm -Lnc', 'ipvsadm -Ln --stats', 'ipvsadm -Ln --rate']

export type Op =
  | { kind: 'seek'; at: number; whole: boolean }
  | { kind: 'why'; of: 'attempt' | 'template' }
  | { kind: 'play'; frames: number; speed: number }
  | { kind: 'run'; cmd: string }
  | { kind: 'step'; unit: 'event' | 'second' }
  | { kind: 'textbook'; on: boolean }

export const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    // a whole second (the slider's): within the history, answered from it; else the engine's path
    arbitrary: fc.record({
      kind: fc.constant('seek' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      whole: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('why' as const), of: fc.constantFrom('attempt', 'template') }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('play' as const),
      frames: fc.integer({ min: 1, max: 40 }),
      speed: fc.constantFrom(1, 10, 50),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('run' as const), cmd: fc.constantFrom(...COMMANDS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('step' as const), unit: fc.constantFrom('event', 'second') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('textbook' as const), on: fc.boolean() }) },
)

export const FAR: Op = { kind: 'seek', at: 0.61, whole: false }

/** The frame as comparable text: entry ids renamed by first appearance in it. */
export function canonical(f: Frame): string {
  const names = new Map<number, number>()
  const name = (id: number) => {
    if (id === 0) return 0
    let n = names.get(id)
    if (n === undefined) {
      n = names.size + 1
      names.set(id, n)
    }
    return n
  }
  const templates = Array.from(f.templates)
  for (let o = 0; o < templates.length; o += TEMPLATE_FIELDS)
    templates[o + TemplateField.ID] = name(templates[o + TemplateField.ID])
  const attempts = Array.from(f.attempts)
  for (let o = 0; o < attempts.length; o += ATTEMPT_FIELDS)
    attempts[o + AttemptField.TEMPLATE_ID] = name(attempts[o + AttemptField.TEMPLATE_ID])
  const pairs = (a: Float64Array) => Array.from(a, (x, i) => (i % 2 === 0 ? name(x) : x))
  return JSON.stringify({
    ...f,
    // whether the frame came from the history (the replaying host has none)
    engineBehind: undefined,
    // service keys are ids too (unique over the process)
    services: f.services?.map((svc, i) => ({ ...svc, key: i })) ?? null,
    templates,
    attempts,
    refreshes: pairs(f.refreshes),
    textbookMarks: pairs(f.textbookMarks),
    rsCounters: Array.from(f.rsCounters),
    samples: Array.from(f.samples),
  })
}

export function scenarioOf(x: unknown): Scenario {
  const check = validateScenario(x)
  if (!check.ok) throw new Error(check.error)
  return check.scenario
}

export const frameOf = (replies: Reply[]): Frame | null => replies.find((r): r is Frame => r.type === 'frame') ?? null

/** How many seeks the fast host answered from its history (the property must exercise it). */
export const historySeeks = { count: 0 }

/**
 * Two hosts driven alike: one answering seeks from its history and rewinding through checkpoints,
 * one replaying from 0. After a seek, a frame without a listing (from the history) then, once the
 * page stopped seeking, one with (the engine caught up).
 */
export function driveBoth(scenario: string, ops: Op[], everyMs: number, capBytes: number): void {
  let wall = 0
  const fast = new Host({ now: () => wall, rewind: { everyMs, capBytes } })
  const slow = new Host({ now: () => wall, rewind: { replayOnly: true } })
  const both = (req: Parameters<Host['handle']>[0]) => [fast.handle(req), slow.handle(req)]
  const [loaded] = both({ type: 'load', scenario: SCENARIOS[scenario], name: scenario })
  const endMs = (loaded[0] as { endMs: number }).endMs
  let k = 0
  const compareFrame = (what: string, withListing = true) => {
    wall += withListing ? LISTING_QUIET_MS + 1000 / 60 : 1000 / 60
    const listing = withListing ? LISTINGS[k++ % LISTINGS.length] : null
    const [a, b] = both({ type: 'frame', wallMs: wall, listing, listingFilter: '' }).map(frameOf)
    expect(a === null ? null : canonical(a), what).toBe(b === null ? null : canonical(b))
  }
  const fastRun = () => (fast as unknown as { run: LabRun }).run
  for (const [i, o] of ops.entries()) {
    const what = `${scenario}, op ${i}: ${JSON.stringify(o)}`
    if (o.kind === 'seek') {
      // a whole second within the run's history (the slider's), or any time of the run
      const reached = fastRun().history.horizon
      const toMs = o.whole && reached > 0 ? Math.round(o.at * (reached / 1000)) * 1000 : Math.round(o.at * endMs)
      both({ type: 'seek', toMs })
      if (fastRun().behind) historySeeks.count++
      compareFrame(what, false)
    } else if (o.kind === 'why') {
      // "Why?" of the newest attempt / the timeline's oldest template (the engine catches up first,
      // as the host does before a "Why?"; a template is named by each host's own id)
      fastRun().catchUp()
      const answers = [fast, slow].map((h) => {
        const run = (h as unknown as { run: LabRun }).run
        const oldest = run.templates.values().next()
        const target =
          o.of === 'attempt'
            ? { kind: 'attempt' as const, seq: run.attempts.noted }
            : { kind: 'template' as const, templateId: oldest.done ? 0 : oldest.value.id }
        return h.handle({ type: 'why', id: i, target })
      })
      expect(answers[0], what).toEqual(answers[1])
    } else if (o.kind === 'run') {
      const [a, b] = both({ type: 'run', id: i, line: o.cmd })
      expect(a, what).toEqual(b)
    } else if (o.kind === 'step') both({ type: 'step', unit: o.unit })
    else if (o.kind === 'textbook') both({ type: 'textbook', on: o.on })
    else {
      both({ type: 'speed', speed: o.speed })
      both({ type: 'play' })
      for (let n = 0; n < o.frames; n++) compareFrame(what)
      both({ type: 'pause' })
    }
    compareFrame(what)
  }
}

/** A random run of the property: a scenario, the operations after the first far seek, the checkpoint spacing. */
export type RandomRun = [scenario: string, ops: Op[], everyMs: number]
const randomRun = fc.tuple(
  fc.constantFrom(...Object.keys(SCENARIOS)),
  fc.array(op, { minLength: 4, maxLength: 14 }),
  fc.constantFrom(1000, 5000, 10_000),
)

/**
 * The property's 40 random runs (seed 13: the very runs `fc.assert(…, { numRuns: 40, seed: 13 })`
 * draws), split between two test files so that two test workers share them: `runs` is a slice.
 * Each is checked with fast-check, which shrinks a failing one to a smaller case.
 */
export const RANDOM_RUNS: readonly RandomRun[] = fc.sample(randomRun, { numRuns: 40, seed: 13 })

export function checkRandomRuns(runs: readonly RandomRun[]): void {
  fc.assert(
    fc.property(
      randomRun,
      // first far into the run: the seeks after have a long history to be answered from
      ([scenario, ops, everyMs]) => driveBoth(scenario, [FAR, ...ops], everyMs, 256 * 2 ** 20),
    ),
    { examples: runs.map((r) => [r]), numRuns: runs.length },
  )
}
