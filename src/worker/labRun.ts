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
  secondsToSimMs,
} from '../engine/index'
import { AttemptLog } from './attemptLog'
import { applyLines, CommandJournal, foldJournal, replayLine } from './journal'
import {
  type CommandSource,
  type JournalLine,
  LAB_SAMPLE_FIELDS,
  MID_RUN_SHOWN,
  type MidRunCommand,
  type PageSource,
} from './protocol'
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
  /** The commands run mid-run in this epoch, oldest first (the newest MID_RUN_SHOWN). */
  private midRunList: MidRunCommand[] = []
  private midRunDirty = true
  /**
   * A restored session's commands, folded into the scenario's midCommands at load: who ran each
   * (by time and text), so they keep their label instead of becoming the scenario's.
   */
  private readonly origins: readonly JournalLine[]
  private originsLeft = new Map<string, PageSource[]>()

  /**
   * A run of `scenario` at time 0; `epoch` is the previous run's, `onRestart` is told of every
   * restart; `origins`: the journal lines a restored session folded into the scenario.
   */
  constructor(
    scenario: Scenario,
    seed: number,
    epoch: number,
    textbook: TextbookShadow,
    onRestart: () => void,
    origins: readonly JournalLine[] = [],
  ) {
    this.scenario = scenario
    this.seed = seed
    this.epoch = epoch
    this.textbook = textbook
    this.onRestart = onRestart
    this.origins = origins
    this.restart()
  }

  /** The commands run mid-run in this epoch if they changed since the last call (else null). */
  takeMidRun(): MidRunCommand[] | null {
    if (!this.midRunDirty) return null
    this.midRunDirty = false
    return [...this.midRunList]
  }

  /** Send the whole list again with the next frame. */
  resendMidRun(): void {
    this.midRunDirty = true
  }

  private noteMidRun(
    atMs: number,
    by: CommandSource,
    r: { cmd: string; stdout: string; stderr: string; exit: number },
  ) {
    this.midRunList.push({ atMs, by, cmd: r.cmd, stdout: r.stdout, stderr: r.stderr, exit: r.exit })
    if (this.midRunList.length > MID_RUN_SHOWN) this.midRunList.splice(0, this.midRunList.length - MID_RUN_SHOWN)
    this.midRunDirty = true
  }

  /** Who ran a scenario mid command: a restored session's page source, or the scenario itself. */
  private originOf(atMs: number, cmd: string): CommandSource {
    return this.originsLeft.get(`${atMs}\u0000${cmd}`)?.shift() ?? 'scenario'
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
    this.midRunList = []
    this.midRunDirty = true
    this.originsLeft = new Map()
    for (const j of this.origins) {
      if (j.kind !== 'run') continue
      const key = `${j.atMs}\u0000${j.text}`
      this.originsLeft.set(key, [...(this.originsLeft.get(key) ?? []), j.by ?? 'typed'])
    }
    this.onRestart()
    player.setListener({
      director: (e) => this.onDirectorEvent(e, api, player.now),
      attempt: (a) => {
        this.attempts.onAttempt(a)
        this.textbook.noteKernelAttempt(a)
      },
      command: (rec) => {
        this.servicesDirty = true
        const atMs = secondsToSimMs(rec.at)
        this.noteMidRun(atMs, this.originOf(atMs, rec.cmd), rec)
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
      for (const p of this.players()) {
        const rec = replayLine(p, j)
        if (rec && p === this.player) this.noteMidRun(j.atMs, j.by ?? 'typed', rec)
      }
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

  /** A command run now (typed, or by a button or a lesson step): run (in the shadow too) and journaled. */
  run(line: string, by: PageSource = 'typed'): ReturnType<ScenarioPlayer['record']> {
    const r = this.player.record(line)
    this.textbook.player?.record(line)
    // typing a command after a rewind starts a new history from here
    this.journal.append({ atMs: this.player.now, kind: 'run', text: line, ...(by === 'typed' ? {} : { by }) })
    this.noteMidRun(this.player.now, by, r)
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
