import { DEFAULT_CONF } from '../keepalived/daemon'
import { parseKeepalivedConf } from '../keepalived/parser'
import { parseManifests } from '../kube/manifest'
import { formatIPv4 } from '../net/ipv4'
import { DEFAULT_DIRECTOR } from '../wire/topology'
import { type ImportKind, recogniseImport } from './importKind'
import { parseScenario, type Scenario } from './schema'

export { type ImportKind, recogniseImport }

/**
 * A fresh lab from a text a user pasted or opened (issue 16): a keepalived.conf becomes a
 * scenario whose /etc/keepalived/keepalived.conf is that text and whose first command is
 * `systemctl start keepalived`; a Kubernetes manifest (Service + EndpointSlice YAML), one whose
 * /root/NAME.yaml is that text, started as docs/kubernetes.md says (`kube-proxy
 * --proxy-mode=ipvs`, then `kubectl apply -f NAME.yaml`). Either way the lab's usual traffic (150
 * users for 10 minutes) is aimed at the first virtual server the file makes. A text with errors
 * makes no scenario: the errors are keepalived's (`(FILE: Line N) …`) or kubectl's and the API
 * server's, as the programs themselves would print them.
 */

export type ImportAnswer =
  | { ok: true; kind: ImportKind; scenario: Scenario; name: string }
  | { ok: false; kind: ImportKind; errors: string[] }

/** The app's default traffic (as preset-ppc.json), at a virtual address and port. */
function traffic(vip: string, port: number): NonNullable<Scenario['traffic']> {
  return {
    users: 150,
    seed: 2026,
    duration: 600,
    arrivals: 'poisson',
    vip,
    httpPort: port,
    clients: [{ subnet: '10.0.0.0/16' }],
    session: {
      pages: { mean: 6, max: 30 },
      thinkSeconds: { mean: 15, max: 120 },
      connectionsPerPage: { min: 1, max: 3 },
      requestSeconds: 0.4,
      keepAliveSeconds: 0,
      httpsSwitch: { probability: 0 },
    },
  }
}

/** `web.yaml` from a file's name (or `manifest.yaml`): a name kubectl can be given under /root. */
function manifestFile(fileName: string): string {
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '')
  if (!base) return 'manifest.yaml'
  return /\.(ya?ml|json)$/i.test(base) ? base : `${base}.yaml`
}

function fromKeepalived(text: string, fileName: string): ImportAnswer {
  const parsed = parseKeepalivedConf(text, DEFAULT_CONF)
  if (!parsed.config) return { ok: false, kind: 'keepalived', errors: parsed.messages }
  const first = parsed.config.virtualServers.find((v) => v.addr !== null)
  const vip = first?.addr != null ? formatIPv4(first.addr) : '192.168.100.100'
  const name = `keepalived.conf${fileName ? ` (${fileName})` : ''}`
  return {
    ok: true,
    kind: 'keepalived',
    name,
    scenario: {
      name,
      description: `keepalived programs IPVS from this keepalived.conf (systemctl start keepalived); 150 users browse ${vip}:${first?.port || 80} for 10 minutes.`,
      descriptions: {
        'zh-CN': `keepalived 按这份 keepalived.conf 配置 IPVS（systemctl start keepalived）；150 个用户在 10 分钟内访问 ${vip}:${first?.port || 80}。`,
      },
      seed: 2026,
      files: { [DEFAULT_CONF]: text },
      commands: ['systemctl start keepalived'],
      connections: [],
      midCommands: [],
      snapshots: [],
      until: 600,
      traffic: traffic(vip, first?.port || 80),
    },
  }
}

function fromManifest(text: string, fileName: string): ImportAnswer {
  const file = manifestFile(fileName)
  const parsed = parseManifests(text, file)
  if ('error' in parsed) return { ok: false, kind: 'kubernetes', errors: [parsed.error] }
  if (parsed.services.length === 0 && parsed.slices.length === 0)
    return { ok: false, kind: 'kubernetes', errors: ['error: no objects passed to apply'] }
  // clients reach a NodePort service at the node's client-side address, another at its ClusterIP
  const svc = parsed.services.find((s) => s.clusterIPs.length > 0 && !s.clusterIPs[0].includes(':'))
  const port = svc?.ports.find((p) => p.protocol === 'TCP')
  const [vip, vport] =
    svc && port
      ? port.nodePort
        ? [DEFAULT_DIRECTOR.clientSide, port.nodePort]
        : [svc.clusterIPs[0], port.port]
      : [DEFAULT_DIRECTOR.clientSide, 80]
  const name = `Kubernetes: ${file}`
  return {
    ok: true,
    kind: 'kubernetes',
    name,
    scenario: {
      name,
      description: `kube-proxy in IPVS mode on this node (kube-proxy --proxy-mode=ipvs, kubectl apply -f ${file}); 150 users browse ${vip}:${vport} for 10 minutes.`,
      descriptions: {
        'zh-CN': `本节点上的 kube-proxy 运行在 IPVS 模式（kube-proxy --proxy-mode=ipvs，kubectl apply -f ${file}）；150 个用户在 10 分钟内访问 ${vip}:${vport}。`,
      },
      seed: 2026,
      files: { [`/root/${file}`]: text },
      commands: ['kube-proxy --proxy-mode=ipvs', `kubectl apply -f ${file}`],
      connections: [],
      midCommands: [],
      snapshots: [],
      until: 600,
      traffic: traffic(vip, vport),
    },
  }
}

/**
 * A keepalived.conf or a Kubernetes manifest as a fresh lab's scenario, or the errors the
 * programs would print; a scenario file checked as the lab opens one. `kind` overrides the
 * recognition.
 */
export function scenarioFromText(text: string, fileName = '', kind: ImportKind = recogniseImport(text)): ImportAnswer {
  if (kind === 'kubernetes') return fromManifest(text, fileName)
  if (kind === 'keepalived') return fromKeepalived(text, fileName)
  const check = parseScenario(text)
  if (!check.ok) return { ok: false, kind, errors: [fileName ? `${fileName}: ${check.error}` : check.error] }
  return { ok: true, kind, scenario: check.scenario, name: check.scenario.name ?? fileName }
}
