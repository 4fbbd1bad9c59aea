import {
  type Connection,
  formatIPv4,
  type Scenario,
  ScenarioPlayer,
  type SimMs,
  validateScenario,
} from '../engine/index'
import {
  COMPARE_SAMPLE_FIELDS,
  type CompareConfig,
  type CompareRunFrame,
  MAX_SPEED,
  MIN_SPEED,
  PROTOCOL_VERSION,
  type Reply,
  type Request,
  TEMPLATE_FIELDS,
} from './protocol'
import { advanceBySeconds, SampleBuffer } from './sampling'
import { destinationsByAddress, metricsView } from './views'

const FRAME_BUDGET_MS = 8
const MAX_WALL_STEP_MS = 250
/** Each run's mini timeline keeps this many templates. */
const TEMPLATE_MEMORY = 4000
/** Per-second samples a run keeps between frames (the charts' rings hold 1200). */
const SAMPLES_KEPT = 1200

interface Run {
  cfg: CompareConfig
  player: ScenarioPlayer
  templates: Map<number, { conn: Connection; firstRearmAt: number; expiredAt: number }>
  dirty: Set<number>
  refreshes: number[]
  /** Figures at whole simulated seconds, not yet sent. */
  samples: SampleBuffer
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}

/**
 * Compare mode: the same synthetic traffic (same seed) through 2–4 configurations, one engine
 * each, all on one simulated clock. Each configuration's figures, server counters and templates
 * travel in every frame.
 */
export class CompareHost {
  private runs: Run[] = []
  private base: Scenario | null = null
  private configs: CompareConfig[] = []
  private epoch = 1_000_000
  private playing = false
  private speed = 10
  private lastWallMs: number | null = null
  private simCursor = 0

  get active(): boolean {
    return this.runs.length > 0
  }

  handle(req: Request): Reply[] {
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
        this.lastWallMs = null
        return []
      case 'pause':
        this.playing = false
        return []
      case 'speed':
        this.speed = Number.isFinite(req.speed) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, req.speed)) : 1
        return []
      case 'seek':
        this.restart(Number.isFinite(req.toMs) ? req.toMs : 0)
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
    this.lastWallMs = null
    this.simCursor = 0
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
      const run: Run = {
        cfg,
        player,
        templates: new Map(),
        dirty: new Set(),
        refreshes: [],
        samples: new SampleBuffer(COMPARE_SAMPLE_FIELDS, SAMPLES_KEPT),
      }
      player.setListener({
        director: (e) => {
          switch (e.type) {
            case 'template-created':
              if (run.templates.size >= TEMPLATE_MEMORY)
                for (const [id, t] of run.templates)
                  if (t.expiredAt >= 0) {
                    run.templates.delete(id)
                    break
                  }
              run.templates.set(e.template.id, { conn: e.template, firstRearmAt: -1, expiredAt: -1 })
              run.dirty.add(e.template.id)
              return
            case 'template-refreshed':
              if (run.templates.has(e.template.id)) {
                run.dirty.add(e.template.id)
                if (run.refreshes.length < 4000) run.refreshes.push(e.template.id, player.now)
              }
              return
            case 'template-rearmed': {
              const t = run.templates.get(e.template.id)
              if (t && t.firstRearmAt < 0) t.firstRearmAt = player.now
              if (t) run.dirty.add(e.template.id)
              return
            }
            case 'template-expired': {
              const t = run.templates.get(e.template.id)
              if (t) {
                t.expiredAt = player.now
                run.dirty.add(e.template.id)
              }
              return
            }
            default:
              return
          }
        },
      })
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
    if (this.playing) {
      const last = this.lastWallMs ?? wallMs
      const wallStep = Math.min(MAX_WALL_STEP_MS, Math.max(0, wallMs - last))
      this.simCursor = Math.max(this.simCursor, this.nowMs()) + wallStep * this.speed
      const target = Math.min(this.endMs(), Math.floor(this.simCursor))
      const started = now()
      let t = this.nowMs()
      while (t < target) {
        t = Math.min(target, Math.round(t + Math.max(50, (wallStep * this.speed) / 8)))
        this.advance(t)
        if (now() - started > FRAME_BUDGET_MS) break
      }
      if (this.nowMs() >= this.endMs()) this.playing = false
    }
    this.lastWallMs = wallMs
    return {
      type: 'compare-frame',
      v: PROTOCOL_VERSION,
      epoch: this.epoch,
      nowMs: this.nowMs(),
      endMs: this.endMs(),
      playing: this.playing,
      speed: this.speed,
      runs: this.runs.map((r) => this.runFrame(r)),
    }
  }

  private runFrame(r: Run): CompareRunFrame {
    const d = r.player.sim.director
    const rs = d.services.flatMap((svc) =>
      destinationsByAddress(svc.destinations).map((dest) => ({
        label: `${formatIPv4(dest.addr)}:${dest.port}`,
        addr: dest.addr,
        activeConns: dest.activeConns,
        inactConns: dest.inactConns,
        persistConns: dest.persistConns,
        conns: dest.stats.conns,
        weight: dest.weight,
      })),
    )
    const tpl = new Float64Array(r.dirty.size * TEMPLATE_FIELDS)
    let k = 0
    for (const id of r.dirty) {
      const t = r.templates.get(id)
      if (!t) continue
      const c = t.conn
      tpl.set(
        [
          id,
          c.caddr,
          c.fwmark || c.vaddr,
          c.vport,
          c.daddr,
          c.dport,
          c.createdAt,
          t.expiredAt >= 0 ? t.expiredAt : c.expiresAt,
          t.firstRearmAt,
          t.expiredAt,
        ],
        k,
      )
      k += TEMPLATE_FIELDS
    }
    r.dirty = new Set()
    const refreshes = Float64Array.from(r.refreshes)
    r.refreshes = []
    const m = (r.player.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
    return {
      id: r.cfg.id,
      rs,
      templates: tpl.subarray(0, k),
      refreshes,
      metrics: metricsView(m),
      samples: r.samples.take(),
    }
  }
}
