import { randomInt, randomLcg } from 'd3-random'
import type { Probe } from '../worker/protocol'

/**
 * Exercises generated from a seed: a small director and a client history, and a question the
 * student answers and the engine checks. The same seed gives the same exercise everywhere, so
 * a teacher can give the whole class one. A connection is named as the director sees it, by the
 * client's address and source port (`10.0.2.7:40212`).
 */
export interface Exercise {
  seed: number
  scenario: {
    name: string
    seed: number
    commands: string[]
    connections: ExerciseConnection[]
    until: number
  }
  question:
    | { kind: 'rs'; probe: Probe; index: number; choices: string[] }
    | { kind: 'count'; probe: Probe; atSec: number }
}

export interface ExerciseConnection {
  at: number
  client: string
  clientPort: number
  proto: 'tcp'
  vip: string
  vport: number
  hold: number
}

/** The director an exercise sets up, as the generator drew it. */
interface Config {
  scheduler: 'rr' | 'wrr' | 'lc' | 'wlc' | 'sh'
  kind: 'ppc' | 'pcc' | 'none'
  persist: number
  servers: string[]
  weights: number[]
}

const VIP = '192.168.100.100'
/** Linux's default ephemeral ports (net.ipv4.ip_local_port_range). */
const EPHEMERAL = [32768, 60999] as const

/**
 * A connection's name in questions and tables: the client's address and source port, as ipvsadm
 * writes an endpoint (`10.0.2.7:40212`, `[2001:db8:a:1::7]:40212`).
 */
export const connectionName = (c: Pick<ExerciseConnection, 'client' | 'clientPort'>): string =>
  endpoint(c.client, c.clientPort)

/** An address and a port as ipvsadm -n writes them: an IPv6 address in brackets. */
export const endpoint = (addr: string, port: number): string =>
  addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`

/** The virtual ports the director serves: PPC :80 and :443, PCC every port (:0), none :80. */
const served = (cfg: Config, vport: number): boolean =>
  cfg.kind === 'pcc' || vport === 80 || (cfg.kind === 'ppc' && vport === 443)

/**
 * Whether a question's answer can come out more than one way, judged on the director and the
 * history before anything runs (the engine then computes the answer itself):
 * - "which real server": the connection must reach a service (an unserved port is always "none"),
 *   and the service must have two or more real servers of non-zero weight to choose from;
 * - "how many templates": the director must make templates at all (without `-p` it is always 0).
 * `exercise.test.ts` checks on the engine that every accepted question has two or more reachable
 * answers (`answerVariants`).
 */
export function answerCanVary(cfg: Config, scenario: Exercise['scenario'], q: Exercise['question']): boolean {
  if (q.kind === 'count') return cfg.kind !== 'none'
  const c = scenario.connections[q.index]
  return served(cfg, c.vport) && cfg.weights.filter((w) => w > 0).length >= 2
}

/**
 * The exercise of `seed`: its director, then histories and questions drawn from the same seeded
 * stream until one passes `answerCanVary`; `skip` passes over that many such candidates first
 * (`acceptedExercise` skips those whose answer the engine shows cannot vary).
 */
export function generateExercise(seed: number, skip = 0): Exercise {
  const source = randomLcg((seed % 2 ** 31) / 2 ** 31)
  const int = (lo: number, hi: number) => randomInt.source(source)(lo, hi + 1)()
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]

  const scheduler = pick(['rr', 'wrr', 'lc', 'wlc', 'sh'] as const)
  const kind = pick(['ppc', 'pcc', 'ppc', 'pcc', 'none'] as const)
  const persist = pick([30, 60, 120, 300] as const)
  const nRs = int(2, 3)
  const servers = Array.from({ length: nRs }, (_, i) => `192.168.8.${101 + i}`)
  const weights = servers.map(() => (scheduler === 'wrr' || scheduler === 'wlc' ? int(1, 3) : 1))
  const cfg: Config = { scheduler, kind, persist, servers, weights }
  const port = kind === 'pcc' ? 0 : 80
  const svcOpt = `-t ${VIP}:${port}`
  const commands = [
    `ipvsadm -A ${svcOpt} -s ${scheduler}${kind === 'none' ? '' : ` -p ${persist}`}`,
    ...servers.map((s, i) => `ipvsadm -a ${svcOpt} -r ${s} -g -w ${weights[i]}`),
  ]
  if (kind === 'ppc') {
    commands.push(`ipvsadm -A -t ${VIP}:443 -s ${scheduler} -p ${persist}`)
    commands.push(...servers.map((s, i) => `ipvsadm -a -t ${VIP}:443 -r ${s} -g -w ${weights[i]}`))
  }

  // draw histories and questions until a question's answer can vary (a handful of draws at most)
  for (;;) {
    const clients = Array.from({ length: int(2, 4) }, () => `10.0.${int(0, 3)}.${int(2, 250)}`)
    const n = int(4, 7)
    const connections: ExerciseConnection[] = []
    const ports = new Set<number>()
    let at = 0
    for (let i = 0; i < n; i++) {
      let clientPort = int(...EPHEMERAL)
      while (ports.has(clientPort)) clientPort = int(...EPHEMERAL)
      ports.add(clientPort)
      connections.push({
        at,
        client: pick(clients),
        clientPort,
        proto: 'tcp',
        vip: VIP,
        vport: pick([80, 80, 443] as const),
        hold: pick([2, 5, 20, 60] as const),
      })
      at += int(5, Math.max(10, Math.round(persist * 0.8)))
    }
    const until = at + 120
    const scenario = { name: `Exercise ${seed}`, seed, commands, connections, until }
    let question: Exercise['question']
    if (int(0, 2) > 0) {
      const index = connections.length - 1
      question = { kind: 'rs', probe: { kind: 'connection-rs', index }, index, choices: [...servers, 'null'] }
    } else {
      // while the last connection's template is surely live: asked later, every template may have
      // expired whatever happened before, and the answer would always be 0
      const atSec = Math.round(connections[connections.length - 1].at + int(1, Math.min(60, persist - 1)))
      question = { kind: 'count', probe: { kind: 'metric', name: 'templatesLive', atMs: atSec * 1000 }, atSec }
    }
    if (answerCanVary(cfg, scenario, question) && skip-- === 0) return { seed, scenario, question }
  }
}

/** The engine's answer to a probe on a scenario (the worker's `probe`, or the page's `actions.probe`). */
export type AnswerOf = (
  scenario: Exercise['scenario'],
  probe: Probe,
) => Promise<{ ok: true; value: unknown } | { ok: false; error: string }>

/** How many candidates of one seed are tried before giving up (none has needed more than a few). */
export const MAX_CANDIDATES = 40

/**
 * The exercise of `seed` the class gets: the first candidate (`generateExercise(seed, k)`, k = 0, 1,
 * …) whose question has two or more reachable answers on the engine (`answerVariants`) — a
 * question whose answer no history could change (a `lc` director whose earlier connections are all
 * closed always picks the same server; a `wrr` 3:1 director may send every variant to the heavy
 * one) is skipped. Deterministic: the engine is, so every machine accepts the same candidate.
 */
export async function acceptedExercise(seed: number, answerOf: AnswerOf): Promise<Exercise> {
  let last: Exercise | null = null
  for (let k = 0; k < MAX_CANDIDATES; k++) {
    const ex = generateExercise(seed, k)
    last = ex
    if ((await reachableAnswers(ex, answerOf)).size >= 2) return ex
  }
  return last as Exercise
}

/** The distinct answers the engine gives across the exercise's `answerVariants`. */
export async function reachableAnswers(ex: Exercise, answerOf: AnswerOf): Promise<Set<unknown>> {
  const answers = new Set<unknown>()
  for (const v of answerVariants(ex)) {
    const a = await answerOf(v.scenario, v.probe)
    if (a.ok) answers.add(a.value)
  }
  return answers
}

/**
 * Scenarios that differ from the exercise's only in its history, the question unchanged: each
 * earlier connection left out in turn, each client's connections left out in turn (for "how
 * many templates"), and (for "which real server") the asked connection made by each other client
 * of the exercise and by a new one. The answers the engine gives across them
 * are the question's reachable answers; a question worth asking has two or more.
 */
export function answerVariants(ex: Exercise): { scenario: Exercise['scenario']; probe: Probe }[] {
  const { scenario, question } = ex
  const conns = scenario.connections
  const asked = question.kind === 'rs' ? question.index : conns.length
  const out: { scenario: Exercise['scenario']; probe: Probe }[] = [{ scenario, probe: question.probe }]
  for (let k = 0; k < asked; k++) {
    const connections = conns.filter((_, i) => i !== k)
    const probe: Probe = question.kind === 'rs' ? { kind: 'connection-rs', index: asked - 1 } : question.probe
    out.push({ scenario: { ...scenario, connections }, probe })
  }
  if (question.kind === 'count')
    for (const client of new Set(conns.map((c) => c.client)))
      out.push({
        scenario: { ...scenario, connections: conns.filter((c) => c.client !== client) },
        probe: question.probe,
      })
  if (question.kind === 'rs') {
    const others = [...new Set(conns.map((c) => c.client)), '10.0.9.9'].filter((c) => c !== conns[asked].client)
    for (const client of others) {
      const connections = conns.map((c, i) => (i === asked ? { ...c, client } : c))
      out.push({ scenario: { ...scenario, connections }, probe: question.probe })
    }
  }
  return out
}
