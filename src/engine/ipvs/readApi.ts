/**
 * The director's read API: what a host (the app's worker) may look at, as small read-only views.
 * Views read the director's live state through getters (no copies, nothing to keep in sync) and
 * are made once per object, so a view or a destination list keeps its identity while what it
 * shows does not change; nothing here can change the director.
 *
 * Reading through these views instead of the director's own structures keeps the host independent
 * of how the engine stores services, destinations and the connection table.
 */
import type { Addr } from '../net/ipv6'
import type { Connection } from './connection'
import type { Destination } from './destination'
import type { Director } from './director'
import type { Service } from './service'

/** Forwarding methods by ipvsadm's names (-m, local, -i, -g). */
export type ForwardName = 'Masq' | 'Local' | 'Tunnel' | 'Route'
const FORWARD_NAMES: readonly ForwardName[] = ['Masq', 'Local', 'Tunnel', 'Route']

/** A real server of a service. */
export interface DestinationReadView {
  /** An IPv4 address (a number) or an IPv6 one (its inet_ntop text). */
  readonly addr: Addr
  readonly port: number
  readonly weight: number
  readonly forward: ForwardName
  readonly activeConns: number
  readonly inactConns: number
  /** Templates bound to it. */
  readonly persistConns: number
  /** Connections it took since it was added. */
  readonly conns: number
}

/** A virtual service. */
export interface ServiceReadView {
  /** Unique over the run. */
  readonly id: number
  readonly protocol: number
  /** AF_INET (2) or AF_INET6 (10). */
  readonly af: number
  readonly vaddr: Addr
  readonly vport: number
  /** 0 unless a firewall-mark service. */
  readonly fwmark: number
  /** The scheduler's name ('' while none is bound). */
  readonly scheduler: string
  readonly persistent: boolean
  /** The persistence timeout (ms). */
  readonly persistTimeoutMs: number
  /** The persistence netmask: IPv4 a host-order u32, IPv6 the prefix length (1…128). */
  readonly netmask: number
  /** Its real servers in kernel list order: the same array until the list changes. */
  readonly destinations: readonly DestinationReadView[]
}

/** An entry of the connection table: a connection or a persistence template. */
export interface EntryReadView {
  /** Unique over the run. */
  readonly id: number
  readonly isTemplate: boolean
  /** Client address (a template's: masked by the service's netmask). */
  readonly client: Addr
  readonly clientPort: number
  readonly vaddr: Addr
  readonly vport: number
  /** 0 unless made for a firewall-mark service. */
  readonly fwmark: number
  readonly rsAddr: Addr
  readonly rsPort: number
  readonly createdAt: number
  /** The timer's requested expiry (ms), what `ipvsadm -Lnc` counts down to. */
  readonly expiresAt: number
  /** What the timer is re-armed with (ms). */
  readonly timeoutMs: number
  /** How many connections this template controls (n_control). */
  readonly controlled: number
  /** In the table with its timer pending. */
  readonly live: boolean
  /** Made on a backup from a sync message (IP_VS_CONN_F_SYNC), not by its own scheduler. */
  readonly synced: boolean
  /** The service of the real server it is bound to (null: unbound). */
  readonly service: ServiceReadView | null
  /** The entry itself, only to hand back to the engine's formatters (connectionLine). */
  readonly entry: Connection
}

/** What a host may read of a director. */
export interface DirectorReadApi {
  /** The services in ipvsadm's order. */
  services(): readonly ServiceReadView[]
  /** A view of an entry the director named in one of its events. */
  entry(c: Connection): EntryReadView
  /** The live template with this id, or null. */
  findTemplate(id: number): EntryReadView | null
  /** Is a template for this (masked) client address live? */
  hasLiveTemplateFor(client: Addr): boolean
  /** Every live template (listed, its timer pending), oldest first. */
  liveTemplates(): EntryReadView[]
  /** sysctl expire_quiescent_template. */
  readonly expireQuiescentTemplate: boolean
  /** The director's own consistency check (counters recounted from the entries). */
  checkInvariants(): string[]
}

class DestinationView implements DestinationReadView {
  readonly #d: Destination
  constructor(d: Destination) {
    this.#d = d
  }
  get addr(): Addr {
    return this.#d.addr
  }
  get port() {
    return this.#d.port as number
  }
  get weight() {
    return this.#d.weight
  }
  get forward() {
    return FORWARD_NAMES[this.#d.forward] ?? 'Route'
  }
  get activeConns() {
    return this.#d.activeConns
  }
  get inactConns() {
    return this.#d.inactConns
  }
  get persistConns() {
    return this.#d.persistConns
  }
  get conns() {
    return this.#d.stats.conns
  }
}

const destinationViews = new WeakMap<Destination, DestinationReadView>()
const destinationLists = new WeakMap<readonly Destination[], readonly DestinationReadView[]>()

function destinationView(d: Destination): DestinationReadView {
  let v = destinationViews.get(d)
  if (!v) {
    v = new DestinationView(d)
    destinationViews.set(d, v)
  }
  return v
}

class ServiceView implements ServiceReadView {
  readonly #s: Service
  constructor(s: Service) {
    this.#s = s
  }
  get id() {
    return this.#s.id
  }
  get protocol() {
    return this.#s.protocol as number
  }
  get af() {
    return this.#s.af
  }
  get vaddr(): Addr {
    return this.#s.vaddr
  }
  get vport() {
    return this.#s.vport as number
  }
  get fwmark() {
    return this.#s.fwmark
  }
  get scheduler() {
    return this.#s.scheduler?.name ?? ''
  }
  get persistent() {
    return this.#s.persistent
  }
  get persistTimeoutMs() {
    return this.#s.persistTimeoutMs
  }
  get netmask() {
    return this.#s.netmask
  }
  get destinations() {
    const list = this.#s.destinations
    let views = destinationLists.get(list)
    if (!views) {
      views = list.map(destinationView)
      destinationLists.set(list, views)
    }
    return views
  }
}

const serviceViews = new WeakMap<Service, ServiceReadView>()

function serviceView(s: Service): ServiceReadView {
  let v = serviceViews.get(s)
  if (!v) {
    v = new ServiceView(s)
    serviceViews.set(s, v)
  }
  return v
}

class EntryView implements EntryReadView {
  readonly entry: Connection
  constructor(c: Connection) {
    this.entry = c
  }
  get id() {
    return this.entry.id
  }
  get isTemplate() {
    return this.entry.isTemplate
  }
  get client(): Addr {
    return this.entry.caddr
  }
  get clientPort() {
    return this.entry.cport as number
  }
  get vaddr(): Addr {
    return this.entry.vaddr
  }
  get vport() {
    return this.entry.vport as number
  }
  get fwmark() {
    return this.entry.fwmark
  }
  get rsAddr(): Addr {
    return this.entry.daddr
  }
  get rsPort() {
    return this.entry.dport as number
  }
  get createdAt() {
    return this.entry.createdAt as number
  }
  get expiresAt() {
    return this.entry.expiresAt as number
  }
  get timeoutMs() {
    return this.entry.timeoutMs
  }
  get controlled() {
    return this.entry.nControl
  }
  get live() {
    return this.entry.listed && this.entry.timerArmed
  }
  get synced() {
    return this.entry.synced
  }
  get service() {
    const svc = this.entry.dest?.svc
    return svc ? serviceView(svc) : null
  }
}

/** The read API of `director`. */
export function readDirector(director: Director): DirectorReadApi {
  return {
    services: () => director.services.map(serviceView),
    entry: (c) => new EntryView(c),
    findTemplate(id) {
      for (const c of director.table.all) if (c.isTemplate && c.id === id) return new EntryView(c)
      return null
    },
    hasLiveTemplateFor(client) {
      for (const c of director.table.all) if (c.isTemplate && c.timerArmed && c.caddr === client) return true
      return false
    },
    liveTemplates() {
      const out: EntryReadView[] = []
      for (const c of director.table.all) if (c.isTemplate && c.listed && c.timerArmed) out.push(new EntryView(c))
      return out
    },
    get expireQuiescentTemplate() {
      return director.sysctl.expire_quiescent_template !== 0
    },
    checkInvariants: () => director.checkInvariants(),
  }
}
