/**
 * `npm run bench`: the engine's speed and memory, one JSON object per line (`name`, `value`,
 * `unit`), then a table. Run with `--expose-gc` (the npm script does) so heap deltas are exact.
 *
 *   engine.conns_per_s      connections (SYN … FIN, every packet through the director) per second
 *                           of wall time, one core, rr -p 300, ~10,000 live templates, traffic
 *                           from the synthetic model, generation included (runScenario)
 *   baseline.conns_per_s    the least the same work needs: one keyed map lookup and one
 *                           timer-queue push per connection, same process, same count
 *   memory.*                heap per live template / connection, filled to 100 k and 1 M
 *
 * Pass `--quick` for a short run (used by the test suite's smoke check).
 */

import { newClientTcp, Simulator } from '../src/engine/host/simulator'
import { runScenario } from '../src/engine/scenario/run'
import type { Scenario } from '../src/engine/scenario/schema'
import { validateScenario } from '../src/engine/scenario/schema'

const quick = process.argv.includes('--quick')
const gc = (globalThis as { gc?: () => void }).gc
const results: { name: string; value: number; unit: string }[] = []
const report = (name: string, value: number, unit: string) => {
  const r = { name, value: Number(value.toPrecision(6)), unit }
  results.push(r)
  console.log(JSON.stringify(r))
}

const VIP = '192.168.100.100'
const RS = ['192.168.8.101', '192.168.8.102']

/** The director of the classroom cases with a given scheduler (and the fwmark variant's 10 rules). */
function commands(variant: string): string[] {
  if (variant === 'fwmark') {
    const rules = Array.from(
      { length: 9 },
      (_, i) =>
        `iptables -t mangle -A PREROUTING -d 192.168.100.${200 + i} -p tcp --dport 80 -j MARK --set-mark ${i + 1}`,
    )
    return [
      ...rules,
      `iptables -t mangle -A PREROUTING -d ${VIP} -p tcp -m multiport --dports 80,443 -j MARK --set-mark 80`,
      'ipvsadm -A -f 80 -s rr -p 300',
      ...RS.map((rs) => `ipvsadm -a -f 80 -r ${rs} -g -w 2`),
    ]
  }
  return [80, 443].flatMap((port) => [
    `ipvsadm -A -t ${VIP}:${port} -s ${variant} -p 300`,
    ...RS.map((rs) => `ipvsadm -a -t ${VIP}:${port} -r ${rs} -g -w 2`),
  ])
}

function trafficScenario(variant: string, users: number, seconds: number): Scenario {
  const check = validateScenario({
    name: `bench-${variant}`,
    seed: 7,
    commands: commands(variant),
    until: seconds,
    // the listing of every entry at the end is not what this measures
    finalCmds: ['ipvsadm -Ln'],
    traffic: {
      users,
      duration: seconds,
      arrivals: 'poisson',
      clients: [{ subnet: '10.0.0.0/8' }],
      session: {
        pages: { mean: 6, max: 30 },
        thinkSeconds: { mean: 10, max: 60 },
        connectionsPerPage: { min: 1, max: 4 },
        keepAliveSeconds: 0,
        httpsSwitch: { probability: 0.5, afterPage: 3 },
      },
    },
  })
  if (!check.ok) throw new Error(check.error)
  return check.scenario
}

/** Run the product path (runScenario) and time it; returns conns/s and the live templates at the end. */
function engineRun(variant: string): { connsPerSecond: number; liveTemplates: number; connections: number } {
  // ~10,000 templates live at once: users arrive steadily, each template lives -p 300 past its last connection
  const seconds = quick ? 120 : 1200
  const users = quick ? 3000 : 30000
  const scenario = trafficScenario(variant, users, seconds)
  let sim: Simulator | null = null
  const t0 = performance.now()
  const r = runScenario(scenario, { setup: (s) => (sim = s) })
  const dt = (performance.now() - t0) / 1000
  let liveTemplates = 0
  // read the templates at the busiest moment we can see cheaply: the end of the run
  for (const c of (sim as unknown as Simulator).director.table.all) if (c.isTemplate) liveTemplates++
  const connections = r.traffic?.connections ?? 0
  return { connsPerSecond: connections / dt, liveTemplates, connections }
}

/** The floor: one Map lookup and one binary-heap push per connection, nothing else. */
function baseline(count: number): number {
  const keys = new Float64Array(count)
  for (let i = 0; i < count; i++) keys[i] = ((i * 2654435761) >>> 0) % 20000
  const map = new Map<number, { at: number }>()
  for (let k = 0; k < 20000; k++) map.set(k, { at: 0 })
  const heapAt = new Float64Array(count + 1)
  let n = 0
  let sink = 0
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    const entry = map.get(keys[i])
    sink += entry ? entry.at : 1
    const at = i + (keys[i] % 1000)
    let j = n++
    while (j > 0) {
      const parent = (j - 1) >> 1
      if (heapAt[parent] <= at) break
      heapAt[j] = heapAt[parent]
      j = parent
    }
    heapAt[j] = at
  }
  const dt = (performance.now() - t0) / 1000
  if (sink < 0) console.log(sink)
  return count / dt
}

/** Heap bytes per entry: `count` clients, each with one open connection (and a template when persistent). */
function memoryPer(count: number, persistent: boolean): number {
  gc?.()
  const sim = new Simulator()
  sim.run(`ipvsadm -A -t ${VIP}:80 -s rr${persistent ? ' -p 300' : ''}`)
  for (const rs of RS) sim.run(`ipvsadm -a -t ${VIP}:80 -r ${rs} -g -w 2`)
  gc?.()
  const before = process.memoryUsage().heapUsed
  const vip = 0xc0a86464
  for (let i = 0; i < count; i++) {
    const c = newClientTcp((0x0a000000 + i) as never, 40000 + (i % 20000), vip as never, 80)
    sim.tcpConnect(c)
  }
  gc?.()
  const after = process.memoryUsage().heapUsed
  if (sim.director.table.size < count) throw new Error('entries missing')
  return (after - before) / count
}

if (!gc) console.error('note: run with node --expose-gc for exact heap figures (npm run bench does)')

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7)
const variants = ['rr', 'wlc', 'sh', 'mh', 'fwmark'].filter((v) => !only || v === only)
const engine: Record<string, ReturnType<typeof engineRun>> = {}
for (const v of variants) {
  engineRun(v) // warm-up: JIT and caches
  engine[v] = engineRun(v)
  const name = v === 'rr' ? 'engine' : `engine.${v === 'fwmark' ? 'fwmark_10_rules' : v}`
  report(`${name}.conns_per_s`, engine[v].connsPerSecond, 'conns/s')
  report(`${name}.live_templates`, engine[v].liveTemplates, 'templates')
}
if (only) process.exit(0)
const base = baseline(engine.rr.connections)
report('baseline.conns_per_s', base, 'conns/s')
report('engine.ratio_to_baseline', engine.rr.connsPerSecond / base, 'ratio')

const sizes = quick ? [10_000] : [100_000, 1_000_000]
for (const n of sizes) {
  const perConn = memoryPer(n, false)
  const perPair = memoryPer(n, true)
  const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`
  report(`memory.per_connection.at_${label}`, perConn, 'bytes')
  report(`memory.per_template.at_${label}`, perPair - perConn, 'bytes')
}

console.log('')
console.log('benchmark                                   value        unit')
for (const r of results) console.log(`${r.name.padEnd(42)} ${String(r.value).padStart(12)}  ${r.unit}`)
console.log('')
console.log(
  `targets: engine ≥ 1,000,000 conns/s → ${engine.rr.connsPerSecond >= 1e6 ? 'met' : 'NOT met'}; ratio ≥ 0.3 → ${engine.rr.connsPerSecond / base >= 0.3 ? 'met' : 'NOT met'}`,
)
