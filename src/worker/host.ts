import {
  type Connection,
  compareWithRecording,
  connectionLine,
  connectionListing,
  type Destination,
  type DirectorEvent,
  formatIPv4,
  parseDottedQuad,
  parseScenario,
  type RecordingLike,
  runScenario,
  type Scenario,
  ScenarioPlayer,
  type Service,
  type SimMs,
  Simulator,
  validateScenario,
} from '../engine/index'
import {
  ATTEMPT_FIELDS,
  AttemptHow,
  assertNever,
  type DestinationView,
  type FidelityResult,
  type Frame,
  LAB_SAMPLE_FIELDS,
  MAX_SHOWN_DESTINATIONS,
  MAX_SPEED,
  MIN_SPEED,
  PROTOCOL_VERSION,
  type Probe,
  type ProbeAnswer,
  type Reply,
  type Request,
  type ServiceView,
  TEMPLATE_FIELDS,
  type WhyStep,
  type WhyTarget,
} from './protocol'
import { advanceBySeconds, SampleBuffer } from './sampling'
import { destinationsByAddress, metricsView } from './views'

/** The console shows this many of a scenario's initial commands (the newest); the rest are counted. */
const LOADED_COMMANDS_SHOWN = 20
/** While playing, debug builds check the engine's invariants this often (wall ms). */
const INVARIANT_CHECK_PERIOD_MS = 1000
/** At most this many attempts travel in one frame (the rest are counted, not drawn). */
const MAX_ATTEMPTS_PER_FRAME = 400
/** "Why?" remembers this many recent attempts. */
const WHY_MEMORY = 20_000
/** The timeline keeps this many templates (the oldest expired ones are forgotten first). */
const TEMPLATE_MEMORY = 20_000
/** A listing is recomputed at most this often (wall ms). */
const LISTING_PERIOD_MS = 250
/** At most this many lines of a listing travel to the page. */
const LISTING_MAX_LINES = 3000
/** The worker's time budget per frame: beyond it, simulated time falls behind wall × speed. */
const FRAME_BUDGET_MS = 8
/** A wall-clock gap longer than this (a hidden tab) does not turn into a jump of simulated time. */
const MAX_WALL_STEP_MS = 250
/** Per-second samples kept between frames (the page's history ring holds 900). */
const SAMPLES_KEPT = 900

/** Listings the page may ask for every frame (read-only commands). */
export const LIVE_LISTINGS = [
  'ipvsadm -Lnc',
  'ipvsadm -Ln --stats',
  'ipvsadm -Ln --rate',
  'ipvsadm -Ln --persistent-conn',
  'ipvsadm -Ln',
  'iptables -t mangle -L -n -v',
] as const

interface AttemptMemo {
  seq: number
  at: number
  proto: 'tcp' | 'udp'
  client: number
  clientPort: number
  vip: number
  vport: number
  rsAddr: number | null
  how: number
  templateId: number
  templateClient: number
  templateTimeoutMs: number
  service: string
  scheduler: string
  persistSec: number
  netmask: string
  mark: number
  status: string
}

interface TemplateRow {
  id: number
  conn: Connection
  service: string
  scheduler: string
  client: number
  vaddrOrMark: number
  vport: number
  rsAddr: number
  rsPort: number
  createdAt: number
  firstRearmAt: number
  expiredAt: number
  refreshes: number
  lastRefreshAt: number
  invalidated: boolean
}

interface JournalEntry {
  atMs: number
  kind: 'run' | 'apply'
  text: string
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}

function serviceLabel(svc: { fwmark: number; protocol: number; vaddr: number; vport: number }): string {
  if (svc.fwmark) return `FWM ${svc.fwmark}`
  return `${svc.protocol === 17 ? 'UDP' : svc.protocol === 132 ? 'SCTP' : 'TCP'} ${formatIPv4(svc.vaddr)}:${svc.vport}`
}

const FORWARD_NAMES = ['Masq', 'Local', 'Tunnel', 'Route'] as const

/**
 * The worker's host: one scenario played on the simulated clock at wall time × speed. Pure
 * TypeScript (no DOM, no `self`): the worker entry feeds it requests and posts its replies, and
 * tests drive it directly under Node.
 */
export class Host {
  /**
   * Debug builds and the tests recount the engine's incremental counters from its entries after
   * each command, load and rewind, and once a second while it plays (Director.checkInvariants()).
   */
  readonly debugChecks: boolean = (import.meta as { env?: { DEV?: boolean } }).env?.DEV === true
  private lastCheckWallMs = Number.NEGATIVE_INFINITY
  /**
   * What the exported scenario depends on changes only with a load, a reset or a typed command:
   * a counter of those (with a token per host, so a restarted worker never repeats one) lets the
   * page skip re-saving megabytes that did not change.
   */
  private configVersion = 0
  private readonly hostToken = Math.random().toString(36).slice(2, 10)
  private scenario: Scenario | null = null
  private seed = 1
  private player: ScenarioPlayer | null = null
  private journal: JournalEntry[] = []
  private epoch = 0
  private playing = false
  private speed = 1
  private lastWallMs: number | null = null
  /** Textbook switch: the shadow run, and what it found that the kernel does differently. */
  private textbook = false
  private shadow: ScenarioPlayer | null = null
  private readonly templateKeys = new Map<string, number>()
  private kernelAttemptRs = new Map<string, number>()
  private textbookMarks: number[] = []
  private textbookDivergent = 0
  /** Where play-until pauses by itself. */
  private stopAtMs: number | null = null
  /** Simulated time the wall clock has reached, with its fraction of a millisecond. */
  private simCursor = 0

  private attemptSeq = 0
  /** This frame's attempts: a ring keeping the newest MAX_ATTEMPTS_PER_FRAME. */
  private readonly frameAttempts = new Float64Array(MAX_ATTEMPTS_PER_FRAME * ATTEMPT_FIELDS)
  private frameAttemptCount = 0
  /** The latest WHY_MEMORY attempts, at seq % WHY_MEMORY. */
  private readonly memos: (AttemptMemo | undefined)[] = new Array<AttemptMemo | undefined>(WHY_MEMORY)
  private pendingDecision: { conn: Connection; how: number; template: Connection | null } | null = null
  private refusedPending = false

  private readonly templates = new Map<number, TemplateRow>()
  private dirtyTemplates = new Set<number>()
  private refreshes: number[] = []
  private servicesDirty = true

  private listingCmd: string | null = null
  private listingAtWall = -1
  private listingCache: Frame['listing'] = null
  private listingFilter = ''

  handle(req: Request): Reply[] {
    try {
      if (req.type === 'load' || req.type === 'reset' || req.type === 'run' || req.type === 'apply-script')
        this.configVersion++
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
        return this.load(req.scenario, req.name, req.seed)
      case 'play':
        if (this.player && this.player.now >= this.endMs()) this.seek(0)
        this.playing = true
        this.stopAtMs = null
        this.lastWallMs = null
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
        this.lastWallMs = null
        return []
      case 'probe':
        return [{ type: 'probe', id: req.id, answer: this.probe(req.probe) }]
      case 'fidelity':
        return [{ type: 'fidelity', id: req.id, result: fidelity(req.scenario, req.recording) }]
      case 'textbook':
        if (this.textbook === req.on) return []
        this.textbook = req.on
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
        this.journal = []
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
      case 'export-scenario': {
        const version = `${this.hostToken}:${this.configVersion}`
        const same = req.unlessVersion === version
        const scenario = same ? null : JSON.stringify(this.exportScenario())
        return [{ type: 'scenario', id: req.id, scenario, version, atMs: this.player?.now ?? 0 }]
      }
      case 'template-line': {
        const row = this.templates.get(req.templateId)
        const p = this.player
        const line = row && p && row.expiredAt < 0 ? connectionLine(p.sim.director, row.conn).trimEnd() : null
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
      if (req.wallMs - this.lastCheckWallMs < INVARIANT_CHECK_PERIOD_MS) return
      this.lastCheckWallMs = req.wallMs
    } else if (!['run', 'apply-script', 'load', 'seek', 'reset', 'step'].includes(req.type)) return
    const problems = this.players().flatMap((p) => p.sim.director.checkInvariants())
    if (problems.length === 0) return
    this.playing = false
    replies.push({
      type: 'error',
      message: `internal error: engine invariant broken (${problems.length}): ${problems[0]}`,
      fatal: false,
    })
  }

  // ---------------------------------------------------------------- scenario and time

  private load(input: unknown, name: string, seed: number | undefined): Reply[] {
    const check = typeof input === 'string' ? parseScenario(input) : validateScenario(input)
    if (!check.ok) {
      // a file's text: its name leads the message, as a compiler names the file it refuses
      const message = typeof input === 'string' && name ? `${name}: ${check.error}` : check.error
      return [{ type: 'error', message, fatal: false }]
    }
    this.scenario = check.scenario
    this.seed = seed ?? check.scenario.seed ?? 1
    this.journal = []
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
    const scenario = { ...(this.scenario as Scenario), seed: this.seed }
    if (scenario.traffic) scenario.traffic = { ...scenario.traffic, seed: this.seed }
    const player = new ScenarioPlayer(scenario, { metrics: true })
    this.player = player
    this.epoch++
    this.attemptSeq = 0
    this.frameAttemptCount = 0
    this.memos.fill(undefined)
    this.templates.clear()
    this.dirtyTemplates = new Set()
    this.refreshes = []
    this.samples.clear()
    this.servicesDirty = true
    this.listingAtWall = -1
    this.lastWallMs = null
    this.simCursor = 0
    player.setListener({
      director: (e) => this.onDirectorEvent(e),
      attempt: (a) => this.onAttempt(a),
      command: () => {
        this.servicesDirty = true
      },
    })
    this.templateKeys.clear()
    this.kernelAttemptRs = new Map()
    this.textbookMarks = []
    this.textbookDivergent = 0
    this.shadow = null
    // what happens at time 0 (mid commands, the first clients) has happened when the player is shown
    player.advanceTo(0 as SimMs)
    if (this.textbook) this.startShadow()
    this.sample()
  }

  /** Deterministic replay from 0 to `toMs`, with the commands typed so far at their times. */
  private seek(toMs: number): void {
    if (!this.scenario) return
    const target = Math.round(Math.max(0, Math.min(toMs, this.endMs()))) as SimMs
    this.restart()
    for (const j of this.journal) {
      if (j.atMs > target) break
      this.advanceBoth(j.atMs)
      this.replay(j)
    }
    this.advanceBoth(target)
  }

  private replay(j: JournalEntry): void {
    for (const p of this.players()) {
      if (j.kind === 'run') p.record(j.text)
      else this.applyLines(p.sim, scriptLines(j.text))
    }
    this.servicesDirty = true
  }

  /** The live player and, with the textbook switch on, its shadow under the textbook rule. */
  private players(): ScenarioPlayer[] {
    const p = this.player as ScenarioPlayer
    return this.shadow ? [p, this.shadow] : [p]
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

  /** Figures at whole seconds not yet sent. */
  private readonly samples = new SampleBuffer(LAB_SAMPLE_FIELDS, SAMPLES_KEPT)

  private sample(): void {
    const p = this.player as ScenarioPlayer
    const m = (p.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    // in LAB_SAMPLE_SERIES order
    this.samples.add(p.now, m.imbalance, m.currentImbalance, m.templates.live, m.connections, m.brokenSessions)
  }

  /**
   * The textbook switch: the same scenario (and typed commands) replayed under the rule teaching
   * texts state, in lockstep; where its templates expire, the timeline gets a mark.
   */
  private startShadow(): void {
    const kernelScenario = this.player?.scenario
    if (!kernelScenario) return
    const shadow = new ScenarioPlayer(kernelScenario, {
      setup: (sim) => {
        sim.director.templateRule = 'textbook'
      },
    })
    this.shadow = shadow
    shadow.setListener({
      director: (e) => {
        if (e.type !== 'template-expired') return
        const t = e.template
        const kernelId = this.templateKeys.get(templateKey(t))
        if (kernelId === undefined || this.textbookMarks.length >= 20_000) return
        // a mark only where the two rules part: the kernel dropped it at another time (or not yet)
        if (this.templates.get(kernelId)?.expiredAt === shadow.now) return
        this.textbookMarks.push(kernelId, shadow.now)
      },
      attempt: (a) => {
        const k = `${a.client}:${a.clientPort}@${a.at}`
        const kernelRs = this.kernelAttemptRs.get(k)
        if (kernelRs !== undefined && kernelRs !== (a.rsAddr ?? -1)) this.textbookDivergent++
      },
    })
    shadow.advanceTo(0 as SimMs)
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
      this.shadow?.advanceTo(p.now)
      if (p.now % 1000 === 0 && p.now > before) this.sample()
    }
    return []
  }

  /** Advance to `target`, running the typed commands journaled in between (after a rewind). */
  private advance(target: number): void {
    const p = this.player as ScenarioPlayer
    for (const j of this.journal) {
      if (j.atMs <= p.now) continue
      if (j.atMs > target) break
      this.advanceBoth(j.atMs)
      this.replay(j)
    }
    this.advanceBoth(target)
  }

  // ---------------------------------------------------------------- what the engine tells us

  private onDirectorEvent(e: DirectorEvent): void {
    switch (e.type) {
      case 'connection-created': {
        const d = e.decision
        const how =
          d.templateOutcome === 'hit'
            ? AttemptHow.TEMPLATE_HIT
            : d.templateOutcome === null
              ? AttemptHow.SCHEDULED
              : AttemptHow.TEMPLATE_NEW
        this.pendingDecision = { conn: e.conn, how, template: d.template }
        return
      }
      case 'refused':
        this.refusedPending = true
        return
      case 'template-created':
        this.addTemplate(e.template)
        return
      case 'template-refreshed': {
        const row = this.templates.get(e.template.id)
        if (!row) return
        row.refreshes++
        row.lastRefreshAt = this.player?.now ?? 0
        this.dirtyTemplates.add(row.id)
        if (this.refreshes.length < 4000) this.refreshes.push(row.id, row.lastRefreshAt)
        return
      }
      case 'template-rearmed': {
        const row = this.templates.get(e.template.id)
        if (!row) return
        if (row.firstRearmAt < 0) row.firstRearmAt = this.player?.now ?? 0
        this.dirtyTemplates.add(row.id)
        return
      }
      case 'template-invalidated': {
        const row = this.templates.get(e.template.id)
        if (!row) return
        row.invalidated = true
        this.dirtyTemplates.add(row.id)
        return
      }
      case 'template-expired': {
        const row = this.templates.get(e.template.id)
        if (!row) return
        row.expiredAt = this.player?.now ?? 0
        this.dirtyTemplates.add(row.id)
        return
      }
      case 'connection-state':
      case 'connection-expired':
      case 'dropped':
        return
      default:
        assertNever(e)
    }
  }

  private addTemplate(t: Connection): void {
    if (this.templates.size >= TEMPLATE_MEMORY) {
      // forget the oldest expired template (Map keeps insertion order)
      for (const [id, row] of this.templates)
        if (row.expiredAt >= 0) {
          this.templates.delete(id)
          break
        }
    }
    const svc = t.dest?.svc
    const row: TemplateRow = {
      id: t.id,
      conn: t,
      service: svc ? serviceLabel(svc) : t.fwmark ? `FWM ${t.fwmark}` : `${formatIPv4(t.vaddr)}:${t.vport}`,
      scheduler: svc?.scheduler?.name ?? '',
      client: t.caddr,
      vaddrOrMark: t.fwmark || t.vaddr,
      vport: t.vport,
      rsAddr: t.daddr,
      rsPort: t.dport,
      createdAt: t.createdAt,
      firstRearmAt: -1,
      expiredAt: -1,
      refreshes: 0,
      lastRefreshAt: t.createdAt,
      invalidated: false,
    }
    this.templates.set(t.id, row)
    this.dirtyTemplates.add(t.id)
    if (this.textbook) this.templateKeys.set(templateKey(t), t.id)
  }

  private onAttempt(a: {
    at: SimMs
    proto: 'tcp' | 'udp'
    client: number
    clientPort: number
    vip: number
    vport: number
    rsAddr: number | null
    status: string
  }): void {
    const dec = this.pendingDecision
    this.pendingDecision = null
    const refused = this.refusedPending
    this.refusedPending = false
    let how: number = AttemptHow.SCHEDULED
    if (a.rsAddr !== null && dec) how = dec.how
    else if (refused) how = AttemptHow.REFUSED
    else if (a.status === 'pending' || a.status === 'dropped') how = AttemptHow.DROPPED
    else if (a.rsAddr === null) how = AttemptHow.LOCAL
    const seq = ++this.attemptSeq
    const tpl = dec?.template ?? null
    const svc = dec?.conn.dest?.svc ?? null
    // keep the newest of this frame: the ring overwrites the oldest
    this.frameAttempts.set(
      [a.at, a.client, a.clientPort, a.vip, a.vport, a.rsAddr ?? -1, how, tpl ? tpl.id : 0],
      (this.frameAttemptCount % MAX_ATTEMPTS_PER_FRAME) * ATTEMPT_FIELDS,
    )
    this.frameAttemptCount++
    const memo: AttemptMemo = {
      seq,
      at: a.at,
      proto: a.proto,
      client: a.client,
      clientPort: a.clientPort,
      vip: a.vip,
      vport: a.vport,
      rsAddr: a.rsAddr,
      how,
      templateId: tpl ? tpl.id : 0,
      templateClient: tpl ? tpl.caddr : 0,
      templateTimeoutMs: tpl ? tpl.timeoutMs : 0,
      service: svc ? serviceLabel(svc) : `${a.proto.toUpperCase()} ${formatIPv4(a.vip)}:${a.vport}`,
      scheduler: svc?.scheduler?.name ?? '',
      persistSec: svc?.persistent ? Math.round(svc.persistTimeoutMs / 1000) : 0,
      netmask: svc ? formatIPv4(svc.netmask) : '',
      mark: dec?.conn.fwmark ?? 0,
      status: a.status,
    }
    this.memos[seq % WHY_MEMORY] = memo
    if (this.textbook) {
      if (this.kernelAttemptRs.size > 50_000) this.kernelAttemptRs.clear()
      this.kernelAttemptRs.set(`${a.client}:${a.clientPort}@${a.at}`, a.rsAddr ?? -1)
    }
  }

  // ---------------------------------------------------------------- commands

  private runLine(id: number, line: string): Reply {
    const p = this.player
    if (!p) return { type: 'ran', id, line, atMs: 0, stdout: '', stderr: 'no scenario is loaded\n', exit: 1 }
    // typing a command after a rewind starts a new history from here
    this.journal = this.journal.filter((j) => j.atMs <= p.now)
    const r = p.record(line)
    this.shadow?.record(line)
    this.journal.push({ atMs: p.now, kind: 'run', text: line })
    this.servicesDirty = true
    this.listingAtWall = -1
    return { type: 'ran', id, line, atMs: p.now, stdout: r.stdout, stderr: r.stderr, exit: r.exit }
  }

  /** Run every line on a scratch director first: the real one changes only if all succeed. */
  private applyScript(id: number, script: string): Reply {
    const p = this.player
    if (!p) return { type: 'applied', id, ok: false, error: 'no scenario is loaded', line: null }
    const lines = scriptLines(script)
    const scratch = new Simulator()
    const bad = this.applyLines(scratch, lines)
    if (bad) return { type: 'applied', id, ok: false, error: bad.message, line: bad.line }
    this.journal = this.journal.filter((j) => j.atMs <= p.now)
    this.applyLines(p.sim, lines)
    if (this.shadow) this.applyLines(this.shadow.sim, lines)
    this.journal.push({ atMs: p.now, kind: 'apply', text: script })
    this.servicesDirty = true
    this.listingAtWall = -1
    return { type: 'applied', id, ok: true, error: null, line: null }
  }

  /** Clear IPVS and the mangle table, then run the lines; the first failure, if any. */
  private applyLines(sim: Simulator, lines: { n: number; text: string }[]): { message: string; line: number } | null {
    sim.run('ipvsadm -C')
    sim.run('iptables -t mangle -F')
    sim.run('iptables -t mangle -X')
    for (const l of lines) {
      const r = sim.run(l.text)
      if (r.exit !== 0) return { message: (r.stderr || r.stdout).trim(), line: l.n }
    }
    return null
  }

  /**
   * The scenario as it stands: what was loaded, with the seed in use and every command typed
   * since (and every script applied) folded into `midCommands` at its time — the same run again.
   */
  exportScenario(): unknown {
    const sc = this.scenario
    if (!sc) return null
    const typed = this.journal.flatMap((j) =>
      j.kind === 'run'
        ? [{ at: j.atMs / 1000, cmd: j.text }]
        : [
            'ipvsadm -C',
            'iptables -t mangle -F',
            'iptables -t mangle -X',
            ...scriptLines(j.text).map((l) => l.text),
          ].map((cmd) => ({ at: j.atMs / 1000, cmd })),
    )
    // stable merge by time: at the same time, the scenario's own commands first
    const mid = [...sc.midCommands.map((m, i) => ({ m, k: 0, i })), ...typed.map((m, i) => ({ m, k: 1, i }))]
      .sort((a, b) => a.m.at - b.m.at || a.k - b.k || a.i - b.i)
      .map((x) => x.m)
    const out: Record<string, unknown> = { ...sc, seed: this.seed, midCommands: mid }
    if (sc.traffic) out.traffic = { ...sc.traffic, seed: this.seed }
    return out
  }

  /**
   * Answer a question about the scenario as it stands (typed commands included) on a scratch
   * copy, so the class can predict before the live run reveals it.
   */
  private probe(q: Probe): ProbeAnswer {
    const sc = this.exportScenario()
    const check = validateScenario(sc)
    if (!check.ok) return { ok: false, error: check.error }
    const scratch = new ScenarioPlayer(check.scenario, { metrics: true })
    switch (q.kind) {
      case 'connection-rs': {
        const c = check.scenario.connections[q.index]
        if (!c) return { ok: false, error: `no connection ${q.index}` }
        // the answer is known once the connection (and its SYN retries) ran
        scratch.advanceTo((Math.round(c.at * 1000) + 64_000) as SimMs)
        const rs = scratch.connections[q.index].rs
        return { ok: true, value: rs ? rs.split(':')[0] : null }
      }
      case 'template-live': {
        scratch.advanceTo(Math.round(q.atMs) as SimMs)
        const client = parseDottedQuad(q.client)
        if (client === null) return { ok: false, error: `${q.client}: not an address` }
        const d = scratch.sim.director
        for (const c of d.table.all)
          if (c.isTemplate && c.timerArmed && c.caddr === client) return { ok: true, value: true }
        return { ok: true, value: false }
      }
      case 'metric': {
        scratch.advanceTo(Math.round(q.atMs) as SimMs)
        const m = (scratch.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
        const value = q.name === 'templatesLive' ? m.templates.live : m[q.name]
        return { ok: true, value }
      }
      default:
        return assertNever(q)
    }
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
    if (this.playing) {
      const last = this.lastWallMs ?? wallMs
      const wallStep = Math.min(MAX_WALL_STEP_MS, Math.max(0, wallMs - last))
      // simulated time stays in whole milliseconds (SimMs); the fraction is carried to the next frame
      this.simCursor = Math.max(this.simCursor, p.now) + wallStep * this.speed
      const target = Math.min(this.endMs(), this.stopAtMs ?? Number.POSITIVE_INFINITY, Math.floor(this.simCursor))
      const started = now()
      // in slices, so a heavy second cannot hold the frame far past its budget
      let t = p.now as number
      while (t < target) {
        t = Math.min(target, Math.round(t + Math.max(50, (wallStep * this.speed) / 8)))
        this.advance(t)
        if (now() - started > FRAME_BUDGET_MS) break
      }
      if (p.now >= this.endMs() || (this.stopAtMs !== null && p.now >= this.stopAtMs)) {
        this.playing = false
        this.stopAtMs = null
      }
    }
    this.lastWallMs = wallMs
    const replies: Reply[] = [this.buildFrame(wallMs, listing, listingFilter)]
    return replies
  }

  private buildFrame(wallMs: number, listing: string | null, listingFilter: string): Frame {
    const p = this.player as ScenarioPlayer
    const count = this.frameAttemptCount
    const kept = Math.min(count, MAX_ATTEMPTS_PER_FRAME)
    const attempts = new Float64Array(kept * ATTEMPT_FIELDS)
    const start = count > MAX_ATTEMPTS_PER_FRAME ? count % MAX_ATTEMPTS_PER_FRAME : 0
    for (let i = 0; i < kept; i++) {
      const from = ((start + i) % MAX_ATTEMPTS_PER_FRAME) * ATTEMPT_FIELDS
      attempts.set(this.frameAttempts.subarray(from, from + ATTEMPT_FIELDS), i * ATTEMPT_FIELDS)
    }
    const firstSeq = this.attemptSeq - kept + 1
    const skipped = count - kept
    this.frameAttemptCount = 0

    const tpl = new Float64Array(this.dirtyTemplates.size * TEMPLATE_FIELDS)
    let k = 0
    for (const id of this.dirtyTemplates) {
      const r = this.templates.get(id)
      if (!r) continue
      tpl.set(
        [
          r.id,
          r.client,
          r.vaddrOrMark,
          r.invalidated ? 65535 : r.vport,
          r.rsAddr,
          r.rsPort,
          r.createdAt,
          r.expiredAt >= 0 ? r.expiredAt : r.conn.expiresAt,
          r.firstRearmAt,
          r.expiredAt,
        ],
        k,
      )
      k += TEMPLATE_FIELDS
    }
    this.dirtyTemplates = new Set()
    const refreshes = Float64Array.from(this.refreshes)
    this.refreshes = []

    const m = (p.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    return {
      type: 'frame',
      v: PROTOCOL_VERSION,
      epoch: this.epoch,
      nowMs: p.now,
      endMs: this.endMs(),
      playing: this.playing,
      speed: this.speed,
      services: this.servicesDirty ? this.services() : null,
      rsCounters: this.rsCounters(),
      attempts,
      attemptsSkipped: skipped,
      attemptsFirstSeq: firstSeq,
      templates: tpl.subarray(0, k),
      refreshes,
      textbookMarks: this.takeTextbookMarks(),
      textbookDivergent: this.textbook ? this.textbookDivergent : -1,
      metrics: metricsView(m),
      samples: this.samples.take(),
      listing: this.listing(wallMs, listing, listingFilter),
    }
  }

  private takeTextbookMarks(): Float64Array {
    const marks = Float64Array.from(this.textbookMarks)
    this.textbookMarks = []
    return marks
  }

  private services(): ServiceView[] {
    this.servicesDirty = false
    const d = (this.player as ScenarioPlayer).sim.director
    return d.services.map((svc) => ({
      key: String(svc.id),
      label: serviceLabel(svc),
      scheduler: svc.scheduler?.name ?? '',
      persistSec: svc.persistent ? Math.round(svc.persistTimeoutMs / 1000) : 0,
      netmask: formatIPv4(svc.netmask),
      hiddenDestinations: shownDestinations(svc).hidden.length,
      destinations: shownDestinations(svc).shown.map(
        (dest): DestinationView => ({
          addr: dest.addr,
          port: dest.port,
          label: `${formatIPv4(dest.addr)}:${dest.port}`,
          weight: dest.weight,
          forward: FORWARD_NAMES[dest.forward] ?? 'Route',
          activeConns: dest.activeConns,
          inactConns: dest.inactConns,
          persistConns: dest.persistConns,
          conns: dest.stats.conns,
        }),
      ),
    }))
  }

  private rsCounters(): Float64Array {
    const d = (this.player as ScenarioPlayer).sim.director
    const out: number[] = []
    for (const svc of d.services) {
      const { shown, hidden } = shownDestinations(svc)
      for (const dest of shown)
        out.push(dest.activeConns, dest.inactConns, dest.persistConns, dest.stats.conns, dest.weight)
      if (hidden.length === 0) continue
      let active = 0
      let inact = 0
      let persist = 0
      let conns = 0
      let weight = 0
      for (const dest of hidden) {
        active += dest.activeConns
        inact += dest.inactConns
        persist += dest.persistConns
        conns += dest.stats.conns
        weight += dest.weight
      }
      out.push(active, inact, persist, conns, weight)
    }
    return Float64Array.from(out)
  }

  /** A live listing, recomputed at most every LISTING_PERIOD_MS, filtered like grep -i. */
  private listing(wallMs: number, cmd: string | null, filter: string): Frame['listing'] {
    if (cmd === null || !(LIVE_LISTINGS as readonly string[]).includes(cmd)) return null
    if (
      cmd === this.listingCmd &&
      filter === this.listingFilter &&
      this.listingAtWall >= 0 &&
      wallMs - this.listingAtWall < LISTING_PERIOD_MS
    )
      return null
    this.listingCmd = cmd
    this.listingFilter = filter
    this.listingAtWall = wallMs
    if (cmd === 'ipvsadm -Lnc') {
      // the big one: cut while formatting, not after
      const l = connectionListing((this.player as ScenarioPlayer).sim.director, filter, LISTING_MAX_LINES)
      this.listingCache = { cmd, text: l.text, lines: l.lines }
      return this.listingCache
    }
    const out = (this.player as ScenarioPlayer).sim.run(cmd)
    let lines = (out.stdout + out.stderr).split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    if (filter) {
      const f = filter.toLowerCase()
      const headerLines = cmd === 'ipvsadm -Lnc' ? 2 : cmd.startsWith('ipvsadm') ? 3 : 0
      lines = [...lines.slice(0, headerLines), ...lines.slice(headerLines).filter((l) => l.toLowerCase().includes(f))]
    }
    const total = lines.length
    this.listingCache = { cmd, text: `${lines.slice(0, LISTING_MAX_LINES).join('\n')}\n`, lines: total }
    return this.listingCache
  }

  /** Force the services and listing into the next frame (after the page subscribed anew). */
  refreshAll(): void {
    this.servicesDirty = true
    this.listingAtWall = -1
  }

  // ---------------------------------------------------------------- why

  private why(id: number, target: WhyTarget): Reply {
    const steps: WhyStep[] = []
    const s = (key: string, values: Record<string, string | number> = {}) => steps.push({ key, values })
    switch (target.kind) {
      case 'attempt': {
        const m = this.memos[target.seq % WHY_MEMORY]
        if (!m || m.seq !== target.seq) return { type: 'why', id, title: 'why.forgotten', steps: [] }
        const client = `${formatIPv4(m.client)}:${m.clientPort}`
        const vip = `${formatIPv4(m.vip)}:${m.vport}`
        s('why.attempt.arrives', { client, vip, proto: m.proto.toUpperCase(), at: (m.at / 1000).toFixed(3) })
        if (m.mark) s('why.attempt.marked', { mark: m.mark })
        if (m.how === AttemptHow.REFUSED) s('why.attempt.refused', { service: m.service })
        else if (m.how === AttemptHow.DROPPED) s('why.attempt.dropped', {})
        else if (m.how === AttemptHow.LOCAL) s('why.attempt.local', {})
        else {
          s('why.attempt.service', { service: m.service, scheduler: m.scheduler })
          const rs = formatIPv4(m.rsAddr ?? 0)
          if (m.how === AttemptHow.TEMPLATE_HIT)
            s('why.attempt.hit', {
              template: `${formatIPv4(m.templateClient)}`,
              rs,
              timeout: Math.round(m.templateTimeoutMs / 1000),
            })
          else if (m.how === AttemptHow.TEMPLATE_NEW)
            s('why.attempt.new', {
              template: `${formatIPv4(m.templateClient)}`,
              rs,
              scheduler: m.scheduler,
              timeout: m.persistSec,
              netmask: m.netmask,
            })
          else s('why.attempt.scheduled', { rs, scheduler: m.scheduler })
          s(m.how === AttemptHow.TEMPLATE_HIT ? 'why.attempt.sentHit' : 'why.attempt.sent', { rs })
        }
        return { type: 'why', id, title: 'why.attempt.title', steps }
      }
      case 'template': {
        const r = this.templates.get(target.templateId)
        if (!r) return { type: 'why', id, title: 'why.forgotten', steps: [] }
        const nowMs = this.player?.now ?? 0
        s('why.template.created', {
          client: formatIPv4(r.client),
          service: r.service,
          rs: `${formatIPv4(r.rsAddr)}:${r.rsPort}`,
          at: (r.createdAt / 1000).toFixed(1),
          scheduler: r.scheduler,
        })
        s('why.template.refreshed', { count: r.refreshes, n: r.refreshes, last: (r.lastRefreshAt / 1000).toFixed(1) })
        if (r.invalidated) s('why.template.invalidated', {})
        if (r.firstRearmAt >= 0)
          s('why.template.rearmed', { at: (r.firstRearmAt / 1000).toFixed(1), n: r.conn.nControl })
        if (r.expiredAt >= 0) s('why.template.expired', { at: (r.expiredAt / 1000).toFixed(1) })
        else
          s('why.template.expires', {
            in: Math.max(0, Math.round((r.conn.expiresAt - nowMs) / 1000)),
            count: r.conn.nControl,
            n: r.conn.nControl,
          })
        return { type: 'why', id, title: 'why.template.title', steps }
      }
      case 'rs': {
        const d = this.player?.sim.director
        const all = d ? d.services.flatMap((svc) => svc.destinations.map((dest) => ({ svc, dest }))) : []
        const hits = all.filter(
          ({ dest }) => dest.addr === target.addr && (target.port === 0 || dest.port === target.port),
        )
        if (hits.length === 0) s('why.rs.gone', { rs: formatIPv4(target.addr) })
        for (const { svc, dest } of hits) {
          s('why.rs.in', {
            rs: `${formatIPv4(dest.addr)}:${dest.port}`,
            service: serviceLabel(svc),
            weight: dest.weight,
            scheduler: svc.scheduler?.name ?? '',
          })
          s('why.rs.counts', { active: dest.activeConns, inact: dest.inactConns, templates: dest.persistConns })
          if (dest.weight === 0)
            s(d?.sysctl.expire_quiescent_template ? 'why.rs.quiescentExpire' : 'why.rs.quiescent', {})
        }
        return { type: 'why', id, title: 'why.rs.title', steps }
      }
      default:
        return assertNever(target)
    }
  }
}

/**
 * Replay a recording's scenario and lay the comparison out field by field, with the rules the
 * golden tests use (connection listings as sets, expire within 2 s, counters by layout).
 */
function fidelity(scenarioJson: unknown, recordingJson: unknown): FidelityResult {
  const check = validateScenario(scenarioJson)
  if (!check.ok) return { ok: false, error: check.error }
  const rec = recordingJson as RecordingLike & { kernel?: string; name?: string }
  if (!rec || !Array.isArray(rec.commands) || !Array.isArray(rec.connections))
    return { ok: false, error: 'not a recording' }
  const run = runScenario(check.scenario)
  const mismatches = compareWithRecording(rec, run)
  const bad = (path: string) =>
    mismatches.find((m) => m.path === path || m.path.startsWith(`${path}.`) || m.path.startsWith(`${path}[`))
  const text = (x: unknown) => (x === undefined ? '' : typeof x === 'string' ? x : JSON.stringify(x))
  const fields: Extract<FidelityResult, { ok: true }>['fields'] = []
  const outputs = (
    label: string,
    exp: readonly { cmd: string; stdout: string; stderr: string; exit: number }[],
    act: readonly { stdout: string; stderr: string; exit: number }[],
  ): void => {
    for (const [i, e] of exp.entries()) {
      const path = `${label}[${i}]`
      const m = bad(path)
      const a = act[i]
      fields.push({
        path,
        cmd: e.cmd,
        ok: !m,
        expected: `${e.stdout}${e.stderr}(exit ${e.exit})`,
        actual: a ? `${a.stdout}${a.stderr}(exit ${a.exit})` : '',
        detail: m ? (m.detail ?? m.path) : null,
      })
    }
  }
  outputs('commands', rec.commands, run.commands)
  for (const [i, s] of rec.snapshots.entries())
    outputs(`snapshots[${i}].outputs`, s.outputs, run.snapshots[i]?.outputs ?? [])
  outputs('final.outputs', rec.final.outputs, run.final.outputs)
  rec.connections.forEach((c, i) => {
    const path = `connections[${i}]`
    const m = bad(path)
    const r = run.connections[i]
    fields.push({
      path,
      cmd: null,
      ok: !m,
      expected: text(c.rs ?? null),
      actual: text(r?.rs ?? null),
      detail: m?.detail ?? null,
    })
  })
  return { ok: true, name: rec.name ?? check.scenario.name ?? '', kernel: rec.kernel ?? '', fields }
}

/** What identifies a template across two runs of the same scenario: client, service, birth. */
function templateKey(t: Connection): string {
  return `${t.caddr}|${t.fwmark || t.vaddr}|${t.vport}|${t.createdAt}`
}

/** Per destination list (a new list each time the service's destinations change): split once. */
const shownCache = new WeakMap<readonly Destination[], { shown: Destination[]; hidden: Destination[] }>()

/** A service's real servers as the panels draw them: the first MAX_SHOWN_DESTINATIONS by address, and the rest. */
function shownDestinations(svc: Service): { shown: Destination[]; hidden: Destination[] } {
  const list = svc.destinations
  let split = shownCache.get(list)
  if (!split) {
    const sorted = destinationsByAddress(list)
    split = { shown: sorted.slice(0, MAX_SHOWN_DESTINATIONS), hidden: sorted.slice(MAX_SHOWN_DESTINATIONS) }
    shownCache.set(list, split)
  }
  return split
}

/** Script lines: blank lines and `#` comments skipped; `-A …` lines of ipvsadm-save get `ipvsadm` in front. */
export function scriptLines(script: string): { n: number; text: string }[] {
  const out: { n: number; text: string }[] = []
  // inside `*TABLE … COMMIT` (iptables-save), lines are that table's rules and chains
  let table: string | null = null
  script.split('\n').forEach((raw, i) => {
    const n = i + 1
    const text = raw.trim()
    if (!text || text.startsWith('#')) return
    if (text.startsWith('*')) {
      table = text.slice(1)
      return
    }
    if (text === 'COMMIT') {
      table = null
      return
    }
    if (table !== null) {
      const chain = /^:(\S+)\s+(\S+)/.exec(text)
      if (chain) {
        if (chain[2] === '-') out.push({ n, text: `iptables -t ${table} -N ${chain[1]}` })
        else if (chain[2] !== 'ACCEPT') out.push({ n, text: `iptables -t ${table} -P ${chain[1]} ${chain[2]}` })
        return
      }
      // iptables-save -c puts [packets:bytes] in front of a rule
      const rule = text.replace(/^\[\d+:\d+\]\s+/, '')
      out.push({ n, text: rule.startsWith('-') ? `iptables -t ${table} ${rule}` : rule })
      return
    }
    // ipvsadm-save lines start with their option; anything else is a full command line
    out.push({ n, text: text.startsWith('-') ? `ipvsadm ${text}` : text })
  })
  return out
}
