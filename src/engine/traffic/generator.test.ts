import { describe, expect, it } from 'vitest'
import { formatAddr } from '../net/ipv6'
import { type ConnRequest, TrafficGenerator } from './generator'
import type { TrafficSpec } from './schema'

const all = (spec: TrafficSpec, untilSec = 600): { reqs: ConnRequest[]; gen: TrafficGenerator } => {
  const gen = new TrafficGenerator(spec, { seed: 1, untilSec })
  const reqs: ConnRequest[] = []
  for (let t = 0; t <= untilSec * 1000 + 3_600_000; t += 7_000) reqs.push(...gen.pull(t))
  return { reqs, gen }
}

describe('traffic model', () => {
  it('same seed → the same requests; another seed → other requests', () => {
    const spec: TrafficSpec = { users: 200, seed: 7 }
    const a = JSON.stringify(all(spec).reqs)
    expect(JSON.stringify(all(spec).reqs)).toBe(a)
    expect(JSON.stringify(all({ ...spec, seed: 8 }).reqs)).not.toBe(a)
  })

  it('pulls in time order, each request after its user arrived', () => {
    const { reqs, gen } = all({ users: 300, seed: 3 })
    for (let i = 1; i < reqs.length; i++) expect(reqs[i].at).toBeGreaterThanOrEqual(reqs[i - 1].at)
    for (const r of reqs) expect(r.at).toBeGreaterThanOrEqual(gen.users[r.user].arrivesAt)
  })

  it('spreads arrivals over [start, start + duration]; a ramp puts more of them late', () => {
    const { gen } = all({ users: 2000, seed: 5, start: 100, duration: 200, arrivals: 'ramp' })
    const t = gen.users.map((u) => u.arrivesAt / 1000)
    expect(Math.min(...t)).toBeGreaterThanOrEqual(100)
    expect(Math.max(...t)).toBeLessThanOrEqual(300)
    // CDF of a linear ramp: half of the users arrive after 100 + 200·√0.5 ≈ 241 s
    const late = t.filter((x) => x > 241.4).length / t.length
    expect(late).toBeGreaterThan(0.46)
    expect(late).toBeLessThan(0.54)
  })

  it('page counts, HTTPS switching and keep-alive follow their parameters (statistically, seeded)', () => {
    const spec: TrafficSpec = {
      users: 3000,
      seed: 11,
      session: {
        pages: { mean: 5 },
        connectionsPerPage: { min: 2, max: 2 },
        keepAliveSeconds: 0,
        httpsSwitch: { probability: 0.5, afterPage: 2 },
        thinkSeconds: { mean: 10 },
      },
    }
    const { reqs } = all(spec, 60)
    const perUser = new Map<number, ConnRequest[]>()
    for (const r of reqs) perUser.set(r.user, [...(perUser.get(r.user) ?? []), r])
    // without keep-alive every page opens 2 new connections: mean pages ≈ 5 (geometric, capped at 40)
    const meanPages = reqs.length / 2 / perUser.size
    expect(meanPages).toBeGreaterThan(4.7)
    expect(meanPages).toBeLessThan(5.3)
    // users with ≥ 2 pages switch to 443 from page 2 with probability 0.5
    const multi = [...perUser.values()].filter((r) => r.length >= 4)
    const switched = multi.filter((r) => r.some((x) => x.vport === 443)).length / multi.length
    expect(switched).toBeGreaterThan(0.46)
    expect(switched).toBeLessThan(0.54)
  })

  it('keep-alive reuses connections across close pages', () => {
    const base: TrafficSpec = { users: 500, seed: 2, session: { thinkSeconds: { mean: 3 } } }
    const without = all({ ...base, session: { ...base.session, keepAliveSeconds: 0 } }).reqs.length
    const withKa = all({ ...base, session: { ...base.session, keepAliveSeconds: 15 } }).reqs.length
    expect(withKa).toBeLessThan(without * 0.6)
  })

  it('mega-proxy users share addresses; proxy-farm users rotate inside one /24', () => {
    const { reqs, gen } = all({
      users: 400,
      seed: 9,
      megaProxies: { fraction: 0.25, addresses: 2 },
      proxyFarms: { fraction: 0.25 },
    })
    const mega = new Set(reqs.filter((r) => gen.users[r.user].kind === 'mega-proxy').map((r) => formatAddr(r.client)))
    expect(mega.size).toBeLessThanOrEqual(2)
    const farmUser = gen.users.find((u) => u.kind === 'proxy-farm' && reqs.filter((r) => r.user === u.id).length > 4)
    const farm = reqs.filter((r) => r.user === farmUser?.id).map((r) => formatAddr(r.client))
    expect(new Set(farm.map((a) => a.split('.').slice(0, 3).join('.'))).size).toBe(1)
    expect(new Set(farm).size).toBeGreaterThan(1)
  })

  it('gives each address increasing ephemeral ports', () => {
    const { reqs } = all({ users: 50, seed: 4, megaProxies: { fraction: 1 } })
    const ports = reqs.map((r) => r.clientPort)
    expect(new Set(ports).size).toBe(ports.length)
  })

  it('IPv6 client subnets: addresses inside the prefix, several clients per /64, an IPv6 VIP', () => {
    const { reqs } = all({ users: 200, seed: 3, vip: '2001:db8::100', clients: [{ subnet: '2001:db8:a::/56' }] })
    const clients = [...new Set(reqs.map((r) => r.client))]
    expect(clients.every((c) => typeof c === 'string' && /^2001:db8:a:[0-9a-f]{1,2}:/.test(c) && c.endsWith('1'))).toBe(
      true,
    )
    expect(reqs.every((r) => r.vip === '2001:db8::100')).toBe(true)
    const per64 = new Map<string, number>()
    for (const c of clients) {
      const k = (c as string).split(':').slice(0, 4).join(':')
      per64.set(k, (per64.get(k) ?? 0) + 1)
    }
    // 200 users in the 256 /64s of a /56: some /64s hold two users or more, and many are used
    expect(Math.max(...per64.values())).toBeGreaterThan(1)
    expect(per64.size).toBeGreaterThan(50)
  })
})
