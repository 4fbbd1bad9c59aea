import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { recogniseImport, scenarioFromText } from './imports'
import { validateScenario } from './schema'

const CONF = `virtual_server 192.168.100.100 80 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    persistence_timeout 300
    real_server 192.168.8.101 80 {
        weight 2
    }
    real_server 192.168.8.102 80 {
        weight 2
    }
}
`
const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  sessionAffinity: ClientIP
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 8080
endpoints:
- addresses: [10.244.1.5]
- addresses: [10.244.2.7]
`

/** The director after the scenario's initial commands, as `ipvsadm -Ln` lists it (the scenario valid). */
function listed(sc: unknown): string {
  expect(validateScenario(sc).ok).toBe(true)
  const sim = new Simulator()
  const s = sc as { files: Record<string, string>; commands: string[] }
  for (const [p, t] of Object.entries(s.files)) sim.files.set(p, t)
  for (const c of s.commands) expect(sim.run(c).exit, c).toBe(0)
  return sim.run('ipvsadm -Ln').stdout
}

describe('a fresh lab from a pasted or opened text', () => {
  it('recognises a scenario file, a Kubernetes manifest and a keepalived.conf', () => {
    expect(recogniseImport('  {"name": "x"}')).toBe('scenario')
    expect(recogniseImport(MANIFEST)).toBe('kubernetes')
    expect(recogniseImport('---\nkind: Service\n')).toBe('kubernetes')
    expect(recogniseImport(CONF)).toBe('keepalived')
    expect(recogniseImport('! only a comment\n')).toBe('keepalived')
  })

  it('a keepalived.conf: the file in /etc/keepalived, systemctl start keepalived first, traffic at its first virtual server', () => {
    const a = scenarioFromText(CONF, 'lvs.conf')
    if (!a.ok) throw new Error(a.errors.join('\n'))
    expect(a.kind).toBe('keepalived')
    expect(a.scenario.files).toEqual({ '/etc/keepalived/keepalived.conf': CONF })
    expect(a.scenario.commands).toEqual(['systemctl start keepalived'])
    expect(a.scenario.traffic).toMatchObject({ vip: '192.168.100.100', httpPort: 80 })
    expect(listed(a.scenario)).toContain('TCP  192.168.100.100:80 rr persistent 300\n  -> 192.168.8.101:80')
  })

  it("a keepalived.conf with errors: keepalived's messages with their lines, no scenario", () => {
    const a = scenarioFromText(CONF.replace('lb_algo rr', 'lb_algo rrx').replace('weight 2', 'wieght 2'))
    expect(a).toEqual({
      ok: false,
      kind: 'keepalived',
      errors: [
        "(/etc/keepalived/keepalived.conf: Line 2) Invalid lvs_scheduler 'rrx' - ignoring",
        "(/etc/keepalived/keepalived.conf: Line 7) Unknown keyword 'wieght'",
        "Virtual server [192.168.100.100]:tcp:80: no scheduler set, setting default 'wlc'",
      ],
    })
  })

  it('a manifest: the file under /root, kube-proxy started, kubectl apply; ClientIP affinity is -p 10800', () => {
    const a = scenarioFromText(MANIFEST, 'web.yaml')
    if (!a.ok) throw new Error(a.errors.join('\n'))
    expect(a.kind).toBe('kubernetes')
    expect(a.scenario.files).toEqual({ '/root/web.yaml': MANIFEST })
    expect(a.scenario.commands).toEqual(['kube-proxy --proxy-mode=ipvs', 'kubectl apply -f web.yaml'])
    expect(a.scenario.traffic).toMatchObject({ vip: '10.96.0.10', httpPort: 80 })
    expect(listed(a.scenario)).toContain(
      'TCP  10.96.0.10:80 rr persistent 10800\n  -> 10.244.1.5:8080              Masq    1',
    )
  })

  it("a manifest the API server refuses: its words; YAML that does not parse: kubectl's", () => {
    expect(scenarioFromText(MANIFEST.replace('port: 80\n', 'port: 0\n'), 'web.yaml')).toEqual({
      ok: false,
      kind: 'kubernetes',
      errors: [
        'The Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    })
    const bad = scenarioFromText('apiVersion: v1\nkind: Service\nmetadata: [\n', 'x.yaml')
    expect(bad.ok).toBe(false)
    if (!bad.ok)
      expect(bad.errors[0]).toMatch(/^error: error parsing x\.yaml: error converting YAML to JSON: yaml: line \d+: /)
    expect(scenarioFromText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n')).toEqual({
      ok: false,
      kind: 'kubernetes',
      errors: ['error: no objects passed to apply'],
    })
  })

  it('a scenario file is checked as the lab opens one', () => {
    expect(scenarioFromText('{"until": -1}', 'a.json')).toMatchObject({ ok: false, kind: 'scenario' })
    expect(scenarioFromText('{"until": 60}', 'a.json')).toMatchObject({ ok: true, kind: 'scenario' })
  })
})
