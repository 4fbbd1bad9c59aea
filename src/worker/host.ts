/**
 * The lab host: one scenario played on the simulated clock at wall time × speed. A facade over
 * small parts, each in its own file: the run (labRun: player, rewinds, the command journal, the
 * attempt and template logs, the textbook shadow), the pacer (time), the live listing, probes and
 * the fidelity replay. A paused lab does no work: a frame is built only when something it shows
 * changed. Pure TypeScript (no DOM, no `self`): the worker entry feeds it requests and posts its
 * replies, and tests drive it directly under Node.
 */
import {
  connectionLine,
  journalLine,
  parseScenario,
  readDirector,
  scenarioFromText,
  validateScenario,
} from '../engine/index'
import { AddrBookCursor } from './addrBook'
import { fidelity } from './fidelity'
import { foldJournal, journalLinesOf } from './journal'
import { LabRun, type RewindOptions, type RewindStats } from './labRun'
import { LiveListing } from './listing'
import { type Clock, Pacer, wallClock } from './pacer'
import { probe } from './probe'
import {
  assertNever,
  type Frame,
  type JournalLine,
  KEEPALIVED_LOG_SHOWN,
  type KeepalivedLogView,
  MAX_SPEED,
  MIN_SPEED,
  PROTOCOL_VERSION,
  type Reply,
  type Request,
  type WhyTarget,
} from './protocol'
import { CHECKED, LISTING_QUIET_MS, NEEDS_ENGINE, READ_ONLY } from './requestKinds'
import type { HistoryFrame } from './runHistory'
import { TextbookShadow } from './textbook'
import { metricsView, rsCounters, servicesView, whyRs } from './views'

export { LIVE_LISTINGS } from './listing'

/** The console shows this many of a scenario's initial commands (the newest); the rest are counted. */
const LOADED_COMMANDS_SHOWN = 20
/** While playing, debug builds check the engine's invariants this often (wall ms). */
const INVARIANT_CHECK_PERIOD_MS = 1000
export interface HostOptions {
  /** The wall clock the pacer's frame budget is measured on (default: performance.now()). */
  now?: Clock
  /** How the lab's runs rewind (tests: checkpoint spacing and cap, or replay from 0). */
  rewind?: RewindOptions
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
  private run: LabRun | null = null
  private playing = false
  private speed = 1
  private readonly pacer: Pacer
  /** The wall clock (injected): the pacer's, and a scratch re-run's time budget. */
  private readonly clock: Clock
  /** Where play-until pauses by itself. */
  private stopAtMs: number | null = null
  private readonly textbook = new TextbookShadow()
  private readonly listing = new LiveListing()
  /** What the page has of the address book. */
  private readonly addrs = new AddrBookCursor()
  /** Something a frame shows changed since the last frame was built (paused and unchanged: no frame). */
  private changed = true
  private lastListingAsked: string | null = null
  private lastFilterAsked = ''
  private lastLogAsked = false
  private built = 0
  /** When (the injected clock) the last seek was handled, and its id (frames say so). */
  private seekWallMs = Number.NEGATIVE_INFINITY
  private seekId = 0

  private readonly rewind: RewindOptions

  constructor(options: HostOptions = {}) {
    this.clock = options.now ?? wallClock
    this.pacer = new Pacer(this.clock)
    this.rewind = options.rewind ?? {}
  }

  /** The rewind checkpoints (how many, their estimated size) and the history (its size, its horizon). */
  checkpointStats(): RewindStats {
    return this.run?.rewindStats() ?? { checkpointBytes: 0, checkpoints: 0, historyBytes: 0, horizonMs: -1000 }
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
      if (this.run?.behind && NEEDS_ENGINE.has(req.type)) this.run.catchUp()
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
    const run = this.run
    switch (req.type) {
      case 'load':
        return this.load(req.scenario, req.name, req.seed, journalLinesOf(req.journal))
      case 'play':
        if (run && run.now >= run.endMs()) run.seek(0)
        this.playing = true
        this.stopAtMs = null
        this.pacer.resync()
        return []
      case 'play-until':
        if (!run || !Number.isFinite(req.toMs)) return []
        if (req.toMs <= run.now) {
          run.seek(req.toMs)
          this.playing = false
          return []
        }
        this.playing = true
        this.stopAtMs = Math.round(req.toMs)
        this.pacer.resync()
        return []
      case 'probe':
        return [{ type: 'probe', id: req.id, answer: probe(req.scenario ?? run?.exportScenario() ?? null, req.probe) }]
      case 'packets':
        return [
          {
            type: 'packets',
            id: req.id,
            answer: run ? run.packetsOf(req.wanted, req.pcap, this.clock) : { ok: false, error: 'no scenario loaded' },
          },
        ]
      case 'fidelity':
        return [{ type: 'fidelity', id: req.id, result: fidelity(req.scenario, req.recording) }]
      case 'textbook':
        if (this.textbook.on === req.on) return []
        this.textbook.on = req.on
        // both runs from the start, so their templates can be matched
        run?.seek(run.now)
        return []
      case 'pause':
        this.playing = false
        return []
      case 'speed':
        this.speed = Number.isFinite(req.speed) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, req.speed)) : 1
        return []
      case 'step':
        this.playing = false
        run?.step(req.unit)
        return []
      case 'seek':
        run?.seek(Number.isFinite(req.toMs) ? req.toMs : 0)
        this.seekWallMs = this.clock()
        this.seekId = req.id ?? this.seekId
        return []
      case 'reset':
        if (!run) return []
        run.journal.clear()
        if (req.seed !== undefined && Number.isInteger(req.seed) && req.seed >= 0) run.seed = req.seed
        run.restart()
        return []
      case 'run': {
        const { id, line } = req
        if (!run)
          return [
            { type: 'ran', id, line, atMs: 0, stdout: '', stderr: 'no scenario is loaded\n', exit: 1, listed: false },
          ]
        const r = run.run(line, req.by)
        this.listing.invalidate()
        return [
          { type: 'ran', id, line, atMs: run.now, stdout: r.stdout, stderr: r.stderr, exit: r.exit, listed: true },
        ]
      }
      case 'apply-script': {
        if (!run) return [{ type: 'applied', id: req.id, ok: false, error: 'no scenario is loaded', line: null }]
        const bad = run.applyScript(req.script)
        if (bad) return [{ type: 'applied', id: req.id, ok: false, error: bad.message, line: bad.line }]
        this.listing.invalidate()
        return [{ type: 'applied', id: req.id, ok: true, error: null, line: null }]
      }
      case 'frame':
        return this.frame(req.wallMs, req.listing, req.listingFilter, req.log === true)
      case 'why':
        return [this.why(req.id, req.target)]
      case 'script':
        return [{ type: 'script', text: run?.currentScript() ?? '', realServers: run?.realServerScript() ?? '' }]
      case 'export-scenario':
        return [this.exportReply(req.id, req.unlessVersion, req.journal === true)]
      case 'keepalived-conf':
        return [{ type: 'keepalived-conf', id: req.id, text: run?.keepalivedConf() ?? '' }]
      case 'import-text':
        return [{ type: 'import-text', id: req.id, answer: scenarioFromText(req.text, req.fileName, req.kind) }]
      case 'template-line': {
        const row = run?.templates.get(req.templateId)
        // a backup's template is a line of the backup's table
        const sim = row?.director === 1 && run?.player.pair ? run.player.pair.sims[1] : run?.player.sim
        const line = row && sim && row.expiredAt < 0 ? connectionLine(sim.director, row.view.entry).trimEnd() : null
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
    if (!this.run) return
    if (req.type === 'frame') {
      // no frame built, nothing ran: nothing to check
      if (replies[0]?.type !== 'frame' || req.wallMs - this.lastCheckWallMs < INVARIANT_CHECK_PERIOD_MS) return
      this.lastCheckWallMs = req.wallMs
    } else if (!CHECKED.has(req.type)) return
    const problems = this.run.players().flatMap((p) => readDirector(p.sim.director).checkInvariants())
    if (problems.length === 0) return
    this.playing = false
    replies.push({
      type: 'error',
      message: `internal error: engine invariant broken (${problems.length}): ${problems[0]}`,
      fatal: false,
    })
  }

  private load(input: unknown, name: string, seed: number | undefined, journal: JournalLine[]): Reply[] {
    let check = typeof input === 'string' ? parseScenario(input) : validateScenario(input)
    // a saved session: the scenario as saved, its typed commands folded in at their times
    if (check.ok && journal.length > 0) check = validateScenario(foldJournal(check.scenario, journal))
    if (!check.ok) {
      // a file's text: its name leads the message, as a compiler names the file it refuses
      const message = typeof input === 'string' && name ? `${name}: ${check.error}` : check.error
      return [{ type: 'error', message, fatal: false }]
    }
    const sc = check.scenario
    this.playing = false
    const restart = () => {
      this.listing.invalidate()
      this.pacer.restart()
    }
    // a restored session's commands keep who ran them
    const run = new LabRun(sc, seed ?? sc.seed ?? 1, this.run?.epoch ?? 0, this.textbook, restart, journal, this.rewind)
    this.run = run
    const commands = run.player.commands
    return [
      {
        type: 'loaded',
        name: sc.name ?? name,
        description: sc.description ?? '',
        descriptions: sc.descriptions ?? {},
        commands: commands.slice(-LOADED_COMMANDS_SHOWN).map(({ cmd, stdout, stderr, exit, source }) => ({
          cmd,
          stdout,
          stderr,
          exit,
          ...(source ? { by: source } : {}),
        })),
        omittedCommands: Math.max(0, commands.length - LOADED_COMMANDS_SHOWN),
        endMs: run.endMs(),
        seed: run.seed,
      },
    ]
  }

  /** The scenario as it stands (null: none loaded). */
  exportScenario(): unknown {
    return this.run?.exportScenario() ?? null
  }

  /**
   * The scenario as it stands, as text (null: still `unlessVersion`); with `journal`, the scenario
   * as loaded and the typed commands beside it — a saved session appends a typed command alone.
   */
  private exportReply(id: number, unlessVersion: string | undefined, journal: boolean): Reply {
    const run = this.run
    const atMs = run?.now ?? 0
    const version = `${this.hostToken}:${journal ? `b${this.baseVersion}` : this.configVersion}`
    const same = unlessVersion === version
    if (!journal) {
      const scenario = same ? null : JSON.stringify(this.exportScenario())
      return { type: 'scenario', id, scenario, version, atMs }
    }
    const scenario = same || !run ? null : JSON.stringify(run.withSeed(run.scenario))
    return { type: 'scenario', id, scenario, version, atMs, journal: [...(run?.journal.entries ?? [])] }
  }

  /** The running configuration as a script: ipvsadm-save -n, then the mangle rules. */
  currentScript(): string {
    return this.run?.currentScript() ?? ''
  }

  private frame(wallMs: number, listing: string | null, listingFilter: string, log = false): Reply[] {
    const run = this.run
    // every frame request gets an answer: the page keeps one in flight
    if (!run) return [{ type: 'idle' }]
    const asksSame =
      listing === this.lastListingAsked && listingFilter === this.lastFilterAsked && log === this.lastLogAsked
    // a listing reads the engine: after a seek from the history, once the page stopped seeking
    // (and keepalived's log, when it is on screen)
    const owed = listing !== null || log
    if (run.behind && owed && this.clock() - this.seekWallMs >= LISTING_QUIET_MS) run.catchUp()
    if (!this.playing && !this.changed && asksSame) {
      // paused and nothing changed: no work, the page keeps what it has
      this.pacer.frame(wallMs, false, this.speed, run.now, run.now, () => {})
      return [{ type: 'idle' }]
    }
    const limit = Math.min(run.endMs(), this.stopAtMs ?? Number.POSITIVE_INFINITY)
    this.pacer.frame(wallMs, this.playing, this.speed, run.now, limit, (t) => run.advance(t))
    if (this.playing && (run.now >= run.endMs() || (this.stopAtMs !== null && run.now >= this.stopAtMs))) {
      this.playing = false
      this.stopAtMs = null
    }
    this.lastListingAsked = listing
    this.lastFilterAsked = listingFilter
    this.lastLogAsked = log
    // a listing still owed (the engine behind): the page asks again until it comes
    this.changed = run.behind !== null && owed
    this.built++
    return [this.buildFrame(run, wallMs, listing, listingFilter, log)]
  }

  /**
   * The frame: what the engine did since the last one — or, after a seek answered from the run's
   * history, what the history holds at that time (no listing: it waits for the engine).
   */
  private buildFrame(run: LabRun, wallMs: number, listing: string | null, listingFilter: string, log: boolean): Frame {
    const h = run.behind ? run.historyFrame() : this.engineFrame(run)
    return {
      type: 'frame',
      v: PROTOCOL_VERSION,
      epoch: run.epoch,
      seekId: this.seekId,
      engineBehind: run.behind !== null,
      nowMs: run.now,
      endMs: run.endMs(),
      playing: this.playing,
      speed: this.speed,
      ...h,
      textbookMarks: this.textbook.takeMarks(),
      textbookDivergent: this.textbook.divergentCount,
      listing: run.behind ? null : this.listing.next(run.player, wallMs, listing, listingFilter),
      pair: run.behind ? null : (run.player.pair?.describe() ?? null),
      // only while the page shows it (as a listing): a frame from the history carries none
      keepalivedLog: run.behind || !log ? null : this.keepalivedLog(run),
      faults: run.player.sim.faults.inForce(run.now).map(({ addr, fault }) => ({ addr, ...fault })),
      // last: the services and rows above may have named new addresses
      addrs: this.addrs.take(),
    }
  }

  /** The epoch and length of keepalived's log the page was last sent. */
  private logSent = { epoch: -1, total: -1, run: null as LabRun | null }

  /** keepalived's log when it changed since it was last sent (its newest KEEPALIVED_LOG_SHOWN lines), else null. */
  private keepalivedLog(run: LabRun): KeepalivedLogView | null {
    const log = run.player.sim.keepalived.log
    const sent = this.logSent
    if (sent.run === run && sent.epoch === run.epoch && sent.total === log.length) return null
    this.logSent = { epoch: run.epoch, total: log.length, run }
    const from = Math.max(0, log.length - KEEPALIVED_LOG_SHOWN)
    const lines = log.slice(from).map((l) => ({ ms: l.ms, text: journalLine(l) }))
    return { lines, total: log.length }
  }

  /** What the engine did since the last frame (its logs' deltas), its counters and figures now. */
  private engineFrame(run: LabRun): HistoryFrame {
    const attempts = run.attempts.take()
    const templates = run.templates.take()
    // read first: a new VIP holder marks the services dirty
    const api = run.api
    const services = run.servicesDirty ? servicesView(api) : null
    run.servicesDirty = false
    return {
      services,
      rsCounters: rsCounters(api),
      attempts: attempts.attempts,
      attemptsSkipped: attempts.skipped,
      attemptsFirstSeq: attempts.firstSeq,
      templates: templates.templates,
      refreshes: templates.refreshes,
      metrics: metricsView((run.player.metrics as NonNullable<typeof run.player.metrics>).snapshot()),
      samples: run.samples.take(),
      midRun: run.takeMidRun(),
    }
  }

  /** Force the services and listing into the next frame (after the page subscribed anew). */
  refreshAll(): void {
    if (this.run) {
      this.run.servicesDirty = true
      this.run.resendMidRun()
    }
    this.changed = true
    this.listing.invalidate()
    this.logSent = { epoch: -1, total: -1, run: null }
  }

  private why(id: number, target: WhyTarget): Reply {
    const forgotten: Reply = { type: 'why', id, title: 'why.forgotten', steps: [] }
    switch (target.kind) {
      case 'attempt': {
        const steps = this.run?.attempts.why(target.seq)
        return steps ? { type: 'why', id, title: 'why.attempt.title', steps } : forgotten
      }
      case 'template': {
        const steps = this.run?.templates.why(target.templateId, this.run.now)
        return steps ? { type: 'why', id, title: 'why.template.title', steps } : forgotten
      }
      case 'rs':
        return { type: 'why', id, title: 'why.rs.title', steps: whyRs(this.run?.api ?? null, target.addr, target.port) }
      default:
        return assertNever(target)
    }
  }
}
