import { describe, expect, it } from 'vitest'
import { flightAt, flightOf, pointAt, REQUEST_SHARE } from './flightPath'

// the director's picture: clients on the left, the service box in the middle, real servers on the right
const ends = {
  client: { x: 100, y: 50 },
  svcIn: { x: 300, y: 100 },
  svcOut: { x: 400, y: 100 },
  rs: { x: 600, y: 150 },
  bottom: 200,
}
/** Whether a point lies on the service box's band (between its two sides). */
const atDirector = (p: { x: number; y: number }) => p.x >= 300 && p.x <= 400 && Math.abs(p.y - 100) < 1

/** The reply's points, every 1/50 of its way. */
const replyPoints = (forward: 'Masq' | 'Route' | 'Tunnel') => {
  const f = flightOf(forward, ends)
  return Array.from({ length: 51 }, (_, i) => flightAt(f, REQUEST_SHARE + (i / 50) * (1 - REQUEST_SHARE)).at)
}

describe("a connection's flight along its real path", () => {
  it('the request: client → service → real server, whatever the method', () => {
    for (const m of ['Masq', 'Route', 'Tunnel'] as const) {
      const f = flightOf(m, ends)
      expect(flightAt(f, 0)).toEqual({ at: ends.client, reply: false })
      expect(flightAt(f, REQUEST_SHARE - 1e-9).at.x).toBeCloseTo(600)
      // it passes the service box
      expect(f.request.stops).toEqual([ends.client, ends.svcIn, ends.svcOut, ends.rs])
    }
  })

  it('NAT: the reply goes back through the director (handle_response) to the client', () => {
    const f = flightOf('Masq', ends)
    expect(f.replyViaDirector).toBe(true)
    const pts = replyPoints('Masq')
    expect(pts[0]).toEqual(ends.rs)
    expect(pts[50]).toEqual(ends.client)
    expect(pts.some(atDirector)).toBe(true)
    expect(flightAt(f, REQUEST_SHARE + 0.01).reply).toBe(true)
  })

  it('DR and TUN: the reply goes from the real server straight to the client, round the director', () => {
    for (const m of ['Route', 'Tunnel'] as const) {
      const f = flightOf(m, ends)
      expect(f.replyViaDirector).toBe(false)
      const pts = replyPoints(m)
      expect(pts[0]).toEqual(ends.rs)
      expect(pts[50]).toEqual(ends.client)
      expect(pts.some(atDirector)).toBe(false)
      // below the service box where it passes it
      for (const p of pts) if (p.x >= 300 && p.x <= 400) expect(p.y).toBeGreaterThan(100)
    }
  })

  it('no reply when no real server took it, or for the director itself (Local)', () => {
    expect(flightOf('Masq', { ...ends, rs: null }).reply).toBeNull()
    const local = flightOf('Local', ends)
    expect(local.reply).toBeNull()
    // the request stays where it landed
    expect(flightAt(local, 0.9).at).toEqual(ends.rs)
  })

  it('the jump across the service box takes no time: the packet moves on at once', () => {
    const path = { stops: [ends.client, ends.svcIn, ends.svcOut, ends.rs] }
    const firstLeg = Math.hypot(200, 50)
    const total = firstLeg + Math.hypot(200, 50)
    const atBox = pointAt(path, firstLeg / total + 1e-6)
    expect(atBox.x).toBeGreaterThanOrEqual(400)
    expect(pointAt(path, 1)).toEqual(ends.rs)
  })
})
