import type { Port } from '../net/ipv4'
import { type Addr, AF_INET6 } from '../net/ipv6'
import type { Destination } from './destination'
import type { AnyScheduler } from './schedulers/scheduler'
import { IpvsStats } from './stats'
import type { ServiceSpec } from './types'

export type { ServiceSpec } from './types'

export const Protocol = { IP: 0, TCP: 6, UDP: 17, SCTP: 132 } as const
export type Protocol = (typeof Protocol)[keyof typeof Protocol]

export const PROTOCOL_NAMES: Record<number, string> = { 0: 'IP', 6: 'TCP', 17: 'UDP', 132: 'SCTP' }

/** svc->flags (include/uapi/linux/ip_vs.h). */
export const SvcFlag = {
  PERSISTENT: 0x1,
  HASHED: 0x2,
  ONEPACKET: 0x4,
  SCHED1: 0x8,
  SCHED2: 0x10,
  SCHED3: 0x20,
} as const

/** FTP's control port: its services get the FTP template and data-port fallback rules. */
export const FTPPORT = 21
export const FTPDATA = 20

let nextServiceId = 1

/** A virtual service (struct ip_vs_service): TCP/UDP/SCTP VIP:port, a port-0 (PCC) service, or a firewall mark. */
export class Service {
  readonly id = nextServiceId++
  /** svc->af: AF_INET or AF_INET6. */
  readonly af: number
  readonly protocol: Protocol
  readonly vaddr: Addr
  readonly vport: Port
  /** 0 unless this is a fwmark service. */
  readonly fwmark: number
  flags: number
  /** svc->timeout: the persistence timeout, in simulated ms. */
  persistTimeoutMs: number
  /**
   * IPv4: the mask as a host-order u32 (a client address & netmask is the template key); IPv6: the
   * prefix length 1…128 (ipv6_addr_prefix()).
   */
  netmask: number
  peName: string
  scheduler: AnyScheduler | null = null
  schedState: unknown = null
  /**
   * The destinations oldest first. The kernel adds at the list's head (list_add_rcu()); kept
   * the other way round here, an add is a push, not a move of every entry (65,535 `ipvsadm -a`).
   */
  private readonly destsOldestFirst: Destination[] = []
  private destsView: Destination[] | null = []
  /**
   * The same destinations by address and port. The kernel walks the list (ip_vs_lookup_dest());
   * the index gives the same answer without the walk.
   */
  private readonly destIndex = new Map<number | string, Destination>()
  readonly stats = new IpvsStats()

  constructor(spec: ServiceSpec) {
    this.af = spec.af
    this.protocol = spec.protocol
    this.vaddr = spec.vaddr
    this.vport = spec.vport
    this.fwmark = spec.fwmark
    this.flags = spec.flags
    this.persistTimeoutMs = spec.timeoutSec * 1000
    this.netmask = spec.netmask
    this.peName = spec.peName
  }

  /** svc->destinations in kernel list order: the most recently added first. */
  get destinations(): readonly Destination[] {
    if (this.destsView === null) this.destsView = this.destsOldestFirst.slice().reverse()
    return this.destsView
  }

  /** ip_vs_lookup_dest(): this service's destination with this address and port. */
  findDest(addr: Addr, port: number): Destination | null {
    return this.destIndex.get(destKey(addr, port)) ?? null
  }

  /** list_add_rcu() at the head of svc->destinations. */
  linkDest(dest: Destination): void {
    this.destsOldestFirst.push(dest)
    this.destIndex.set(destKey(dest.addr, dest.port), dest)
    this.destsView = null
  }

  /** list_del_rcu(); returns where the destination was in kernel list order. */
  unlinkDest(dest: Destination): number {
    const i = this.destsOldestFirst.lastIndexOf(dest)
    if (i < 0) return -1
    this.destsOldestFirst.splice(i, 1)
    this.destIndex.delete(destKey(dest.addr, dest.port))
    this.destsView = null
    return this.destsOldestFirst.length - i
  }

  get persistent(): boolean {
    return (this.flags & SvcFlag.PERSISTENT) !== 0
  }

  get onePacket(): boolean {
    return (this.flags & SvcFlag.ONEPACKET) !== 0
  }

  get isFwmark(): boolean {
    return this.fwmark !== 0
  }
}

/** A destination's key in its service: <addr, port>, a number for IPv4, a string for IPv6. */
const destKey = (addr: Addr, port: number): number | string =>
  typeof addr === 'string' ? `${addr}]${port}` : addr * 65536 + port

/**
 * Key of the <protocol, vaddr, vport> service table: a 50-bit number, exact in a double, for an
 * IPv4 VIP; a string for an IPv6 one (the address carries the family, as __ip_vs_service_find()
 * compares svc->af).
 */
export const serviceKey = (protocol: number, vaddr: Addr, vport: number): number | string =>
  typeof vaddr === 'string'
    ? `${protocol}/${vaddr}]${vport}`
    : (protocol === Protocol.TCP ? 0 : protocol === Protocol.UDP ? 1 : protocol === Protocol.SCTP ? 2 : 3) * 2 ** 48 +
      vaddr * 65536 +
      vport

/** Key of the fwmark service table: __ip_vs_svc_fwm_find() matches the mark and the family. */
export const fwmarkKey = (fwmark: number, af: number): number => (af === AF_INET6 ? -(fwmark >>> 0) - 1 : fwmark >>> 0)
