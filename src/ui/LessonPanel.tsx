import { useEffect, useState } from 'react'
import { type Exercise, generateExercise } from '../lessons/exercise'
import { isRight, type L10n, LESSONS, type LessonStep } from '../lessons/lessons'
import { type LessonProgress, loadProgress, saveProgress } from '../lessons/progress'
import { actions, type Locale, useLab } from '../store/index'
import { fetchScenarioFile } from './presets'
import { useT } from './useT'

const text = (l: L10n | string, locale: Locale) => (typeof l === 'string' ? l : l[locale])

/** Carry out what a step does on entering it: load, play to a time, run a command, switch a rule. */
async function perform(step: LessonStep): Promise<void> {
  switch (step.kind) {
    case 'load': {
      const json = step.scenario ?? (await fetchScenarioFile(step.file ?? ''))
      actions.load(JSON.parse(JSON.stringify(json)), '', 'lesson')
      return
    }
    case 'play':
      actions.setSpeed(step.speed ?? 10)
      actions.playUntil(step.until * 1000)
      return
    case 'run':
      actions.run(step.cmd, 'lesson')
      return
    case 'textbook':
      actions.setTextbook(step.on)
      return
    case 'text':
    case 'question':
      return
  }
}

/** Go to step `to` of the lesson being followed; going forward carries the step out. */
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
  // moving back only shows a step again
  if (next > lessonStep) perform(lesson.steps[next]).catch((e: unknown) => actions.showError(String(e)))
}

interface Revealed {
  choice: number
  right: boolean
  answer: string | number | boolean | null
}

/** The lesson in progress: its current step, the question and the engine's answer. */
export function LessonPanel() {
  const t = useT()
  const locale = useLab((s) => s.locale)
  const lessonId = useLab((s) => s.lessonId)
  const stepIndex = useLab((s) => s.lessonStep)
  const lesson = LESSONS.find((l) => l.id === lessonId)
  const step = lesson?.steps[stepIndex]

  // clicker keys: PageDown / PageUp step through the lesson (space too, in presenter mode)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')) return
      if (e.key === 'PageDown' || (e.key === ' ' && useLab.getState().presenter)) {
        e.preventDefault()
        e.stopImmediatePropagation()
        lessonGo(useLab.getState().lessonStep + 1)
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
            onClick={() => lessonGo(stepIndex + 1)}
            disabled={stepIndex >= lesson.steps.length - 1}
            aria-keyshortcuts="PageDown"
            data-testid="lesson-next"
          >
            {t('lessons.next')} →
          </button>
          <button type="button" className="btn" onClick={() => actions.closeLesson()}>
            {t('lessons.close')}
          </button>
        </div>
      </header>
      <p className="lesson-text" aria-live="polite">
        {text(step.text, locale)}
      </p>
      {step.kind === 'run' && <pre className="term">{`# ${step.cmd}`}</pre>}
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

  const answer = async (choice: number) => {
    setAsking(true)
    const a = await actions.probe(step.probe)
    setAsking(false)
    if (!a.ok) {
      setError(a.error)
      return
    }
    const right = isRight(step.choices[choice], a.value)
    setRevealed({ choice, right, answer: a.value })
    const prev: LessonProgress = loadProgress()[lessonId] ?? { step: stepIndex, answers: {}, done: false }
    saveProgress(lessonId, { ...prev, answers: { ...prev.answers, [stepIndex]: { choice, right } } })
  }
  const answerText = (v: string | number | boolean | null) =>
    v === null
      ? t('lessons.answerNone')
      : typeof v === 'boolean'
        ? v
          ? t('lessons.yes')
          : t('lessons.no')
        : typeof v === 'number' && !Number.isInteger(v)
          ? v.toFixed(2)
          : String(v)

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
          {t('lessons.engineSays', { answer: answerText(revealed.answer) })}
          <p>{text(step.explain, locale)}</p>
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
    // from the start: carry out the first step; resuming: load the lesson's scenario again
    const load = lesson.steps
      .slice(0, from + 1)
      .filter((s) => s.kind === 'load')
      .pop()
    const first = from === 0 ? lesson.steps[0] : load
    if (first) perform(first).catch((e: unknown) => actions.showError(String(e)))
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
  const [result, setResult] = useState<{ right: boolean; engine: string } | null>(null)

  const load = (s: number) => {
    const e = generateExercise(s)
    setEx(e)
    setAnswer('')
    setResult(null)
    actions.load(JSON.parse(JSON.stringify(e.scenario)), '', e.scenario.name)
  }
  const check = async () => {
    if (!ex) return
    const a = await actions.probe(ex.question.probe)
    if (!a.ok) {
      setResult({ right: false, engine: a.error })
      return
    }
    const engine = a.value === null ? 'null' : String(a.value)
    setResult({ right: engine === answer.trim(), engine })
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
        <button type="button" className="btn primary" onClick={() => load(seed)} data-testid="exercise-load">
          {t('exercise.load')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            const s = crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000
            setSeed(s)
            load(s)
          }}
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
                <th scope="col">#</th>
                <th scope="col">{t('exercise.at')}</th>
                <th scope="col">{t('exercise.client')}</th>
                <th scope="col">{t('exercise.to')}</th>
                <th scope="col">{t('exercise.hold')}</th>
              </tr>
            </thead>
            <tbody>
              {ex.scenario.connections.map((c, i) => (
                <tr key={c.clientPort}>
                  <td>{i + 1}</td>
                  <td className="num">{c.at} s</td>
                  <td>
                    {c.client}:{c.clientPort}
                  </td>
                  <td>
                    {c.vip}:{c.vport}
                  </td>
                  <td className="num">{c.hold} s</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="lesson-text">
            {q.kind === 'rs'
              ? t('exercise.qRs', {
                  n: q.index + 1,
                  client: `${ex.scenario.connections[q.index].client}:${ex.scenario.connections[q.index].vport}`,
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
            </div>
          )}
        </div>
      )}
    </section>
  )
}
