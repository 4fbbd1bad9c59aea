/**
 * Views: what a frame shows of the engine's state — its figures, its services and real servers
 * (drawn ones and the summed rest), their counters, and the "Why?" of a real server — read
 * through the engine's read API (DirectorReadApi), never its internals.
 */
import {
  type Addr,
  compareAddr,
  type DestinationReadView,
  type DirectorReadApi,
  formatAddr,
  formatAddrPort,
  formatIPv4,
  type ServiceReadView,
} from '../engine/index'
import type { MetricsSnapshot } from '../engine/metrics/metrics'
import { addrBook } from './addrBook'
import {
  type DestinationView,
  MAX_SHOWN_DESTINATIONS,
  type MetricsView,
  pushRsCounters,
  type ServiceView,
  type WhyStep,
} from './protocol'

/** The figures a frame carries, from the engine's snapshot (the lab and each compared run alike). */
export function metricsView(m: MetricsSnapshot): MetricsView {
  return {
    connections: m.connections,
    refused: m.refused,
    brokenSessions: m.brokenSessions,
    usersWithBrokenSession: m.usersWithBrokenSession,
    stickiness: m.stickiness,
    imbalance: m.imbalance,
    currentImbalance: m.currentImbalance,
    templatesLive: m.templates.live,
    templatesPeak: m.templates.peak,
    templatesKeptPastTimeout: m.templates.keptPastTimeout,
    templateBytes: m.templates.bytes,
    templatePeakBytes: m.templates.peakBytes,
    ...(m.failedConnections !== undefined
      ? {
          failedConnections: m.failedConnections,
          failedByRs: Object.fromEntries(m.realServers.map((r) => [r.address, r.failedConnections ?? 0])),
        }
      : {}),
  }
}

/** AF_INET6 (the read API's `af`). */
const AF_INET6 = 10

/** A service as ipvsadm -Ln names it: `TCP 192.168.100.100:80`, `TCP [2001:db8::10]:80`, `FWM 80`. */
export function serviceLabel(svc: { fwmark: number; protocol: number; vaddr: Addr; vport: number }): string {
  if (svc.fwmark) return `FWM ${svc.fwmark}`
  return `${svc.protocol === 17 ? 'UDP' : svc.protocol === 132 ? 'SCTP' : 'TCP'} ${formatAddrPort(svc.vaddr, svc.vport)}`
}

/** A service's -M as ipvsadm -S writes it: a dotted mask (IPv4), a prefix length (IPv6). */
export function netmaskText(svc: { af: number; netmask: number }): string {
  return svc.af === AF_INET6 ? String(svc.netmask) : formatIPv4(svc.netmask)
}

/** Per destination list (the service makes a new one whenever its destinations change). */
const sortedCache = new WeakMap<readonly DestinationReadView[], readonly DestinationReadView[]>()

/** A service's destinations in address order (as ipvsadm -Ln sorts them), sorted once per list. */
export function destinationsByAddress(list: readonly DestinationReadView[]): readonly DestinationReadView[] {
  let sorted = sortedCache.get(list)
  if (!sorted) {
    sorted = [...list].sort((a, b) => compareAddr(a.addr, b.addr) || a.port - b.port)
    sortedCache.set(list, sorted)
  }
  return sorted
}

type Split = { shown: readonly DestinationReadView[]; hidden: readonly DestinationReadView[] }
/** Per destination list: split once. */
const shownCache = new WeakMap<readonly DestinationReadView[], Split>()

/** A service's real servers as the panels draw them: the first MAX_SHOWN_DESTINATIONS by address, and the rest. */
export function shownDestinations(svc: ServiceReadView): Split {
  const list = svc.destinations
  let split = shownCache.get(list)
  if (!split) {
    const sorted = destinationsByAddress(list)
    split = { shown: sorted.slice(0, MAX_SHOWN_DESTINATIONS), hidden: sorted.slice(MAX_SHOWN_DESTINATIONS) }
    shownCache.set(list, split)
  }
  return split
}

/** The services and their drawn real servers, as the Director and Real servers panels draw them. */
export function servicesView(api: DirectorReadApi): ServiceView[] {
  return api.services().map((svc) => ({
    key: String(svc.id),
    label: serviceLabel(svc),
    family: svc.af === AF_INET6 ? 'inet6' : 'inet',
    scheduler: svc.scheduler,
    persistSec: svc.persistent ? Math.round(svc.persistTimeoutMs / 1000) : 0,
    netmask: netmaskText(svc),
    hiddenDestinations: shownDestinations(svc).hidden.length,
    destinations: shownDestinations(svc).shown.map(
      (dest): DestinationView => ({
        addr: addrBook.encode(dest.addr),
        port: dest.port,
        label: formatAddrPort(dest.addr, dest.port),
        weight: dest.weight,
        forward: dest.forward,
        activeConns: dest.activeConns,
        inactConns: dest.inactConns,
        persistConns: dest.persistConns,
        conns: dest.conns,
      }),
    ),
  }))
}

/** Every frame's counters (the protocol's RS_COUNTER rows): each drawn real server, then a service's summed rest. */
export function rsCounters(api: DirectorReadApi): Float64Array {
  const out: number[] = []
  for (const svc of api.services()) {
    const { shown, hidden } = shownDestinations(svc)
    for (const dest of shown) pushRsCounters(out, dest)
    if (hidden.length === 0) continue
    const sum = { activeConns: 0, inactConns: 0, persistConns: 0, conns: 0, weight: 0 }
    for (const dest of hidden) {
      sum.activeConns += dest.activeConns
      sum.inactConns += dest.inactConns
      sum.persistConns += dest.persistConns
      sum.conns += dest.conns
      sum.weight += dest.weight
    }
    pushRsCounters(out, sum)
  }
  return Float64Array.from(out)
}

/** "Why?" of a real server (`addr`: its address number): where it serves, its counters, what weight 0 means for its templates. */
export function whyRs(api: DirectorReadApi | null, addrNum: number, port: number): WhyStep[] {
  const addr = addrBook.decode(addrNum)
  const steps: WhyStep[] = []
  const s = (key: string, values: Record<string, string | number> = {}) => steps.push({ key, values })
  const all = api ? api.services().flatMap((svc) => svc.destinations.map((dest) => ({ svc, dest }))) : []
  const hits = all.filter(({ dest }) => dest.addr === addr && (port === 0 || dest.port === port))
  if (hits.length === 0) s('why.rs.gone', { rs: addr === null ? '?' : formatAddr(addr) })
  for (const { svc, dest } of hits) {
    s('why.rs.in', {
      rs: formatAddrPort(dest.addr, dest.port),
      service: serviceLabel(svc),
      weight: dest.weight,
      scheduler: svc.scheduler,
    })
    s('why.rs.counts', { active: dest.activeConns, inact: dest.inactConns, templates: dest.persistConns })
    if (dest.weight === 0) s(api?.expireQuiescentTemplate ? 'why.rs.quiescentExpire' : 'why.rs.quiescent', {})
  }
  return steps
}
