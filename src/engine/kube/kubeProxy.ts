import type { KubeEndpointSlice, KubeProtocol, KubeService, Manifests } from './manifest'

/**
 * What kube-proxy's IPVS mode makes of Services and EndpointSlices (k8s.io/kubernetes
 * pkg/proxy/ipvs/proxier.go, syncProxyRules() → syncService() / syncEndpoint()): a virtual server
 * per ClusterIP:port, per external IP:port and, for NodePort and LoadBalancer services, per node
 * address:nodePort; the scheduler of `--ipvs-scheduler` (rr when unset); with
 * `sessionAffinity: ClientIP` the persistent flag and the affinity's timeout (and, as every
 * service kube-proxy makes, netmask 255.255.255.255 / 128: pkg/proxy/ipvs/util toIPVSService());
 * its real servers the endpoints' addresses at the slice's port, weight 1, masquerading (kube-proxy
 * sets no forwarding flag: 0 is IP_VS_CONN_F_MASQ).
 */

export interface KubeRealServer {
  addr: string
  port: number
}

export interface KubeVirtualServer {
  protocol: KubeProtocol
  addr: string
  port: number
  scheduler: string
  /** 0: not persistent. */
  persistSeconds: number
  realServers: KubeRealServer[]
  /** `namespace/name:port-name`, as kube-proxy's logs name a service port. */
  servicePort: string
}

export interface KubeProxyOptions {
  /** `--ipvs-scheduler` (kube-proxy: rr when empty). */
  scheduler?: string
  /** The node's addresses NodePort services listen on (kube-proxy: the node's IPs, not kube-ipvs0's). */
  nodeIPs: string[]
}

const isV6 = (ip: string) => ip.includes(':')

/**
 * The endpoints kube-proxy uses for a service port (pkg/proxy/topology.go CategorizeEndpoints(),
 * no topology hints, Cluster traffic policy): the ready ones; when none is ready, the serving
 * terminating ones (ProxyTerminatingEndpoints, GA in 1.28) — never one that is not serving.
 */
function endpointsOf(
  svc: KubeService,
  portName: string,
  protocol: KubeProtocol,
  slices: KubeEndpointSlice[],
  v6: boolean,
): KubeRealServer[] {
  const mine = slices.filter(
    (s) => s.namespace === svc.namespace && s.serviceName === svc.name && (s.addressType === 'IPv6') === v6,
  )
  const ready: KubeRealServer[] = []
  const terminating: KubeRealServer[] = []
  for (const s of mine) {
    const port = s.ports.find((p) => p.name === portName && p.protocol === protocol)
    if (!port) continue
    for (const e of s.endpoints) {
      // kube-proxy takes an endpoint's first address (endpointslicecache.go addEndpoints())
      const rs = { addr: e.addresses[0], port: port.port }
      if (e.ready) ready.push(rs)
      else if (e.serving && e.terminating) terminating.push(rs)
    }
  }
  const chosen = ready.length > 0 ? ready : terminating
  const seen = new Set<string>()
  return chosen.filter((rs) => {
    const k = `${rs.addr}|${rs.port}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** The virtual servers kube-proxy wants for these manifests, in the order it syncs them. */
export function desiredVirtualServers(m: Manifests, opts: KubeProxyOptions): KubeVirtualServer[] {
  const scheduler = opts.scheduler || 'rr'
  const out: KubeVirtualServer[] = []
  for (const svc of m.services) {
    for (const p of svc.ports) {
      const servicePort = `${svc.namespace}/${svc.name}${p.name ? `:${p.name}` : ''}`
      const vs = (addr: string, port: number): KubeVirtualServer => ({
        protocol: p.protocol,
        addr,
        port,
        scheduler,
        persistSeconds: svc.sessionAffinity === 'ClientIP' ? svc.affinitySeconds : 0,
        realServers: endpointsOf(svc, p.name, p.protocol, m.slices, isV6(addr)),
        servicePort,
      })
      for (const ip of svc.clusterIPs) out.push(vs(ip, p.port))
      for (const ip of svc.externalIPs) out.push(vs(ip, p.port))
      if (p.nodePort) for (const ip of opts.nodeIPs) out.push(vs(ip, p.nodePort))
    }
  }
  return out
}

/**
 * The sysctls kube-proxy's IPVS mode sets when it starts (proxier.go NewProxier()): conntrack 1
 * (its iptables rules need the connections tracked), expire_nodest_conn 1, expire_quiescent_template
 * 1, ip_forward 1; conn_reuse_mode is left as it is on kernels from 5.9 on (this one is 6.1);
 * arp_ignore 1 / arp_announce 2 only with `strictARP`.
 */
export function kubeProxySysctls(strictARP = false): string[] {
  return [
    'net.ipv4.vs.conntrack=1',
    'net.ipv4.vs.expire_nodest_conn=1',
    'net.ipv4.vs.expire_quiescent_template=1',
    'net.ipv4.ip_forward=1',
    ...(strictARP ? ['net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2'] : []),
  ]
}
