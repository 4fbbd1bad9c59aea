import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Probe } from '../worker/protocol'
import { type Answer, type Claim, describeClaim, evaluate, not } from './claims'
import {
  answerOf,
  fill,
  isRight,
  type L10n,
  LESSONS,
  type Lesson,
  type LessonStep,
  lessonConnection,
  placeholders,
  quoteFigure,
} from './lessons'
import { runLesson, type StepRun } from './testLessonRun'

const LOCALES = ['en', 'zh-CN'] as const

/** The texts a step shows (its own, a question's reveal and choices). */
function texts(step: LessonStep): { where: string; text: L10n }[] {
  const out = [{ where: 'text', text: step.text }]
  if (step.kind === 'question') {
    out.push({ where: 'explain', text: step.explain })
    step.choices.forEach((c, i) => {
      if (typeof c.label !== 'string') out.push({ where: `choice ${i}`, text: c.label })
    })
  }
  return out
}

/** The figures a text quotes: numbers, addresses, ports (10.0.0.7, 300, 65535, 0.0.0.80). */
const numbers = (s: string) => [...new Set(s.match(/\d+(?:\.\d+)*/g) ?? [])].sort()

/** A question's answer as its reveal says it (undefined: not a question, or the probe failed). */
function answerAt(run: StepRun): Answer | undefined {
  if (run.step.kind !== 'question' || !run.answer?.ok) return undefined
  return answerOf(run.step, run.answer.value)
}

/** Every claim of a lesson checked at its step, on the lesson's own run: the ones that do not hold, named. */
function failedClaims(lesson: Lesson, runs: StepRun[] = runLesson(lesson)): string[] {
  const out: string[] = []
  for (const run of runs)
    for (const claim of lesson.steps[run.index].claims ?? []) {
      const v = evaluate(claim, { ...run.figures, answer: answerAt(run) })
      if (!v.holds)
        out.push(
          `${lesson.id} step ${run.index + 1} (${lesson.steps[run.index].kind}): ${describeClaim(claim)} — ${v.saw}`,
        )
    }
  return out
}

const runs = new Map(LESSONS.map((l) => [l.id, runLesson(l)]))
const runOf = (l: Lesson) => runs.get(l.id) as StepRun[]

describe('every lesson, run end to end through the worker host', () => {
  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: every claim holds at its step', (_, lesson) => {
    expect(failedClaims(lesson, runOf(lesson))).toEqual([])
  })

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: every question has one right choice, of the answer’s kind',
    (_, lesson) => {
      for (const run of runOf(lesson)) {
        const step = run.step
        if (step.kind !== 'question') continue
        const where = `${lesson.id} step ${run.index + 1}`
        expect(run.answer?.ok, where).toBe(true)
        const answer = answerAt(run) as Answer
        // yes/no gets yes/no; a count gets a number; "which server" gets an address (or none)
        const kinds = new Set(step.choices.map((c) => (Array.isArray(c.value) ? 'number' : typeof c.value)))
        expect([...kinds], where).toHaveLength(1)
        const kind = [...kinds][0]
        expect(kind === 'string' ? (answer === null ? 'string' : typeof answer) : typeof answer, where).toBe(kind)
        expect(
          step.choices.filter((c) => isRight(c, answer)),
          where,
        ).toHaveLength(1)
        // every question's reveal is backed by a claim on its answer
        expect(
          (step.claims ?? []).some((c) => c.says === 'answer'),
          `${where}: no claim on the answer`,
        ).toBe(true)
        for (const [name, a] of Object.entries(run.answers ?? {})) expect(a.ok, `${where}: figure ${name}`).toBe(true)
      }
    },
  )

  it('a reveal that opens the Packets view names a connection of its own lesson, the one its question asks about', () => {
    const roads = LESSONS.find((l) => l.id === 'roads') as Lesson
    const withPackets = LESSONS.flatMap((l) =>
      l.steps.filter((s) => s.kind === 'question' && s.packets !== undefined).map((s) => [l, s] as const),
    )
    expect(withPackets.map(([l]) => l.id)).toEqual(['roads', 'roads', 'roads'])
    for (const [lesson, step] of withPackets) {
      if (step.kind !== 'question' || step.packets === undefined) continue
      expect(lessonConnection(lesson, step.packets)).not.toBeNull()
      if (step.probe.kind === 'reply') expect(step.probe.index).toBe(step.packets)
    }
    expect(lessonConnection(roads, 1)).toEqual({
      client: '10.0.0.1:40002',
      virtual: '192.168.100.100:8080',
      atMs: 2000,
    })
    expect(lessonConnection(roads, 9)).toBeNull()
  })

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: both languages say the same, with the same figures and placeholders',
    (_, lesson) => {
      const title = lesson.title
      for (const loc of LOCALES) expect(title[loc].trim(), `${lesson.id} title`).not.toBe('')
      expect(numbers(title['zh-CN'])).toEqual(numbers(title.en))
      for (const run of runOf(lesson)) {
        const step = run.step
        for (const { where, text } of texts(step)) {
          const at = `${lesson.id} step ${run.index + 1} ${where}`
          for (const loc of LOCALES) expect(text[loc].trim(), `${at} ${loc}`).not.toBe('')
          expect(text['zh-CN'], `${at}: the 中文 text reads as English`).toMatch(/[\u4e00-\u9fff]/)
          expect(numbers(text['zh-CN']), `${at}: figures quoted`).toEqual(numbers(text.en))
          expect(placeholders(text['zh-CN']), `${at}: placeholders`).toEqual(placeholders(text.en))
          const allowed =
            step.kind === 'question' && where === 'explain' ? ['answer', ...Object.keys(step.figures ?? {})] : []
          for (const p of placeholders(text.en)) expect(allowed, `${at}: {${p}} is filled by nothing`).toContain(p)
        }
        if (step.kind === 'question') {
          // the reveal as the card shows it: every placeholder filled with the engine's figure
          const probes: Record<string, Probe> = { answer: step.probe, ...step.figures }
          const values = Object.fromEntries(
            Object.entries({ answer: run.answer, ...run.answers }).map(([k, a]) => [
              k,
              !a?.ok ? '?' : typeof a.value === 'number' ? quoteFigure(probes[k], a.value) : String(a.value),
            ]),
          )
          for (const loc of LOCALES) expect(fill(step.explain[loc], values)).not.toMatch(/[{}?]/)
        }
      }
    },
  )
})

describe('a false claim is caught', () => {
  it('every claim of every lesson, negated, fails on the same run', () => {
    const caught: string[] = []
    let claims = 0
    for (const lesson of LESSONS) {
      const negated: Lesson = {
        ...lesson,
        steps: lesson.steps.map((s) => ({ ...s, claims: (s.claims ?? []).map((c: Claim) => not(c)) })),
      }
      claims += lesson.steps.reduce((n, s) => n + (s.claims?.length ?? 0), 0)
      caught.push(...failedClaims(negated, runOf(lesson)))
    }
    expect(claims).toBeGreaterThan(40)
    expect(caught).toHaveLength(claims)
    expect(caught[0]).toMatch(/^why step 2 \(question\): not \(answer /)
  })

  it('lesson 1 with -p 300 on :80 alone: "grows much more slowly" does not hold, and the test names it', () => {
    const why = LESSONS[0]
    const only80: Lesson = { ...why, steps: why.steps.filter((s) => !(s.kind === 'run' && s.cmd.includes(':443'))) }
    const failed = failedClaims(only80)
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatch(/^why step 5 \(play\): grows-slower .*brokenSessions grew 3\.\d+\/s during 150–300 s/)
  })

  it('the failover lesson with no sync daemon in its second and third parts: every claim that the backup knows fails, by name', () => {
    const failover = LESSONS.find((l) => l.id === 'failover') as Lesson
    type Pair = { files: object; backup: { files: object } }
    const none = JSON.parse(
      readFileSync(new URL('../../public/scenarios/failover-without-sync.json', import.meta.url), 'utf8'),
    ) as Pair
    // keepalived.conf without lvs_sync_daemon on both directors, all else as the lesson has it
    const noSync: Lesson = {
      ...failover,
      steps: failover.steps.map((s) => {
        if (s.kind !== 'load' || !s.scenario) return s
        const sc = s.scenario as Pair
        return { ...s, scenario: { ...sc, files: none.files, backup: { ...sc.backup, files: none.backup.files } } }
      }),
    }
    const failed = failedClaims(noSync).map((f) => f.replace(/ — [\s\S]*$/, ''))
    expect(failed.map((f) => f.match(/^failover step \d+ \(\w+\): [\w-]+/)?.[0])).toEqual([
      'failover step 8 (play): probed', // the backup's connections and templates at 120 s
      'failover step 8 (play): probed',
      'failover step 9 (run): output-lists', // no master sync daemon
      'failover step 10 (question): answer', // the backup holds no template at 239 s
      'failover step 11 (question): answer', // sessions break
      'failover step 15 (question): answer', // sync_threshold 2 50 sends nothing without a daemon
    ])
    expect(failed[0]).toContain('"what":"connections","of":"backup"')
  })
})
