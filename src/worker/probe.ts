/**
 * Probes: a lesson's or an exercise's question about the scenario as it stands (typed commands
 * folded in), answered on a scratch copy so the class can predict before the live run reveals it.
 */
import { parseDottedQuad, readDirector, ScenarioPlayer, type SimMs, validateScenario } from '../engine/index'
import { AttemptLog } from './attemptLog'
import { assertNever, type Probe, type ProbeAnswer } from './protocol'

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
      const client = parseDottedQuad(c.client)
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
      return { ok: true, value: rs ? rs.split(':')[0] : null, why }
    }
    case 'template-live': {
      scratch.advanceTo(Math.round(q.atMs) as SimMs)
      const client = parseDottedQuad(q.client)
      if (client === null) return { ok: false, error: `${q.client}: not an address` }
      return { ok: true, value: readDirector(scratch.sim.director).hasLiveTemplateFor(client) }
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
