import { useEffect, useState } from 'react'
import { tDyn } from '../i18n/index'
import { acceptedExercise, connectionName, type Exercise, endpoint } from '../lessons/exercise'
import {
  answerOf,
  fill,
  isRight,
  type L10n,
  LESSONS,
  type Lesson,
  type LessonStep,
  lessonConnection,
  lessonScenario,
  quoteFigure,
} from '../lessons/lessons'
import { type LessonProgress, loadProgress, saveProgress } from '../lessons/progress'
import { onEnter, onPress, resumePlan } from '../lessons/stepClock'
import { actions, type Locale, useLab } from '../store/index'
import type { Probe, WhyStep } from '../worker/protocol'
import { fetchScenarioFile } from './presets'
import { useT } from './useT'

const text = (l: L10n | string, locale: Locale) => (typeof l === 'string' ? l : l[locale])

/** Load a lesson's scenario (a file or one written inline), described by the step's text: no command of its run steps has run in it. */
async function loadStep(step: Extract<LessonStep, { kind: 'load' }>): Promise<void> {
  const file: unknown = step.scenario ? null : await fetchScenarioFile(step.file ?? '')
  actions.lessonLoaded()
  // described by the lesson's own words: a file's description may give the answer away
  actions.load(lessonScenario(step, file), '', 'lesson')
}

/** Not playing, and no load or seek under way: the clock stands where it is. */
const still = () => {
  const s = useLab.getState()
  return s.busy === null && s.seekTarget === null && !s.playing
}

/**
 * The clock stands at `ms`: still, at `ms` or just past it. The engine's clock may end a little
 * past a target, by the event it was handling there (lesson 1: playing or seeking to 300 s ends
 * at 300.12 s, either way); it never ends before.
 */
const standsAt = (ms: number) => {
  const now = useLab.getState().nowMs
  return still() && now >= ms && now < ms + 1000
}

/** Resolves true once `done` holds (checked on every change of the store), false if not within 30 s. */
function until(done: () => boolean): Promise<boolean> {
  if (done()) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe()
      resolve(false)
    }, 30_000)
    const unsubscribe = useLab.subscribe(() => {
      if (!done()) return
      clearTimeout(timer)
      unsubscribe()
      resolve(true)
    })
  })
}

/** Resolves true once a move of the clock toward `ms` is done (still, at `ms` or past it), false if not within 30 s. */
const clockAt = (ms: number) => until(() => still() && useLab.getState().nowMs >= ms)

/** Pause and put the clock at `ms` (a seek, unless it stands there); resolves true once it does. */
function putClock(ms: number): Promise<boolean> {
  if (standsAt(ms)) return Promise.resolve(true)
  // paused in the worker too, whatever the last frame said
  actions.pause()
  actions.seek(ms)
  return clockAt(ms)
}

/** Each move through the lesson; a move's waiting part acts only if no later move came meanwhile. */
let moves = 0

/** Carry out entering step `to` of `lesson` from step `from` (stepClock.ts decides what that is). */
async function enter(lesson: Lesson, from: number, to: number): Promise<void> {
  const move = ++moves
  const e = onEnter(lesson, from, to, new Set(useLab.getState().lessonRan))
  const current = () => move === moves
  switch (e.kind) {
    case 'load':
      await loadStep(lesson.steps[to] as Extract<LessonStep, { kind: 'load' }>)
      return
    case 'play': {
      const step = lesson.steps[to] as Extract<LessonStep, { kind: 'play' }>
      // from where the step starts: a play step owns the clock from there to its time
      if (!(await putClock(e.fromMs))) return
      if (!current()) return
      actions.setSpeed(step.speed ?? 10)
      actions.playUntil(e.untilMs)
      return
    }
    case 'run':
      // the command runs at the step's own time, never before: the clock goes there first
      if (!(await putClock(e.atMs)) || !current()) return
      actions.lessonRun(to, e.cmd)
      return
    case 'seek':
      if (useLab.getState().textbook !== e.textbook) actions.setTextbook(e.textbook)
      await putClock(e.atMs)
      return
    case 'textbook':
      actions.setTextbook(e.on)
      return
    case 'none':
      return
  }
}

/**
 * Resume a lesson at step `at`: its scenario loaded again, the commands of its run steps before
 * `at` run at their own times (once each), the textbook rule as the lesson had it, the clock at
 * the step's time.
 */
async function resume(lesson: Lesson, at: number): Promise<void> {
  const move = ++moves
  const plan = resumePlan(lesson.steps, at)
  if (plan.load !== null) {
    await loadStep(lesson.steps[plan.load] as Extract<LessonStep, { kind: 'load' }>)
    // loaded: a fresh run, paused at 0
    if (!(await until(() => still() && useLab.getState().nowMs === 0)) || move !== moves) return
  }
  if (useLab.getState().textbook !== plan.textbook) actions.setTextbook(plan.textbook)
  for (const r of plan.runs) {
    if (!(await putClock(r.atMs)) || move !== moves) return
    actions.lessonRun(r.step, r.cmd)
  }
  if (move === moves) await putClock(plan.atMs)
}

/** Go to step `to` of the lesson being followed: forward by one carries the step out, any other move restores the step's time. */
function lessonGo(to: number): void {
  const { lessonId, lessonStep } = useLab.getState()
  const lesson = LESSONS.find((l) => l.id === lessonId)
  if (!lesson) return
  const next = Math.max(0, Math.min(lesson.steps.length - 1, to))
  if (next === lessonStep) return
  actions.setLessonStep(next)
  const prev = loadProgress()[lesson.id]
  saveProgress(lesson.id, {
    step: next,
    answers: prev?.answers ?? {},
    done: prev?.done || next === lesson.steps.length - 1,
  })
  enter(lesson, lessonStep, next).catch((e: unknown) => actions.showError(String(e)))
}

/** Next, PageDown, Space (presenter): a play step still playing toward its time jumps the clock there first. */
function lessonNext(): void {
  const s = useLab.getState()
  const lesson = LESSONS.find((l) => l.id === s.lessonId)
  if (!lesson) return
  const press = onPress(lesson.steps, s.lessonStep, { nowMs: s.nowMs, playing: s.playing, busy: s.busy !== null })
  if (press.kind === 'jump') {
    ++moves
    void putClock(press.toMs)
  } else if (press.kind === 'advance') lessonGo(s.lessonStep + 1)
}

interface Revealed {
  choice: number
  right: boolean
  /** The answer as the reveal says it (yes/no for a figure's question), and the probe's own figure. */
  answer: string | number | boolean | null
  figure: string | number | boolean | null
  /** The reveal's placeholders, filled with the engine's figures. */
  values: Record<string, string>
}

/**
 * A run step's command and what it printed, from the commands run mid-run (the console's
 * source too): the card shows it where the class looks, the console being hidden in Presenter.
 */
function RunOutput({ cmd }: { cmd: string }) {
  const t = useT()
  const ran = useLab((s) => s.midRun.findLast((m) => m.by === 'lesson' && m.cmd === cmd) ?? null)
  return (
    <pre className="term" data-testid="lesson-output">
      <span className="cmd">{`# ${cmd}`}</span>
      {ran && (ran.stdout || ran.stderr) ? (
        <>
          {'\n'}
          {ran.stdout.trimEnd()}
          {ran.stderr && <span className="err">{`${ran.stdout ? '\n' : ''}${ran.stderr.trimEnd()}`}</span>}
        </>
      ) : (
        ran?.exit === 0 && (
          <>
            {'\n'}
            <span className="note">{t('lessons.noOutput')}</span>
          </>
        )
      )}
    </pre>
  )
}

/** A figure as a reveal quotes it: as the lab shows that figure (quoteFigure), an address as it is, none and yes/no in words. */
function figureText(v: string | number | boolean | null, t: ReturnType<typeof useT>, p?: Probe): string {
  if (v === null) return t('lessons.answerNone')
  if (typeof v === 'boolean') return v ? t('lessons.yes') : t('lessons.no')
  if (typeof v === 'number' && p) return quoteFigure(p, v)
  return String(v)
}

/** The lesson in progress: its current step, the question and the engine's answer. */
export function LessonPanel() {
  const t = useT()
  const locale = useLab((s) => s.locale)
  const lessonId = useLab((s) => s.lessonId)
  const stepIndex = useLab((s) => s.lessonStep)
  const lesson = LESSONS.find((l) => l.id === lessonId)
  const step = lesson?.steps[stepIndex]
  // a play step owns the clock until its time: Next jumps there first (single fields, not the clock itself)
  const untilMs = step?.kind === 'play' ? step.until * 1000 : null
  const held = useLab((s) => untilMs !== null && s.nowMs < untilMs)
  const moving = useLab((s) => s.busy !== null)
  const reached = useLab((s) => untilMs !== null && s.nowMs >= untilMs)

  // clicker keys: PageDown / PageUp step through the lesson, and Space is Next in every mode (the
  // page's own Space, play / pause, in App.tsx, acts only outside a lesson)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')) return
      if (useLab.getState().lessonId === null || e.ctrlKey || e.metaKey || e.altKey) return
      // the Packets view open over the lesson: the clicker walks its packets
      if (useLab.getState().packets !== null) return
      if (e.key === 'PageDown' || e.key === ' ') {
        e.preventDefault()
        e.stopImmediatePropagation()
        lessonNext()
      } else if (e.key === 'PageUp') {
        e.preventDefault()
        e.stopImmediatePropagation()
        lessonGo(useLab.getState().lessonStep - 1)
      }
    }
    window.addEventListener('keydown', onKey, { capture: true })
    return () => window.removeEventListener('keydown', onKey, { capture: true })
  }, [])

  if (!lesson || !step) return null

  return (
    <section className="panel lesson area-lesson" aria-labelledby="lesson-h" data-testid="lesson">
      <header>
        <h2 id="lesson-h">{text(lesson.title, locale)}</h2>
        <p className="what">{t('lessons.stepOf', { n: stepIndex + 1, of: lesson.steps.length })}</p>
        <div className="tools">
          <button
            type="button"
            className="btn"
            onClick={() => lessonGo(stepIndex - 1)}
            disabled={stepIndex === 0}
            aria-keyshortcuts="PageUp"
          >
            ← {t('lessons.back')}
          </button>
          <button
            type="button"
            className="btn primary"
            onClick={lessonNext}
            disabled={stepIndex >= lesson.steps.length - 1 && !held}
            aria-keyshortcuts="PageDown"
            data-testid="lesson-next"
          >
            {held && untilMs !== null ? t('lessons.skipTo', { s: untilMs / 1000 }) : t('lessons.next')} →
          </button>
          <button type="button" className="btn" onClick={() => actions.closeLesson()}>
            {t('lessons.close')}
          </button>
        </div>
      </header>
      <p className="lesson-text" aria-live="polite">
        {text(step.text, locale)}
      </p>
      {untilMs !== null && (held || reached || moving) && (
        <p className="lesson-clock" role="status" data-testid="lesson-clock">
          {moving
            ? t('lessons.moving')
            : held
              ? t('lessons.playingUntil', { s: untilMs / 1000 })
              : t('lessons.reached', { s: untilMs / 1000 })}
        </p>
      )}
      {step.kind === 'run' && <RunOutput cmd={step.cmd} />}
      {step.kind === 'question' && (
        <Question key={`${lesson.id}/${stepIndex}`} lessonId={lesson.id} stepIndex={stepIndex} step={step} />
      )}
    </section>
  )
}

/** A predict-then-reveal question; its state lives as long as the step is shown. */
function Question({
  lessonId,
  stepIndex,
  step,
}: {
  lessonId: string
  stepIndex: number
  step: Extract<LessonStep, { kind: 'question' }>
}) {
  const t = useT()
  const locale = useLab((s) => s.locale)
  const [revealed, setRevealed] = useState<Revealed | null>(null)
  const [asking, setAsking] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // the connection whose packets the reveal opens (the Packets view), if the step names one
  const lesson = LESSONS.find((l) => l.id === lessonId)
  const packetsOf = lesson && step.packets !== undefined ? lessonConnection(lesson, step.packets) : null

  const answer = async (choice: number) => {
    setAsking(true)
    const named = Object.entries(step.figures ?? {})
    const [a, ...figures] = await Promise.all([actions.probe(step.probe), ...named.map(([, p]) => actions.probe(p))])
    setAsking(false)
    const failed = [a, ...figures].find((f) => !f.ok)
    if (failed && !failed.ok) {
      setError(failed.error)
      return
    }
    if (!a.ok) return
    const said = answerOf(step, a.value)
    const right = isRight(step.choices[choice], said)
    const values: Record<string, string> = { answer: figureText(a.value, t, step.probe) }
    named.forEach(([n, p], i) => {
      const f = figures[i]
      if (f.ok) values[n] = figureText(f.value, t, p)
    })
    setRevealed({ choice, right, answer: said, figure: a.value, values })
    const prev: LessonProgress = loadProgress()[lessonId] ?? { step: stepIndex, answers: {}, done: false }
    saveProgress(lessonId, { ...prev, answers: { ...prev.answers, [stepIndex]: { choice, right } } })
  }

  return (
    <div className="question">
      <div className="choices" role="group" aria-label={t('lessons.choices')}>
        {step.choices.map((c, i) => (
          <button
            key={text(c.label, locale)}
            type="button"
            className="btn"
            aria-pressed={revealed?.choice === i}
            disabled={asking || revealed !== null}
            onClick={() => void answer(i)}
            data-testid={`choice-${i}`}
          >
            {text(c.label, locale)}
          </button>
        ))}
      </div>
      {revealed && (
        <div className={revealed.right ? 'verdict right' : 'verdict wrong'} role="status" data-testid="verdict">
          <strong>{revealed.right ? t('lessons.right') : t('lessons.wrong')}</strong>{' '}
          {revealed.answer === revealed.figure
            ? t('lessons.engineSays', { answer: figureText(revealed.answer, t, step.probe) })
            : t('lessons.engineSaysFigure', {
                answer: figureText(revealed.answer, t),
                figure: figureText(revealed.figure, t, step.probe),
              })}
          <p data-testid="reveal">{fill(text(step.explain, locale), revealed.values)}</p>
          {packetsOf && (
            <button
              type="button"
              className="btn"
              onClick={() => actions.openPackets({ conn: packetsOf })}
              data-testid="lesson-packets"
            >
              {t('lessons.openPackets')}
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

/** The list of lessons, with what this browser remembers of each. */
export function LessonsList() {
  const t = useT()
  const locale = useLab((s) => s.locale)
  const [progress] = useState(loadProgress)
  const start = (id: string, from: number) => {
    const lesson = LESSONS.find((l) => l.id === id)
    if (!lesson) return
    actions.stopCompare()
    actions.openLesson(id, from)
    // from the start: carry out the first step; resuming: the lesson as it stood at that step
    const started = from === 0 ? enter(lesson, -1, 0) : resume(lesson, from)
    started.catch((e: unknown) => actions.showError(String(e)))
  }
  return (
    <section className="panel lessons-list area-compare" aria-labelledby="lessons-h">
      <header>
        <h2 id="lessons-h">{t('lessons.title')}</h2>
        <p className="what">{t('lessons.what')}</p>
      </header>
      <ol className="lesson-cards">
        {LESSONS.map((l) => {
          const p = progress[l.id]
          const answered = p ? Object.values(p.answers) : []
          return (
            <li key={l.id} className="lesson-card">
              <h3>{text(l.title, locale)}</h3>
              <p className="what">
                {p?.done
                  ? t('lessons.done')
                  : p
                    ? t('lessons.inProgress', { n: p.step + 1, of: l.steps.length })
                    : t('lessons.notStarted')}
                {answered.length > 0 &&
                  ` · ${t('lessons.score', { right: answered.filter((a) => a.right).length, of: answered.length })}`}
              </p>
              <button
                type="button"
                className="btn primary"
                onClick={() => start(l.id, 0)}
                data-testid={`lesson-${l.id}`}
              >
                {t('lessons.start')}
              </button>
              {p && p.step > 0 && !p.done && (
                <button type="button" className="btn" onClick={() => start(l.id, p.step)}>
                  {t('lessons.resume')}
                </button>
              )}
            </li>
          )
        })}
      </ol>
    </section>
  )
}

/** An exercise from a seed: the whole class gets the same one when the teacher gives the seed. */
export function Exercises() {
  const t = useT()
  const [seed, setSeed] = useState(1)
  const [ex, setEx] = useState<Exercise | null>(null)
  const [answer, setAnswer] = useState('')
  const [result, setResult] = useState<{ right: boolean; engine: string; why: WhyStep[] } | null>(null)
  const [making, setMaking] = useState(false)

  // the engine checks each candidate question on variants of its history (in the worker), and the
  // first whose answer can come out more than one way is the exercise: the same on every machine
  const load = async (s: number) => {
    setMaking(true)
    try {
      const e = await acceptedExercise(s, (scenario, probe) => actions.probe(probe, scenario))
      setEx(e)
      setAnswer('')
      setResult(null)
      actions.load(JSON.parse(JSON.stringify(e.scenario)), '', e.scenario.name)
    } finally {
      setMaking(false)
    }
  }
  const check = async () => {
    if (!ex) return
    const a = await actions.probe(ex.question.probe)
    if (!a.ok) {
      setResult({ right: false, engine: a.error, why: [] })
      return
    }
    const engine = a.value === null ? 'null' : String(a.value)
    setResult({ right: engine === answer.trim(), engine, why: a.why ?? [] })
  }
  const q = ex?.question
  const label = (v: string) => (v === 'null' ? t('lessons.answerNone') : v)

  return (
    <section className="panel exercises" aria-labelledby="ex-h">
      <header>
        <h2 id="ex-h">{t('exercise.title')}</h2>
        <p className="what">{t('exercise.what')}</p>
      </header>
      <div className="prompt">
        <label className="inline">
          {t('exercise.seed')}
          <input
            type="number"
            min={0}
            value={seed}
            onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value)) || 0))}
            data-testid="exercise-seed"
            style={{ width: '10ch' }}
          />
        </label>
        <button
          type="button"
          className="btn primary"
          onClick={() => void load(seed)}
          disabled={making}
          data-testid="exercise-load"
        >
          {t('exercise.load')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            const s = crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000
            setSeed(s)
            void load(s)
          }}
          disabled={making}
        >
          {t('exercise.random')}
        </button>
      </div>
      {ex && q && (
        <div data-testid="exercise">
          <pre className="term">{ex.scenario.commands.map((c) => `# ${c}`).join('\n')}</pre>
          <table className="summary">
            <thead>
              <tr>
                <th scope="col">{t('exercise.at')}</th>
                <th scope="col">{t('exercise.client')}</th>
                <th scope="col">{t('exercise.to')}</th>
                <th scope="col">{t('exercise.hold')}</th>
              </tr>
            </thead>
            <tbody>
              {ex.scenario.connections.map((c) => (
                <tr key={c.clientPort}>
                  <td className="num">{c.at} s</td>
                  <td>{connectionName(c)}</td>
                  <td>{endpoint(c.vip, c.vport)}</td>
                  <td className="num">{c.hold} s</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="lesson-text">
            {q.kind === 'rs'
              ? t('exercise.qRs', {
                  conn: connectionName(ex.scenario.connections[q.index]),
                  vport: ex.scenario.connections[q.index].vport,
                  at: ex.scenario.connections[q.index].at,
                })
              : t('exercise.qCount', { at: q.atSec })}
          </p>
          <div className="prompt">
            {q.kind === 'rs' ? (
              <select
                value={answer}
                onChange={(e) => setAnswer(e.target.value)}
                aria-label={t('exercise.answer')}
                data-testid="exercise-answer"
              >
                <option value="">—</option>
                {q.choices.map((c) => (
                  <option key={c} value={c}>
                    {label(c)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type="number"
                min={0}
                value={answer}
                onChange={(e) => setAnswer(e.target.value)}
                aria-label={t('exercise.answer')}
                data-testid="exercise-answer"
                style={{ width: '8ch' }}
              />
            )}
            <button
              type="button"
              className="btn primary"
              onClick={() => void check()}
              disabled={answer === ''}
              data-testid="exercise-check"
            >
              {t('exercise.check')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                actions.setView('lab')
                actions.closeLesson()
              }}
            >
              {t('exercise.seeIt')}
            </button>
          </div>
          {result && (
            <div
              className={result.right ? 'verdict right' : 'verdict wrong'}
              role="status"
              data-testid="exercise-result"
            >
              <strong>{result.right ? t('lessons.right') : t('lessons.wrong')}</strong>{' '}
              {t('lessons.engineSays', { answer: label(result.engine) })}
              {result.why.length > 0 && (
                <>
                  <p className="what">{t(q.kind === 'rs' ? 'exercise.why' : 'exercise.whyCount')}</p>
                  <ol data-testid="exercise-why">
                    {result.why.map((w, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the steps of one answer never reorder
                      <li key={`${w.key}-${i}`}>{tDyn(t, w.key, w.values)}</li>
                    ))}
                  </ol>
                </>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  )
}
