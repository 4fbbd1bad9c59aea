/**
 * The lab's run: the scenario's live player (and, with the textbook switch on, its shadow) on the
 * simulated clock — restarted from 0 for a load, a reset or a rewind, and replayed
 * deterministically with the command journal; every whole simulated second sampled once. What
 * the director decides goes to the attempt log and the template log.
 */
import {
  type Addr,
  type DirectorEvent,
  type DirectorIndex,
  type DirectorReadApi,
  exportKeepalivedConf,
  findScheduler,
  formatAddr,
  KERNEL_SCHEDULER_NAMES,
  readDirector,
  realServerSetup,
  type Scenario,
  ScenarioPlayer,
  type SimMs,
  Simulator,
  scriptLines,
  secondsToSimMs,
  Wire,
} from '../engine/index'
import { AttemptLog } from './attemptLog'
import { type Checkpoint, Checkpoints } from './checkpoints'
import { cloneGraph } from './cloneGraph'
import { applyLines, CommandJournal, foldJournal, replayLine } from './journal'
import { LIVE_WIRE_MAX_USERS, PacketLog, packetsAnswer, rerunPackets } from './packetLog'
import {
  type CommandSource,
  type JournalLine,
  LAB_SAMPLE_FIELDS,
  MID_RUN_SHOWN,
  type MidRunCommand,
  type PacketsAnswer,
  type PacketsWanted,
  type PageSource,
} from './protocol'
import { type HistoryFrame, RunHistory, type SecondState } from './runHistory'
import { advanceBySeconds, SampleBuffer } from './sampling'
import { TemplateLog } from './templateLog'
import type { TextbookShadow, TextbookState } from './textbook'
import { metricsView, rsCounters, servicesView } from './views'

/** "Why?" remembers this many recent attempts. */
const WHY_MEMORY = 20_000
/** The timeline keeps this many templates (the oldest expired ones are forgotten first). */
const TEMPLATE_MEMORY = 20_000
/**
 * A seek forward restores a checkpoint ahead of the present (instead of playing on) when it is
 * more than spacing / this ahead: copying a checkpoint costs about what replaying a fraction of
 * the spacing does (bench-10k: a 135 MB copy ≈ 40 of 340 simulated seconds replayed).
 */
const RESTORE_AHEAD_FRACTION = 4
/**
 * The run's history is extended past its horizon only by a step of at most this many simulated
 * ms (a longer jump — ten years at once — is sampled as before, its last SAMPLES_KEPT seconds:
 * noting every second of it would take the worker's memory and minutes), and only while it holds
 * less than HISTORY_CAP_BYTES. Past either, seeks there take the engine's path.
 */
const HISTORY_MAX_JUMP_MS = 2 * 3600 * 1000
export const HISTORY_CAP_BYTES = 256 * 2 ** 20
/** Per-second samples kept between frames (the page's history ring holds 900). */
export const SAMPLES_KEPT = 900

/** The run's whole state, as a rewind checkpoint copies it (deep, prototypes kept: cloneGraph). */
interface RunState {
  player: ScenarioPlayer
  textbook: TextbookState
  attempts: AttemptLog
  templates: TemplateLog
  samples: SampleBuffer
  midRunList: MidRunCommand[]
  originsLeft: Map<string, PageSource[]>
  packets: PacketLog
}

/** How a run rewinds (tests): checkpoints every `everyMs` within `capBytes`, or always from 0. */
export interface RewindOptions {
  everyMs?: number
  capBytes?: number
  replayOnly?: boolean
  /** false: seeks never answered from the history (the engine's path alone, with checkpoints). */
  history?: boolean
}

/** What the rewinds hold: the checkpoints (estimated bytes, how many) and the history (bytes, horizon). */
export interface RewindStats {
  checkpointBytes: number
  checkpoints: number
  historyBytes: number
  horizonMs: number
}

/** What a copy shares with the original instead of copying: the schedulers (module constants). */
const SCHEDULERS: object[] = KERNEL_SCHEDULER_NAMES.flatMap((n) => {
  const s = findScheduler(n)
  return s ? [s] : []
})

export class LabRun {
  /** The scenario as loaded. */
  readonly scenario: Scenario
  seed: number
  player!: ScenarioPlayer
  /** The read API of each director (one, or the director and the backup). */
  private apis: DirectorReadApi[] = []
  /** The director whose services were last read for the page. */
  private shownDirector = 0
  /** Increases with every restart: the page drops what it kept from an older one. */
  epoch: number
  readonly journal = new CommandJournal()
  readonly textbook: TextbookShadow
  attempts = new AttemptLog(WHY_MEMORY)
  templates = new TemplateLog(TEMPLATE_MEMORY, true)
  samples = new SampleBuffer(LAB_SAMPLE_FIELDS, SAMPLES_KEPT)
  /** The newest packets on the wire (the Packets view, the capture export). */
  packets = new PacketLog()
  /** Copies of the whole state every few simulated seconds: a rewind restores one and replays the rest. */
  readonly checkpoints: Checkpoints<RunState>
  /** Rewinds replay from 0, as before checkpoints (the property test's reference). */
  private readonly replayOnly: boolean
  /**
   * What a frame showed at each whole second reached since the last load, reset or command
   * (runHistory.ts): a seek there is answered from it, and the engine catches up later.
   */
  readonly history = new RunHistory()
  /** Seeks are answered from the history (not for the replay-only reference run). */
  private readonly useHistory: boolean
  /**
   * A seek answered from the history: the page is at `atMs`, the engine still where it was until
   * catchUp() (`sent`: the frame after the seek went out).
   */
  behind: { atMs: number; sent: boolean } | null = null
  /** Whether the checkpoints held have the textbook shadow (the switch changes what a copy holds). */
  private checkpointsTextbook = false
  /** How many of the journal's lines have run on this run's players (a prefix: lines are in time order). */
  private applied = 0
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
    rewind: RewindOptions = {},
  ) {
    this.replayOnly = rewind.replayOnly === true
    // the history notes one director's figures: with two (a `backup`) a seek replays the engine,
    // so that the directors' strip (VRRP, the VIP, sync) is the engine's at the target
    this.useHistory = !this.replayOnly && rewind.history !== false && scenario.backup === undefined
    this.checkpoints = new Checkpoints(rewind.everyMs, this.replayOnly ? 0 : rewind.capBytes)
    this.scenario = scenario
    this.seed = seed
    this.epoch = epoch
    this.textbook = textbook
    this.onRestart = onRestart
    this.origins = origins
    this.packets.live = (scenario.traffic?.users ?? 0) <= LIVE_WIRE_MAX_USERS
    this.restart()
  }

  rewindStats(): RewindStats {
    const cps = this.checkpoints
    return {
      checkpointBytes: cps.bytes,
      checkpoints: cps.count,
      historyBytes: this.history.bytes,
      horizonMs: this.history.horizon,
    }
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
    const c: MidRunCommand = { atMs, by, cmd: r.cmd, stdout: r.stdout, stderr: r.stderr, exit: r.exit }
    this.midRunList.push(c)
    if (this.useHistory) this.history.ranMidRun(c)
    if (this.midRunList.length > MID_RUN_SHOWN) this.midRunList.splice(0, this.midRunList.length - MID_RUN_SHOWN)
    this.midRunDirty = true
  }

  /** Who ran a scenario mid command: a restored session's page source, or the scenario itself. */
  private originOf(atMs: number, cmd: string): CommandSource {
    return this.originsLeft.get(`${atMs}\u0000${cmd}`)?.shift() ?? 'scenario'
  }

  /** The time shown: a seek's answered from the history, else the engine's. */
  get now(): number {
    return this.behind?.atMs ?? this.player.now
  }

  endMs(): number {
    return this.player.lastEventMs
  }

  /** A fresh player at time 0 (a new epoch): the scenario's initial commands have run. Checkpoints go. */
  restart(): void {
    this.behind = null
    this.history.clear()
    this.historyMeasuredAt = Number.NEGATIVE_INFINITY
    this.historyFull = false
    this.checkpoints.clear()
    this.checkpointsTextbook = this.textbook.on
    this.restartFrom0()
  }

  /** A fresh player at time 0 (a new epoch), checkpoints kept: a rewind without one before its target. */
  private restartFrom0(): void {
    const player = new ScenarioPlayer(this.withSeed(this.scenario) as Scenario, { metrics: true })
    this.player = player
    this.attempts.clear()
    this.templates.clear()
    this.samples.clear()
    this.packets.clear()
    this.midRunList = []
    this.originsLeft = new Map()
    for (const j of this.origins) {
      if (j.kind !== 'run') continue
      const key = `${j.atMs}\u0000${j.text}`
      this.originsLeft.set(key, [...(this.originsLeft.get(key) ?? []), j.by ?? 'typed'])
    }
    this.applied = 0
    this.newEpoch()
    this.listen(player)
    this.textbook.reset()
    // what happens at time 0 (mid commands, the first clients) has happened when the player is shown
    player.advanceTo(0 as SimMs)
    if (this.textbook.on) this.textbook.start(player.scenario, this.kernelExpiredAt)
    this.sample()
  }

  /** When the kernel's template `id` expired (−1: live, undefined: forgotten), for the textbook's marks. */
  private readonly kernelExpiredAt = (id: number): number | undefined => this.templates.get(id)?.expiredAt

  /** The page drops what it kept of the last epoch; the next frame carries services and the mid-run list. */
  private newEpoch(): void {
    this.epoch++
    this.servicesDirty = true
    this.midRunDirty = true
    this.onRestart()
  }

  /** The live player's events go to the logs (and the shadow's comparison). */
  private listen(player: ScenarioPlayer): void {
    const api = readDirector(player.sim.director)
    // a rewind copy's Wire still hands its packets to the original's log: hand them to this one
    this.packets.attach(player.sim)
    // with a backup director: its templates on the timeline too, and the attempts it decided explained
    const backup = player.pair ? readDirector(player.pair.sims[1].director) : null
    this.apis = backup ? [api, backup] : [api]
    player.setListener({
      director: (e) => this.onDirectorEvent(e, api, player.now),
      ...(backup ? { backup: (e: DirectorEvent) => this.onDirectorEvent(e, backup, player.now, 1) } : {}),
      attempt: (a) => {
        this.attempts.onAttempt(
          a,
          (id) => this.templates.shownId(id),
          (rs) => weightZeroBy(player.commands, rs),
        )
        if (this.useHistory) this.history.attempt(this.attempts.lastRow(), player.now)
        this.textbook.noteKernelAttempt(a)
      },
      command: (rec) => {
        this.servicesDirty = true
        const atMs = secondsToSimMs(rec.at)
        this.noteMidRun(atMs, rec.source ?? this.originOf(atMs, rec.cmd), rec)
      },
    })
  }

  /**
   * The director the panels show (services, real servers' counters, "Why?" of a real server): the
   * one the clients' packets reach — with a backup, the VIP's holder, as the figures count it
   * (metrics.ts). When that changes, the next frame carries the services again.
   */
  get api(): DirectorReadApi {
    const i = this.player.pair?.holder ?? 0
    if (i !== this.shownDirector) {
      this.shownDirector = i
      this.servicesDirty = true
    }
    return this.apis[i]
  }

  /** The state a checkpoint copies (the objects themselves: cloneGraph copies them). */
  private state(): RunState {
    return {
      player: this.player,
      textbook: this.textbook.state(),
      attempts: this.attempts,
      templates: this.templates,
      samples: this.samples,
      midRunList: this.midRunList,
      originsLeft: this.originsLeft,
      packets: this.packets,
    }
  }

  /** Objects a copy shares: the scenario as played (never changed) and the schedulers. */
  private shared(): object[] {
    return [this.scenario, this.player.scenario, ...SCHEDULERS]
  }

  /** A copy of the whole state now (a whole simulated second) into the checkpoints. */
  private takeCheckpoint(): void {
    const stats = { bytes: 0 }
    const state = cloneGraph(this.state(), this.shared(), stats)
    this.checkpoints.add({ atMs: this.player.now, applied: this.applied, bytes: stats.bytes, state })
  }

  /** Back to a checkpoint (a new epoch): a copy of it, so that it serves the next rewind too. */
  private restore(cp: Checkpoint<RunState>): void {
    const st = cloneGraph(cp.state, this.shared())
    st.player.relink()
    this.player = st.player
    this.attempts = st.attempts
    this.templates = st.templates
    this.samples = st.samples
    this.midRunList = st.midRunList
    this.originsLeft = st.originsLeft
    this.packets = st.packets
    this.applied = cp.applied
    this.newEpoch()
    this.listen(st.player)
    this.textbook.restore(st.textbook, this.kernelExpiredAt)
  }

  private onDirectorEvent(e: DirectorEvent, api: DirectorReadApi, now: number, director: DirectorIndex = 0): void {
    this.attempts.onDirectorEvent(e, api)
    const created = this.templates.onEvent(e, api, now, this.useHistory ? this.history : undefined, director)
    // the textbook's shadow plays one director
    if (created && director === 0) this.textbook.noteKernelTemplate(created.view, created.id)
  }

  /**
   * Go to `toMs` (a new epoch): forward from the present, play on (or, when the latest checkpoint
   * before it is well ahead of the present, restore that); backward, restore the latest
   * checkpoint before it (or start again from 0) and replay the rest with the commands journaled
   * at their times. Either way the same state as a replay from 0, and the next frame carries
   * everything the page shows (the newest attempts, rows, ticks, marks and samples).
   */
  seek(toMs: number): void {
    const target = Math.round(Math.max(0, Math.min(toMs, this.endMs())))
    // within the history (the textbook's marks are not in it): a frame from it, the engine later
    if (this.useHistory && !this.textbook.on && this.textbook.player === null && this.history.has(target)) {
      this.behind = { atMs: target, sent: false }
      this.newEpoch()
      return
    }
    this.behind = null
    this.engineSeek(target as SimMs)
  }

  /**
   * After a seek answered from the history: the engine goes there too (the same epoch; what the
   * frame after the seek sent is not sent again). What moves or reads the engine calls it first.
   */
  catchUp(): void {
    const b = this.behind
    if (!b) return
    this.behind = null
    const epoch = this.epoch
    this.engineSeek(b.atMs as SimMs)
    this.epoch = epoch
    if (!b.sent) return
    this.attempts.take()
    this.templates.take()
    this.samples.take()
    this.servicesDirty = false
    this.midRunDirty = false
  }

  /** The frame's part from the history while the engine is behind (the first after the seek carries it all). */
  historyFrame(): HistoryFrame {
    const b = this.behind as { atMs: number; sent: boolean }
    const f = b.sent
      ? this.history.quietFrameAt(b.atMs, this.servicesDirty, this.midRunDirty)
      : this.history.frameAt(b.atMs, SAMPLES_KEPT)
    b.sent = true
    this.servicesDirty = false
    this.midRunDirty = false
    return f
  }

  /** The engine's path of a seek: from a checkpoint or the present, replaying the rest. */
  private engineSeek(target: SimMs): void {
    if (this.checkpointsTextbook !== this.textbook.on) {
      this.checkpoints.clear()
      this.checkpointsTextbook = this.textbook.on
    }
    const shadowAsSwitched = this.textbook.on === (this.textbook.player !== null)
    const cp = this.checkpoints.latest(target)
    // forward, play on from the present unless a checkpoint ahead of it saves more replay than its copy costs
    const playOn =
      target >= this.player.now &&
      shadowAsSwitched &&
      !this.replayOnly &&
      (cp === null || cp.atMs - this.player.now <= this.checkpoints.spacing(this.endMs()) / RESTORE_AHEAD_FRACTION)
    if (playOn) this.newEpoch()
    else if (cp) this.restore(cp)
    else this.restartFrom0()
    this.advance(target)
    this.attempts.resend()
    this.templates.resend()
    this.samples.resend()
    this.textbook.resend()
  }

  /** The live player and, with the textbook switch on, its shadow under the textbook rule. */
  players(): ScenarioPlayer[] {
    return this.textbook.player ? [this.player, this.textbook.player] : [this.player]
  }

  /**
   * Both players to `t`, noting the live player's figures at every whole simulated second, and a
   * checkpoint wherever one is due on the way.
   */
  private advanceBoth(t: number): void {
    // decided for the whole way to `t`: a long jump taken in checkpoint-sized steps is still a long
    // jump (its seconds may be sampled for the checkpoints, they are not noted)
    const extend = this.extendsHistory(t)
    this.noting = extend
    for (;;) {
      const due = this.replayOnly ? null : this.checkpoints.due(this.player.now, t, this.endMs())
      if (due === null) break
      this.advanceSampled(due, extend)
      // a checkpoint's samples cover the SAMPLES_KEPT seconds before it (what a replay from 0 shows)
      if (this.samples.completeSince <= Math.max(0, due - SAMPLES_KEPT * 1000)) this.takeCheckpoint()
    }
    this.advanceSampled(t, extend)
    this.noting = true
  }

  /** Whether the seconds sampled now are noted in the history (not during a long jump). */
  private noting = true

  /** A command at the present: the history after it goes (and is measured anew). */
  private cutHistory(): void {
    this.history.cut(this.player.now)
    this.historyMeasuredAt = Number.NEGATIVE_INFINITY
    this.historyFull = false
  }

  /** The horizon at which the history's size was last measured (measuring walks it all). */
  private historyMeasuredAt = Number.NEGATIVE_INFINITY
  private historyFull = false

  /** Whether advancing to `t` extends the history: every second past its horizon sampled and noted. */
  private extendsHistory(t: number): boolean {
    const h = this.history.horizon
    if (!this.useHistory || t <= h || t - h > HISTORY_MAX_JUMP_MS) return false
    if (h - this.historyMeasuredAt >= 60_000) {
      this.historyMeasuredAt = h
      this.historyFull = this.history.bytes >= HISTORY_CAP_BYTES
    }
    return !this.historyFull
  }

  /** To `t`, sampling every second when `extend` (the history grows), else the last SAMPLES_KEPT. */
  private advanceSampled(t: number, extend: boolean): void {
    advanceBySeconds(
      this.player.now,
      t,
      extend ? Number.POSITIVE_INFINITY : SAMPLES_KEPT,
      (x) => {
        for (const p of this.players()) p.advanceTo(x as SimMs)
      },
      (second) => this.sample(second),
      (x) => this.samples.gap(x),
    )
  }

  /** Advance to `target`, running the journal's lines not run yet (after a rewind) at their times. */
  advance(target: number): void {
    this.catchUp()
    const lines = this.journal.entries
    while (this.applied < lines.length && lines[this.applied].atMs <= target) {
      const j = lines[this.applied]
      this.advanceBoth(j.atMs)
      for (const p of this.players()) {
        const rec = replayLine(p, j)
        if (rec && p === this.player) this.noteMidRun(j.atMs, j.by ?? 'typed', rec)
      }
      this.applied++
      this.servicesDirty = true
    }
    this.advanceBoth(target)
  }

  /** The figures at whole second `second` (the clock is there, or a little past: a snapshot's commands take time). */
  private sample(second: number = this.player.now): void {
    const p = this.player
    const m = (p.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    // in LAB_SAMPLE_SERIES order
    const row = [p.now, m.imbalance, m.currentImbalance, m.templates.live, m.connections, m.brokenSessions]
    this.samples.add(...row)
    this.noteSecond(second, row)
  }

  /**
   * The history notes whole second `second` when it is the next one past its horizon (a second the
   * clock went past — a snapshot's commands — keeps only its sample: a seek there takes the engine's path).
   */
  private noteSecond(second: number, sample: number[] | null): void {
    if (!this.useHistory || !this.noting || second !== this.history.horizon + 1000) return
    this.history.note(second, this.secondState(), sample, this.templates, this.player.now === second)
  }

  private secondState(): SecondState {
    const m = (this.player.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    return {
      rsCounters: rsCounters(this.api),
      services: servicesView(this.api),
      metrics: metricsView(m),
      attemptsNoted: this.attempts.noted,
    }
  }

  /** One scenario event, or one simulated second. */
  step(unit: 'event' | 'second'): void {
    this.catchUp()
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
    this.catchUp()
    if (this.useHistory) this.cutHistory()
    const r = this.player.record(line)
    this.textbook.player?.record(line)
    // typing a command after a rewind starts a new history from here
    this.journal.append({ atMs: this.player.now, kind: 'run', text: line, ...(by === 'typed' ? {} : { by }) })
    this.journaled()
    this.noteMidRun(this.player.now, by, r)
    this.servicesDirty = true
    this.noteSecond(this.player.now, null)
    return r
  }

  /**
   * A script applied now, all or nothing: every line runs on a scratch director first, and the
   * real one changes only if all succeed. The first failure, if any.
   */
  applyScript(script: string): { message: string; line: number } | null {
    this.catchUp()
    const lines = scriptLines(script)
    const bad = applyLines(new Simulator(), lines)
    if (bad) return bad
    if (this.useHistory) this.cutHistory()
    for (const q of this.players()) applyLines(q.sim, lines)
    this.journal.append({ atMs: this.player.now, kind: 'apply', text: script })
    this.journaled()
    this.servicesDirty = true
    this.noteSecond(this.player.now, null)
    return null
  }

  /** A line was journaled now (and ran): checkpoints taken later did not run it, nor the lines it replaced. */
  private journaled(): void {
    this.applied = this.journal.entries.length
    this.checkpoints.dropAfter(this.player.now, this.applied)
  }

  /**
   * The packets asked for, up to the present: the newest kept, or (an old connection, the whole
   * run) a scratch re-run of the scenario as it stands, within a time budget of `clock`.
   */
  packetsOf(wanted: PacketsWanted, pcap: boolean, clock: () => number): PacketsAnswer {
    this.catchUp()
    const kept = this.packets.find(wanted)
    if (kept) return packetsAnswer(kept, 'kept', true, pcap ? new Wire().pcap(kept) : null)
    const until = Math.min(this.player.now, wanted.conn ? Number.POSITIVE_INFINITY : (wanted.toMs ?? Infinity))
    const r = rerunPackets(this.exportScenario(), wanted, until, clock)
    if ('error' in r) return { ok: false, error: r.error }
    return packetsAnswer(r.packets, 'rerun', r.complete, pcap ? new Wire().pcap(r.packets) : null)
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
  /** What each real server needs for its forwarding method, as shell comments (realServerSetup()). */
  realServerScript(): string {
    this.catchUp()
    const sim = this.player.sim
    return realServerSetup(sim.director.services, sim.topology)
  }

  /** The director's IPVS table as keepalived.conf (its fwmark services' mark rules quoted in comments). */
  keepalivedConf(): string {
    this.catchUp()
    const sim = this.player.sim
    return exportKeepalivedConf(sim.director.services, {
      mangleRules: sim.run('iptables -t mangle -S').stdout,
      title: this.scenario.name,
    })
  }

  currentScript(): string {
    this.catchUp()
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

/**
 * The daemon (keepalived, kube-proxy) whose line last set real server `rs`'s weight, if that line
 * set it to 0: `ipvsadm -e … -r 192.168.8.101:80 -g -w 0` recorded with source keepalived.
 * Read from the run's recorded commands, newest first (a typed line is not among them).
 */
export function weightZeroBy(commands: ScenarioPlayer['commands'], rs: Addr): string | null {
  const text = formatAddr(rs)
  for (let i = commands.length - 1; i >= 0; i--) {
    const c = commands[i]
    if (c.exit !== 0 || !c.cmd.includes(text)) continue
    const words = c.cmd.split(/\s+/)
    const r = words.findIndex((w) => w === '-r' || w === '--real-server')
    const target = r >= 0 ? words[r + 1] : undefined
    if (target === undefined || (target !== text && !target.startsWith(`${text}:`) && target !== `[${text}]`)) continue
    const w = words.findIndex((x) => x === '-w' || x === '--weight')
    if (w < 0) continue
    return words[w + 1] === '0' && c.source ? c.source : null
  }
  return null
}
