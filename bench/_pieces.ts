import { TrafficGenerator } from '../src/engine/traffic/generator'
import { Simulator, newClientTcp } from '../src/engine/sim/simulator'
import type { SimMs } from '../src/engine/sim/time'

let t0 = performance.now()
const gen = new TrafficGenerator({ users: 20000, seed: 1, session: { keepAliveSeconds: 0 } }, { seed: 1, untilSec: 1200 })
let n = 0
const reqs = []
for (let t = 0; t <= 1201000; t += 1000) { const r = gen.pull(t); n += r.length; reqs.push(...r) }
console.log('generator', n, 'reqs in', (performance.now() - t0).toFixed(0), 'ms')

const sim = new Simulator()
for (const l of ['ipvsadm -A -t 192.168.100.100:80 -s rr -p 300', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g -w 2', 'ipvsadm -A -t 192.168.100.100:443 -s rr -p 300', 'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.101 -g -w 2', 'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.102 -g -w 2']) sim.run(l)
t0 = performance.now()
for (const r of reqs) {
  sim.advanceTo(r.at)
  const c = newClientTcp(r.client, r.clientPort, r.vip, r.vport)
  sim.tcpConnect(c)
  sim.tcpClose(c, 'fin')
}
const dt = performance.now() - t0
console.log('director', reqs.length, 'conns in', dt.toFixed(0), 'ms =', Math.round(reqs.length / dt * 1000), '/s; live', sim.director.table.size)
