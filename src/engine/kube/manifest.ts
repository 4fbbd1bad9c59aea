import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml'
import { parseDottedQuad } from '../net/ipv4'
import { parseIPv6 } from '../net/ipv6'

/**
 * Kubernetes manifests as kube-proxy sees them: `Service` (v1) and `EndpointSlice`
 * (discovery.k8s.io/v1), read from YAML (the `yaml` package; several documents separated by
 * `---`, or a `List`). Only the fields kube-proxy's IPVS mode reads are kept. What the API
 * server would refuse is refused with its words (`The Service "web" is invalid: …`,
 * k8s.io/kubernetes pkg/apis/core/validation ValidateService()), what it would fill in is filled
 * in (`protocol: TCP`, `targetPort` = `port`, `sessionAffinityConfig.clientIP.timeoutSeconds`
 * 10800 = DefaultClientIPServiceAffinitySeconds).
 *
 * A manifest normally leaves `clusterIP` and `nodePort` to the API server, which draws them at
 * random from the service CIDR and 30000–32767; the lab draws them in order instead (documented
 * in docs/kubernetes.md): ClusterIPs from 10.96.0.10 up, node ports from 30000 up.
 */

export type KubeProtocol = 'TCP' | 'UDP' | 'SCTP'

export interface ServicePort {
  name: string
  protocol: KubeProtocol
  port: number
  /** A number, or the name of the pods' port (looked up in the EndpointSlice's ports by the service port's name). */
  targetPort: number | string
  /** 0: none (type ClusterIP). */
  nodePort: number
}

export interface KubeService {
  namespace: string
  name: string
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer'
  /** spec.clusterIPs (or spec.clusterIP), allocated when absent; empty for a headless service (clusterIP: None). */
  clusterIPs: string[]
  externalIPs: string[]
  ports: ServicePort[]
  /** spec.sessionAffinity: ClientIP → persistence with `affinitySeconds`. */
  sessionAffinity: 'None' | 'ClientIP'
  affinitySeconds: number
}

export interface SliceEndpoint {
  addresses: string[]
  /** conditions.ready (absent: true), .serving (absent: ready), .terminating (absent: false). */
  ready: boolean
  serving: boolean
  terminating: boolean
}

export interface KubeEndpointSlice {
  namespace: string
  name: string
  /** The `kubernetes.io/service-name` label: the service it serves. */
  serviceName: string
  addressType: 'IPv4' | 'IPv6'
  ports: { name: string; protocol: KubeProtocol; port: number }[]
  endpoints: SliceEndpoint[]
}

export interface Manifests {
  services: KubeService[]
  slices: KubeEndpointSlice[]
}

/** DefaultClientIPServiceAffinitySeconds (k8s.io/api core/v1 types.go): three hours. */
export const DEFAULT_AFFINITY_SECONDS = 10800
/** MaxClientIPServiceAffinitySeconds: one day. */
export const MAX_AFFINITY_SECONDS = 86400
/** The first ClusterIP the lab hands out (10.96.0.0/12 is kubeadm's default service CIDR; .1 is the API server's, .10 kube-dns's). */
const FIRST_CLUSTER_IP = 0x0a60000a
/** The first node port the lab hands out (the default range is 30000–32767). */
const FIRST_NODE_PORT = 30000

/**
 * The lab's API server handing out ClusterIPs and node ports: the lowest free one from
 * 10.96.0.10 and from 30000 (a real one draws at random); addresses and ports given in a manifest
 * are taken as they are.
 */
export class Allocator {
  private readonly ips = new Set<string>()
  private readonly ports = new Set<number>()

  clusterIP(): string {
    for (let n = FIRST_CLUSTER_IP; ; n++) {
      const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
      if (!this.ips.has(ip)) return this.takeIP(ip)
    }
  }

  nodePort(): number {
    let p = FIRST_NODE_PORT
    while (this.ports.has(p)) p++
    return this.takePort(p)
  }

  takeIP(ip: string): string {
    this.ips.add(ip)
    return ip
  }

  takePort(p: number): number {
    this.ports.add(p)
    return p
  }

  copy(): Allocator {
    const a = new Allocator()
    for (const ip of this.ips) a.ips.add(ip)
    for (const p of this.ports) a.ports.add(p)
    return a
  }

  /** A deleted service's address and node ports are free again. */
  release(svc: KubeService): void {
    for (const ip of svc.clusterIPs) this.ips.delete(ip)
    for (const p of svc.ports) this.ports.delete(p.nodePort)
  }
}

/** How a parse hands out what a manifest leaves to the API server, and what was handed out before. */
export interface ParseOptions {
  alloc?: Allocator
  /** The service as applied before (an apply keeps its ClusterIP and node ports: they are immutable once set). */
  previous?: (namespace: string, name: string) => KubeService | undefined
}

type Obj = Record<string, unknown>
/** A value as the API server's messages quote it (JSON, strings bare). */
const quote = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

class Invalid extends Error {}

/** `The Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`. */
function invalid(kind: string, name: string, field: string, what: string): never {
  throw new Invalid(`The ${kind} "${name}" is invalid: ${field}: ${what}`)
}

const validIP = (s: string) => parseDottedQuad(s) !== null || (s.includes(':') && parseIPv6(s) !== null)

function protocolOf(v: unknown, kind: string, name: string, field: string): KubeProtocol {
  if (v === undefined) return 'TCP'
  if (v === 'TCP' || v === 'UDP' || v === 'SCTP') return v
  return invalid(kind, name, field, `Unsupported value: "${quote(v)}": supported values: "SCTP", "TCP", "UDP"`)
}

function portNumber(v: unknown, kind: string, name: string, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)
    return invalid(
      kind,
      name,
      field,
      `Invalid value: ${JSON.stringify(v ?? 0)}: must be between 1 and 65535, inclusive`,
    )
  return v
}

function service(doc: Obj, alloc: Allocator, previous: ParseOptions['previous']): KubeService {
  const meta = isObj(doc.metadata) ? doc.metadata : {}
  const name = typeof meta.name === 'string' ? meta.name : ''
  if (!name) invalid('Service', '', 'metadata.name', 'Required value: name or generateName is required')
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default'
  const before = previous?.(namespace, name)
  const spec = isObj(doc.spec) ? doc.spec : {}
  const type = spec.type ?? 'ClusterIP'
  if (type !== 'ClusterIP' && type !== 'NodePort' && type !== 'LoadBalancer')
    invalid(
      'Service',
      name,
      'spec.type',
      `Unsupported value: "${quote(type)}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
    )
  const rawPorts = Array.isArray(spec.ports) ? spec.ports : []
  if (rawPorts.length === 0) invalid('Service', name, 'spec.ports', 'Required value')
  const ports = rawPorts.map((p: unknown, i: number): ServicePort => {
    const f = `spec.ports[${i}]`
    const q = isObj(p) ? p : {}
    const port = portNumber(q.port, 'Service', name, `${f}.port`)
    const tp = q.targetPort ?? port
    const targetPort =
      typeof tp === 'string' && !/^\d+$/.test(tp) ? tp : portNumber(Number(tp), 'Service', name, `${f}.targetPort`)
    if (rawPorts.length > 1 && typeof q.name !== 'string') invalid('Service', name, `${f}.name`, 'Required value')
    let nodePort = 0
    if (type !== 'ClusterIP')
      nodePort =
        q.nodePort !== undefined
          ? alloc.takePort(portNumber(q.nodePort, 'Service', name, `${f}.nodePort`))
          : (before?.ports.find((b) => b.port === port && b.nodePort)?.nodePort ?? alloc.nodePort())
    return {
      name: typeof q.name === 'string' ? q.name : '',
      protocol: protocolOf(q.protocol, 'Service', name, `${f}.protocol`),
      port,
      targetPort,
      nodePort,
    }
  })
  const given = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : spec.clusterIP !== undefined ? [spec.clusterIP] : []
  let clusterIPs: string[]
  if (given[0] === 'None') clusterIPs = []
  else if (given.length > 0) {
    clusterIPs = given.map((ip, i) => {
      if (typeof ip !== 'string' || !validIP(ip))
        invalid('Service', name, `spec.clusterIPs[${i}]`, `Invalid value: "${quote(ip)}": must be a valid IP address`)
      return ip
    })
    // ValidateServiceUpdate(): spec.clusterIPs are immutable once set
    if (before && before.clusterIPs.length > 0 && before.clusterIPs[0] !== clusterIPs[0])
      invalid('Service', name, 'spec.clusterIPs[0]', `Invalid value: "${clusterIPs[0]}": may not change once set`)
    for (const ip of clusterIPs) alloc.takeIP(ip)
  } else clusterIPs = before && before.clusterIPs.length > 0 ? before.clusterIPs : [alloc.clusterIP()]
  const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(String) : []
  externalIPs.forEach((ip, i) => {
    if (!validIP(ip))
      invalid('Service', name, `spec.externalIPs[${i}]`, `Invalid value: "${ip}": must be a valid IP address`)
  })
  const affinity = spec.sessionAffinity ?? 'None'
  if (affinity !== 'None' && affinity !== 'ClientIP')
    invalid(
      'Service',
      name,
      'spec.sessionAffinity',
      `Unsupported value: "${quote(affinity)}": supported values: "ClientIP", "None"`,
    )
  const cfg =
    isObj(spec.sessionAffinityConfig) && isObj(spec.sessionAffinityConfig.clientIP)
      ? spec.sessionAffinityConfig.clientIP
      : {}
  const seconds = cfg.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS
  if (
    affinity === 'ClientIP' &&
    (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_AFFINITY_SECONDS)
  )
    invalid(
      'Service',
      name,
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      `Invalid value: ${JSON.stringify(seconds)}: must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`,
    )
  return {
    namespace,
    name,
    type,
    clusterIPs,
    externalIPs,
    ports,
    sessionAffinity: affinity,
    affinitySeconds: affinity === 'ClientIP' ? (seconds as number) : 0,
  }
}

function slice(doc: Obj): KubeEndpointSlice {
  const meta = isObj(doc.metadata) ? doc.metadata : {}
  const name = typeof meta.name === 'string' ? meta.name : ''
  if (!name) invalid('EndpointSlice', '', 'metadata.name', 'Required value: name or generateName is required')
  const labels = isObj(meta.labels) ? meta.labels : {}
  const serviceName = labels['kubernetes.io/service-name']
  if (typeof serviceName !== 'string')
    invalid(
      'EndpointSlice',
      name,
      'metadata.labels[kubernetes.io/service-name]',
      'Required value: kube-proxy ignores a slice without it',
    )
  const addressType = doc.addressType
  if (addressType !== 'IPv4' && addressType !== 'IPv6')
    invalid(
      'EndpointSlice',
      name,
      'addressType',
      `Unsupported value: "${quote(addressType)}": supported values: "IPv4", "IPv6"`,
    )
  const ports = (Array.isArray(doc.ports) ? doc.ports : []).map((p: unknown, i: number) => {
    const q = isObj(p) ? p : {}
    return {
      name: typeof q.name === 'string' ? q.name : '',
      protocol: protocolOf(q.protocol, 'EndpointSlice', name, `ports[${i}].protocol`),
      port: portNumber(q.port, 'EndpointSlice', name, `ports[${i}].port`),
    }
  })
  const endpoints = (Array.isArray(doc.endpoints) ? doc.endpoints : []).map((e: unknown, i: number): SliceEndpoint => {
    const q = isObj(e) ? e : {}
    const addresses = Array.isArray(q.addresses) ? q.addresses.map(String) : []
    if (addresses.length === 0) invalid('EndpointSlice', name, `endpoints[${i}].addresses`, 'Required value')
    addresses.forEach((a, j) => {
      const ok = addressType === 'IPv4' ? parseDottedQuad(a) !== null : a.includes(':') && parseIPv6(a) !== null
      if (!ok)
        invalid(
          'EndpointSlice',
          name,
          `endpoints[${i}].addresses[${j}]`,
          `Invalid value: "${a}": must be a valid ${addressType} address`,
        )
    })
    const c = isObj(q.conditions) ? q.conditions : {}
    const ready = c.ready !== false
    return {
      addresses,
      ready,
      serving: c.serving === undefined ? ready : c.serving !== false,
      terminating: c.terminating === true,
    }
  })
  return {
    namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default',
    name,
    serviceName,
    addressType,
    ports,
    endpoints,
  }
}

/**
 * The Services and EndpointSlices of a YAML text (other kinds are skipped: kube-proxy does not
 * read them), or the error kubectl or the API server would print.
 */
export function parseManifests(
  text: string,
  source = 'manifest',
  opts: ParseOptions = {},
): Manifests | { error: string } {
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines })
  const out: Manifests = { services: [], slices: [] }
  const alloc = opts.alloc ?? new Allocator()
  const list = Array.isArray(docs) ? docs : [docs]
  try {
    for (const doc of list) {
      const err = doc.errors[0]
      if (err) {
        const line = err.linePos?.[0].line ?? lines.linePos(err.pos[0]).line
        return {
          error: `error: error parsing ${source}: error converting YAML to JSON: yaml: line ${line}: ${err.message.split('\n')[0]}`,
        }
      }
      if (doc.contents === null) continue
      if (!isMap(doc.contents) && !isSeq(doc.contents))
        return { error: `error: error validating "${source}": error validating data: the document is not an object` }
      const value: unknown = doc.toJS()
      const items = isObj(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value]
      for (const item of items) {
        if (!isObj(item)) continue
        if (item.kind === undefined || item.apiVersion === undefined) {
          const missing = item.apiVersion === undefined ? 'apiVersion' : 'kind'
          return { error: `error: error validating "${source}": error validating data: ${missing} not set` }
        }
        if (item.kind === 'Service') out.services.push(service(item, alloc, opts.previous))
        else if (item.kind === 'EndpointSlice') out.slices.push(slice(item))
      }
    }
  } catch (e) {
    if (e instanceof Invalid) return { error: e.message }
    throw e
  }
  return out
}
