/**
 * A lesson carried out under Node through the worker's host, as LessonPanel drives it in the
 * app: a load step loads, a play step puts the clock at its start and plays until its time
 * (frames pace it), a run step runs its command at its time (labelled a lesson's), a textbook
 * step switches the shadow, a question asks its probes. After each step, the figures the
 * engine computed so far (`StepFigures`) are what its claims are checked on — their probes asked
 * right then, before a later step changes the lab. Test support only.
 */
import { readFileSync } from 'node:fs'
import { Host } from '../worker/host'
import { decodePairs, LAB_SAMPLE_FIELDS, LAB_SAMPLE_SERIES, type ProbeAnswer, type Reply } from '../worker/protocol'
import { evaluate, type Series, type StepFigures } from './claims'
import { type Lesson, type LessonStep, lessonScenario } from './lessons'

const scenarioFile = (name: string): string =>
  readFileSync(new URL(`../../public/scenarios/${name}`, import.meta.url), 'utf8')

/** A step carried out: where the clock stood, and what the engine computed by then. */
export interface StepRun {
  index: number
  step: LessonStep
  nowMs: number
  figures: StepFigures
  /** A question's answer (the probe's), and its figures' answers by name. */
  answer?: ProbeAnswer
  answers?: Record<string, ProbeAnswer>
}

/** Carries out a lesson step by step; `steps` is every step carried out, in order. */
export function runLesson(lesson: Lesson): StepRun[] {
  const host = new Host({ now: () => 0 })
  let wallMs = 0
  let nowMs = 0
  let playing = false
  let textbookMarks = new Set<number>()
  let epoch = -1
  let samples = new Map<number, Float64Array>()
  const fold = (replies: Reply[]) => {
    for (const r of replies) {
      if (r.type === 'error') throw new Error(`${lesson.id}: ${r.message}`)
      if (r.type !== 'frame') continue
      const f = r
      if (f.epoch !== epoch) {
        epoch = f.epoch
        samples = new Map()
        textbookMarks = new Set()
      }
      nowMs = f.nowMs
      playing = f.playing
      for (const [id] of decodePairs(f.textbookMarks)) textbookMarks.add(id)
      for (let o = 0; o + LAB_SAMPLE_FIELDS <= f.samples.length; o += LAB_SAMPLE_FIELDS)
        samples.set(Math.floor(f.samples[o] / 1000), f.samples.slice(o + 1, o + LAB_SAMPLE_FIELDS))
    }
  }
  const frame = () => {
    wallMs += 1000 / 60
    fold(host.handle({ type: 'frame', wallMs, listing: null, listingFilter: '' }))
  }
  /** LessonPanel's putClock: pause and seek, unless the clock stands at `ms` (or just past, by the event it ended on). */
  const putClock = (ms: number) => {
    if (!playing && nowMs >= ms && nowMs < ms + 1000) return
    fold(host.handle({ type: 'pause' }))
    fold(host.handle({ type: 'seek', toMs: ms }))
    frame()
  }
  const probe = (p: Parameters<StepFigures['probe']>[0]): ProbeAnswer => {
    const [r] = host.handle({ type: 'probe', id: 0, probe: p })
    if (r?.type !== 'probe') throw new Error('no probe answer')
    return r.answer
  }
  /**
   * The step's figures. Its claims' probes are asked now, while the lab stands where the step
   * left it (a later load or command would change the answer); the figures answer them from
   * that, and refuse a probe not asked at the step.
   */
  const figures = (step: LessonStep, output: string | null): StepFigures => {
    const at = new Map(samples)
    const asked = new Map<string, ProbeAnswer>()
    const f: StepFigures = {
      value: (of: Series, atSec: number) => at.get(atSec)?.[LAB_SAMPLE_SERIES.indexOf(of)],
      output,
      probe: (p) => {
        const key = JSON.stringify(p)
        const a = asked.get(key) ?? probe(p)
        asked.set(key, a)
        return a
      },
      textbookMarks: textbookMarks.size,
    }
    for (const c of step.claims ?? []) evaluate(c, f)
    return {
      ...f,
      probe: (p) => {
        const a = asked.get(JSON.stringify(p))
        if (!a) throw new Error(`${lesson.id}: probe ${JSON.stringify(p)} was not asked at its step`)
        return a
      },
    }
  }

  const out: StepRun[] = []
  lesson.steps.forEach((step, index) => {
    let output: string | null = null
    let answer: ProbeAnswer | undefined
    let answers: Record<string, ProbeAnswer> | undefined
    switch (step.kind) {
      case 'load': {
        // as the app: the file's JSON (or the lesson's own scenario), described by the step
        const file: unknown = step.scenario ? null : JSON.parse(scenarioFile(step.file ?? ''))
        fold(host.handle({ type: 'load', scenario: lessonScenario(step, file), name: '' }))
        frame()
        break
      }
      case 'play': {
        const from = index === 0 ? 0 : out[index - 1].nowMs
        putClock(from)
        fold(host.handle({ type: 'speed', speed: step.speed ?? 10 }))
        fold(host.handle({ type: 'play-until', toMs: step.until * 1000 }))
        for (let guard = 0; playing || guard === 0; guard++) {
          if (guard > 1e6) throw new Error(`${lesson.id} step ${index + 1}: play never ended`)
          frame()
        }
        break
      }
      case 'run': {
        putClock(index === 0 ? 0 : out[index - 1].nowMs)
        const replies = host.handle({ type: 'run', id: index, line: step.cmd, by: 'lesson' })
        const ran = replies.find((r) => r.type === 'ran')
        if (ran?.type === 'ran') output = ran.stdout + ran.stderr
        fold(replies)
        frame()
        break
      }
      case 'textbook':
        fold(host.handle({ type: 'textbook', on: step.on }))
        frame()
        break
      case 'question':
        answer = probe(step.probe)
        answers = Object.fromEntries(Object.entries(step.figures ?? {}).map(([k, p]) => [k, probe(p)]))
        break
      case 'text':
        break
    }
    out.push({ index, step, nowMs, figures: figures(step, output), answer, answers })
  })
  return out
}
