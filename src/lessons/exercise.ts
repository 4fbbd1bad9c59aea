import { randomInt, randomLcg } from 'd3-random'
import type { Probe } from '../worker/protocol'

/**
 * Exercises generated from a seed: a small director and a client history, and a question the
 * student answers and the engine checks. The same seed gives the same exercise everywhere, so
 * a teacher can give the whole class one.
 */
export interface Exercise {
  seed: number
  scenario: {
    name: string
    seed: number
    commands: string[]
    connections: {
      at: number
      client: string
      clientPort: number
      proto: 'tcp'
      vip: string
      vport: number
      hold: number
    }[]
    until: number
  }
  question:
    | { kind: 'rs'; probe: Probe; index: number; choices: string[] }
    | { kind: 'count'; probe: Probe; atSec: number }
}

const VIP = '192.168.100.100'

export function generateExercise(seed: number): Exercise {
  const source = randomLcg((seed % 2 ** 31) / 2 ** 31)
  const int = (lo: number, hi: number) => randomInt.source(source)(lo, hi + 1)()
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]

  const scheduler = pick(['rr', 'wrr', 'lc', 'wlc', 'sh'] as const)
  const kind = pick(['ppc', 'pcc', 'ppc', 'pcc', 'none'] as const)
  const persist = pick([30, 60, 120, 300] as const)
  const nRs = int(2, 3)
  const servers = Array.from({ length: nRs }, (_, i) => `192.168.8.${101 + i}`)
  const weights = servers.map(() => (scheduler === 'wrr' || scheduler === 'wlc' ? int(1, 3) : 1))
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
  const clients = Array.from({ length: int(2, 4) }, () => `10.0.${int(0, 3)}.${int(2, 250)}`)
  const n = int(4, 7)
  const connections: Exercise['scenario']['connections'] = []
  let at = 0
  for (let i = 0; i < n; i++) {
    connections.push({
      at,
      client: pick(clients),
      clientPort: 40000 + i,
      proto: 'tcp',
      vip: VIP,
      vport: pick([80, 80, 443] as const),
      hold: pick([2, 5, 20, 60] as const),
    })
    at += int(5, Math.max(10, Math.round(persist * 0.8)))
  }
  const until = at + 120
  const scenario = { name: `Exercise ${seed}`, seed, commands, connections, until }
  if (int(0, 2) > 0) {
    const index = connections.length - 1
    return {
      seed,
      scenario,
      question: { kind: 'rs', probe: { kind: 'connection-rs', index }, index, choices: [...servers, 'null'] },
    }
  }
  const atSec = Math.round(connections[connections.length - 1].at + int(1, 60))
  return {
    seed,
    scenario,
    question: { kind: 'count', probe: { kind: 'metric', name: 'templatesLive', atMs: atSec * 1000 }, atSec },
  }
}
