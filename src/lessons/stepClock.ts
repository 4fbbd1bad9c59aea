import type { Lesson, LessonStep } from './lessons'

/**
 * The lesson's clock, as a pure decision: at what simulated time each step stands, whether the
 * next press of Next / PageDown / Space may move on now, and what entering a step does to the
 * clock. A "play" step owns the clock until it has reached its time: a press before that jumps
 * the clock to the step's time (the class sees the state there) and does not move on; the next
 * press moves on. A step's command runs at the step's own time, never before, and only once.
 */

/** The simulated time (ms) each step stands at once carried out: a load at 0, a play at its `until`, any other where the step before left the clock. */
export function stepTimes(steps: readonly LessonStep[]): number[] {
  const out: number[] = []
  let t = 0
  for (const s of steps) {
    if (s.kind === 'load') t = 0
    else if (s.kind === 'play') t = s.until * 1000
    out.push(t)
  }
  return out
}

/** Whether the textbook rule is on at step `i`: as the last textbook step up to it left it (off before any). */
export function textbookAt(steps: readonly LessonStep[], i: number): boolean {
  let on = false
  for (const s of steps.slice(0, i + 1)) if (s.kind === 'textbook') on = s.on
  return on
}

/** The simulated time step `i` starts from (where the step before it left the clock). */
export function startTime(steps: readonly LessonStep[], i: number): number {
  return i <= 0 ? 0 : stepTimes(steps)[i - 1]
}

/** The lab's clock as the lesson sees it. */
export interface Clock {
  nowMs: number
  playing: boolean
  /** Loading, applying or seeking: the clock is not where it will be. */
  busy: boolean
}

/** What a press of Next does on step `i`. */
export type Press =
  /** Move on to step i + 1. */
  | { kind: 'advance' }
  /** A play step still playing toward its time: jump the clock there, stay on the step. */
  | { kind: 'jump'; toMs: number }
  /** The clock is moving on its own (a load or a seek under way): nothing yet. */
  | { kind: 'wait' }
  /** The last step: nowhere to go. */
  | { kind: 'end' }

export function onPress(steps: readonly LessonStep[], i: number, clock: Clock): Press {
  if (clock.busy) return { kind: 'wait' }
  const step = steps[i]
  if (step?.kind === 'play') {
    const until = step.until * 1000
    if (clock.nowMs < until) return { kind: 'jump', toMs: until }
  }
  if (i >= steps.length - 1) return { kind: 'end' }
  return { kind: 'advance' }
}

/** What entering a step does. */
export type Entry =
  | { kind: 'load' }
  /** Play from `fromMs` (seek there first if the clock is elsewhere) until `untilMs`, then pause. */
  | { kind: 'play'; fromMs: number; untilMs: number }
  /** Run the step's command at `atMs` (the clock goes there first), unless it already ran. */
  | { kind: 'run'; atMs: number; cmd: string }
  /** Put the clock at `atMs` (paused), the textbook rule as the lesson had it there: going back, or a command that already ran. */
  | { kind: 'seek'; atMs: number; textbook: boolean }
  | { kind: 'textbook'; on: boolean; atMs: number }
  /** Nothing to do to the clock (a text or a question, the clock already where it stands). */
  | { kind: 'none'; atMs: number }

/**
 * Entering step `to` from step `from`. Forward by one, a step is carried out (a run step whose
 * command already ran in this lesson — `ran` — only puts the clock at its time: the command's
 * journal line replays it). Any other move (back, or a jump) puts the clock at the step's time.
 */
export function onEnter(lesson: Pick<Lesson, 'steps'>, from: number, to: number, ran: ReadonlySet<number>): Entry {
  const { steps } = lesson
  const step = steps[to]
  const times = stepTimes(steps)
  const at = times[to]
  if (to !== from + 1) return { kind: 'seek', atMs: at, textbook: textbookAt(steps, to) }
  switch (step.kind) {
    case 'load':
      return { kind: 'load' }
    case 'play':
      return { kind: 'play', fromMs: startTime(steps, to), untilMs: at }
    case 'run':
      return ran.has(to)
        ? { kind: 'seek', atMs: at, textbook: textbookAt(steps, to) }
        : { kind: 'run', atMs: at, cmd: step.cmd }
    case 'textbook':
      return { kind: 'textbook', on: step.on, atMs: at }
    case 'text':
    case 'question':
      return { kind: 'none', atMs: at }
  }
}

/** What resuming a lesson at step `at` does: the last load up to it, the commands of the run steps after that load at their times, the textbook rule, and the clock at the step's time. */
export interface ResumePlan {
  load: number | null
  runs: { step: number; atMs: number; cmd: string }[]
  textbook: boolean
  atMs: number
}

export function resumePlan(steps: readonly LessonStep[], at: number): ResumePlan {
  const times = stepTimes(steps)
  const upTo = steps.slice(0, at + 1)
  const load = upTo.findLastIndex((s) => s.kind === 'load')
  const runs = upTo.flatMap((s, i) => (s.kind === 'run' && i > load ? [{ step: i, atMs: times[i], cmd: s.cmd }] : []))
  return { load: load < 0 ? null : load, runs, textbook: textbookAt(steps, at), atMs: times[at] }
}
