import { runScenario } from '/work/main/src/engine/index'
const scenario: any = {
  commands: ['ipvsadm -A -t 192.168.100.100:80 -s rr -p 300', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g -w 2',
  'ipvsadm -A -t 192.168.100.100:443 -s rr -p 300', 'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.101 -g -w 2', 'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.102 -g -w 2'],
  connections: [], midCommands: [], snapshots: [], until: 1200,
  traffic: { users: 4000, seed: 1, session: { keepAliveSeconds: 0 } },
}
const t0 = performance.now()
const r = runScenario(scenario, { metrics: true })
const dt = (performance.now() - t0) / 1000
console.log(r.traffic, 'seconds', dt.toFixed(2), 'conns/s', Math.round(r.traffic!.connections / dt), 'peak templates', r.metrics!.templates.peak)
