/**
 * The store's frame decoding, moved here verbatim from the store's entry: a frame's services
 * flattened into real-server rows, and its packed counters (RS_COUNTER_FIELDS per row) applied to
 * them, keeping the identity of rows that did not change. Pure functions, no store state.
 */
import { decodeRsCounters, type ServiceView } from '../worker/protocol'

export interface RsLive {
  key: string
  addr: number
  port: number
  label: string
  service: string
  /** The service's family: an IPv6 fwmark service is `-f N -6`. */
  serviceFamily: 'inet' | 'inet6'
  weight: number
  forward: string
  activeConns: number
  inactConns: number
  persistConns: number
  conns: number
}

/** The real servers of a service beyond the ones drawn, summed into one row. */
export interface RsSummed {
  key: string
  service: string
  /** How many real servers the row sums. */
  count: number
  weight: number
  activeConns: number
  inactConns: number
  persistConns: number
  conns: number
}

export function flattenRs(services: ServiceView[]): RsLive[] {
  return services.flatMap((s) =>
    s.destinations.map((d) => ({
      key: `${s.key}/${d.label}`,
      addr: d.addr,
      port: d.port,
      label: d.label,
      service: s.label,
      serviceFamily: s.family,
      weight: d.weight,
      forward: d.forward,
      activeConns: d.activeConns,
      inactConns: d.inactConns,
      persistConns: d.persistConns,
      conns: d.conns,
    })),
  )
}

export type Counters = Pick<RsLive, 'activeConns' | 'inactConns' | 'persistConns' | 'conns' | 'weight'>

/** The same counters, or (when one changed) the new ones on a copy, so unchanged rows keep their identity. */
export function withCounters<R extends Counters>(r: R, c: Float64Array, row: number): R {
  const next = decodeRsCounters(c, row)
  if (!next) return r
  const { activeConns, inactConns, persistConns, conns, weight } = next
  if (
    r.activeConns === activeConns &&
    r.inactConns === inactConns &&
    r.persistConns === persistConns &&
    r.conns === conns &&
    r.weight === weight
  )
    return r
  return { ...r, activeConns, inactConns, persistConns, conns, weight }
}

/** A frame's counters, in services order: each drawn real server, then a service's summed rest. */
export function applyCounters(
  services: ServiceView[],
  c: Float64Array,
  rs: RsLive[],
  more: RsSummed[],
): { rs: RsLive[]; more: RsSummed[] } {
  const rsNext = rs.slice()
  const moreNext: RsSummed[] = []
  let o = 0
  let k = 0
  for (const svc of services) {
    for (let i = 0; i < svc.destinations.length; i++, k++, o++)
      if (k < rsNext.length) rsNext[k] = withCounters(rsNext[k], c, o)
    if (svc.hiddenDestinations === 0) continue
    const key = `${svc.key}/more`
    const prev = more.find((m) => m.key === key && m.count === svc.hiddenDestinations) ?? {
      key,
      service: svc.label,
      count: svc.hiddenDestinations,
      weight: 0,
      activeConns: 0,
      inactConns: 0,
      persistConns: 0,
      conns: 0,
    }
    moreNext.push(withCounters(prev, c, o))
    o++
  }
  const same = moreNext.length === more.length && moreNext.every((m, i) => m === more[i])
  return { rs: rsNext, more: same ? more : moreNext }
}
