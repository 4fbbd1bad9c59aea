import type { ServiceReadView } from '../ipvs/readApi'
import { formatAddr } from '../net/ipv6'
import type { KubeRealServer, KubeVirtualServer } from './kubeProxy'
import type { KubeProtocol } from './manifest'

/**
 * kube-proxy's IPVS sync as the command lines it amounts to (k8s.io/kubernetes
 * pkg/proxy/ipvs/proxier.go syncService(), syncEndpoint(), cleanLegacyService();
 * graceful_termination.go). kube-proxy talks netlink, not ipvsadm; each call it makes is written
 * here as the `ipvsadm` line that makes the same change, so the change goes through the lab's one
 * command path (journaled, replayable, on the timeline):
 *
 * - a virtual server it wants and the director lacks: AddVirtualServer → `-A`; one whose
 *   scheduler or persistence differs: UpdateVirtualServer → `-E`;
 * - an endpoint new to a virtual server: AddRealServer → `-a … -m -w 1`; an endpoint that comes
 *   back while its real server waits in the graceful-termination list: deleted (`-d`), then added;
 * - an endpoint gone: GracefulDeleteRS() — deleted at once (`-d`) when it has no connections or the
 *   protocol is UDP or SCTP (IsRsGracefulTerminationNeeded()), else set to weight 0 (`-e … -w 0`)
 *   and listed; every rsCheckDeleteInterval (1 minute) tryDeleteRs() deletes the listed ones whose
 *   ActiveConn + InActConn reached 0;
 * - a virtual server it made and no longer wants: DeleteVirtualServer → `-D`.
 */

/** graceful_termination.go rsCheckDeleteInterval. */
export const RS_CHECK_DELETE_INTERVAL_MS = 60_000

/** What kube-proxy remembers between syncs: the virtual servers it made, the real servers waiting to be deleted. */
export interface KubeProxyState {
  /** vsKey() of every virtual server kube-proxy added. */
  managed: Set<string>
  /** `vsKey/rsKey` of every real server set to weight 0 and waiting for its connections to end. */
  graceful: Set<string>
}

export const newKubeProxyState = (): KubeProxyState => ({ managed: new Set(), graceful: new Set() })

const PROTO_OPT: Record<KubeProtocol, string> = { TCP: '-t', UDP: '-u', SCTP: '--sctp-service' }
const PROTO_OF_NUM: Record<number, KubeProtocol> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' }

const hostPort = (addr: string, port: number) => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`)

/** A virtual server as kube-proxy's logs and this module key it: `TCP/10.96.0.10:80`. */
export const vsKey = (protocol: KubeProtocol, addr: string, port: number) => `${protocol}/${hostPort(addr, port)}`
const rsKey = (rs: KubeRealServer) => hostPort(rs.addr, rs.port)

/** A graceful-termination entry's two halves. */
function splitGraceful(key: string): { vs: string; rs: string } {
  const i = key.lastIndexOf('/')
  return { vs: key.slice(0, i), rs: key.slice(i + 1) }
}

/** `-t 10.96.0.10:80` from a key. */
function vsOpt(key: string): string {
  const [proto, hp] = key.split(/\/(.*)/s)
  return `${PROTO_OPT[proto as KubeProtocol]} ${hp}`
}

function currentByKey(services: readonly ServiceReadView[]): Map<string, ServiceReadView> {
  const m = new Map<string, ServiceReadView>()
  for (const s of services) {
    const proto = PROTO_OF_NUM[s.protocol]
    if (s.fwmark || !proto) continue
    m.set(vsKey(proto, formatAddr(s.vaddr), s.vport), s)
  }
  return m
}

/** One sync (syncProxyRules()): the lines that bring the director to `desired`; `state` is updated. */
export function syncLines(
  services: readonly ServiceReadView[],
  desired: readonly KubeVirtualServer[],
  state: KubeProxyState,
): string[] {
  const lines: string[] = []
  const current = currentByKey(services)
  const wanted = new Set<string>()
  for (const vs of desired) {
    const key = vsKey(vs.protocol, vs.addr, vs.port)
    if (wanted.has(key)) continue
    wanted.add(key)
    const opt = `${PROTO_OPT[vs.protocol]} ${hostPort(vs.addr, vs.port)}`
    const flags = `-s ${vs.scheduler}${vs.persistSeconds ? ` -p ${vs.persistSeconds}` : ''}`
    const cur = current.get(key)
    if (!cur) lines.push(`ipvsadm -A ${opt} ${flags}`)
    else {
      const persistSeconds = cur.persistent ? Math.round(cur.persistTimeoutMs / 1000) : 0
      if (cur.scheduler !== vs.scheduler || persistSeconds !== vs.persistSeconds)
        lines.push(`ipvsadm -E ${opt} ${flags}`)
    }
    state.managed.add(key)
    // syncEndpoint()
    const have = new Map((cur?.destinations ?? []).map((d) => [hostPort(formatAddr(d.addr), d.port), d]))
    const want = new Set(vs.realServers.map(rsKey))
    for (const rs of vs.realServers) {
      const r = rsKey(rs)
      const g = `${key}/${r}`
      if (have.has(r)) {
        if (!state.graceful.has(g)) continue
        // MoveRSOutofGracefulDeleteList(): deleted now, then added again below
        lines.push(`ipvsadm -d ${opt} -r ${r}`)
        state.graceful.delete(g)
      }
      lines.push(`ipvsadm -a ${opt} -r ${r} -m -w 1`)
    }
    for (const [r, d] of have) {
      if (want.has(r)) continue
      const g = `${key}/${r}`
      if (state.graceful.has(g)) continue
      // GracefulDeleteRS(): deleteRsFunc() first, weight 0 when it could not delete
      if (vs.protocol === 'TCP' && d.activeConns + d.inactConns !== 0) {
        lines.push(`ipvsadm -e ${opt} -r ${r} -m -w 0`)
        state.graceful.add(g)
      } else lines.push(`ipvsadm -d ${opt} -r ${r}`)
    }
  }
  // virtual servers kube-proxy made that no service wants any more
  for (const key of [...state.managed]) {
    if (wanted.has(key)) continue
    if (current.has(key)) lines.push(`ipvsadm -D ${vsOpt(key)}`)
    state.managed.delete(key)
    for (const g of [...state.graceful]) if (splitGraceful(g).vs === key) state.graceful.delete(g)
  }
  return lines
}

/** tryDeleteRs(), every RS_CHECK_DELETE_INTERVAL_MS: the listed real servers whose connections have all ended go. */
export function gracefulDeleteLines(services: readonly ServiceReadView[], state: KubeProxyState): string[] {
  const lines: string[] = []
  const current = currentByKey(services)
  for (const g of [...state.graceful]) {
    const { vs, rs } = splitGraceful(g)
    const d = current.get(vs)?.destinations.find((x) => hostPort(formatAddr(x.addr), x.port) === rs)
    if (!d) {
      // "Failed to delete rs …, can't find the real server": it leaves the list
      state.graceful.delete(g)
      continue
    }
    if (d.activeConns + d.inactConns !== 0) continue
    lines.push(`ipvsadm -d ${vsOpt(vs)} -r ${rs}`)
    state.graceful.delete(g)
  }
  return lines
}
