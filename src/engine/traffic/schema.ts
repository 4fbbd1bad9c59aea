import * as v from 'valibot'
import { parseIPv6 } from '../net/ipv6'

/**
 * The `traffic` block of a scenario: a seeded model of the users a class wants to watch.
 * Every field is optional except `users`; defaults are given beside each field and in README.
 */

const num = (min: number, max: number, what = 'a number') =>
  v.pipe(
    v.number(`expected ${what}`),
    v.finite(`expected ${what}`),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  )
const int = (min: number, max: number, what = 'a whole number') =>
  v.pipe(num(min, max, what), v.integer(`expected ${what}`))
const probability = num(0, 1, 'a probability between 0 and 1')
const cidr = v.pipe(
  v.string('expected a subnet like 10.0.0.0/16'),
  v.regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/([0-9]|[12]\d|3[0-2])$/, 'expected a subnet like 10.0.0.0/16'),
)

/** A client subnet: an IPv4 one, or an IPv6 prefix like 2001:db8:a::/56. */
const clientCidr = v.union(
  [
    cidr,
    v.pipe(
      v.string(),
      v.check((t) => {
        const [a, len, extra] = t.split('/')
        return extra === undefined && /^\d{1,3}$/.test(len ?? '') && Number(len) <= 128 && parseIPv6(a) !== null
      }),
    ),
  ],
  'expected a subnet like 10.0.0.0/16 or 2001:db8:a::/56',
)

export const TrafficSchema = v.strictObject({
  /** How many users arrive during the run (required). */
  users: int(0, 1_000_000, 'a number of users (0…1,000,000)'),
  /** PRNG seed (default: the scenario's `seed`, else 1). Same seed → same traffic. */
  seed: v.optional(int(0, 2 ** 31 - 1, 'a seed')),
  /** Arrivals start at this second (default 0)… */
  start: v.optional(num(0, 10 * 365 * 86400)),
  /** …and spread over this many seconds (default: `until` minus `start`). */
  duration: v.optional(num(0, 10 * 365 * 86400)),
  /** How arrivals are spread: "poisson" (default, random at a constant rate), "uniform" (evenly), "ramp" (rate growing from 0), "burst". */
  arrivals: v.optional(
    v.picklist(['poisson', 'uniform', 'ramp', 'burst'], 'expected "poisson", "uniform", "ramp" or "burst"'),
  ),
  /** With "burst": this share of the users arrive within `within` seconds from `at`; the rest as "poisson". */
  burst: v.optional(v.strictObject({ at: num(0, 1e9), fraction: probability, within: num(0, 1e9) })),
  /** The virtual IP the users talk to (default 192.168.100.100); IPv6 too (2001:db8::100). */
  vip: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (t) => /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(t) || parseIPv6(t) !== null,
        'expected an IPv4 or IPv6 address',
      ),
    ),
  ),
  /**
   * Where ordinary users' addresses come from, with relative weights (default [{subnet: "10.0.0.0/16"}]).
   * An IPv6 subnet gives clients whose top 32 host bits are random and whose last bit is 1.
   */
  clients: v.optional(
    v.pipe(
      v.array(v.strictObject({ subnet: clientCidr, weight: v.optional(num(0, 1e9)) })),
      v.minLength(1, 'at least one subnet'),
    ),
  ),
  /** Users behind a mega-proxy NAT: `fraction` of users share `addresses` addresses of `subnet` (default 172.16.0.0/24, 1 address). */
  megaProxies: v.optional(
    v.strictObject({ fraction: probability, addresses: v.optional(int(1, 65536)), subnet: v.optional(cidr) }),
  ),
  /** Users of proxy farms: `fraction` of users, each farm a /24 of `subnet` (default 172.20.0.0/16); every connection leaves from another address of the /24. */
  proxyFarms: v.optional(v.strictObject({ fraction: probability, subnet: v.optional(cidr) })),
  session: v.optional(
    v.strictObject({
      /** Page views per visit: mean (default 6), capped at max (default 40). */
      pages: v.optional(v.strictObject({ mean: num(1, 10000), max: v.optional(int(1, 100000)) })),
      /** Think time between pages, exponential: mean seconds (default 20), capped at max (default 240). */
      thinkSeconds: v.optional(v.strictObject({ mean: num(0, 1e6), max: v.optional(num(0, 1e7)) })),
      /** Parallel connections a page opens: between min and max (default 1…4). */
      connectionsPerPage: v.optional(v.strictObject({ min: int(1, 64), max: int(1, 64) })),
      /** How long a page's connection is busy, mean seconds (default 0.4). */
      requestSeconds: v.optional(num(0, 1e6)),
      /** HTTP keep-alive: idle connections stay open this long and serve the next page (default 15; 0 = a new connection per request). */
      keepAliveSeconds: v.optional(num(0, 1e6)),
      /** Users who move from HTTP to HTTPS (login, checkout): probability (default 0.6), from page `afterPage` (default 3). */
      httpsSwitch: v.optional(v.strictObject({ probability, afterPage: v.optional(int(1, 100000)) })),
      /** Other ports some users open once per visit (default: none). UDP: `packets` datagrams `interval` s apart. */
      otherPorts: v.optional(
        v.array(
          v.strictObject({
            probability,
            proto: v.picklist(['tcp', 'udp'], 'expected "tcp" or "udp"'),
            port: int(1, 65535, 'a port'),
            holdSeconds: v.optional(num(0, 1e7)),
            packets: v.optional(int(1, 10000)),
            interval: v.optional(num(0, 1e6)),
          }),
        ),
      ),
      /** Users "still online": a long download or websocket, probability (default 0), mean seconds (default 400), port (default the page's). */
      longLived: v.optional(
        v.strictObject({ probability, holdSeconds: v.optional(num(0, 1e7)), port: v.optional(int(1, 65535)) }),
      ),
    }),
  ),
  /** HTTP port (default 80) and HTTPS port (default 443). */
  httpPort: v.optional(int(1, 65535, 'a port')),
  httpsPort: v.optional(int(1, 65535, 'a port')),
  /** A shared session store (e.g. Redis): every real server accepts every session, none breaks (default false). */
  sessionSharing: v.optional(v.boolean('expected true or false')),
})
export type TrafficSpec = v.InferOutput<typeof TrafficSchema>
