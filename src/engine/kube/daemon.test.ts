import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { readDirector } from '../ipvs/readApi'
import { asIPv4, type Port } from '../net/ipv4'
import type { SimMs } from '../sim/time'
import { KubeCluster, kubectlProgram } from './cluster'
import { KubeProxy, kubeProxyProgram } from './daemon'

const SVC = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}
  ports: [{name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
- addresses: [10.244.1.5]
- addresses: [10.244.2.7]
`

/** A node: the director's shell, the cluster, kube-proxy, the files kubectl reads. */
function node() {
  const sim = new Simulator()
  const cluster = new KubeCluster()
  const proxy = new KubeProxy()
  const files = new Map<string, string>([['/root/web.yaml', SVC]])
  const host = () => ({
    now: sim.now as number,
    cluster,
    services: () => readDirector(sim.director).services(),
    run: (line: string) => sim.run(line),
    nodeIPs: ['10.0.255.254', '192.168.8.1'],
  })
  const kubectl = (line: string) =>
    kubectlProgram({ cluster, files, changed: () => proxy.changed(host()) }, line.split(' ').slice(1))
  const lines = () => proxy.takeCommands().map((c) => c.cmd)
  /** Simulated time to `t` ms, kube-proxy's timers firing at their times. */
  const advance = (t: number) => {
    for (let due = proxy.nextDue(); due <= t; due = proxy.nextDue()) {
      sim.advanceTo(due as SimMs)
      proxy.fire(host())
    }
    sim.advanceTo(t as SimMs)
  }
  return { sim, cluster, proxy, files, host, kubectl, lines, advance }
}

describe('kubectl and kube-proxy on the director', () => {
  it('kubectl apply: created, unchanged, configured; kube-proxy starts, sets its sysctls and programs IPVS', () => {
    const n = node()
    expect(n.kubectl('kubectl apply -f web.yaml')).toEqual({
      stdout: 'service/web created\nendpointslice.discovery.k8s.io/web-1 created\n',
      stderr: '',
      exit: 0,
    })
    expect(n.kubectl('kubectl apply -f /root/web.yaml').stdout).toBe(
      'service/web unchanged\nendpointslice.discovery.k8s.io/web-1 unchanged\n',
    )
    expect(kubeProxyProgram(n.proxy, n.host(), ['--proxy-mode=ipvs']).exit).toBe(0)
    expect(n.lines()).toEqual([
      'sysctl -w net.ipv4.vs.conntrack=1',
      'sysctl -w net.ipv4.vs.expire_nodest_conn=1',
      'sysctl -w net.ipv4.vs.expire_quiescent_template=1',
      'ipvsadm -A -t 10.96.0.10:80 -s rr -p 600',
      'ipvsadm -a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 1',
      'ipvsadm -a -t 10.96.0.10:80 -r 10.244.2.7:8080 -m -w 1',
    ])
    expect(n.sim.run('ipvsadm -Ln').stdout).toContain('TCP  10.96.0.10:80 rr persistent 600')
    // a changed affinity: -E at once; the ClusterIP stays
    n.files.set('/root/web.yaml', SVC.replace('timeoutSeconds: 600', 'timeoutSeconds: 60'))
    expect(n.kubectl('kubectl apply -f web.yaml').stdout).toBe(
      'service/web configured\nendpointslice.discovery.k8s.io/web-1 unchanged\n',
    )
    expect(n.lines()).toEqual(['ipvsadm -E -t 10.96.0.10:80 -s rr -p 60'])
  })

  it('undoes a hand-made ipvsadm change at its next sync, 30 s after the last; refuses what kubectl and the API server refuse', () => {
    const n = node()
    n.kubectl('kubectl apply -f web.yaml')
    kubeProxyProgram(n.proxy, n.host(), ['--proxy-mode', 'ipvs', '--ipvs-scheduler=wlc'])
    n.lines()
    n.advance(10_000)
    n.sim.run('ipvsadm -d -t 10.96.0.10:80 -r 10.244.1.5:8080')
    n.advance(29_999)
    expect(n.lines()).toEqual([])
    n.advance(30_000)
    expect(n.lines()).toEqual(['ipvsadm -a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 1'])

    expect(kubeProxyProgram(new KubeProxy(), n.host(), []).stderr).toBe(
      "kube-proxy: this lab models --proxy-mode=ipvs only (kube-proxy's default on Linux is iptables)\n",
    )
    expect(n.kubectl('kubectl apply').stderr).toBe('error: must specify one of -f and -k\n')
    expect(n.kubectl('kubectl apply -f nope.yaml').stderr).toBe('error: the path "nope.yaml" does not exist\n')
    n.files.set('/root/web.yaml', SVC.replace('spec:\n', 'spec:\n  clusterIP: 10.96.0.99\n'))
    expect(n.kubectl('kubectl apply -f web.yaml').stderr).toBe(
      'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.99": may not change once set\n',
    )
    n.files.set('/root/web.yaml', SVC)
    expect(n.kubectl('kubectl delete -f web.yaml').stdout).toBe(
      'service "web" deleted\nendpointslice.discovery.k8s.io "web-1" deleted\n',
    )
    expect(n.lines()).toEqual(['ipvsadm -D -t 10.96.0.10:80'])
    expect(n.kubectl('kubectl delete -f web.yaml')).toMatchObject({
      stderr:
        'Error from server (NotFound): error when deleting "web.yaml": services "web" not found\nError from server (NotFound): error when deleting "web.yaml": endpointslices.discovery.k8s.io "web-1" not found\n',
      exit: 1,
    })
  })

  it('a pod that goes with a connection open: weight 0, deleted by the minute check after the connection ended', () => {
    const n = node()
    n.kubectl('kubectl apply -f web.yaml')
    kubeProxyProgram(n.proxy, n.host(), ['--proxy-mode=ipvs'])
    n.lines()
    // rr's first pick: the real server added last (list_add at the head of svc->destinations)
    expect(n.sim.handshake(asIPv4(0x0a000007), 40001 as Port, asIPv4(0x0a60000a), 80 as Port)).toBe('connected')
    expect(n.sim.handshakeEntry?.daddr).toBe(asIPv4(0x0af40207))
    n.advance(5_000)
    n.files.set('/root/web.yaml', SVC.replace('- addresses: [10.244.2.7]\n', ''))
    n.kubectl('kubectl apply -f web.yaml')
    expect(n.lines()).toEqual(['ipvsadm -e -t 10.96.0.10:80 -r 10.244.2.7:8080 -m -w 0'])
    // with kube-proxy's expire_quiescent_template=1 the client's template is dropped at its next use
    expect(n.sim.handshake(asIPv4(0x0a000007), 40002 as Port, asIPv4(0x0a60000a), 80 as Port)).toBe('connected')
    expect(n.sim.handshakeEntry?.daddr).toBe(asIPv4(0x0af40105))
    // the first connection still holds .2.7: the check at 60 s keeps it
    n.advance(60_000)
    expect(n.lines()).toEqual([])
    n.sim.hangUp(asIPv4(0x0a000007), 40001 as Port, asIPv4(0x0a60000a), 80 as Port, 'rst')
    // its entry lingers in CLOSE for 10 s; the check at 120 s deletes the real server
    n.advance(120_000)
    expect(n.lines()).toEqual(['ipvsadm -d -t 10.96.0.10:80 -r 10.244.2.7:8080'])
  })
})
