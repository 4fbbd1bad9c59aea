import { TRAFFIC_DEFAULTS } from './generator'
import type { TrafficSpec } from './schema'

/**
 * Users online at once that the lab agrees to simulate. Every user's visit is planned when they
 * arrive and held until it ends (about 9 kB each with their connections), so this bounds the
 * worker's memory near 1 GB however absurd the numbers typed.
 */
export const MAX_USERS_ONLINE = 100_000

/** How long a visit lasts on average (s): pages × (think time + request), a kept-alive tail, long-lived holds. */
export function meanVisitSeconds(spec: TrafficSpec): number {
  const s = spec.session ?? {}
  const D = TRAFFIC_DEFAULTS
  const pages = Math.min(s.pages?.mean ?? D.pagesMean, s.pages?.max ?? D.pagesMax)
  const think = Math.min(s.thinkSeconds?.mean ?? D.thinkMean, s.thinkSeconds?.max ?? D.thinkMax)
  const request = s.requestSeconds ?? D.requestSeconds
  const keepAlive = s.keepAliveSeconds ?? D.keepAliveSeconds
  const longLived = s.longLived ? s.longLived.probability * (s.longLived.holdSeconds ?? D.longLivedSeconds) : 0
  const others = (s.otherPorts ?? []).reduce((sum, o) => sum + o.probability * (o.holdSeconds ?? 60), 0)
  return Math.max(0, pages - 1) * think + pages * request + keepAlive + longLived + others
}

/** The busiest arrival rate (users a second) the spec asks for. */
export function peakArrivalRate(spec: TrafficSpec, untilSec: number): number {
  const users = spec.users
  const duration = spec.duration ?? Math.max(0, untilSec - (spec.start ?? 0))
  const spread = (n: number, seconds: number) => (n === 0 ? 0 : seconds > 0 ? n / seconds : Number.POSITIVE_INFINITY)
  switch (spec.arrivals ?? 'poisson') {
    case 'ramp':
      // density grows linearly to twice the mean at the end
      return 2 * spread(users, duration)
    case 'burst': {
      const b = spec.burst
      if (!b) return spread(users, duration)
      return Math.max(spread(users * b.fraction, b.within), spread(users * (1 - b.fraction), duration))
    }
    default:
      return spread(users, duration)
  }
}

/** About how many users are online at the busiest moment (Little's law: rate × visit, at most all of them). */
export function estimateUsersOnline(spec: TrafficSpec, untilSec: number): number {
  const rate = peakArrivalRate(spec, untilSec)
  const visit = meanVisitSeconds(spec)
  if (rate === Number.POSITIVE_INFINITY) return spec.users
  return Math.min(spec.users, Math.round(rate * Math.max(visit, 1)))
}
