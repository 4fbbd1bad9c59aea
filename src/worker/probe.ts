/**
 * Probes: a lesson's or an exercise's question about the scenario as it stands (typed commands
 * folded in), answered on a scratch copy so the class can predict before the live run reveals it.
 */
import {
  type EntryReadView,
  formatAddr,
  headerFields,
  type PairState,
  parseAddr,
  readDirector,
  ScenarioPlayer,
  type SimMs,
  validateScenario,
  Wire,
  type WirePacket,
} from '../engine/index'
import { AttemptLog } from './attemptLog'
import { assertNever, type Probe, type ProbeAnswer, type WhyStep } from './protocol'
import { TemplateLog, type TemplateRow } from './templateLog'

/** SYN retries of a connection are over this long after it starts (ms). */
const CONNECTION_SETTLED_MS = 64_000

export function probe(scenario: unknown, q: Probe): ProbeAnswer {
  const check = validateScenario(scenario)
  if (!check.ok) return { ok: false, error: check.error }
  const scratch = new ScenarioPlayer(check.scenario, { metrics: true })
  switch (q.kind) {
    case 'connection-rs': {
      const c = check.scenario.connections[q.index]
      if (!c) return { ok: false, error: `no connection ${q.index}` }
      // the director's decisions, logged as the lab's "Why?" logs them; the connection's last
      // attempt (after any SYN retries) is the one that decided
      const api = readDirector(scratch.sim.director)
      const log = new AttemptLog(4096)
      const client = parseAddr(c.client)
      let attempts = 0
      let asked = 0
      scratch.setListener({
        director: (e) => log.onDirectorEvent(e, api),
        attempt: (a) => {
          log.onAttempt(a)
          attempts++
          if (a.client === client && a.clientPort === c.clientPort && a.vport === c.vport) asked = attempts
        },
      })
      // the answer is known once the connection (and its SYN retries) ran
      scratch.advanceTo((Math.round(c.at * 1000) + CONNECTION_SETTLED_MS) as SimMs)
      const rs = scratch.connections[q.index].rs
      const why = asked > 0 ? (log.why(asked) ?? undefined) : undefined
      return { ok: true, value: rs ? rsAddress(rs) : null, why }
    }
    case 'template-live': {
      scratch.advanceTo(Math.round(q.atMs) as SimMs)
      const client = parseAddr(q.client)
      if (client === null) return { ok: false, error: `${q.client}: not an address` }
      return { ok: true, value: readDirector(scratch.sim.director).hasLiveTemplateFor(client) }
    }
    case 'metric': {
      // for the count of live templates, every template of the run so far, to say which are live
      const api = readDirector(scratch.sim.director)
      const log = new TemplateLog(4096, false)
      const rows: TemplateRow[] = []
      if (q.name === 'templatesLive')
        scratch.setListener({
          director: (e) => {
            const row = log.onEvent(e, api, scratch.now)
            if (row) rows.push(row)
          },
        })
      scratch.advanceTo(Math.round(q.atMs) as SimMs)
      const m = (scratch.metrics as NonNullable<ScenarioPlayer['metrics']>).snapshot()
      const raw = q.name === 'templatesLive' ? m.templates.live : m[q.name]
      // the failover figures exist only with a backup director; the failure figures read 0 before they are counted
      if (raw === undefined && (q.name === 'brokenSessionsByFailover' || q.name === 'connectionsResetByFailover'))
        return { ok: false, error: `${q.name}: the scenario has no backup director` }
      const value = raw ?? 0
      return q.name === 'templatesLive' ? { ok: true, value, why: templatesAt(rows, q.atMs) } : { ok: true, value }
    }
    case 'reply': {
      const c = check.scenario.connections[q.index]
      if (!c) return { ok: false, error: `no connection ${q.index}` }
      // the connection's packets as the Wire draws them; the first one sent to its client (its hop
      // ends at the client, also when a router in between carries it: a NAT real server's wrong gateway)
      const client = `${c.client}:${c.clientPort}`
      const virtual = `${c.vip}:${c.vport}`
      let reply: WirePacket | null = null
      const wire = new Wire(scratch.sim.topology, false).watch(scratch.sim)
      wire.onPacket = (p) => {
        if (!reply && p.hop.endsWith('→client') && p.conn.client === client && p.conn.virtual === virtual) reply = p
      }
      scratch.advanceTo((Math.round(c.at * 1000) + CONNECTION_SETTLED_MS) as SimMs)
      const r = reply as WirePacket | null
      if (!r) return { ok: true, value: null }
      return { ok: true, value: q.what === 'sender' ? r.from.role : headerFields(r.frame)['ip.src'] }
    }
    case 'pair': {
      const pair = scratch.pair
      if (!pair) return { ok: false, error: 'the scenario has no backup director' }
      scratch.advanceTo(Math.round(q.atMs) as SimMs)
      return { ok: true, value: pairFigure(pair.describe(), pair, q) }
    }
    default:
      return assertNever(q)
  }
}

/** The address of a connection's `rs` as the player writes it: `192.168.8.102:80` or `[2001:db8:8::102]:80`. */
export function rsAddress(rs: string): string {
  return rs.startsWith('[') ? rs.slice(1, rs.indexOf(']')) : rs.slice(0, rs.lastIndexOf(':'))
}

/** Each template of the run at `atMs`, in the order born: live (and for how long yet), or expired when. */
function templatesAt(rows: TemplateRow[], atMs: number): WhyStep[] {
  const sec = (ms: number) => Math.round(ms / 1000)
  return rows.map((r) => {
    const values = {
      client: formatAddr(r.client),
      port: `:${r.vport}`,
      rs: formatAddr(r.rsAddr),
      born: sec(r.createdAt),
    }
    return r.expiredAt >= 0
      ? { key: 'why.count.expired', values: { ...values, expired: sec(r.expiredAt) } }
      : { key: 'why.count.live', values: { ...values, left: Math.max(0, sec(r.view.expiresAt - atMs)) } }
  })
}

/** A `pair` probe's figure on the pair as it stands (see the Probe). */
function pairFigure(
  state: PairState,
  pair: NonNullable<ScenarioPlayer['pair']>,
  q: Extract<Probe, { kind: 'pair' }>,
): string | number | null {
  const i = q.of === 'backup' ? 1 : 0
  const d = state.directors[i]
  switch (q.what) {
    case 'vip-holder':
      return state.directors.find((x) => x.front && !x.down)?.name ?? null
    case 'vrrp-state':
      return d.down ? 'down' : (d.vrrp[0]?.state ?? null)
    case 'templates':
      return d.templates
    case 'connections':
      return d.connections
    case 'vip-moved-at': {
      const move = state.moves.filter((m) => m.why === 'vrrp').at(-1)
      return move ? move.at / 1000 : null
    }
    case 'master-down-interval': {
      const v = pair.sims[i].keepalived.vrrp[0]
      return v ? v.masterDownIntervalUs() / 1e6 : null
    }
    case 'templates-elsewhere': {
      // a template's key is its client, service (VIP and port, or mark) — what ip_vs_sched_persist() looks up
      const key = (t: EntryReadView) => `${t.client}|${t.fwmark || `${t.vaddr}:${t.vport}`}`
      const other = new Map<string, string>()
      for (const t of readDirector(pair.sims[i === 0 ? 1 : 0].director).liveTemplates())
        other.set(key(t), `${t.rsAddr}:${t.rsPort}`)
      return readDirector(pair.sims[i].director)
        .liveTemplates()
        .filter((t) => other.get(key(t)) !== `${t.rsAddr}:${t.rsPort}`).length
    }
    default:
      return assertNever(q.what)
  }
}
