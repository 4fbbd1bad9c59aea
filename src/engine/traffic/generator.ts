import { randomExponential, randomGeometric, randomInt, randomLcg } from 'd3-random'
import { asIPv4, asPort, type IPv4, type Port, parseInetAton } from '../net/ipv4'
import { EventQueue } from '../sim/eventQueue'
import type { SimMs } from '../sim/time'
import type { TrafficSpec } from './schema'

/** One connection the traffic model asks for, in the scenario's terms. */
export interface ConnRequest {
  at: SimMs
  client: IPv4
  clientPort: Port
  proto: 'tcp' | 'udp'
  vip: IPv4
  vport: Port
  /** TCP: how long the client holds it before closing (ms). */
  holdMs: number
  /** UDP: datagrams and their spacing. */
  packets: number
  intervalMs: number
  /** Which user (0-based, in arrival order). */
  user: number
  /** Part of the user's application session (HTTP/HTTPS), for the broken-session count. */
  app: boolean
}

export type UserKind = 'direct' | 'mega-proxy' | 'proxy-farm'

export interface TrafficUser {
  id: number
  kind: UserKind
  arrivesAt: SimMs
  /** The address it connects from (a proxy farm user: its farm's /24 network). */
  address: IPv4
}

/** A subnet as [network, size]. */
function subnet(cidr: string): { base: number; size: number } {
  const [a, len] = cidr.split('/')
  const bits = Number(len)
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return { base: ((parseInetAton(a) ?? 0) & mask) >>> 0, size: 2 ** (32 - bits) }
}

/** Defaults of the traffic model (also in README). */
export const TRAFFIC_DEFAULTS = {
  vip: '192.168.100.100',
  clients: [{ subnet: '10.0.0.0/16', weight: 1 }],
  megaProxySubnet: '172.16.0.0/24',
  proxyFarmSubnet: '172.20.0.0/16',
  pagesMean: 6,
  pagesMax: 40,
  thinkMean: 20,
  thinkMax: 240,
  connectionsMin: 1,
  connectionsMax: 4,
  requestSeconds: 0.4,
  keepAliveSeconds: 15,
  httpsProbability: 0.6,
  httpsAfterPage: 3,
  longLivedSeconds: 400,
  httpPort: 80,
  httpsPort: 443,
  /** Parallel connections of one page start this far apart. */
  staggerMs: 20,
} as const

/**
 * The seeded traffic model: users arrive, each visits a few pages with think times between them,
 * each page opening a few parallel connections (kept alive for the next page when the user comes
 * back soon enough); some users move to HTTPS, open other ports, stay connected for long; some sit
 * behind a mega-proxy or a proxy farm. Requests are produced in time order, on demand (`pull`).
 * One PRNG (d3-random's LCG) drives everything: same seed → same traffic, in Node and in browsers.
 */
export class TrafficGenerator {
  readonly users: TrafficUser[] = []
  private readonly rnd: () => number
  private readonly exp: (lambda: number) => () => number
  private readonly geo: (p: number) => () => number
  private readonly int: (min: number, max: number) => () => number
  private readonly arrivals: number[]
  private nextArrival = 0
  private readonly pending = new EventQueue<{ at: SimMs; rank: number; seq: number; req: ConnRequest }>()
  private readonly ports = new Map<number, number>()
  private readonly vip: IPv4
  private readonly clientNets: { base: number; size: number; weight: number }[]
  private readonly megaAddresses: IPv4[]
  private readonly farmNet: { base: number; size: number }

  private readonly spec: TrafficSpec

  constructor(spec: TrafficSpec, defaults: { seed: number; untilSec: number }) {
    this.spec = spec
    const source = randomLcg((spec.seed ?? defaults.seed) / 2 ** 31)
    this.rnd = source
    this.exp = randomExponential.source(source)
    this.geo = randomGeometric.source(source)
    this.int = randomInt.source(source)
    this.vip = (parseInetAton(spec.vip ?? TRAFFIC_DEFAULTS.vip) ?? 0) as IPv4
    this.clientNets = (spec.clients ?? TRAFFIC_DEFAULTS.clients).map((c) => ({
      ...subnet(c.subnet),
      weight: c.weight ?? 1,
    }))
    const mega = subnet(spec.megaProxies?.subnet ?? TRAFFIC_DEFAULTS.megaProxySubnet)
    this.megaAddresses = Array.from({ length: spec.megaProxies?.addresses ?? 1 }, (_, i) => this.hostIn(mega, i))
    this.farmNet = subnet(spec.proxyFarms?.subnet ?? TRAFFIC_DEFAULTS.proxyFarmSubnet)
    const start = (spec.start ?? 0) * 1000
    const duration = (spec.duration ?? Math.max(0, defaults.untilSec - (spec.start ?? 0))) * 1000
    this.arrivals = this.arrivalTimes(start, duration)
  }

  // ---------------------------------------------------------------- arrivals

  private arrivalTimes(start: number, duration: number): number[] {
    const n = this.spec.users
    const kind = this.spec.arrivals ?? 'poisson'
    const times = new Float64Array(n)
    if (kind === 'uniform') for (let i = 0; i < n; i++) times[i] = start + ((i + 0.5) * duration) / n
    else if (kind === 'ramp') for (let i = 0; i < n; i++) times[i] = start + duration * Math.sqrt(this.rnd())
    else {
      const b = kind === 'burst' ? this.spec.burst : undefined
      for (let i = 0; i < n; i++) {
        // A Poisson process conditioned on n arrivals: n uniform times, sorted.
        if (b && this.rnd() < b.fraction) times[i] = (b.at + this.rnd() * b.within) * 1000
        else times[i] = start + this.rnd() * duration
      }
    }
    times.sort()
    return Array.from(times, (t) => Math.round(t))
  }

  /** A host address inside a subnet (avoiding the network and broadcast addresses when it can). */
  private hostIn(net: { base: number; size: number }, index: number): IPv4 {
    if (net.size <= 2) return asIPv4(net.base + (index % net.size))
    return asIPv4(net.base + 1 + (index % (net.size - 2)))
  }

  private randomHost(net: { base: number; size: number }): IPv4 {
    return this.hostIn(net, Math.floor(this.rnd() * Math.max(1, net.size - 2)))
  }

  private directAddress(): IPv4 {
    const total = this.clientNets.reduce((s, c) => s + c.weight, 0)
    let x = this.rnd() * total
    for (const c of this.clientNets) {
      x -= c.weight
      if (x < 0) return this.randomHost(c)
    }
    return this.randomHost(this.clientNets[this.clientNets.length - 1])
  }

  /** The next ephemeral port of an address (Linux counts up in 32768…60999). */
  private ephemeralPort(addr: number): Port {
    let p = this.ports.get(addr)
    if (p === undefined) p = 32768 + Math.floor(this.rnd() * (60999 - 32768))
    p = p >= 60999 ? 32768 : p + 1
    this.ports.set(addr, p)
    return asPort(p)
  }

  // ---------------------------------------------------------------- sessions

  private plan(id: number, arrivesAt: number): void {
    const s = this.spec.session ?? {}
    const D = TRAFFIC_DEFAULTS
    const kindRoll = this.rnd()
    const megaShare = this.spec.megaProxies?.fraction ?? 0
    const farmShare = this.spec.proxyFarms?.fraction ?? 0
    const kind: UserKind =
      kindRoll < megaShare ? 'mega-proxy' : kindRoll < megaShare + farmShare ? 'proxy-farm' : 'direct'
    let address: IPv4
    if (kind === 'mega-proxy') address = this.megaAddresses[Math.floor(this.rnd() * this.megaAddresses.length)]
    else if (kind === 'proxy-farm') {
      const farms = Math.max(1, Math.floor(this.farmNet.size / 256))
      address = asIPv4(this.farmNet.base + 256 * Math.floor(this.rnd() * farms))
    } else address = this.directAddress()
    this.users.push({ id, kind, arrivesAt: arrivesAt as SimMs, address })
    const sourceFor = (): IPv4 => (kind === 'proxy-farm' ? asIPv4(address + 1 + Math.floor(this.rnd() * 254)) : address)

    const pages = Math.min(s.pages?.max ?? D.pagesMax, this.geo(1 / (s.pages?.mean ?? D.pagesMean))())
    const thinkMean = s.thinkSeconds?.mean ?? D.thinkMean
    const think = thinkMean > 0 ? this.exp(1 / thinkMean) : () => 0
    const thinkMax = s.thinkSeconds?.max ?? D.thinkMax
    const cmin = s.connectionsPerPage?.min ?? D.connectionsMin
    const cmax = Math.max(cmin, s.connectionsPerPage?.max ?? D.connectionsMax)
    const requestMean = s.requestSeconds ?? D.requestSeconds
    const request = requestMean > 0 ? this.exp(1 / requestMean) : () => 0
    const keepAliveMs = (s.keepAliveSeconds ?? D.keepAliveSeconds) * 1000
    const httpPort = this.spec.httpPort ?? D.httpPort
    const httpsPort = this.spec.httpsPort ?? D.httpsPort
    const switchAt =
      this.rnd() < (s.httpsSwitch?.probability ?? D.httpsProbability)
        ? (s.httpsSwitch?.afterPage ?? D.httpsAfterPage)
        : Infinity
    const extras = (s.otherPorts ?? [])
      .filter((o) => this.rnd() < o.probability)
      .map((o) => ({ o, page: this.int(0, pages)() }))
    const long =
      s.longLived && this.rnd() < s.longLived.probability ? { page: this.int(0, pages)(), spec: s.longLived } : null

    const emit = (
      at: number,
      proto: 'tcp' | 'udp',
      vport: number,
      holdMs: number,
      app: boolean,
      extra?: { packets: number; intervalMs: number },
    ) => {
      const client = sourceFor()
      const req: ConnRequest = {
        at: Math.round(at) as SimMs,
        client,
        clientPort: this.ephemeralPort(client),
        proto,
        vip: this.vip,
        vport: asPort(vport),
        holdMs: Math.max(1, Math.round(holdMs)),
        packets: extra?.packets ?? 1,
        intervalMs: extra?.intervalMs ?? 1000,
        user: id,
        app,
      }
      this.pending.push({ at: req.at, rank: 0, req })
      return req
    }

    // Keep-alive connections still open after the last page: [request, idle since].
    let open: { req: ConnRequest; lastUse: number }[] = []
    const closeAll = (list: typeof open) => {
      for (const c of list) c.req.holdMs = Math.max(1, Math.round(c.lastUse + keepAliveMs - c.req.at))
    }
    let t = arrivesAt
    for (let page = 0; page < pages; page++) {
      const port = page + 1 >= switchAt ? httpsPort : httpPort
      const n = this.int(cmin, cmax + 1)()
      const reuse = open.filter((c) => c.req.vport === port).slice(0, n)
      closeAll(open.filter((c) => !reuse.includes(c)))
      open = reuse
      const busy = request()
      for (let k = 0; k < n; k++) {
        if (k < reuse.length) reuse[k].lastUse = t + k * D.staggerMs + busy * 1000
        else {
          const at = t + k * D.staggerMs
          const req = emit(at, 'tcp', port, busy * 1000, true)
          open.push({ req, lastUse: at + busy * 1000 })
        }
      }
      for (const { o, page: p } of extras)
        if (p === page)
          emit(t + 50, o.proto, o.port, (o.holdSeconds ?? 60) * 1000, false, {
            packets: o.packets ?? 1,
            intervalMs: (o.interval ?? 1) * 1000,
          })
      if (long && long.page === page) {
        const hold = this.exp(1 / (long.spec.holdSeconds ?? D.longLivedSeconds))()
        emit(t + 80, 'tcp', long.spec.port ?? port, hold * 1000, true)
      }
      const pause = Math.min(thinkMax, think()) * 1000
      const last = page === pages - 1
      if (last || keepAliveMs === 0 || pause > keepAliveMs) {
        if (keepAliveMs === 0) for (const c of open) c.req.holdMs = Math.max(1, Math.round(c.lastUse - c.req.at))
        else closeAll(open)
        open = []
      }
      t += busy * 1000 + pause
    }
  }

  /** Every request that starts before `untilMs`, in time order (generating the users who arrived by then). */
  pull(untilMs: number): ConnRequest[] {
    // A session's requests all start after its arrival; plan every user who arrived by the horizon.
    while (this.nextArrival < this.arrivals.length && this.arrivals[this.nextArrival] < untilMs) {
      this.plan(this.nextArrival, this.arrivals[this.nextArrival])
      this.nextArrival++
    }
    const out: ConnRequest[] = []
    for (let e = this.pending.peek(); e && e.at < untilMs; e = this.pending.peek()) {
      this.pending.pop()
      out.push(e.req)
    }
    return out
  }

  /** Total users that will arrive. */
  get plannedUsers(): number {
    return this.arrivals.length
  }
}
