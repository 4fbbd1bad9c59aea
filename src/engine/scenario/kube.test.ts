import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScenario } from './run'
import { parseScenario } from './schema'

const load = (name: string) => {
  const p = parseScenario(readFileSync(join(import.meta.dirname, '../../../public/scenarios', name), 'utf8'))
  if (!p.ok) throw new Error(p.error)
  return p.scenario
}

describe('a scenario with kube-proxy: kube-pod-terminates.json', () => {
  const run = runScenario(load('kube-pod-terminates.json'), { metrics: true })
  const kp = run.commands.filter((c) => c.source === 'kube-proxy')

  it("records kube-proxy's lines among the commands, with source kube-proxy: its sysctls, then a virtual server per ClusterIP and node address", () => {
    expect(kp.filter((c) => c.at === 0).map((c) => c.cmd)).toEqual([
      'sysctl -w net.ipv4.vs.conntrack=1',
      'sysctl -w net.ipv4.vs.expire_nodest_conn=1',
      'sysctl -w net.ipv4.vs.expire_quiescent_template=1',
      'ipvsadm -A -t 10.96.0.10:80 -s rr -p 10800',
      'ipvsadm -a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 1',
      'ipvsadm -a -t 10.96.0.10:80 -r 10.244.2.7:8080 -m -w 1',
      'ipvsadm -a -t 10.96.0.10:80 -r 10.244.3.9:8080 -m -w 1',
      'ipvsadm -A -t 10.0.255.254:30080 -s rr -p 10800',
      'ipvsadm -a -t 10.0.255.254:30080 -r 10.244.1.5:8080 -m -w 1',
      'ipvsadm -a -t 10.0.255.254:30080 -r 10.244.2.7:8080 -m -w 1',
      'ipvsadm -a -t 10.0.255.254:30080 -r 10.244.3.9:8080 -m -w 1',
      'ipvsadm -A -t 192.168.8.1:30080 -s rr -p 10800',
      'ipvsadm -a -t 192.168.8.1:30080 -r 10.244.1.5:8080 -m -w 1',
      'ipvsadm -a -t 192.168.8.1:30080 -r 10.244.2.7:8080 -m -w 1',
      'ipvsadm -a -t 192.168.8.1:30080 -r 10.244.3.9:8080 -m -w 1',
    ])
    expect(kp.every((c) => c.exit === 0)).toBe(true)
  })

  it('the pod that leaves at 300 s: weight 0 where it has connections, deleted where it has none, and at the first minute check after they ended', () => {
    const later = kp.filter((c) => c.at > 0).map((c): [number, string] => [c.at, c.cmd])
    expect(later.slice(0, 3)).toEqual([
      [300, 'ipvsadm -d -t 10.96.0.10:80 -r 10.244.3.9:8080'],
      [300, 'ipvsadm -e -t 10.0.255.254:30080 -r 10.244.3.9:8080 -m -w 0'],
      [300, 'ipvsadm -d -t 192.168.8.1:30080 -r 10.244.3.9:8080'],
    ])
    const [at, cmd] = later[3]
    expect(cmd).toBe('ipvsadm -d -t 10.0.255.254:30080 -r 10.244.3.9:8080')
    // checks run every 60 s from kube-proxy's start at 0 s
    expect(at % 60).toBe(0)
    expect(at).toBeGreaterThan(300)
    expect(later).toHaveLength(4)
    const at310 = run.snapshots[0].outputs[0].stdout
    expect(at310).toMatch(/-> 10\.244\.3\.9:8080\s+Masq\s+0\s+\d+\s+[1-9]\d*/)
    expect(run.snapshots[1].outputs[0].stdout).not.toContain('10.244.3.9')
  })

  it("with kube-proxy's expire_quiescent_template=1, users bound to the pod move: their sessions break, nobody is refused", () => {
    const m = run.metrics
    expect(m?.refused).toBe(0)
    expect(m?.failedConnections).toBe(0)
    expect(m?.brokenSessions).toBeGreaterThan(0)
  })
})
