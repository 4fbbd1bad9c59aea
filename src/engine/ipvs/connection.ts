import type { IPv4, Port } from '../net/ipv4'
import type { SimMs } from '../sim/time'
import type { Destination, ForwardMethod } from './destination'

/** Template states (IP_VS_CTPL_S_NONE / IP_VS_CTPL_S_ASSURED), as ip_vs_state_name() prints them. */
export const TemplateState = { NONE: 0, ASSURED: 1 } as const
export const TEMPLATE_STATE_NAMES = ['NONE', 'ASSURED'] as const

let nextConnectionId = 1

/**
 * One entry of the IPVS connection table (struct ip_vs_conn): a real connection, or — with
 * `isTemplate` — a persistence template, which the kernel keeps in the same table with the same
 * timer machinery.
 */
export class Connection {
  readonly id = nextConnectionId++
  protocol: number
  caddr: IPv4
  cport: Port
  vaddr: IPv4
  vport: Port
  daddr: IPv4
  dport: Port
  readonly isTemplate: boolean
  /** Copied from the destination when bound (ip_vs_bind_dest()); later edits of the RS do not change it. */
  forward: ForwardMethod = 3
  /** IP_VS_CONN_F_INACTIVE: counted in InActConn (every new connection starts so). */
  inactive = true
  /** IP_VS_CONN_F_NOOUTPUT: DR/TUN, the director never sees the replies. */
  noOutput = false
  /** IP_VS_CONN_F_ONE_PACKET (-o, UDP): never hashed, freed after its packet. */
  onePacket = false
  dest: Destination | null = null
  /** TCP state, UDP's single state, or the template state. */
  state = 0
  /** cp->timeout: what the timer is re-armed with, in ms. */
  timeoutMs = 3000
  /** cp->timer.expires: the requested expiry, what `ipvsadm -Lnc` counts down to. */
  expiresAt = 0 as SimMs
  /** When the timer really fires (expiry plus the timer wheel's lateness). */
  fireAt = 0 as SimMs
  timerArmed = false
  /** The timer queue holds at most one live event per entry: its generation, and its time. */
  timerGen = 0
  timerQueuedAt = -1
  /** The template this connection was created from (cp->control). */
  control: Connection | null = null
  /** How many connections point at this template (cp->n_control). */
  nControl = 0
  fwmark: number
  /** Linked in the connection table (IP_VS_CONN_F_HASHED). */
  hashed = false
  /** Next entry with the same key (the hash chain). */
  hashNext: Connection | null = null

  // Bookkeeping for the app (not kernel state).
  readonly createdAt: SimMs
  /** When a new connection last restarted this template's timer. */
  refreshedAt: SimMs
  /** Times the kernel re-armed this template by 60 s because it still controlled connections. */
  rearms = 0
  /** Set once ip_vs_check_template() rewrote the ports to 65535. */
  invalidated = false

  constructor(
    protocol: number,
    caddr: IPv4,
    cport: Port,
    vaddr: IPv4,
    vport: Port,
    daddr: IPv4,
    dport: Port,
    isTemplate: boolean,
    fwmark: number,
    now: SimMs,
  ) {
    this.protocol = protocol
    this.caddr = caddr
    this.cport = cport
    this.vaddr = vaddr
    this.vport = vport
    this.daddr = daddr
    this.dport = dport
    this.isTemplate = isTemplate
    this.fwmark = fwmark
    this.createdAt = now
    this.refreshedAt = now
  }
}

/**
 * The connection table's bucket: a hash of the client address and port (the kernel hashes
 * <proto, caddr, cport> too), small enough to stay an integer key for V8's Map. Entries of one
 * bucket are told apart by comparing every field, as ip_vs_conn_in_get()/ip_vs_ct_in_get() do.
 */
const bucketOf = (caddr: number, cport: number): number => (Math.imul(caddr, 0x9e3779b1) ^ cport) & 0x3fffffff

/**
 * The connection table (ip_vs_conn_tab): entries chained per key, the newest first as the kernel
 * inserts at the bucket head; plus the set of all entries in creation order for listings.
 */
export class ConnectionTable {
  private readonly heads = new Map<number, Connection>()
  /** Every entry still alive (hashed or not), in creation order. */
  readonly all = new Set<Connection>()
  templates = 0
  connections = 0

  get size(): number {
    return this.all.size
  }

  add(c: Connection): void {
    this.all.add(c)
    if (c.isTemplate) this.templates++
    else this.connections++
  }

  remove(c: Connection): void {
    if (c.hashed) this.unhash(c)
    if (this.all.delete(c)) {
      if (c.isTemplate) this.templates--
      else this.connections--
    }
  }

  // mirrors ip_vs_conn_hash()
  hash(c: Connection): void {
    const k = bucketOf(c.caddr, c.cport)
    c.hashNext = this.heads.get(k) ?? null
    this.heads.set(k, c)
    c.hashed = true
  }

  // mirrors ip_vs_conn_unhash()
  unhash(c: Connection): boolean {
    if (!c.hashed) return false
    const k = bucketOf(c.caddr, c.cport)
    let prev: Connection | null = null
    let cur = this.heads.get(k) ?? null
    while (cur !== null && cur !== c) {
      prev = cur
      cur = cur.hashNext
    }
    if (cur === null) throw new Error('connection table: hashed entry not found in its chain')
    if (prev === null) {
      if (c.hashNext === null) this.heads.delete(k)
      else this.heads.set(k, c.hashNext)
    } else prev.hashNext = c.hashNext
    c.hashNext = null
    c.hashed = false
    return true
  }

  /** ip_vs_conn_in_get(): a real connection by its 5-tuple (templates never match: their cport is 0). */
  findConnection(protocol: number, caddr: number, cport: number, vaddr: number, vport: number): Connection | null {
    for (let c = this.heads.get(bucketOf(caddr, cport)) ?? null; c; c = c.hashNext) {
      if (
        !c.isTemplate &&
        c.cport === cport &&
        c.caddr === caddr &&
        c.vport === vport &&
        c.vaddr === vaddr &&
        c.protocol === protocol
      )
        return c
    }
    return null
  }

  /** ip_vs_ct_in_get(): a template by its key; an invalidated template (ports 65535) has another key. */
  findTemplate(protocol: number, caddr: number, vaddr: number, vport: number): Connection | null {
    for (let c = this.heads.get(bucketOf(caddr, 0)) ?? null; c; c = c.hashNext) {
      if (
        c.isTemplate &&
        c.cport === 0 &&
        c.caddr === caddr &&
        c.vport === vport &&
        c.vaddr === vaddr &&
        c.protocol === protocol
      )
        return c
    }
    return null
  }
}
