import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { readDirector } from '../ipvs/readApi'
import { asIPv4, type Port } from '../net/ipv4'
import type { SimMs } from '../sim/time'
import { desiredVirtualServers } from './kubeProxy'
import { type Manifests, parseManifests } from './manifest'
import { gracefulDeleteLines, newKubeProxyState, syncLines } from './sync'

const WEB = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: 10.96.0.20
  sessionAffinity: ClientIP
  ports:
  - name: http
    port: 80
    targetPort: http
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc12
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 8080
  protocol: TCP
endpoints:
- addresses: ["10.244.1.5"]
  conditions: {ready: true}
- addresses: ["10.244.2.7"]
- addresses: ["10.244.3.9"]
  conditions: {ready: false, serving: true, terminating: true}
`

/** The manifest without the endpoint of pod `ip`. */
const without = (text: string, ip: string) =>
  text.replace(new RegExp(`- addresses: \\["${ip.replaceAll('.', '\\.')}"\\]\\n( {2}conditions: \\{[^}]*\\}\\n)?`), '')

const ok = (text: string): Manifests => {
  const m = parseManifests(text)
  if ('error' in m) throw new Error(m.error)
  return m
}

describe('Kubernetes manifests, as the API server takes them', () => {
  it('fills what the API server fills: TCP, targetPort = port, ClientIP affinity 10800 s, ClusterIPs and node ports in order', () => {
    const m = ok(`apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  type: NodePort
  ports: [{port: 53, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: shop}
spec:
  sessionAffinity: ClientIP
  ports: [{port: 443}]
`)
    expect(m.services.map((s) => [s.namespace, s.name, s.clusterIPs, s.affinitySeconds])).toEqual([
      ['default', 'a', ['10.96.0.10'], 0],
      ['shop', 'b', ['10.96.0.11'], 10800],
    ])
    expect(m.services[0].ports).toEqual([{ name: '', protocol: 'UDP', port: 53, targetPort: 53, nodePort: 30000 }])
    expect(m.services[1].ports[0].protocol).toBe('TCP')
  })

  it('refuses what the API server refuses, in its words', () => {
    const svc = (spec: string) =>
      parseManifests(`apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n${spec}`) as { error: string }
    expect(svc('  ports: []').error).toBe('The Service "web" is invalid: spec.ports: Required value')
    expect(svc('  ports: [{port: 0}]').error).toBe(
      'The Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    )
    expect(
      svc(
        '  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 86401}}\n  ports: [{port: 80}]',
      ).error,
    ).toBe(
      'The Service "web" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
    )
    expect(svc('  ports: [{port: 80, protocol: ICMP}]').error).toMatch(
      /spec\.ports\[0\]\.protocol: Unsupported value: "ICMP"/,
    )
    expect(svc('  ports: [{port: 80}, {port: 81}]').error).toBe(
      'The Service "web" is invalid: spec.ports[0].name: Required value',
    )
    expect((parseManifests('kind: Service\nmetadata: {name: x}') as { error: string }).error).toBe(
      'error: error validating "manifest": error validating data: apiVersion not set',
    )
    expect((parseManifests('a: [1,\nb: 2', 'svc.yaml') as { error: string }).error).toMatch(
      /^error: error parsing svc\.yaml: error converting YAML to JSON: yaml: line \d+: /,
    )
  })
})

describe("kube-proxy's IPVS mode", () => {
  it('a virtual server per ClusterIP:port, rr, -p from the affinity; ready endpoints at the slice port, masquerading', () => {
    const [vs] = desiredVirtualServers(ok(WEB), { nodeIPs: ['192.168.8.1'] })
    expect(vs).toMatchObject({ protocol: 'TCP', addr: '10.96.0.20', port: 80, scheduler: 'rr', persistSeconds: 10800 })
    // the terminating one is left out while others are ready
    expect(vs.realServers).toEqual([
      { addr: '10.244.1.5', port: 8080 },
      { addr: '10.244.2.7', port: 8080 },
    ])
    const s = new Simulator()
    for (const line of syncLines([], [vs], newKubeProxyState())) expect(s.run(line).exit).toBe(0)
    expect(s.run('ipvsadm -Ln').stdout).toContain(
      [
        'TCP  10.96.0.20:80 rr persistent 10800',
        '  -> 10.244.1.5:8080              Masq    1      0          0         ',
        '  -> 10.244.2.7:8080              Masq    1      0          0         ',
      ].join('\n'),
    )
  })

  it('only terminating endpoints left: the serving ones are used; NodePort on every node address', () => {
    const m = ok(
      WEB.replace('clusterIP: 10.96.0.20', 'type: NodePort').replace(
        /- addresses: \["10\.244\.[12]\.\d"\]\n( {2}conditions: \{ready: true\}\n)?/g,
        '',
      ),
    )
    const vss = desiredVirtualServers(m, { nodeIPs: ['10.0.255.254', '192.168.8.1'], scheduler: 'wlc' })
    expect(vss.map((v) => `${v.addr}:${v.port} ${v.scheduler} ${v.realServers.map((r) => r.addr).join(',')}`)).toEqual([
      '10.96.0.10:80 wlc 10.244.3.9',
      '10.0.255.254:30000 wlc 10.244.3.9',
      '192.168.8.1:30000 wlc 10.244.3.9',
    ])
  })

  it('a pod that goes: weight 0 while it has connections, deleted by the next check once they end; one that comes back is deleted and added', () => {
    const s = new Simulator()
    const api = readDirector(s.director)
    const state = newKubeProxyState()
    const run = (lines: string[]) => {
      for (const l of lines) expect(s.run(l), l).toMatchObject({ exit: 0 })
      return lines
    }
    const m = ok(WEB)
    run(syncLines(api.services(), desiredVirtualServers(m, { nodeIPs: [] }), state))
    // a client connects: rr's first pick is the real server added last (the kernel adds at the
    // head of svc->destinations), a template binds it
    expect(s.handshake(asIPv4(0x0a000007), 40001 as Port, asIPv4(0x0a600014), 80 as Port)).toBe('connected')
    expect(s.handshakeEntry?.daddr).toBe(asIPv4(0x0af40207))
    // the pod 10.244.2.7 goes away
    const gone = ok(without(WEB, '10.244.2.7'))
    expect(run(syncLines(api.services(), desiredVirtualServers(gone, { nodeIPs: [] }), state))).toEqual([
      'ipvsadm -e -t 10.96.0.20:80 -r 10.244.2.7:8080 -m -w 0',
    ])
    // nothing to delete while its connection is open
    expect(gracefulDeleteLines(api.services(), state)).toEqual([])
    // with expire_quiescent_template 0 (the lab's default, not kube-proxy's), the template still sends the client there
    expect(s.handshake(asIPv4(0x0a000007), 40002 as Port, asIPv4(0x0a600014), 80 as Port)).toBe('connected')
    expect(s.handshakeEntry?.daddr).toBe(asIPv4(0x0af40207))
    // the pod comes back before the check: deleted, then added with weight 1
    expect(run(syncLines(api.services(), desiredVirtualServers(m, { nodeIPs: [] }), state))).toEqual([
      'ipvsadm -d -t 10.96.0.20:80 -r 10.244.2.7:8080',
      'ipvsadm -a -t 10.96.0.20:80 -r 10.244.2.7:8080 -m -w 1',
    ])
    expect(state.graceful.size).toBe(0)
    // a pod with no connections goes at once
    const gone2 = ok(without(WEB, '10.244.1.5'))
    expect(run(syncLines(api.services(), desiredVirtualServers(gone2, { nodeIPs: [] }), state))).toEqual([
      'ipvsadm -d -t 10.96.0.20:80 -r 10.244.1.5:8080',
    ])
  })

  it('the check deletes a listed real server once ActiveConn + InActConn is 0; UDP is never kept; a removed service is deleted', () => {
    const s = new Simulator()
    const api = readDirector(s.director)
    const state = newKubeProxyState()
    const UDP = WEB.replace('port: 80', 'port: 53\n    protocol: UDP').replace('protocol: TCP', 'protocol: UDP')
    const udp = ok(UDP)
    for (const l of syncLines(api.services(), desiredVirtualServers(udp, { nodeIPs: [] }), state)) s.run(l)
    expect(s.udpDatagram(asIPv4(0x0a000007), 40001 as Port, asIPv4(0x0a600014), 53 as Port)?.daddr).toBe(
      asIPv4(0x0af40207),
    )
    // the datagram's entry holds 10.244.2.7 (rr's first pick), yet UDP is deleted at once
    const gone = ok(without(UDP, '10.244.2.7'))
    const lines = syncLines(api.services(), desiredVirtualServers(gone, { nodeIPs: [] }), state)
    expect(lines).toEqual(['ipvsadm -d -u 10.96.0.20:53 -r 10.244.2.7:8080'])
    for (const l of lines) s.run(l)
    // the service goes
    expect(syncLines(api.services(), [], state)).toEqual(['ipvsadm -D -u 10.96.0.20:53'])
    expect(state.managed.size).toBe(0)

    // TCP: weight 0, then the check deletes it once its connection has closed and expired
    const t = new Simulator()
    const tapi = readDirector(t.director)
    const ts = newKubeProxyState()
    for (const l of syncLines(tapi.services(), desiredVirtualServers(ok(WEB), { nodeIPs: [] }), ts)) t.run(l)
    t.handshake(asIPv4(0x0a000007), 40001 as Port, asIPv4(0x0a600014), 80 as Port)
    const tgone = ok(without(WEB, '10.244.2.7'))
    for (const l of syncLines(tapi.services(), desiredVirtualServers(tgone, { nodeIPs: [] }), ts)) t.run(l)
    expect(ts.graceful.size).toBe(1)
    t.hangUp(asIPv4(0x0a000007), 40001 as Port, asIPv4(0x0a600014), 80 as Port, 'rst')
    expect(gracefulDeleteLines(tapi.services(), ts)).toEqual([])
    t.advanceTo(20_000 as SimMs)
    expect(gracefulDeleteLines(tapi.services(), ts)).toEqual(['ipvsadm -d -t 10.96.0.20:80 -r 10.244.2.7:8080'])
  })
})
