import { randomExponential, randomGeometric, randomInt, randomLcg } from 'd3-random'
import { asIPv4, asPort, type IPv4, type Port, parseInetAton } from '../net/ipv4'
import { type Addr, ipv6FromWords, ipv6Words, parseIPv6 } from '../net/ipv6'
import { CalendarQueue } from '../sim/calendarQueue'
import type { SimMs } from '../sim/time'
import type { TrafficSpec } from './schema'

/** One connection the traffic model asks for, in the scenario's terms. */
export interface ConnRequest {
  at: SimMs
  client: Addr
  clientPort: Port
  proto: 'tcp' | 'udp'
  vip: Addr
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

/** Takes each request as it is planned (see `TrafficGenerator.setSink`). */
export interface RequestSink {
  queueRequest(req: ConnRequest): void
}

export type UserKind = 'direct' | 'mega-proxy' | 'proxy-farm'

export interface TrafficUser {
  id: number
  kind: UserKind
  arrivesAt: SimMs
  /** The address it connects from (a proxy farm user: its farm's /24 network). */
  address: Addr
}

const NO_EXTRAS: { o: NonNullable<NonNullable<TrafficSpec['session']>['otherPorts']>[number]; page: number }[] = []
const NO_REQUEST = null as unknown as ConnRequest

/** A request object for `emit` to fill (every request has this one shape). */
const blankRequest = (): ConnRequest => ({
  at: 0 as SimMs,
  client: asIPv4(0),
  clientPort: asPort(0),
  proto: 'tcp',
  vip: asIPv4(0),
  vport: asPort(0),
  holdMs: 0,
  packets: 1,
  intervalMs: 1000,
  user: 0,
  app: false,
})

/** An IPv6 client subnet: its prefix's eight groups and how many host bits follow. */
interface Ipv6Net {
  words: readonly number[]
  hostBits: number
}

/** An IPv6 subnet `2001:db8:a::/56`, or null for an IPv4 one. */
function ipv6Subnet(cidr: string): Ipv6Net | null {
  const [a, len] = cidr.split('/')
  const v6 = a.includes(':') ? parseIPv6(a) : null
  if (v6 === null) return null
  const bits = Number(len)
  const words = ipv6Words(v6).map((w, i) => {
    const keep = Math.min(16, Math.max(0, bits - i * 16))
    return keep === 0 ? 0 : w & ((0xffff << (16 - keep)) & 0xffff)
  })
  return { words, hostBits: 128 - bits }
}

/**
 * A host of an IPv6 subnet from one draw in [0, 1): the top (up to) 32 host bits from the draw,
 * the last bit set (never the subnet-router anycast address), the rest zero. Two clients then share
 * a /64 of a /56 often, as a provider's customers do.
 */
function ipv6Host(net: Ipv6Net, draw: number): Addr {
  const w = [...net.words]
  const randomBits = Math.min(32, net.hostBits)
  let r = Math.floor(draw * 2 ** randomBits)
  // write the random bits just below the prefix, from its low end upward
  for (let bit = 128 - net.hostBits + randomBits - 1; bit >= 128 - net.hostBits; bit--) {
    if (r % 2) w[bit >> 4] |= 0x8000 >>> (bit & 15)
    r = Math.floor(r / 2)
  }
  w[7] |= 1
  return ipv6FromWords(w)
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
  /**
   * The argument that starts d3's LCG where this generator's stands: the seed, then each draw
   * (a draw is the LCG's state over 2^32, which randomLcg() takes back exactly). relink() re-makes
   * the closures below from it after a deep copy (the app's rewind checkpoints).
   */
  private lcgSeed: number
  private rnd!: () => number
  private exp!: (lambda: number) => () => number
  private geo!: (p: number) => () => number
  private int!: (min: number, max: number) => () => number
  private readonly arrivals: number[]
  private nextArrival = 0
  /** Requests planned but not yet pulled, by start time (ties in planning order). */
  private readonly pending = new CalendarQueue<ConnRequest>()
  private readonly ports = new Map<Addr, number>()
  private readonly vip: Addr
  private readonly clientNets: { base: number; size: number; weight: number; v6: Ipv6Net | null }[]
  private readonly megaAddresses: IPv4[]
  private readonly farmNet: { base: number; size: number }

  private readonly spec: TrafficSpec

  constructor(spec: TrafficSpec, defaults: { seed: number; untilSec: number }) {
    this.spec = spec
    this.lcgSeed = (spec.seed ?? defaults.seed) / 2 ** 31
    this.relink()
    const vip = spec.vip ?? TRAFFIC_DEFAULTS.vip
    this.vip = (vip.includes(':') ? parseIPv6(vip) : parseInetAton(vip)) ?? asIPv4(0)
    this.clientNets = (spec.clients ?? TRAFFIC_DEFAULTS.clients).map((c) => {
      const v6 = ipv6Subnet(c.subnet)
      return { ...(v6 ? { base: 0, size: 0 } : subnet(c.subnet)), weight: c.weight ?? 1, v6 }
    })
    const mega = subnet(spec.megaProxies?.subnet ?? TRAFFIC_DEFAULTS.megaProxySubnet)
    this.megaAddresses = Array.from({ length: spec.megaProxies?.addresses ?? 1 }, (_, i) => this.hostIn(mega, i))
    this.farmNet = subnet(spec.proxyFarms?.subnet ?? TRAFFIC_DEFAULTS.proxyFarmSubnet)
    const start = (spec.start ?? 0) * 1000
    const duration = (spec.duration ?? Math.max(0, defaults.untilSec - (spec.start ?? 0))) * 1000
    this.arrivals = this.arrivalTimes(start, duration)

    const ss = spec.session ?? {}
    const D = TRAFFIC_DEFAULTS
    this.pagesMax = ss.pages?.max ?? D.pagesMax
    this.thinkMax = ss.thinkSeconds?.max ?? D.thinkMax
    this.keepAliveMs = (ss.keepAliveSeconds ?? D.keepAliveSeconds) * 1000
  }

  /**
   * The random source and the session's distributions (they depend on the spec only: made once,
   * drawn per user) — closures over this generator, made again after a deep copy.
   */
  relink(): void {
    const lcg = randomLcg(this.lcgSeed)
    const source = () => {
      const x = lcg()
      this.lcgSeed = x
      return x
    }
    this.rnd = source
    this.exp = randomExponential.source(source)
    this.geo = randomGeometric.source(source)
    this.int = randomInt.source(source)
    const ss = this.spec.session ?? {}
    const D = TRAFFIC_DEFAULTS
    this.pages = this.geo(1 / (ss.pages?.mean ?? D.pagesMean))
    const thinkMean = ss.thinkSeconds?.mean ?? D.thinkMean
    this.think = thinkMean > 0 ? this.exp(1 / thinkMean) : () => 0
    const cmin = ss.connectionsPerPage?.min ?? D.connectionsMin
    this.connections = this.int(cmin, Math.max(cmin, ss.connectionsPerPage?.max ?? D.connectionsMax) + 1)
    const requestMean = ss.requestSeconds ?? D.requestSeconds
    this.request = requestMean > 0 ? this.exp(1 / requestMean) : () => 0
    this.longHold = this.exp(1 / (ss.longLived?.holdSeconds ?? D.longLivedSeconds))
  }

  private readonly pagesMax: number
  private pages!: () => number
  private think!: () => number
  private readonly thinkMax: number
  private connections!: () => number
  private request!: () => number
  private readonly keepAliveMs: number
  private longHold!: () => number
  /** The user being planned: its number, kind and address. */
  private planUser = 0
  private planKind: UserKind = 'direct'
  private planAddress: Addr = asIPv4(0)
  /** Its connections kept alive for the next page: the request and when it was last used (ms). */
  private openReq: ConnRequest[] = []
  private openLastUse: number[] = []
  private openCount = 0

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

  private randomHost(net: { base: number; size: number; v6?: Ipv6Net | null }): Addr {
    if (net.v6) return ipv6Host(net.v6, this.rnd())
    return this.hostIn(net, Math.floor(this.rnd() * Math.max(1, net.size - 2)))
  }

  private directAddress(): Addr {
    const total = this.clientNets.reduce((s, c) => s + c.weight, 0)
    let x = this.rnd() * total
    for (const c of this.clientNets) {
      x -= c.weight
      if (x < 0) return this.randomHost(c)
    }
    return this.randomHost(this.clientNets[this.clientNets.length - 1])
  }

  /** The next ephemeral port of an address (Linux counts up in 32768…60999). */
  private ephemeralPort(addr: Addr): Port {
    let p = this.ports.get(addr)
    if (p === undefined) p = 32768 + Math.floor(this.rnd() * (60999 - 32768))
    p = p >= 60999 ? 32768 : p + 1
    this.ports.set(addr, p)
    return asPort(p)
  }

  // ---------------------------------------------------------------- sessions

  /** The source address of the planned user's next connection (a proxy farm rotates within its /24). */
  private sourceFor(): Addr {
    return this.planKind === 'proxy-farm'
      ? asIPv4((this.planAddress as IPv4) + 1 + Math.floor(this.rnd() * 254))
      : this.planAddress
  }

  /** One request of the planned user, queued by its start time. */
  private emit(
    at: number,
    proto: 'tcp' | 'udp',
    vport: number,
    holdMs: number,
    app: boolean,
    packets = 1,
    intervalMs = 1000,
  ) {
    const client = this.sourceFor()
    const clientPort = this.ephemeralPort(client)
    const req = this.freeRequests.pop() ?? blankRequest()
    req.at = Math.round(at) as SimMs
    req.client = client
    req.clientPort = clientPort
    req.proto = proto
    req.vip = this.vip
    req.vport = asPort(vport)
    req.holdMs = Math.max(1, Math.round(holdMs))
    req.packets = packets
    req.intervalMs = intervalMs
    req.user = this.planUser
    req.app = app
    if (this.sink) this.sink.queueRequest(req)
    else this.pending.push(req.at, req)
    return req
  }

  /** Where planned requests go at once, instead of waiting in `pending` to be pulled. */
  private sink: RequestSink | null = null

  /**
   * Hand every request to `sink` as it is planned (a user's whole session when the user arrives),
   * in planning order; then `planUntil()` replaces `pull()`. A sink that orders by start time and
   * first-queued-first keeps the order `pull()` gives.
   */
  setSink(sink: RequestSink | null): void {
    this.sink = sink
  }

  /** Plan every user who arrived before `untilMs` (their requests go to the sink, or to `pull()`). */
  planUntil(untilMs: number): void {
    while (this.nextArrival < this.arrivals.length && this.arrivals[this.nextArrival] < untilMs) {
      this.plan(this.nextArrival, this.arrivals[this.nextArrival])
      this.nextArrival++
    }
  }

  /** Requests handed back by their consumer, reused for later ones (the long-lived garbage otherwise). */
  private readonly freeRequests: ConnRequest[] = []

  /**
   * The consumer is done with a pulled request: the object may be reused for a later request. A
   * caller of `pull()` that keeps its requests simply never releases them.
   */
  release(req: ConnRequest): void {
    if (this.freeRequests.length < 1 << 16) this.freeRequests.push(req)
  }

  /** A kept-alive connection is closed `keepAliveMs` after its last use. */
  private closeKeptAlive(req: ConnRequest, lastUse: number): void {
    req.holdMs = Math.max(1, Math.round(lastUse + this.keepAliveMs - req.at))
  }

  private plan(id: number, arrivesAt: number): void {
    const s = this.spec.session ?? {}
    const D = TRAFFIC_DEFAULTS
    const kindRoll = this.rnd()
    const megaShare = this.spec.megaProxies?.fraction ?? 0
    const farmShare = this.spec.proxyFarms?.fraction ?? 0
    const kind: UserKind =
      kindRoll < megaShare ? 'mega-proxy' : kindRoll < megaShare + farmShare ? 'proxy-farm' : 'direct'
    let address: Addr
    if (kind === 'mega-proxy') address = this.megaAddresses[Math.floor(this.rnd() * this.megaAddresses.length)]
    else if (kind === 'proxy-farm') {
      const farms = Math.max(1, Math.floor(this.farmNet.size / 256))
      address = asIPv4(this.farmNet.base + 256 * Math.floor(this.rnd() * farms))
    } else address = this.directAddress()
    this.users.push({ id, kind, arrivesAt: arrivesAt as SimMs, address })
    this.planUser = id
    this.planKind = kind
    this.planAddress = address

    const pages = Math.min(this.pagesMax, this.pages())
    const keepAliveMs = this.keepAliveMs
    const httpPort = this.spec.httpPort ?? D.httpPort
    const httpsPort = this.spec.httpsPort ?? D.httpsPort
    const switchAt =
      this.rnd() < (s.httpsSwitch?.probability ?? D.httpsProbability)
        ? (s.httpsSwitch?.afterPage ?? D.httpsAfterPage)
        : Infinity
    const extras =
      s.otherPorts && s.otherPorts.length > 0
        ? s.otherPorts.filter((o) => this.rnd() < o.probability).map((o) => ({ o, page: this.int(0, pages)() }))
        : NO_EXTRAS
    const long =
      s.longLived && this.rnd() < s.longLived.probability ? { page: this.int(0, pages)(), spec: s.longLived } : null

    const openReq = this.openReq
    const openLastUse = this.openLastUse
    this.openCount = 0
    let t = arrivesAt
    for (let page = 0; page < pages; page++) {
      const port = page + 1 >= switchAt ? httpsPort : httpPort
      const n = this.connections()
      // the first n kept-alive connections to this page's port are used again; the others close
      let reused = 0
      for (let j = 0; j < this.openCount; j++) {
        if (reused < n && openReq[j].vport === port) {
          openReq[reused] = openReq[j]
          openLastUse[reused] = openLastUse[j]
          reused++
        } else this.closeKeptAlive(openReq[j], openLastUse[j])
      }
      this.openCount = reused
      const busy = this.request()
      for (let k = 0; k < n; k++) {
        if (k < reused) openLastUse[k] = t + k * D.staggerMs + busy * 1000
        else {
          const at = t + k * D.staggerMs
          openReq[this.openCount] = this.emit(at, 'tcp', port, busy * 1000, true)
          openLastUse[this.openCount] = at + busy * 1000
          this.openCount++
        }
      }
      for (const { o, page: p } of extras)
        if (p === page)
          this.emit(
            t + 50,
            o.proto,
            o.port,
            (o.holdSeconds ?? 60) * 1000,
            false,
            o.packets ?? 1,
            (o.interval ?? 1) * 1000,
          )
      if (long && long.page === page) {
        const hold = this.longHold()
        this.emit(t + 80, 'tcp', long.spec.port ?? port, hold * 1000, true)
      }
      const pause = Math.min(this.thinkMax, this.think()) * 1000
      const last = page === pages - 1
      if (last || keepAliveMs === 0 || pause > keepAliveMs) {
        for (let j = 0; j < this.openCount; j++) {
          const req = openReq[j]
          if (keepAliveMs === 0) req.holdMs = Math.max(1, Math.round(openLastUse[j] - req.at))
          else this.closeKeptAlive(req, openLastUse[j])
        }
        this.openCount = 0
      }
      t += busy * 1000 + pause
    }
    // no request object outlives its user's planning in these lists
    for (let j = 0; j < openReq.length; j++) openReq[j] = NO_REQUEST
  }

  /** Every request that starts before `untilMs`, in time order (generating the users who arrived by then). */
  pull(untilMs: number): ConnRequest[] {
    // A session's requests all start after its arrival; plan every user who arrived by the horizon.
    this.planUntil(untilMs)
    const out: ConnRequest[] = []
    const pending = this.pending
    while (pending.size > 0 && pending.peekKey() < untilMs) out.push(pending.pop() as ConnRequest)
    return out
  }

  /** When the next user not yet planned arrives (ms), or Infinity when every user has been. */
  get nextArrivalAt(): number {
    return this.nextArrival < this.arrivals.length ? this.arrivals[this.nextArrival] : Number.POSITIVE_INFINITY
  }

  /** Total users that will arrive. */
  get plannedUsers(): number {
    return this.arrivals.length
  }
}
