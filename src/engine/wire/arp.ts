import { ForwardMethod } from '../ipvs/destination'
import { type Addr, formatAddr } from '../net/ipv6'
import { NeighbourTable, type NeighUpdate } from './neighbour'
import type { Host, Topology } from './topology'

/**
 * ARP on the VIP's LAN when a router stands in front of the director (`topology.router`): the
 * router's neighbour entry for the VIP decides which MAC the clients' packets to the VIP go to —
 * the director's, or a real server's (the DR "ARP problem"). Linux 6.1 net/ipv4/arp.c:
 *
 * - The router resolves the VIP with a broadcast who-has (arp_solicit()). Every host holding the
 *   VIP answers unless arp_ignore() says not to: the director (the VIP on its eth0); a real
 *   server with the VIP on `lo` or `tunl0` and arp_ignore 0 ("reply for any local address");
 *   arp_ignore 1 answers only for addresses on the interface asked on, so not for the VIP on lo.
 *   arp_process() keeps the first reply: a later one within locktime (1 s) of the entry's last
 *   change does not override (`override = time_after(jiffies, n->updated + LOCKTIME)`). The lab's
 *   replies arrive in a fixed order — the director first, then the real servers in the order the
 *   scenario lists them (on a real LAN they race) — so the director's is kept.
 * - A real server sending its first packet through the router (a DR or TUN reply to a client,
 *   from the VIP) has no entry for its gateway and solicits it (neigh_probe() → arp_solicit()
 *   with the queued packet): with arp_announce 0 the sender IP is that packet's source — the
 *   VIP; with 1 it is the VIP only if the VIP and the router share a subnet on eth0 (they do not
 *   here); with 2 inet_select_addr() gives the RIP. The router gets a request for its own address
 *   and, in arp_process(), calls neigh_event_ns() for the sender: neigh_update(…, NUD_STALE,
 *   NEIGH_UPDATE_F_OVERRIDE) — an override, locktime or not. From then on its entry for the VIP
 *   holds the real server's MAC, and every client packet to the VIP goes straight to that real
 *   server. The later probes of either side are unicast and name no VIP (no queued packet; the
 *   router's probe of the VIP is answered by the same real server), so the entry does not come
 *   back: the flip is at that real server's first reply, and it stays.
 */

/** An ARP packet (RFC 826, Ethernet/IPv4): op 1 request, 2 reply. */
export interface ArpPacket {
  op: 1 | 2
  /** Sender hardware and protocol address, target hardware (00:… in a request) and protocol address. */
  sha: string
  spa: string
  tha: string
  tpa: string
}

/** One ARP frame and what it did where it arrived. */
export interface ArpFrame {
  at: number
  from: Host
  /** null: broadcast (ff:ff:ff:ff:ff:ff). */
  to: Host | null
  arp: ArpPacket
  /** The kernel function that sent it: `arp_solicit` (a request), `arp_send_dst` (a reply from arp_process()). */
  fn: string
  /**
   * What the router's entry for the sender did (`neigh:created`, `neigh:changed` — the flip,
   * `neigh:refreshed`, `neigh:ignored` — within locktime), or `delivered`.
   */
  fate: string
  /** When the wire draws it: `before` the client's packet that made the router ask, or before the real server's `reply` that made it ask. */
  stage: 'before' | 'reply'
}

/** A change of the router's entry for a VIP. */
export interface ArpFlip {
  at: number
  vip: string
  /** The host whose MAC the entry held before (null: none) and holds now. */
  from: Host | null
  to: Host
  /** `reply` (the first who-has answered), `request` (a host's request naming the VIP as sender). */
  by: 'reply' | 'request'
}

const ZERO_MAC = '00:00:00:00:00:00'

/** What ArpLan reads of the director: its services' real servers and their forwarding method. */
export interface DirectorServices {
  readonly services: readonly { readonly destinations: readonly { addr: Addr; forward: ForwardMethod }[] }[]
}

export class ArpLan {
  readonly router: Host
  /** The router's ARP cache. */
  readonly table: NeighbourTable
  /** Each real server's entry for its gateway (the router): solicited once, then kept. */
  private readonly rsKnowsRouter = new Set<string>()
  readonly flips: ArpFlip[] = []
  /** Whether someone watches the wire: then the frames wait in `pending` for it to draw in their place. */
  watched = false
  /** The frames not yet drawn (wire.ts takes them; kept only while `watched`). */
  readonly pending: ArpFrame[] = []
  private readonly topology: Topology
  /** The director whose real servers these are (read for each one's forwarding method; data, so a deep copy of the simulator keeps it right). */
  private readonly director: DirectorServices
  private readonly holders = new Map<string, Host>()

  constructor(topology: Topology, director: DirectorServices) {
    const r = topology.router
    if (!r) throw new Error('ArpLan needs topology.router')
    this.topology = topology
    this.director = director
    this.router = topology.host('gateway', r.addr)
    this.table = new NeighbourTable({ base_reachable_time_ms: r.base_reachable_time_ms, locktime_ms: r.locktime_ms })
  }

  private frame(at: number, from: Host, to: Host | null, arp: ArpPacket, fn: string, fate: string): void {
    if (this.watched) this.pending.push({ at, from, to, arp, fn, fate, stage: this.stage })
  }

  private stage: ArpFrame['stage'] = 'before'

  /** The forwarding method of the director's first real server at `rip`, or null. */
  private methodOf(rip: string): ForwardMethod | null {
    for (const svc of this.director.services)
      for (const d of svc.destinations) if (formatAddr(d.addr) === rip) return d.forward
    return null
  }

  /** Whether a real server answers a who-has for `vip` (arp_ignore()): the VIP is local to it and arp_ignore is 0. */
  answersFor(rip: string): boolean {
    const m = this.methodOf(rip)
    if (m === null || m === ForwardMethod.MASQ || m === ForwardMethod.LOCALNODE) return false
    const rs = this.topology.realServer(rip, m)
    return rs.vip !== 'none' && rs.arp_ignore === 0
  }

  /** The hosts that answer a broadcast who-has for a VIP, in the order their replies arrive. */
  private answering(vip: string): Host[] {
    const out: Host[] = [this.topology.host('director', vip)]
    for (const rip of this.topology.listedRealServers())
      if (this.answersFor(rip)) out.push(this.topology.host('real-server', rip))
    return out
  }

  private note(vip: string, by: Host, how: ArpFlip['by'], what: NeighUpdate, at: number): void {
    if (what !== 'created' && what !== 'changed') return
    const from = this.holders.get(vip) ?? null
    this.holders.set(vip, by)
    this.flips.push({ at, vip, from, to: by, by: how })
  }

  /**
   * A client's packet to `vip` reaches the router: the host whose MAC its entry holds (resolving
   * it first, with the frames that takes, when it has none).
   */
  toVip(vip: string, now: number): Host {
    const held = this.holders.get(vip)
    if (held && this.table.get(vip)) return held
    this.stage = 'before'
    const r = this.router
    this.frame(now, r, null, { op: 1, sha: r.mac, spa: r.addr, tha: ZERO_MAC, tpa: vip }, 'arp_solicit', 'delivered')
    for (const h of this.answering(vip)) {
      const n = this.table.get(vip)
      // a unicast reply to a request of ours: NUD_REACHABLE; override only past locktime
      const what = this.table.update(vip, h.mac, 'REACHABLE', !n || this.table.pastLocktime(n, now), now)
      this.frame(
        now,
        { ...h, addr: vip },
        r,
        { op: 2, sha: h.mac, spa: vip, tha: r.mac, tpa: r.addr },
        'arp_send_dst',
        `neigh:${what}`,
      )
      this.note(vip, h, 'reply', what, now)
    }
    return this.holders.get(vip) as Host
  }

  /**
   * A real server sends a packet from `src` through the router (a DR or TUN reply: `src` is the
   * VIP). The first time, it solicits the router's MAC, naming `src` as the sender when its
   * arp_announce lets it (0); the router's arp_process() takes that as news of the sender.
   */
  rsSends(rip: string, src: string, now: number): void {
    if (this.rsKnowsRouter.has(rip)) return
    this.rsKnowsRouter.add(rip)
    this.stage = 'reply'
    const m = this.methodOf(rip) ?? ForwardMethod.DROUTE
    const setup = this.topology.realServer(rip, m)
    const vipLocal = setup.vip !== 'none'
    // arp_solicit(): 0 names the queued packet's source if it is local; 1 only if on-link with the target (never here); 2 the RIP
    const spa = setup.arp_announce === 0 && vipLocal ? src : rip
    const rs = this.topology.host('real-server', rip)
    const r = this.router
    // the router: a request for its own address → neigh_event_ns(): NUD_STALE with OVERRIDE
    const what = this.table.update(spa, rs.mac, 'STALE', true, now)
    this.frame(now, rs, null, { op: 1, sha: rs.mac, spa, tha: ZERO_MAC, tpa: r.addr }, 'arp_solicit', `neigh:${what}`)
    if (spa !== rip) this.note(spa, rs, 'request', what, now)
    this.frame(now, r, rs, { op: 2, sha: r.mac, spa: r.addr, tha: rs.mac, tpa: spa }, 'arp_send_dst', 'delivered')
  }
}
