/**
 * A connection's flight across the director's picture along its real path (issue 15): the
 * client's packet to the service and on to the real server, then the reply — back through the
 * director for NAT (`Masq`: `handle_response` rewrites it), straight to the client for DR
 * (`Route`) and TUN (`Tunnel`): the real server answers from the VIP itself, the director never
 * sees it. Pure geometry, tested in flightPath.test.ts; DirectorPanel draws it.
 */

export type Forward = 'Route' | 'Masq' | 'Tunnel' | 'Local'

export interface Pt {
  x: number
  y: number
}

/** The share of the flight the client's packet takes (client → service → real server); the reply the rest. */
export const REQUEST_SHARE = 2 / 3

/** Where the drawn path passes: the client's dot, the service box's two sides, the real server's swatch. */
export interface FlightEnds {
  client: Pt
  svcIn: Pt
  svcOut: Pt
  /** null: no real server took it (refused, dropped) or it is not drawn. */
  rs: Pt | null
  /** The picture's bottom: a DR/TUN reply bends below the services, round the director. */
  bottom: number
}

/** A path: straight legs between stops, or (a DR/TUN reply) one curve with a control point. */
export interface Path {
  stops: Pt[]
  /** A quadratic curve from stops[0] to stops[1] through this control point. */
  bend?: Pt
}

export interface Flight {
  request: Path
  /** null: no reply is drawn (refused, dropped, the director's own stack, an unknown method). */
  reply: Path | null
  /** Whether the reply passes the director (NAT). */
  replyViaDirector: boolean
}

/** The real path of a connection forwarded by `forward` (null: unknown). */
export function flightOf(forward: Forward | null, e: FlightEnds): Flight {
  if (!e.rs) return { request: { stops: [e.client, e.svcIn] }, reply: null, replyViaDirector: false }
  const request = { stops: [e.client, e.svcIn, e.svcOut, e.rs] }
  if (forward === 'Masq')
    return { request, reply: { stops: [e.rs, e.svcOut, e.svcIn, e.client] }, replyViaDirector: true }
  if (forward === 'Route' || forward === 'Tunnel') {
    const bend = { x: (e.rs.x + e.client.x) / 2, y: e.bottom }
    return { request, reply: { stops: [e.rs, e.client], bend }, replyViaDirector: false }
  }
  return { request, reply: null, replyViaDirector: false }
}

const dist = (a: Pt, b: Pt) => Math.hypot(b.x - a.x, b.y - a.y)

/**
 * The point `q` (0…1) of the way along a path. Straight legs: by length, except that the jump
 * across the service box (svcIn → svcOut, drawn as the box itself) takes no time; a curve: by
 * its parameter.
 */
export function pointAt(path: Path, q: number, skipBox = true): Pt {
  const k = Math.min(1, Math.max(0, q))
  const s = path.stops
  if (path.bend && s.length === 2) {
    const u = 1 - k
    return {
      x: u * u * s[0].x + 2 * u * k * path.bend.x + k * k * s[1].x,
      y: u * u * s[0].y + 2 * u * k * path.bend.y + k * k * s[1].y,
    }
  }
  const lens = s.slice(1).map((p, i) => (skipBox && isBoxLeg(s, i) ? 0 : dist(s[i], p)))
  const total = lens.reduce((a, b) => a + b, 0)
  if (total === 0) return s[s.length - 1]
  let left = k * total
  for (let i = 0; i < lens.length; i++) {
    if (left <= lens[i] && lens[i] > 0) {
      const f = left / lens[i]
      return { x: s[i].x + (s[i + 1].x - s[i].x) * f, y: s[i].y + (s[i + 1].y - s[i].y) * f }
    }
    left -= lens[i]
  }
  return s[s.length - 1]
}

/** The leg across the service box (between its two sides): the second of a four-stop path. */
const isBoxLeg = (s: Pt[], i: number): boolean => s.length === 4 && i === 1

/**
 * Where a connection is drawn at `p` (0…1) of its flight: the client's packet until
 * REQUEST_SHARE, then the reply's (without a reply, the request stays where it landed).
 */
export function flightAt(f: Flight, p: number): { at: Pt; reply: boolean } {
  if (p < REQUEST_SHARE || !f.reply) return { at: pointAt(f.request, Math.min(1, p / REQUEST_SHARE)), reply: false }
  // a NAT reply crosses the service box in view: the director rewrites it there
  return { at: pointAt(f.reply, (p - REQUEST_SHARE) / (1 - REQUEST_SHARE), false), reply: true }
}
