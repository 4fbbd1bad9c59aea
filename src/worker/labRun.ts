/**
 * The lab's run: the scenario's live player (and, with the textbook switch on, its shadow) on the
 * simulated clock — restarted from 0 for a load, a reset or a rewind, and replayed
 * deterministically with the command journal; every whole simulated second sampled once. What
 * the director decides goes to the attempt log and the template log.
 */
import {
  type DirectorEvent,
  type DirectorReadApi,
  readDirector,
  type Scenario,
  ScenarioPlayer,
  type SimMs,
  Simulator,
  scriptLines,
} from '../engine/index'
import { AttemptLog } from './attemptLog'
import { applyLines, CommandJournal, foldJournal, replayLine } from './journal'
import { LAB_SAMPLE_FIELDS } from './protocol'
import { advanceBySeconds, SampleBuffer } from './sampling'
import { TemplateLog } from './templateLog'
import type { TextbookShadow } from './textbook'

/** "Why?" remembers this many recent attempts. */
const WHY_MEMORY = 20_000
/** The timeline keeps this many templates (the oldest expired ones are forgotten first). */
const TEMPLATE_MEMORY = 20_000
/** Per-second samples kept between frames (the page's history ring holds 900). */
export const SAMPLES_KEPT = 900

export class LabRun {
  /** The scenario as loaded. */
  readonly scenario: Scenario
  seed: number
  player!: ScenarioPlayer
  api!: DirectorReadApi
  /** Increases with every restart: the page drops what it kept from an older one. */
  epoch: number
  readonly journal = new CommandJournal()
  readonly textbook: TextbookShadow
  readonly attempts = new AttemptLog(WHY_MEMORY)
  readonly templates = new TemplateLog(TEMPLATE_MEMORY, true)
  readonly samples = new SampleBuffer(LAB_SAMPLE_FIELDS, SAMPLES_KEPT)
  /** The configuration changed since the services were last sent. */
  servicesDirty = true
  private readonly onRestart: () => void

  /** A run of `scenario` at time 0; `epoch` is the previous run's, `onRestart` is told of every restart. */
  constructor(scenario: Scenario, seed: number, epoch: number, textbook: TextbookShadow, onRestart: () => void) {
    this.scenario = scenario
    this.seed = seed
    this.epoch = epoch
    this.textbook = textbook
    this.onRestart = onRestart
    this.restart()
  }

  get now(): number {
    return this.player.now
  }

  endMs(): number {
    return this.player.lastEventMs
  }

  /** A fresh player at time 0 (a new epoch): the scenario's initial commands have run. */
  restart(): void {
    const player = new ScenarioPlayer(this.withSeed(this.scenario) as Scenario, { metrics: true })
    const api = readDirector(player.sim.director)
    this.player = player
    this.api = api
    this.epoch++
    this.attempts.clear()
    this.templates.clear()
    this.samples.clear()
    this.servicesDirty = true
    this.onRestart()
    player.setListener({
      director: (e) => this.onDirectorEvent(e, api, player.now),
      attempt: (a) => {
        this.attempts.onAttempt(a)
        this.textbook.noteKernelAttempt(a)
      },
      command: () => {
        this.servicesDirty = true
      },
    })
    this.textbook.reset()
    // what happens at time 0 (mid commands, the first clients) has happened when the player is shown
    player.advanceTo(0 as SimMs)
    if (this.textbook.on) this.textbook.start(player.scenario, (id) => this.templates.get(id)?.expiredAt)
    this.sample()
  }

  private onDirectorEvent(e: DirectorEvent, api: DirectorReadApi, now: number): void {
    this.attempts.onDirectorEvent(e, api)
    const created = this.templates.onEvent(e, api, now)
    if (created) this.textbook.noteKernelTemplate(created.view)
  }

  /** Deterministic replay from 0 to `toMs`, with the commands typed so far at their times. */
  seek(toMs: number): void {
    const target = Math.round(Math.max(0, Math.min(toMs, this.endMs()))) as SimMs
    this.restart()
    this.advance(target, null)
  }

  /** The live player and, with the textbook switch on, its shadow under the textbook rule. */
  players(): ScenarioPlayer[] {
    return this.textbook.player ? [this.player, this.textbook.player] : [this.player]
  }

  /** Both players to `t`, noting the live player's figures at every whole simulated second. */
  private advanceBoth(t: number): void {
    advanceBySeconds(
      this.player.now,
      t,
      SAMPLES_KEPT,
      (x) => {
        for (const p of this.players()) p.advanceTo(x as SimMs)
      },
      () => this.sample(),
    )
  }

  /**
   * Advance to `target`, running the typed commands journaled in between (after a rewind): those
   * after `from` (null: every one from the start).
   */
  advance(target: number, from: number | null = this.player.now): void {
    for (const j of this.journal.between(from, target)) {
      this.advanceBoth(j.atMs)
      for (const p of this.players()) replayLine(p, j)
      this.servicesDirty = true
    }
    this.advanceBoth(target)
  }

  private sample(): void {
    const p = this.player
    const m = (p.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    // in LAB_SAMPLE_SERIES order
    this.samples.add(p.now, m.imbalance, m.currentImbalance, m.templates.live, m.connections, m.brokenSessions)
  }

  /** One scenario event, or one simulated second. */
  step(unit: 'event' | 'second'): void {
    const p = this.player
    if (unit === 'second') {
      this.advance(Math.min(this.endMs(), p.now + 1000))
      return
    }
    // the whole seconds before the next event are sampled as playing samples them: the clock goes
    // to the last one first (only the director's timers, which the step runs anyway, are due)
    const next = p.nextEventAt()
    const lastSecond = Math.ceil(next / 1000) * 1000 - 1000
    if (Number.isFinite(next) && lastSecond > p.now) this.advanceBoth(lastSecond)
    const before = p.now
    if (!p.step()) this.advance(this.endMs())
    else {
      this.textbook.player?.advanceTo(p.now)
      if (p.now % 1000 === 0 && p.now > before) this.sample()
    }
  }

  /** A command typed now: run (in the shadow too) and journaled. */
  run(line: string): ReturnType<ScenarioPlayer['record']> {
    const r = this.player.record(line)
    this.textbook.player?.record(line)
    // typing a command after a rewind starts a new history from here
    this.journal.append({ atMs: this.player.now, kind: 'run', text: line })
    this.servicesDirty = true
    return r
  }

  /**
   * A script applied now, all or nothing: every line runs on a scratch director first, and the
   * real one changes only if all succeed. The first failure, if any.
   */
  applyScript(script: string): { message: string; line: number } | null {
    const lines = scriptLines(script)
    const bad = applyLines(new Simulator(), lines)
    if (bad) return bad
    for (const q of this.players()) applyLines(q.sim, lines)
    this.journal.append({ atMs: this.player.now, kind: 'apply', text: script })
    this.servicesDirty = true
    return null
  }

  /** `sc` with the seed in use (its traffic's too). */
  withSeed(sc: Scenario): Record<string, unknown> {
    const out: Record<string, unknown> = { ...sc, seed: this.seed }
    if (sc.traffic) out.traffic = { ...sc.traffic, seed: this.seed }
    return out
  }

  /**
   * The scenario as it stands: what was loaded, with the seed in use and every command typed
   * since (and every script applied) folded into `midCommands` at its time — the same run again.
   */
  exportScenario(): Record<string, unknown> {
    return this.withSeed(foldJournal({ ...this.scenario, seed: this.seed }, this.journal.entries))
  }

  /** The running configuration as a script: ipvsadm-save -n, then the mangle rules. */
  currentScript(): string {
    const sim = this.player.sim
    const ipvs = sim.run('ipvsadm-save -n').stdout
    const mangle = sim
      .run('iptables -t mangle -S')
      .stdout.split('\n')
      .filter((l) => l.startsWith('-A '))
      .map((l) => `iptables -t mangle ${l}\n`)
      .join('')
    return (
      ipvs
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => `ipvsadm ${l}\n`)
        .join('') + mangle
    )
  }
}
