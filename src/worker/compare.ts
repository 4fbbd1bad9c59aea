/**
 * The compare host: compare mode's engines, one per configuration, on one simulated clock paced
 * by the same pacer as the lab's. Each run keeps a template log of its own.
 */
import {
  type DirectorReadApi,
  formatAddrPort,
  readDirector,
  type Scenario,
  ScenarioPlayer,
  type SimMs,
  validateScenario,
} from '../engine/index'
import { AddrBookCursor, addrBook } from './addrBook'
import { type Clock, Pacer, wallClock } from './pacer'
import {
  COMPARE_SAMPLE_FIELDS,
  type CompareConfig,
  type CompareRunFrame,
  MAX_SPEED,
  MIN_SPEED,
  PROTOCOL_VERSION,
  type Reply,
  type Request,
} from './protocol'
import { advanceBySeconds, SampleBuffer } from './sampling'
import { TemplateLog } from './templateLog'
import { destinationsByAddress, metricsView } from './views'

/** Each run's mini timeline keeps this many templates. */
const TEMPLATE_MEMORY = 4000
/** Per-second samples a run keeps between frames (the charts' rings hold 1200). */
const SAMPLES_KEPT = 1200

interface Run {
  cfg: CompareConfig
  player: ScenarioPlayer
  api: DirectorReadApi
  templates: TemplateLog
  /** Figures at whole simulated seconds, not yet sent. */
  samples: SampleBuffer
}

/**
 * Compare mode: the same synthetic traffic (same seed) through 2–4 configurations, one engine
 * each, all on one simulated clock. Each configuration's figures, server counters and templates
 * travel in every frame; paused, with nothing asked since the last frame, a frame request is
 * answered `idle`.
 */
export class CompareHost {
  private runs: Run[] = []
  private base: Scenario | null = null
  private configs: CompareConfig[] = []
  private epoch = 1_000_000
  /** The last seek request handled (frames say so). */
  private seekId = 0
  private playing = false
  private speed = 10
  /** A request since the last frame may have changed what a frame shows (paused and unchanged: `idle`). */
  private changed = true
  private readonly pacer: Pacer
  /** What the page has of the address book. */
  private readonly addrs = new AddrBookCursor()

  constructor(options: { now?: Clock } = {}) {
    this.pacer = new Pacer(options.now ?? wallClock)
  }

  get active(): boolean {
    return this.runs.length > 0
  }

  handle(req: Request): Reply[] {
    if (req.type !== 'frame') this.changed = true
    try {
      return this.dispatch(req)
    } catch (e) {
      this.playing = false
      return [{ type: 'error', message: `internal error: ${(e as Error).message}`, fatal: false }]
    }
  }

  private dispatch(req: Request): Reply[] {
    switch (req.type) {
      case 'compare-start':
        return this.start(req.base, req.configs)
      case 'compare-stop':
        this.runs = []
        this.playing = false
        return []
      case 'play':
        if (this.nowMs() >= this.endMs()) this.restart(0)
        this.playing = true
        this.pacer.resync()
        return []
      case 'pause':
        this.playing = false
        return []
      case 'speed':
        this.speed = Number.isFinite(req.speed) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, req.speed)) : 1
        return []
      case 'seek':
        this.restart(Number.isFinite(req.toMs) ? req.toMs : 0)
        this.seekId = req.id ?? this.seekId
        return []
      case 'reset':
        this.restart(0)
        return []
      case 'step':
        this.playing = false
        this.advance(Math.min(this.endMs(), this.nowMs() + 1000))
        return []
      case 'frame':
        return [this.frame(req.wallMs)]
      default:
        return [{ type: 'error', message: `${req.type} is not available while comparing`, fatal: false }]
    }
  }

  private start(base: unknown, configs: CompareConfig[]): Reply[] {
    const check = validateScenario(base)
    if (!check.ok) return [{ type: 'error', message: check.error, fatal: false }]
    if (!check.scenario.traffic)
      return [{ type: 'error', message: 'compare needs a scenario with traffic', fatal: false }]
    if (configs.length < 2 || configs.length > 4)
      return [{ type: 'error', message: 'compare 2 to 4 configurations', fatal: false }]
    this.base = check.scenario
    this.configs = configs
    this.restart(0)
    return [
      { type: 'compare-started', endMs: this.endMs(), configs: configs.map((c) => ({ id: c.id, label: c.label })) },
    ]
  }

  private nowMs(): number {
    return this.runs[0]?.player.now ?? 0
  }

  private endMs(): number {
    return this.runs.reduce((m, r) => Math.max(m, r.player.lastEventMs), 0)
  }

  /** New engines for every configuration (a new epoch), then replay to `toMs`. */
  private restart(toMs: number): void {
    const base = this.base
    if (!base) return
    this.epoch++
    this.pacer.restart()
    this.runs = this.configs.map((cfg) => {
      const scenario: Scenario = {
        ...base,
        commands: cfg.commands,
        midCommands: [],
        connections: [],
        snapshots: [],
        traffic: { ...(base.traffic as NonNullable<Scenario['traffic']>), sessionSharing: cfg.sessionSharing ?? false },
      }
      const player = new ScenarioPlayer(scenario, { metrics: true })
      const api = readDirector(player.sim.director)
      const run: Run = {
        cfg,
        player,
        api,
        templates: new TemplateLog(TEMPLATE_MEMORY, false),
        samples: new SampleBuffer(COMPARE_SAMPLE_FIELDS, SAMPLES_KEPT),
      }
      player.setListener({ director: (e) => run.templates.onEvent(e, api, player.now) })
      player.advanceTo(0 as SimMs)
      return run
    })
    for (const r of this.runs) this.sample(r)
    if (toMs > 0) this.advance(Math.min(toMs, this.endMs()))
  }

  /** Every run to `toMs`, noting each run's figures at every whole simulated second on the way. */
  private advance(toMs: number): void {
    advanceBySeconds(
      this.nowMs(),
      Math.round(toMs),
      SAMPLES_KEPT,
      (t) => {
        for (const r of this.runs) r.player.advanceTo(t as SimMs)
      },
      () => {
        for (const r of this.runs) this.sample(r)
      },
    )
  }

  private sample(r: Run): void {
    const m = (r.player.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    // in COMPARE_SAMPLE_SERIES order
    r.samples.add(r.player.now, m.imbalance, m.brokenSessions, m.templates.live, m.templates.bytes / 1024)
  }

  private frame(wallMs: number): Reply {
    if (!this.runs.length) return { type: 'idle' }
    this.pacer.frame(wallMs, this.playing, this.speed, this.nowMs(), this.endMs(), (t) => this.advance(t))
    // paused and nothing asked since the last frame: the page keeps what it has (no work, as the lab)
    if (!this.playing && !this.changed) return { type: 'idle' }
    if (this.playing && this.nowMs() >= this.endMs()) this.playing = false
    this.changed = false
    return {
      type: 'compare-frame',
      v: PROTOCOL_VERSION,
      epoch: this.epoch,
      seekId: this.seekId,
      nowMs: this.nowMs(),
      endMs: this.endMs(),
      playing: this.playing,
      speed: this.speed,
      runs: this.runs.map((r) => this.runFrame(r)),
      // last: the runs above may have named new addresses
      addrs: this.addrs.take(),
    }
  }

  private runFrame(r: Run): CompareRunFrame {
    const rs = r.api.services().flatMap((svc) =>
      destinationsByAddress(svc.destinations).map((dest) => ({
        label: formatAddrPort(dest.addr, dest.port),
        addr: addrBook.encode(dest.addr),
        activeConns: dest.activeConns,
        inactConns: dest.inactConns,
        persistConns: dest.persistConns,
        conns: dest.conns,
        weight: dest.weight,
      })),
    )
    const { templates, refreshes } = r.templates.take()
    const m = (r.player.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    return {
      id: r.cfg.id,
      rs,
      templates,
      refreshes,
      metrics: metricsView(m),
      samples: r.samples.take(),
    }
  }
}
