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
