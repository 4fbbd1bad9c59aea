/**
 * The textbook shadow: with the textbook switch on, the same scenario (and the typed commands)
 * replayed in lockstep under the template rule teaching texts state. Where one of its templates
 * expires at another time than the kernel's, the timeline gets a mark; attempts that reached
 * another real server under that rule are counted.
 */
import {
  type Addr,
  type ClientAttempt,
  type EntryReadView,
  readDirector,
  type Scenario,
  ScenarioPlayer,
  type SimMs,
} from '../engine/index'
import { RecentRows } from './recentRows'

/** At most this many marks (the newest) wait for a frame (pairs: template id, time). */
const MAX_MARKS = 10_000
/** The kernel's recent attempts remembered to compare with the shadow's. */
const MAX_KERNEL_ATTEMPTS = 50_000

/** What identifies a template across two runs of the same scenario: client, service, birth. */
function templateKey(t: EntryReadView): string {
  return `${t.client}|${t.fwmark || t.vaddr}|${t.vport}|${t.createdAt}`
}

const attemptKey = (a: ClientAttempt) => `${a.client}:${a.clientPort}@${a.at}`

/** The shadow's state, as a checkpoint keeps it. */
export interface TextbookState {
  player: ScenarioPlayer | null
  kernelTemplates: Map<string, number>
  kernelAttemptRs: Map<string, Addr | -1>
  marks: RecentRows
  divergent: number
}

export class TextbookShadow {
  /** The switch. */
  on = false
  /** The shadow run (null while off, or before the live run started). */
  player: ScenarioPlayer | null = null
  private kernelTemplates = new Map<string, number>()
  private kernelAttemptRs = new Map<string, Addr | -1>()
  private marks = new RecentRows(2, MAX_MARKS)
  private divergent = 0

  /** Forget everything (a new live run); the shadow starts again with start(). */
  reset(): void {
    this.kernelTemplates.clear()
    this.kernelAttemptRs = new Map()
    this.marks = new RecentRows(2, MAX_MARKS)
    this.divergent = 0
    this.player = null
  }

  /**
   * Start the shadow at time 0 of `kernelScenario` (the live player's). `kernelExpiredAt(id)`
   * tells when the kernel's template of that id expired (undefined: unknown, −1: live).
   */
  start(kernelScenario: Scenario, kernelExpiredAt: (id: number) => number | undefined): void {
    const shadow = new ScenarioPlayer(kernelScenario, {
      setup: (sim) => {
        sim.director.templateRule = 'textbook'
      },
    })
    this.player = shadow
    this.listen(shadow, kernelExpiredAt)
    shadow.advanceTo(0 as SimMs)
  }

  private listen(shadow: ScenarioPlayer, kernelExpiredAt: (id: number) => number | undefined): void {
    const api = readDirector(shadow.sim.director)
    shadow.setListener({
      director: (e) => {
        if (e.type !== 'template-expired') return
        const kernelId = this.kernelTemplates.get(templateKey(api.entry(e.template)))
        if (kernelId === undefined) return
        // a mark only where the two rules part: the kernel dropped it at another time (or not yet)
        if (kernelExpiredAt(kernelId) === shadow.now) return
        this.marks.push(kernelId, shadow.now)
      },
      attempt: (a) => {
        const kernelRs = this.kernelAttemptRs.get(attemptKey(a))
        if (kernelRs !== undefined && kernelRs !== (a.rsAddr ?? -1)) this.divergent++
      },
    })
  }

  /** What a rewind checkpoint keeps of the shadow (the run's checkpoint copies it). */
  state(): TextbookState {
    return {
      player: this.player,
      kernelTemplates: this.kernelTemplates,
      kernelAttemptRs: this.kernelAttemptRs,
      marks: this.marks,
      divergent: this.divergent,
    }
  }

  /** Back to a checkpoint's copy of state(): its player, re-linked, listens as start()'s did. */
  restore(st: TextbookState, kernelExpiredAt: (id: number) => number | undefined): void {
    this.player = st.player
    this.kernelTemplates = st.kernelTemplates
    this.kernelAttemptRs = st.kernelAttemptRs
    this.marks = st.marks
    this.divergent = st.divergent
    if (st.player) {
      st.player.relink()
      this.listen(st.player, kernelExpiredAt)
    }
  }

  /** After a rewind: the next frame carries the newest marks since the run began. */
  resend(): void {
    this.marks.resend()
  }

  /** A template the kernel created, shown by `id` (remembered while the switch is on). */
  noteKernelTemplate(t: EntryReadView, id: number = t.id): void {
    if (this.on) this.kernelTemplates.set(templateKey(t), id)
  }

  /** An attempt the kernel decided (remembered while the switch is on). */
  noteKernelAttempt(a: ClientAttempt): void {
    if (!this.on) return
    if (this.kernelAttemptRs.size > MAX_KERNEL_ATTEMPTS) this.kernelAttemptRs.clear()
    this.kernelAttemptRs.set(attemptKey(a), a.rsAddr ?? -1)
  }

  /** The marks since the last call: pairs (kernel template id, when the textbook rule dropped it). */
  takeMarks(): Float64Array {
    return this.marks.take().rows
  }

  /** Attempts that went to another real server under the textbook rule (−1: the switch is off). */
  get divergentCount(): number {
    return this.on ? this.divergent : -1
  }
}
