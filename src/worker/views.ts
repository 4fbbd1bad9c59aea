import type { Destination } from '../engine'
import type { MetricsSnapshot } from '../engine/metrics/metrics'
import type { MetricsView } from './protocol'

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
  }
}

/** Per destination list (the service makes a new one whenever its destinations change). */
const sortedCache = new WeakMap<readonly Destination[], readonly Destination[]>()

/** A service's destinations in address order (as ipvsadm -Ln sorts them), sorted once per list. */
export function destinationsByAddress(list: readonly Destination[]): readonly Destination[] {
  let sorted = sortedCache.get(list)
  if (!sorted) {
    sorted = [...list].sort((a, b) => a.addr - b.addr || a.port - b.port)
    sortedCache.set(list, sorted)
  }
  return sorted
}
