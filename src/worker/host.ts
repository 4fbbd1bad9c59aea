/**
 * The lab host: one scenario played on the simulated clock at wall time × speed. A facade over
 * small parts, each in its own file: the pacer (time), the attempt log and the template log (what
 * the director decided), the command journal (what was typed), the textbook shadow, the live
 * listing, probes and the fidelity replay. Pure TypeScript (no DOM, no `self`): the worker entry
 * feeds it requests and posts its replies, and tests drive it directly under Node.
 */
import {
  connectionLine,
  type DirectorEvent,
  type DirectorReadApi,
  parseScenario,
  readDirector,
  type Scenario,
  ScenarioPlayer,
  type SimMs,
  Simulator,
  scriptLines,
  validateScenario,
} from '../engine/index'
import { AttemptLog } from './attemptLog'
import { fidelity } from './fidelity'
import { applyLines, CommandJournal, foldJournal, journalLinesOf, replayLine } from './journal'
import { LiveListing } from './listing'
import { type Clock, Pacer, wallClock } from './pacer'
import { probe } from './probe'
import {
  assertNever,
  type Frame,
  type JournalLine,
  LAB_SAMPLE_FIELDS,
  MAX_SPEED,
  MIN_SPEED,
  PROTOCOL_VERSION,
  type Reply,
  type Request,
  type WhyTarget,
} from './protocol'
import { advanceBySeconds, SampleBuffer } from './sampling'
import { TemplateLog } from './templateLog'
import { TextbookShadow } from './textbook'
import { metricsView, rsCounters, servicesView, whyRs } from './views'

export { LIVE_LISTINGS } from './listing'

/** The console shows this many of a scenario's initial commands (the newest); the rest are counted. */
const LOADED_COMMANDS_SHOWN = 20
/** While playing, debug builds check the engine's invariants this often (wall ms). */
const INVARIANT_CHECK_PERIOD_MS = 1000
/** "Why?" remembers this many recent attempts. */
const WHY_MEMORY = 20_000
/** The timeline keeps this many templates (the oldest expired ones are forgotten first). */
const TEMPLATE_MEMORY = 20_000
/** Per-second samples kept between frames (the page's history ring holds 900). */
const SAMPLES_KEPT = 900
/** Requests that change nothing a frame shows: a paused lab answers the next frame request with `idle`. */
const READ_ONLY = new Set<Request['type']>([
  'frame',
  'why',
  'script',
  'export-scenario',
  'template-line',
  'probe',
  'fidelity',
])

export interface HostOptions {
  /** The wall clock the pacer's frame budget is measured on (default: performance.now()). */
  now?: Clock
}

export class Host {
  /**
   * Debug builds and the tests recount the engine's incremental counters from its entries after
   * each command, load and rewind, and once a second while it plays (checkInvariants()).
   */
  readonly debugChecks: boolean = (import.meta as { env?: { DEV?: boolean } }).env?.DEV === true
  private lastCheckWallMs = Number.NEGATIVE_INFINITY
  /**
   * What the exported scenario depends on changes only with a load, a reset or a typed command:
   * a counter of those (with a token per host, so a restarted worker never repeats one) lets the
   * page skip re-saving megabytes that did not change. The scenario as loaded changes only with a
   * load or a reset (`baseVersion`).
   */
  private configVersion = 0
  private baseVersion = 0
  private readonly hostToken = Math.random().toString(36).slice(2, 10)
  private scenario: Scenario | null = null
  private seed = 1
  private player: ScenarioPlayer | null = null
  private api: DirectorReadApi | null = null
  private readonly journal = new CommandJournal()
  private epoch = 0
  private playing = false
  private speed = 1
  private readonly pacer: Pacer
  /** Where play-until pauses by itself. */
  private stopAtMs: number | null = null
  private readonly textbook = new TextbookShadow()
  private readonly attempts = new AttemptLog(WHY_MEMORY)
  private readonly templates = new TemplateLog(TEMPLATE_MEMORY, true)
  private readonly samples = new SampleBuffer(LAB_SAMPLE_FIELDS, SAMPLES_KEPT)
  private readonly listing = new LiveListing()
  private servicesDirty = true
  /** Something a frame shows changed since the last frame was built (paused and unchanged: no frame). */
  private changed = true
  private lastListingAsked: string | null = null
  private lastFilterAsked = ''
  private built = 0

  constructor(options: HostOptions = {}) {
    this.pacer = new Pacer(options.now ?? wallClock)
  }

  /** Frames built so far (a paused lab that nothing changed builds none). */
  get framesBuilt(): number {
    return this.built
  }

  handle(req: Request): Reply[] {
    try {
      if (req.type === 'load' || req.type === 'reset') this.baseVersion++
      if (req.type === 'load' || req.type === 'reset' || req.type === 'run' || req.type === 'apply-script')
        this.configVersion++
      if (!READ_ONLY.has(req.type)) this.changed = true
      const replies = this.dispatch(req)
      if (this.debugChecks) this.checkEngine(req, replies)
      return replies
    } catch (e) {
      // a broken invariant: pause, keep what we have, say so
      this.playing = false
      return [{ type: 'error', message: `internal error: ${(e as Error).message}`, fatal: false }]
    }
  }

  private dispatch(req: Request): Reply[] {
    switch (req.type) {
      case 'load':
        return this.load(req.scenario, req.name, req.seed, journalLinesOf(req.journal))
      case 'play':
        if (this.player && this.player.now >= this.endMs()) this.seek(0)
        this.playing = true
        this.stopAtMs = null
        this.pacer.resync()
        return []
      case 'play-until':
        if (!this.player || !Number.isFinite(req.toMs)) return []
        if (req.toMs <= this.player.now) {
          this.seek(req.toMs)
          this.playing = false
          return []
        }
        this.playing = true
        this.stopAtMs = Math.round(req.toMs)
        this.pacer.resync()
        return []
      case 'probe':
        return [{ type: 'probe', id: req.id, answer: probe(this.exportScenario(), req.probe) }]
      case 'fidelity':
        return [{ type: 'fidelity', id: req.id, result: fidelity(req.scenario, req.recording) }]
      case 'textbook':
        if (this.textbook.on === req.on) return []
        this.textbook.on = req.on
        // both runs from the start, so their templates can be matched
        this.seek(this.player?.now ?? 0)
        return []
      case 'pause':
        this.playing = false
        return []
      case 'speed':
        this.speed = Number.isFinite(req.speed) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, req.speed)) : 1
        return []
      case 'step':
        return this.step(req.unit)
      case 'seek':
        this.seek(Number.isFinite(req.toMs) ? req.toMs : 0)
        return []
      case 'reset':
        if (!this.scenario) return []
        this.journal.clear()
        if (req.seed !== undefined && Number.isInteger(req.seed) && req.seed >= 0) this.seed = req.seed
        this.restart()
        return []
      case 'run':
        return [this.runLine(req.id, req.line)]
      case 'apply-script':
        return [this.applyScript(req.id, req.script)]
      case 'frame':
        return this.frame(req.wallMs, req.listing, req.listingFilter)
      case 'why':
        return [this.why(req.id, req.target)]
      case 'script':
        return [{ type: 'script', text: this.currentScript() }]
      case 'export-scenario':
        return [this.exportReply(req.id, req.unlessVersion, req.journal === true)]
      case 'template-line': {
        const row = this.templates.get(req.templateId)
        const p = this.player
        const line = row && p && row.expiredAt < 0 ? connectionLine(p.sim.director, row.view.entry).trimEnd() : null
        return [{ type: 'template-line', templateId: req.templateId, line }]
      }
      case 'compare-start':
      case 'compare-stop':
        // answered by the compare host; the lab keeps its state meanwhile
        return []
      default:
        return assertNever(req)
    }
  }

  /** A broken invariant pauses the lab and says which, instead of drawing wrong numbers. */
  private checkEngine(req: Request, replies: Reply[]): void {
    if (!this.player) return
    if (req.type === 'frame') {
      // no frame built, nothing ran: nothing to check
      if (replies[0]?.type !== 'frame' || req.wallMs - this.lastCheckWallMs < INVARIANT_CHECK_PERIOD_MS) return
      this.lastCheckWallMs = req.wallMs
    } else if (!['run', 'apply-script', 'load', 'seek', 'reset', 'step'].includes(req.type)) return
    const problems = this.players().flatMap((p) => readDirector(p.sim.director).checkInvariants())
    if (problems.length === 0) return
    this.playing = false
    replies.push({
      type: 'error',
      message: `internal error: engine invariant broken (${problems.length}): ${problems[0]}`,
      fatal: false,
    })
  }

  // ---------------------------------------------------------------- scenario and time

  private load(input: unknown, name: string, seed: number | undefined, journal: JournalLine[]): Reply[] {
    let check = typeof input === 'string' ? parseScenario(input) : validateScenario(input)
    // a saved session: the scenario as saved, its typed commands folded in at their times
    if (check.ok && journal.length > 0) check = validateScenario(foldJournal(check.scenario, journal))
    if (!check.ok) {
      // a file's text: its name leads the message, as a compiler names the file it refuses
      const message = typeof input === 'string' && name ? `${name}: ${check.error}` : check.error
      return [{ type: 'error', message, fatal: false }]
    }
    this.scenario = check.scenario
    this.seed = seed ?? check.scenario.seed ?? 1
    this.journal.clear()
    this.playing = false
    this.restart()
    const p = this.player as ScenarioPlayer
    return [
      {
        type: 'loaded',
        name: check.scenario.name ?? name,
        description: check.scenario.description ?? '',
        descriptions: check.scenario.descriptions ?? {},
        commands: p.commands
          .slice(-LOADED_COMMANDS_SHOWN)
          .map(({ cmd, stdout, stderr, exit }) => ({ cmd, stdout, stderr, exit })),
        omittedCommands: Math.max(0, p.commands.length - LOADED_COMMANDS_SHOWN),
        endMs: this.endMs(),
        seed: this.seed,
      },
    ]
  }

  private endMs(): number {
    return this.player ? this.player.lastEventMs : 0
  }

  /** A fresh player at time 0 (a new epoch): the scenario's initial commands have run. */
  private restart(): void {
    const player = new ScenarioPlayer(this.withSeed(this.scenario as Scenario) as Scenario, { metrics: true })
    const api = readDirector(player.sim.director)
    this.player = player
    this.api = api
    this.epoch++
    this.attempts.clear()
    this.templates.clear()
    this.samples.clear()
    this.servicesDirty = true
    this.listing.invalidate()
    this.pacer.restart()
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
  private seek(toMs: number): void {
    if (!this.scenario) return
    const target = Math.round(Math.max(0, Math.min(toMs, this.endMs()))) as SimMs
    this.restart()
    this.advance(target, null)
  }

  /** The live player and, with the textbook switch on, its shadow under the textbook rule. */
  private players(): ScenarioPlayer[] {
    const p = this.player as ScenarioPlayer
    return this.textbook.player ? [p, this.textbook.player] : [p]
  }

  /** Both players to `t`, noting the live player's figures at every whole simulated second. */
  private advanceBoth(t: number): void {
    advanceBySeconds(
      (this.player as ScenarioPlayer).now,
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
  private advance(target: number, from: number | null = (this.player as ScenarioPlayer).now): void {
    for (const j of this.journal.between(from, target)) {
      this.advanceBoth(j.atMs)
      for (const p of this.players()) replayLine(p, j)
      this.servicesDirty = true
    }
    this.advanceBoth(target)
  }

  private sample(): void {
    const p = this.player as ScenarioPlayer
    const m = (p.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    // in LAB_SAMPLE_SERIES order
    this.samples.add(p.now, m.imbalance, m.currentImbalance, m.templates.live, m.connections, m.brokenSessions)
  }

  private step(unit: 'event' | 'second'): Reply[] {
    const p = this.player
    if (!p) return []
    this.playing = false
    if (unit === 'second') {
      this.advance(Math.min(this.endMs(), p.now + 1000))
      return []
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
    return []
  }

  // ---------------------------------------------------------------- commands

  private runLine(id: number, line: string): Reply {
    const p = this.player
    if (!p) return { type: 'ran', id, line, atMs: 0, stdout: '', stderr: 'no scenario is loaded\n', exit: 1 }
    const r = p.record(line)
    this.textbook.player?.record(line)
    // typing a command after a rewind starts a new history from here
    this.journal.append({ atMs: p.now, kind: 'run', text: line })
    this.servicesDirty = true
    this.listing.invalidate()
    return { type: 'ran', id, line, atMs: p.now, stdout: r.stdout, stderr: r.stderr, exit: r.exit }
  }

  /** Run every line on a scratch director first: the real one changes only if all succeed. */
  private applyScript(id: number, script: string): Reply {
    const p = this.player
    if (!p) return { type: 'applied', id, ok: false, error: 'no scenario is loaded', line: null }
    const lines = scriptLines(script)
    const bad = applyLines(new Simulator(), lines)
    if (bad) return { type: 'applied', id, ok: false, error: bad.message, line: bad.line }
    for (const q of this.players()) applyLines(q.sim, lines)
    this.journal.append({ atMs: p.now, kind: 'apply', text: script })
    this.servicesDirty = true
    this.listing.invalidate()
    return { type: 'applied', id, ok: true, error: null, line: null }
  }

  /** The scenario as loaded, with the seed in use. */
  private withSeed(sc: Scenario): Record<string, unknown> {
    const out: Record<string, unknown> = { ...sc, seed: this.seed }
    if (sc.traffic) out.traffic = { ...sc.traffic, seed: this.seed }
    return out
  }

  /**
   * The scenario as it stands: what was loaded, with the seed in use and every command typed
   * since (and every script applied) folded into `midCommands` at its time — the same run again.
   */
  exportScenario(): unknown {
    const sc = this.scenario
    if (!sc) return null
    const folded = foldJournal({ ...sc, seed: this.seed }, this.journal.entries)
    return this.withSeed(folded)
  }

  private exportReply(id: number, unlessVersion: string | undefined, journal: boolean): Reply {
    const atMs = this.player?.now ?? 0
    const version = `${this.hostToken}:${journal ? `b${this.baseVersion}` : this.configVersion}`
    const same = unlessVersion === version
    if (!journal) {
      const scenario = same ? null : JSON.stringify(this.exportScenario())
      return { type: 'scenario', id, scenario, version, atMs }
    }
    const scenario = same || !this.scenario ? null : JSON.stringify(this.withSeed(this.scenario))
    return { type: 'scenario', id, scenario, version, atMs, journal: [...this.journal.entries] }
  }

  /** The running configuration as a script: ipvsadm-save -n, then the mangle rules. */
  currentScript(): string {
    const p = this.player
    if (!p) return ''
    const ipvs = p.sim.run('ipvsadm-save -n').stdout
    const mangle = p.sim
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

  // ---------------------------------------------------------------- frames

  private frame(wallMs: number, listing: string | null, listingFilter: string): Reply[] {
    const p = this.player
    // every frame request gets an answer: the page keeps one in flight
    if (!p) return [{ type: 'idle' }]
    const asksSame = listing === this.lastListingAsked && listingFilter === this.lastFilterAsked
    if (!this.playing && !this.changed && asksSame) {
      // paused and nothing changed: no work, the page keeps what it has
      this.pacer.frame(wallMs, false, this.speed, p.now, p.now, () => {})
      return [{ type: 'idle' }]
    }
    const limit = Math.min(this.endMs(), this.stopAtMs ?? Number.POSITIVE_INFINITY)
    this.pacer.frame(wallMs, this.playing, this.speed, p.now, limit, (t) => this.advance(t))
    if (this.playing && (p.now >= this.endMs() || (this.stopAtMs !== null && p.now >= this.stopAtMs))) {
      this.playing = false
      this.stopAtMs = null
    }
    this.lastListingAsked = listing
    this.lastFilterAsked = listingFilter
    this.changed = false
    this.built++
    return [this.buildFrame(p, wallMs, listing, listingFilter)]
  }

  private buildFrame(p: ScenarioPlayer, wallMs: number, listing: string | null, listingFilter: string): Frame {
    const api = this.api as DirectorReadApi
    const attempts = this.attempts.take()
    const templates = this.templates.take()
    const m = (p.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    const services = this.servicesDirty ? servicesView(api) : null
    this.servicesDirty = false
    return {
      type: 'frame',
      v: PROTOCOL_VERSION,
      epoch: this.epoch,
      nowMs: p.now,
      endMs: this.endMs(),
      playing: this.playing,
      speed: this.speed,
      services,
      rsCounters: rsCounters(api),
      attempts: attempts.attempts,
      attemptsSkipped: attempts.skipped,
      attemptsFirstSeq: attempts.firstSeq,
      templates: templates.templates,
      refreshes: templates.refreshes,
      textbookMarks: this.textbook.takeMarks(),
      textbookDivergent: this.textbook.divergentCount,
      metrics: metricsView(m),
      samples: this.samples.take(),
      listing: this.listing.next(p, wallMs, listing, listingFilter),
    }
  }

  /** Force the services and listing into the next frame (after the page subscribed anew). */
  refreshAll(): void {
    this.servicesDirty = true
    this.changed = true
    this.listing.invalidate()
  }

  private why(id: number, target: WhyTarget): Reply {
    switch (target.kind) {
      case 'attempt': {
        const steps = this.attempts.why(target.seq)
        return steps
          ? { type: 'why', id, title: 'why.attempt.title', steps }
          : { type: 'why', id, title: 'why.forgotten', steps: [] }
      }
      case 'template': {
        const steps = this.templates.why(target.templateId, this.player?.now ?? 0)
        return steps
          ? { type: 'why', id, title: 'why.template.title', steps }
          : { type: 'why', id, title: 'why.forgotten', steps: [] }
      }
      case 'rs':
        return { type: 'why', id, title: 'why.rs.title', steps: whyRs(this.api, target.addr, target.port) }
      default:
        return assertNever(target)
    }
  }
}
