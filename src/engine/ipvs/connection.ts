import type { Port } from '../net/ipv4'
import { type Addr, addrFold } from '../net/ipv6'
import type { SimMs } from '../sim/time'
import { JIFFY_MS } from '../sim/timerWheel'
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
  // Field order is memory order: what a lookup compares and what a timer reads first, so that a
  // packet or a timer touches one or two cache lines of a cold entry.
  /** Next entry with the same key (the hash chain). */
  hashNext: Connection | null = null
  cport = 0 as Port
  caddr = 0 as Addr
  vport = 0 as Port
  vaddr = 0 as Addr
  protocol = 0
  /** Fixed for the entry's life (an entry object is only reused for another of its kind). */
  readonly isTemplate: boolean
  /** When the timer really fires (expiry plus the timer wheel's lateness). */
  fireAt = 0 as SimMs
  /** The timer queue holds at most one live event per entry: its generation, and its handle (-1: none). */
  timerGen = 0
  timerArmed = false
  timerNode = -1
  /** How many connections point at this template (cp->n_control). */
  nControl = 0
  /** The template this connection was created from (cp->control). */
  control: Connection | null = null
  /** TCP state, UDP's single state, or the template state. */
  state = 0
  /** cp->timeout: what the timer is re-armed with, in ms. */
  timeoutMs = 3000
  /** cp->timer.expires: the requested expiry, what `ipvsadm -Lnc` counts down to. */
  expiresAt = 0 as SimMs
  dest: Destination | null = null
  /** IP_VS_CONN_F_INACTIVE: counted in InActConn (every new connection starts so). */
  inactive = true
  /** IP_VS_CONN_F_NOOUTPUT: DR/TUN, the director never sees the replies. */
  noOutput = false
  /** IP_VS_CONN_F_ONE_PACKET (-o, UDP): never hashed, freed after its packet. */
  onePacket = false
  /** Linked in the connection table (IP_VS_CONN_F_HASHED). */
  hashed = false
  /** In the table's list of every entry (creation order): neighbours, and whether it is listed. */
  listPrev: Connection | null = null
  listNext: Connection | null = null
  listed = false
  daddr = 0 as Addr
  dport = 0 as Port
  /** Copied from the destination when bound (ip_vs_bind_dest()); later edits of the RS do not change it. */
  forward: ForwardMethod = 3
  fwmark = 0
  /** Unique over the run: a reused entry object gets a new one. */
  id = 0
  /** cp->in_pkts: packets from the client so far (ip_vs_in_hook()); what the sync thresholds count. */
  inPkts = 0
  /** cp->sync_endtime, in jiffies (its two low bits: retries), and cp->old_state (ip_vs_sync_conn_needed()). */
  syncEndtime = 0
  oldState = 0
  /** IP_VS_CONN_F_SYNC: created on a backup from a sync message (`/proc/net/ip_vs_conn_sync` Origin SYNC). */
  synced = false

  // Bookkeeping for the app (not kernel state).
  createdAt = 0 as SimMs
  /** When a new connection last restarted this template's timer. */
  refreshedAt = 0 as SimMs
  /** Times the kernel re-armed this template by 60 s because it still controlled connections. */
  rearms = 0
  /** Set once ip_vs_check_template() rewrote the ports to 65535. */
  invalidated = false
  /** cp->pe_data: a SIP template's Call-ID (one char a byte), null for every other entry. */
  peData: string | null = null

  constructor(
    protocol: number,
    caddr: Addr,
    cport: Port,
    vaddr: Addr,
    vport: Port,
    daddr: Addr,
    dport: Port,
    isTemplate: boolean,
    fwmark: number,
    now: SimMs,
  ) {
    this.isTemplate = isTemplate
    this.reinit(protocol, caddr, cport, vaddr, vport, daddr, dport, fwmark, now)
  }

  /**
   * Make this entry a new one — a new object, or an expired one reused (the slab's reuse of a freed
   * ip_vs_conn): every field as a new entry has it, but `timerGen`, which keeps counting so that an
   * event still queued from the previous life is recognised as stale.
   */
  reinit(
    protocol: number,
    caddr: Addr,
    cport: Port,
    vaddr: Addr,
    vport: Port,
    daddr: Addr,
    dport: Port,
    fwmark: number,
    now: SimMs,
  ): void {
    this.id = nextConnectionId++
    this.hashNext = null
    this.cport = cport
    this.caddr = caddr
    this.vport = vport
    this.vaddr = vaddr
    this.protocol = protocol
    this.fireAt = 0 as SimMs
    this.timerGen++
    this.timerArmed = false
    this.timerNode = -1
    this.nControl = 0
    this.control = null
    this.state = 0
    this.timeoutMs = 3000
    this.expiresAt = 0 as SimMs
    this.dest = null
    this.inactive = true
    this.noOutput = false
    this.onePacket = false
    this.hashed = false
    this.listPrev = null
    this.listNext = null
    this.listed = false
    this.daddr = daddr
    this.dport = dport
    this.forward = 3
    this.fwmark = fwmark
    this.createdAt = now
    this.refreshedAt = now
    this.rearms = 0
    this.invalidated = false
    this.peData = null
    // ip_vs_conn_new(): in_pkts 0, old_state 0, sync_endtime = jiffies & ~3
    this.inPkts = 0
    this.oldState = 0
    this.syncEndtime = Math.floor(now / JIFFY_MS) & ~3
    this.synced = false
  }
}

/**
 * The connection table's bucket: a hash of the client address and port (the kernel hashes
 * <proto, caddr, cport> too). Entries of one bucket are told apart by comparing every field, as
 * ip_vs_conn_in_get()/ip_vs_ct_in_get() do.
 */
function hashOf(caddr: Addr, cport: number): number {
  // an IPv6 client: its four words folded, as ip_vs_conn_hashkey() folds them
  const a = typeof caddr === 'string' ? addrFold(caddr) : caddr
  // murmur3's finaliser: every input bit reaches the low bits the bucket mask keeps (a /24 netmask
  // leaves templates' low address bits all zero)
  let h = (a ^ Math.imul(cport, 0x9e3779b1)) | 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** Every entry alive (hashed or not), in creation order: what the listings walk. */
export class EntryList implements Iterable<Connection> {
  private first: Connection | null = null
  private last: Connection | null = null
  size = 0

  has(c: Connection): boolean {
    return c.listed
  }

  /** Append `c`; false when it is listed already. */
  add(c: Connection): boolean {
    if (c.listed) return false
    c.listed = true
    c.listPrev = this.last
    c.listNext = null
    if (this.last) this.last.listNext = c
    else this.first = c
    this.last = c
    this.size++
    return true
  }

  delete(c: Connection): boolean {
    if (!c.listed) return false
    c.listed = false
    const { listPrev: p, listNext: n } = c
    if (p) p.listNext = n
    else this.first = n
    if (n) n.listPrev = p
    else this.last = p
    c.listPrev = null
    c.listNext = null
    this.size--
    return true
  }

  /** In creation order. To delete entries while walking, walk a copy (`[...list]`). */
  *[Symbol.iterator](): Iterator<Connection> {
    for (let c = this.first; c !== null; ) {
      const next = c.listNext
      yield c
      c = next
    }
  }
}

/**
 * The connection table (ip_vs_conn_tab): entries chained per bucket, the newest first as the kernel
 * inserts at the bucket head; plus the list of all entries in creation order for listings. The
 * bucket array doubles as entries grow (the kernel's is fixed, 2^12 by default): chains stay short
 * and each chain keeps its order, which is all a lookup can see.
 */
export class ConnectionTable {
  private heads: (Connection | null)[] = new Array<Connection | null>(1024).fill(null)
  private mask = 1023
  private hashedCount = 0
  /** Every entry still alive (hashed or not), in creation order. */
  readonly all = new EntryList()
  templates = 0
  connections = 0

  get size(): number {
    return this.all.size
  }

  add(c: Connection): void {
    if (!this.all.add(c)) return
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
    if (this.hashedCount >= this.heads.length) this.growBuckets()
    const k = hashOf(c.caddr, c.cport) & this.mask
    c.hashNext = this.heads[k]
    this.heads[k] = c
    c.hashed = true
    this.hashedCount++
  }

  // mirrors ip_vs_conn_unhash()
  unhash(c: Connection): boolean {
    if (!c.hashed) return false
    const k = hashOf(c.caddr, c.cport) & this.mask
    let prev: Connection | null = null
    let cur = this.heads[k]
    while (cur !== null && cur !== c) {
      prev = cur
      cur = cur.hashNext
    }
    if (cur === null) throw new Error('connection table: hashed entry not found in its chain')
    if (prev === null) this.heads[k] = c.hashNext
    else prev.hashNext = c.hashNext
    c.hashNext = null
    c.hashed = false
    this.hashedCount--
    return true
  }

  /** Twice the buckets; each old chain is split in order, so entries of one key keep their order. */
  private growBuckets(): void {
    const old = this.heads
    const size = old.length * 2
    const heads = new Array<Connection | null>(size).fill(null)
    const tails = new Array<Connection | null>(size).fill(null)
    const mask = size - 1
    for (const head of old) {
      for (let c = head; c !== null; ) {
        const next = c.hashNext
        const k = hashOf(c.caddr, c.cport) & mask
        c.hashNext = null
        const t = tails[k]
        if (t === null) heads[k] = c
        else t.hashNext = c
        tails[k] = c
        c = next
      }
    }
    this.heads = heads
    this.mask = mask
  }

  /** ip_vs_conn_in_get(): a real connection by its 5-tuple (templates never match: their cport is 0). */
  findConnection(protocol: number, caddr: Addr, cport: number, vaddr: Addr, vport: number): Connection | null {
    for (let c = this.heads[hashOf(caddr, cport) & this.mask]; c !== null; c = c.hashNext) {
      if (
        c.cport === cport &&
        c.caddr === caddr &&
        c.vport === vport &&
        c.vaddr === vaddr &&
        c.protocol === protocol &&
        !c.isTemplate
      )
        return c
    }
    return null
  }

  /** ip_vs_ct_in_get(): a template by its key; an invalidated template (ports 65535) has another key. */
  findTemplate(
    protocol: number,
    caddr: Addr,
    vaddr: Addr,
    vport: number,
    peData: string | null = null,
  ): Connection | null {
    // With pe_data the kernel hashes on it and matches with the PE's ct_match() (ip_vs_sip_ct_match():
    // the same fields and the same Call-ID); without, templates that carry pe_data sit in other
    // buckets: here, one chain for both, told apart by peData.
    for (let c = this.heads[hashOf(caddr, 0) & this.mask]; c !== null; c = c.hashNext) {
      if (
        c.peData === peData &&
        c.cport === 0 &&
        c.caddr === caddr &&
        c.vport === vport &&
        c.vaddr === vaddr &&
        c.protocol === protocol &&
        c.isTemplate
      )
        return c
    }
    return null
  }
}
