import { describe, expect, it } from 'vitest'
import { LESSONS, type LessonStep } from './lessons'
import { onEnter, onPress, resumePlan, startTime, stepTimes, textbookAt } from './stepClock'

const why = LESSONS.find((l) => l.id === 'why')
if (!why) throw new Error('lesson 1 is missing')
// lesson 1: load, question, play to 120 s, run ipvsadm -E … :80 -p 300, the same for :443, play to 300 s
const PLAY = 2
const RUN = 3
const RUN443 = 4
const LAST = 5
const CMD80 = 'ipvsadm -E -t 192.168.100.100:80 -s rr -p 300'
const CMD443 = 'ipvsadm -E -t 192.168.100.100:443 -s rr -p 300'

const idle = (nowMs: number) => ({ nowMs, playing: false, busy: false })
const playing = (nowMs: number) => ({ nowMs, playing: true, busy: false })

describe('stepTimes', () => {
  it('lesson 1: the run step stands at its play step’s 120 s', () => {
    expect(why.steps.map((s) => s.kind)).toEqual(['load', 'question', 'play', 'run', 'run', 'play'])
    expect(stepTimes(why.steps)).toEqual([0, 0, 120_000, 120_000, 120_000, 300_000])
    expect(startTime(why.steps, RUN443)).toBe(120_000)
    expect(startTime(why.steps, RUN)).toBe(120_000)
    expect(startTime(why.steps, PLAY)).toBe(0)
  })

  it('a load puts the clock back at 0', () => {
    const steps: LessonStep[] = [
      { kind: 'play', until: 10, text: { en: '', 'zh-CN': '' } },
      { kind: 'load', file: 'x.json', text: { en: '', 'zh-CN': '' } },
      { kind: 'text', text: { en: '', 'zh-CN': '' } },
    ]
    expect(stepTimes(steps)).toEqual([10_000, 0, 0])
  })

  it('every lesson’s run step runs at or after the play step before it, never before', () => {
    for (const l of LESSONS) {
      const times = stepTimes(l.steps)
      l.steps.forEach((s, i) => {
        if (s.kind !== 'run') return
        const lastPlay = l.steps.slice(0, i).findLastIndex((x) => x.kind === 'play' || x.kind === 'load')
        expect(times[i]).toBe(times[lastPlay])
      })
    }
  })
})

describe('onPress: a play step owns the clock', () => {
  it('the bug of issue 13: a press at 48.5 s while playing to 120 s jumps to 120 s and does not move on', () => {
    expect(onPress(why.steps, PLAY, playing(48_500))).toEqual({ kind: 'jump', toMs: 120_000 })
  })
  it('paused before the step’s time (Space paused it): still a jump', () => {
    expect(onPress(why.steps, PLAY, idle(60_000))).toEqual({ kind: 'jump', toMs: 120_000 })
  })
  it('at the step’s time (or past it), the press moves on', () => {
    expect(onPress(why.steps, PLAY, idle(120_000))).toEqual({ kind: 'advance' })
    expect(onPress(why.steps, PLAY, idle(130_000))).toEqual({ kind: 'advance' })
  })
  it('while the clock is being moved (a seek, a load), a press waits', () => {
    expect(onPress(why.steps, PLAY, { nowMs: 48_500, playing: false, busy: true })).toEqual({ kind: 'wait' })
    expect(onPress(why.steps, RUN, { nowMs: 120_000, playing: false, busy: true })).toEqual({ kind: 'wait' })
  })
  it('other steps move on at once; the last play step jumps, then ends', () => {
    expect(onPress(why.steps, 1, idle(0))).toEqual({ kind: 'advance' })
    expect(onPress(why.steps, RUN, idle(120_000))).toEqual({ kind: 'advance' })
    expect(onPress(why.steps, RUN443, idle(120_000))).toEqual({ kind: 'advance' })
    expect(onPress(why.steps, LAST, playing(200_000))).toEqual({ kind: 'jump', toMs: 300_000 })
    expect(onPress(why.steps, LAST, idle(300_000))).toEqual({ kind: 'end' })
  })
})

describe('onEnter', () => {
  it('forward to the play step: from where the step before left the clock to its time', () => {
    expect(onEnter(why, 1, PLAY, new Set())).toEqual({ kind: 'play', fromMs: 0, untilMs: 120_000 })
    expect(onEnter(why, RUN443, LAST, new Set())).toEqual({ kind: 'play', fromMs: 120_000, untilMs: 300_000 })
  })
  it('forward to the run step: its command at 120 s, once', () => {
    expect(onEnter(why, PLAY, RUN, new Set())).toEqual({
      kind: 'run',
      atMs: 120_000,
      cmd: CMD80,
    })
    expect(onEnter(why, RUN, RUN443, new Set([RUN]))).toEqual({ kind: 'run', atMs: 120_000, cmd: CMD443 })
    // it ran already: going forward again only puts the clock at its time (the journal replays it)
    expect(onEnter(why, PLAY, RUN, new Set([RUN]))).toEqual({ kind: 'seek', atMs: 120_000, textbook: false })
  })
  it('going back restores the step’s time and carries nothing out', () => {
    expect(onEnter(why, RUN, PLAY, new Set([RUN]))).toEqual({ kind: 'seek', atMs: 120_000, textbook: false })
    expect(onEnter(why, LAST, RUN, new Set([RUN, RUN443]))).toEqual({ kind: 'seek', atMs: 120_000, textbook: false })
    expect(onEnter(why, PLAY, 1, new Set())).toEqual({ kind: 'seek', atMs: 0, textbook: false })
    // even back to the load step: no reload (the console and the journal stay)
    expect(onEnter(why, 1, 0, new Set())).toEqual({ kind: 'seek', atMs: 0, textbook: false })
  })
  it('the first step of a lesson is carried out', () => {
    expect(onEnter(why, -1, 0, new Set())).toEqual({ kind: 'load' })
  })
  it('going back restores the textbook switch as the lesson had it there', () => {
    const online = LESSONS.find((l) => l.steps.some((s) => s.kind === 'textbook'))
    if (!online) throw new Error('no lesson with a textbook step')
    const on = online.steps.findIndex((s) => s.kind === 'textbook' && s.on)
    const off = online.steps.findIndex((s) => s.kind === 'textbook' && !s.on)
    expect(textbookAt(online.steps, on - 1)).toBe(false)
    expect(textbookAt(online.steps, on)).toBe(true)
    expect(textbookAt(online.steps, off)).toBe(false)
    expect(onEnter(online, on, on - 1, new Set())).toMatchObject({ kind: 'seek', textbook: false })
    expect(onEnter(online, off, off - 1, new Set())).toMatchObject({ kind: 'seek', textbook: true })
  })
})

describe('resumePlan', () => {
  it('resuming lesson 1 at its last step: load, the command at 120 s, the clock at 300 s', () => {
    expect(resumePlan(why.steps, LAST)).toEqual({
      load: 0,
      runs: [
        { step: RUN, atMs: 120_000, cmd: CMD80 },
        { step: RUN443, atMs: 120_000, cmd: CMD443 },
      ],
      textbook: false,
      atMs: 300_000,
    })
  })
  it('resuming before the run step: no command', () => {
    expect(resumePlan(why.steps, PLAY)).toEqual({ load: 0, runs: [], textbook: false, atMs: 120_000 })
  })
})
