import type { Connection } from '../ipvs/connection'
import { ForwardMethod, TunnelType } from '../ipvs/destination'
import type { TcpFlags } from '../ipvs/proto/tcp'
import { Protocol } from '../ipvs/service'
import type { Packet, Verdict } from '../ipvs/types'
import { utf8Bytes } from '../lib/utf8'
import { formatAddr, formatAddrPort } from '../net/ipv6'
import type { NfChainStep } from '../netfilter/tables'
import { type SimMs, WALL_CLOCK_EPOCH_MS } from '../sim/time'
import type { ArpFrame, ArpLan } from './arp'
import { MSS, nonZeroId, TcpFlow, WINDOW, WSCALE } from './flow'
import {
  type ArpFrameData,
  cloneDatagram,
  ETH_P_ARP,
  ETH_P_IP,
  ETH_P_IPV6,
  encodeArpFrame,
  encodeFrame,
  type Frame,
  IPPROTO,
  type IpDatagram,
  type Ipv4Header,
  type TcpOption,
} from './headers'
import { type NetfilterStep, netfilterPath } from './netfilterPath'
import { writePcap } from './pcap'
import { type Host, Topology } from './topology'
import { drXmit, natReply, natXmit, tunnelXmit, XMIT_FUNCTION } from './xmit'

export type { Host } from './topology'

/** Which leg of its path a packet is on. */
export type Hop =
  | 'client→director'
  | 'client→real-server'
  | 'director→real-server'
  | 'real-server→client'
  | 'real-server→director'
  | 'director→client'

/** One frame on the lab's Ethernet, hop by hop: what `--packets` prints and the Packets view draws. */
export interface WirePacket {
  /** 1, 2, … in the order they were sent. */
  n: number
  /** Simulated time, ms. */
  at: number
  /** The connection it belongs to, as `ipvsadm -Lnc` names it (`real` null until IPVS chose one). */
  conn: { proto: 'tcp' | 'udp'; client: string; virtual: string; real: string | null }
  hop: Hop
  from: Host
  to: Host
  /** Whose kernel sent it and which function did it (`ip_vs_dr_xmit`, `handle_response`, `tcp_v4_send_synack`, …). */
  sender: Host['role']
  fn: string
  /**
   * What became of it where it arrived: `forwarded` (IPVS sent it on), `local` (the director's own
   * stack took it), `refused` (no real server: ICMP), `dropped:REASON` (IPVS or iptables dropped
   * it), `delivered` (a client or real server got it).
   */
  fate: string
  /**
   * The packet (its `n`) the director made this one from — the client's packet it forwarded, the
   * real server's reply it rewrote — or null. changedFields() of the two is what the hop changed.
   */
  madeFrom: number | null
  frame: Frame
  /** Bytes of the whole frame (Ethernet header included). */
  frameLength: number
  /**
   * client→director only: the hooks the packet walked on the director up to IPVS, in priority
   * order — each chain's matching rules (`-A` text), verdict and mark, the routing decision, and
   * IPVS with the service that took it (netfilterPath.ts).
   */
  netfilter?: NetfilterStep[]
}

/**
 * One ARP frame on the VIP's LAN (a scenario with a router: arp.ts), numbered with the other
 * packets (`n`): who-has (`op` 1) and is-at (`op` 2), `to` null when broadcast.
 */
export interface ArpWirePacket {
  n: number
  at: number
  hop: 'arp'
  from: Host
  to: Host | null
  sender: Host['role']
  /** `arp_solicit` (a request), `arp_send_dst` (arp_process()'s reply). */
  fn: string
  /** What it did where it arrived: `neigh:created|changed|refreshed|ignored` (the router's entry for the sender IP), `delivered`. */
  fate: string
  frame: ArpFrameData
  frameLength: number
}

/** Who watches the simulator's packets (host/simulator.ts calls these; null: nobody). */
export interface PacketObserver {
  /**
   * A client's packet to a VIP and what the director did with it; `netfilter`: the chains it
   * walked before IPVS, as the engine's walk recorded them (Netfilter.trace).
   */
  clientPacket(pkt: Packet, verdict: Verdict, now: SimMs, netfilter?: readonly NfChainStep[] | null): void
  /** A NAT real server's reply (SYN-ACK, FIN) for `entry`, `passed`: whether the director let it through. */
  natReply(entry: Connection, tcp: TcpFlags, len: number, passed: boolean, now: SimMs): void
  /**
   * A client's packet the router sent straight to real server `rs` (its ARP entry for the VIP
   * holds that server's MAC): `accepted` by the server's own stack, or answered with `reset`.
   */
  bypassPacket?(pkt: Packet, rs: string, answer: 'accepted' | 'reset', now: SimMs): void
}

const flagText = (f: TcpFlags): string => `${f.syn ? 'S' : ''}${f.fin ? 'F' : ''}${f.rst ? 'R' : ''}${f.ack ? '.' : ''}`

/**
 * The packets of every connection, hop by hop, built from what the simulator's clients send and
 * what the director decides (see CONTEXT.md). Keeps them (`packets`) unless `keep` is false, and
 * hands each to `onPacket`. IPv4 and IPv6.
 */
export class Wire implements PacketObserver {
  /** The simulator's (see watch()). */
  topology: Topology
  readonly packets: WirePacket[] = []
  /** Called with each packet and its frame's bytes (what a pcap record holds). */
  onPacket: ((p: WirePacket, bytes: Uint8Array) => void) | null = null
  /** The ARP frames (a scenario with a router), kept like `packets`. */
  readonly arps: ArpWirePacket[] = []
  /** Called with each ARP frame and its bytes. */
  onArp: ((p: ArpWirePacket, bytes: Uint8Array) => void) | null = null
  /** The simulator's ARP (null: no router, no ARP drawn). */
  private arp: ArpLan | null = null
  private readonly flows = new Map<string, TcpFlow>()
  private readonly udpCount = new Map<string, number>()
  private n = 0

  /** false: hand packets to `onPacket` only (a long run's capture streamed to a file). */
  readonly keep: boolean
  /**
   * How many connections' state (sequence numbers, IP ids, UDP counts) it remembers; beyond, the
   * oldest begun is forgotten (bounded memory for the app's live run). A connection forgotten and
   * then continued, or a client port used again after it, numbers as a first one would: only its
   * sequence numbers, IP ids and timestamps can differ from an unbounded Wire's (the CLI's).
   */
  readonly remember: number

  constructor(topology: Topology = new Topology(), keep = true, remember = Number.POSITIVE_INFINITY) {
    this.topology = topology
    this.keep = keep
    this.remember = remember
  }

  /** Forget the oldest begun entries of `m` beyond `remember`. */
  private bound(m: Map<string, unknown>): void {
    if (m.size <= this.remember) return
    for (const k of m.keys()) {
      m.delete(k)
      if (m.size <= this.remember) return
    }
  }

  /** Watch a simulator's packets, with its topology (and its ARP, with a router). */
  watch(sim: { wire: PacketObserver | null; topology: Topology; arp?: ArpLan | null }): this {
    sim.wire = this
    this.topology = sim.topology
    this.arp = sim.arp ?? null
    if (this.arp) this.arp.watched = true
    return this
  }

  /** Draw the ARP frames waiting (`before`: only those that come before the client's packet). */
  private flushArp(only?: ArpFrame['stage']): void {
    const q = this.arp?.pending
    if (!q || q.length === 0) return
    let k = 0
    for (; k < q.length && (only === undefined || q[k].stage === only); k++) {
      const f = q[k]
      const frame: ArpFrameData = {
        eth: { src: f.from.mac, dst: f.to ? f.to.mac : 'ff:ff:ff:ff:ff:ff', type: ETH_P_ARP },
        arp: { ...f.arp },
      }
      const bytes = encodeArpFrame(frame)
      const p: ArpWirePacket = {
        n: ++this.n,
        at: f.at,
        hop: 'arp',
        from: f.from,
        to: f.to,
        sender: f.from.role,
        fn: f.fn,
        fate: f.fate,
        frame,
        frameLength: bytes.length,
      }
      if (this.keep) this.arps.push(p)
      this.onArp?.(p, bytes)
    }
    q.splice(0, k)
  }

  /** Where a client's frames come from on the director's LAN: the client itself, or the router in front (TTL one less). */
  private clientSide(client: string): Host {
    const r = this.topology.router
    return r ? this.topology.host('gateway', r.addr) : this.topology.host('client', client)
  }

  private emit(
    at: number,
    conn: WirePacket['conn'],
    hop: Hop,
    from: Host,
    to: Host,
    fn: string,
    fate: string,
    packet: IpDatagram,
    madeFrom: number | null = null,
    netfilter: NetfilterStep[] | null = null,
  ): WirePacket {
    const frame: Frame = {
      eth: { src: from.mac, dst: to.mac, type: packet.ip.version === 6 ? ETH_P_IPV6 : ETH_P_IP },
      packet,
    }
    const bytes = encodeFrame(frame)
    const p: WirePacket = {
      n: ++this.n,
      at,
      conn,
      hop,
      from,
      to,
      sender: from.role,
      fn,
      fate,
      madeFrom,
      frame,
      frameLength: bytes.length,
    }
    if (netfilter) p.netfilter = netfilter
    if (this.keep) this.packets.push(p)
    this.onPacket?.(p, bytes)
    return p
  }

  /** The connection's two ends; a new one (its numbers drawn from the ports and the time, as secure_tcp_seq() mixes in a clock) when none is open. */
  private flowOf(key: string, syn: boolean, now: SimMs): TcpFlow {
    let f = this.flows.get(key)
    if (!f || (syn && f.done)) {
      f = new TcpFlow(`${key} ${now}`)
      if (Number.isFinite(this.remember)) {
        // newest last: the oldest begun goes first
        this.flows.delete(key)
        this.flows.set(key, f)
        this.bound(this.flows)
      } else this.flows.set(key, f)
    }
    return f
  }

  /** The TCP options a header of `hdrLen` bytes carries (as Linux sends them). */
  private options(hdrLen: number, val: number, ecr: number): TcpOption[] {
    if (hdrLen >= 40)
      return [
        { kind: 'mss', value: MSS },
        { kind: 'sackOK' },
        { kind: 'TS', val, ecr },
        { kind: 'nop' },
        { kind: 'wscale', value: WSCALE },
      ]
    if (hdrLen >= 32) return [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'TS', val, ecr }]
    return []
  }

  clientPacket(pkt: Packet, v: Verdict, now: SimMs, netfilter: readonly NfChainStep[] | null = null): void {
    this.flushArp('before')
    const fwd = v.kind === 'forwarded' ? v.conn : null
    const { d, fn, flow, conn, client, vip, v6, tcp } = this.clientDatagram(pkt, fwd, now)
    const fate = v.kind === 'dropped' ? `dropped:${v.reason}` : v.kind
    const at = now as number
    const topo = this.topology
    const director = topo.host('director', topo.directorAddr('clients', v6))
    const path = netfilterPath(netfilter ?? [], v)
    this.emit(at, conn, 'client→director', this.clientSide(client), director, fn, fate, d, null, path)
    if (fwd) this.forward(at, conn, fwd, formatAddr(fwd.daddr), d, flow, now)
    else if (v.kind === 'refused' || (v.kind === 'local' && !tcp)) this.icmpUnreachable(at, conn, d, client, vip)
    else if (v.kind === 'local' && tcp && !pkt.tcp?.rst) this.reset(at, conn, d)
    this.flushArp()
  }

  bypassPacket(pkt: Packet, rs: string, answer: 'accepted' | 'reset', now: SimMs): void {
    this.flushArp('before')
    const { d, fn, flow, conn, client } = this.clientDatagram(pkt, null, now, rs)
    const at = now as number
    const topo = this.topology
    const rsHost = topo.host('real-server', rs)
    this.emit(at, conn, 'client→real-server', this.clientSide(client), rsHost, fn, 'delivered', d)
    this.flushArp('reply')
    if (answer === 'reset') this.reset(at, conn, d, 'real-server→client', rsHost, this.clientSide(client))
    else if (flow && d.payload.kind === 'tcp') {
      const f = d.payload.tcp.flags
      if (f === 'S')
        this.serverSends(at, conn, flow, { syn: true, ack: true }, 60, rsHost, this.clientSide(client), now)
      else if (f === 'F.')
        this.serverSends(at, conn, flow, { fin: true, ack: true }, 52, rsHost, this.clientSide(client), now)
    }
    this.flushArp()
  }

  /** The client's packet as it leaves the client (behind a router: as the router forwards it, TTL − 1). */
  private clientDatagram(
    pkt: Packet,
    fwd: Connection | null,
    now: SimMs,
    bypassRs: string | null = null,
  ): {
    d: IpDatagram
    fn: string
    flow: TcpFlow | null
    conn: WirePacket['conn']
    client: string
    vip: string
    v6: boolean
    tcp: boolean
  } {
    const client = formatAddr(pkt.saddr)
    const vip = formatAddr(pkt.daddr)
    const v6 = typeof pkt.saddr === 'string'
    const tcp = pkt.protocol === Protocol.TCP
    const key = `${tcp ? 'tcp' : 'udp'} ${client} ${pkt.sport} ${vip} ${pkt.dport}`
    const conn: WirePacket['conn'] = {
      proto: tcp ? 'tcp' : 'udp',
      client: formatAddrPort(pkt.saddr, pkt.sport),
      virtual: formatAddrPort(pkt.daddr, pkt.dport),
      real: fwd ? formatAddrPort(fwd.daddr, fwd.dport) : bypassRs !== null ? `${bypassRs}:${pkt.dport}` : null,
    }
    let d: IpDatagram
    let fn: string
    let flow: TcpFlow | null = null
    if (tcp) {
      const f = pkt.tcp ?? {}
      flow = this.flowOf(key, !!f.syn, now)
      const retransmit = !!f.syn && flow.synSent
      const val = (flow.clientTsOffset + now) >>> 0
      const hdr = pkt.len - (v6 ? 40 : 20)
      const seq = f.syn ? flow.isnClient : flow.clientNext
      d = {
        ip: this.ipHeader(client, vip, IPPROTO.TCP, flow.clientId++, true),
        payload: {
          kind: 'tcp',
          tcp: {
            sport: pkt.sport,
            dport: pkt.dport,
            seq,
            ack: f.ack && flow.serverSynSeen ? flow.serverNext : 0,
            flags: flagText(f),
            window: f.syn ? WINDOW.CLIENT_SYN : f.rst ? 0 : WINDOW.CLIENT,
            options: this.options(hdr, val, f.syn ? 0 : flow.lastServerTs),
            checksum: 0,
          },
        },
      }
      flow.lastClientTs = val
      if (f.syn) {
        flow.synSent = true
        flow.clientNext = (flow.isnClient + 1) >>> 0
      }
      if (f.fin) {
        flow.clientNext = (flow.clientNext + 1) >>> 0
        flow.clientFinSent = true
      }
      if (f.rst || (f.ack && !f.fin && flow.clientFinSent && flow.serverFinSent)) {
        flow.done = true
        // nothing more is sent on it (a later SYN from these ports is a new connection)
        this.flows.delete(key)
      }
      fn = retransmit
        ? 'tcp_retransmit_skb'
        : f.syn
          ? 'tcp_connect'
          : f.rst
            ? 'tcp_send_active_reset'
            : f.fin
              ? 'tcp_send_fin'
              : 'tcp_send_ack'
    } else {
      const k = this.udpCount.get(key) ?? 0
      this.udpCount.set(key, k + 1)
      if (k === 0) this.bound(this.udpCount)
      const payload =
        pkt.payload !== undefined
          ? Array.from(utf8Bytes(pkt.payload))
          : new Array<number>(pkt.len - (v6 ? 48 : 28)).fill(0)
      // an unconnected UDP socket with DF: ignore_df is set, so __ip_select_ident() (a hashed counter per destination)
      d = {
        ip: this.ipHeader(client, vip, IPPROTO.UDP, nonZeroId(`udp ${key} ${k}`), true),
        payload: { kind: 'udp', udp: { sport: pkt.sport, dport: pkt.dport, length: 0, checksum: 0 }, payload },
      }
      fn = 'udp_sendmsg'
    }
    // the router in front of the director forwards it: ip_forward() takes one off the TTL
    if (this.topology.router && d.ip.version === 4) d.ip.ttl--
    return { d, fn, flow, conn, client, vip, v6, tcp }
  }

  /** A host's own packet: TTL (hop limit) 64; IPv6 has no id and no DF. */
  private ipHeader(src: string, dst: string, protocol: number, id: number, df: boolean): Ipv4Header {
    if (src.includes(':'))
      return { version: 6, flowLabel: 0, src, dst, tos: 0, ttl: 64, id: 0, df: false, protocol, length: 0, checksum: 0 }
    return { version: 4, src, dst, tos: 0, ttl: 64, id: id & 0xffff, df, protocol, length: 0, checksum: 0 }
  }

  /** The director sends the packet on to the real server; a DR or TUN server answers the client itself. */
  private forward(
    at: number,
    conn: WirePacket['conn'],
    cp: Connection,
    rip: string,
    arrived: IpDatagram,
    flow: TcpFlow | null,
    now: SimMs,
  ): void {
    const topo = this.topology
    const dip = topo.directorAddr('real-servers', rip.includes(':'))
    let out: IpDatagram
    if (cp.forward === ForwardMethod.MASQ) out = natXmit(arrived, cp, rip)
    else if (cp.forward === ForwardMethod.TUNNEL) {
      const dest = cp.dest
      out = tunnelXmit(arrived, dip, rip, {
        type: dest?.tunType ?? TunnelType.IPIP,
        port: dest?.tunPort ?? 0,
        flags: dest?.tunFlags ?? 0,
      })
    } else if (cp.forward === ForwardMethod.DROUTE) out = drXmit(arrived)
    else return // LOCALNODE: the director's own stack (ip_vs_null_xmit)
    const rs = topo.host('real-server', rip)
    const drop = topo.rsDrops(cp.daddr, cp.forward)
    const fromDirector = topo.host('director', dip)
    const fate = drop ? `dropped:${drop}` : 'delivered'
    this.emit(at, conn, 'director→real-server', fromDirector, rs, XMIT_FUNCTION[cp.forward], fate, out, this.n)
    // no tunl0: no handler for protocol 4, ip_local_deliver_finish() answers ICMP protocol unreachable
    if (drop === 'no-tunl0' && out.ip.protocol === IPPROTO.IPIP) {
      const icmp: IpDatagram = {
        ip: this.ipHeader(rip, dip, IPPROTO.ICMP, nonZeroId(`icmp ${rip} ${dip} ${this.n}`), false),
        payload: { kind: 'icmp', icmp: { type: 3, code: 2, checksum: 0 }, quoted: cloneDatagram(out) },
      }
      this.emit(at, conn, 'real-server→director', rs, fromDirector, 'icmp_send', 'delivered', icmp)
    }
    if (drop) return
    // DR and TUN: the real server answers from the VIP straight to the client (its gateway is not the director)
    if (cp.forward === ForwardMethod.MASQ || !flow) return
    const p = arrived.payload
    if (p.kind !== 'tcp') return
    // its reply goes out through the router first when there is one (ARP for it, the first time)
    this.flushArp('reply')
    const toClient = this.clientSide(arrived.ip.src)
    if (p.tcp.flags === 'S') this.serverSends(at, conn, flow, { syn: true, ack: true }, 60, rs, toClient, now)
    else if (p.tcp.flags === 'F.') this.serverSends(at, conn, flow, { fin: true, ack: true }, 52, rs, toClient, now)
  }

  /** The real server's packet of this connection (SYN-ACK or FIN-ACK), from the address the client sent to. */
  private serverSends(
    at: number,
    conn: WirePacket['conn'],
    flow: TcpFlow,
    f: TcpFlags,
    len: number,
    from: Host,
    to: Host,
    now: SimMs,
    hop: Hop = 'real-server→client',
    fate = 'delivered',
  ): IpDatagram {
    const [vaddr, vport] = splitAddrPort(conn.virtual)
    const [rip, rport] = splitAddrPort(conn.real ?? conn.virtual)
    // from the RIP: a NAT reply (to the director, or to a wrong gateway); from the VIP: to the client, or through the lab's router
    const nat = hop !== 'real-server→client' || (to.role !== 'client' && to.addr !== this.topology.router?.addr)
    const [caddr, cport] = splitAddrPort(conn.client)
    const src = nat ? rip : vaddr
    const sport = Number(nat ? rport : vport)
    const val = (flow.serverTsOffset + now) >>> 0
    const seq = f.syn ? flow.isnServer : flow.serverNext
    const d: IpDatagram = {
      ip: this.ipHeader(src, caddr, IPPROTO.TCP, f.syn ? 0 : flow.serverId++, true),
      payload: {
        kind: 'tcp',
        tcp: {
          sport,
          dport: Number(cport),
          seq,
          ack: flow.clientNext,
          flags: flagText(f),
          window: f.syn ? WINDOW.SERVER_SYN : WINDOW.SERVER,
          options: this.options(len - 20, val, flow.lastClientTs),
          checksum: 0,
        },
      },
    }
    flow.lastServerTs = val
    if (f.syn) {
      flow.serverNext = (flow.isnServer + 1) >>> 0
      flow.serverSynSeen = true
    }
    if (f.fin) {
      flow.serverNext = (flow.serverNext + 1) >>> 0
      flow.serverFinSent = true
    }
    this.emit(at, conn, hop, from, to, f.syn ? 'tcp_v4_send_synack' : 'tcp_send_fin', fate, d)
    return d
  }

  natReply(entry: Connection, tcp: TcpFlags, len: number, passed: boolean, now: SimMs): void {
    const client = formatAddr(entry.caddr)
    const vip = formatAddr(entry.vaddr)
    const rip = formatAddr(entry.daddr)
    const key = `tcp ${client} ${entry.cport} ${vip} ${entry.vport}`
    const flow = this.flowOf(key, false, now)
    const conn: WirePacket['conn'] = {
      proto: 'tcp',
      client: formatAddrPort(entry.caddr, entry.cport),
      virtual: formatAddrPort(entry.vaddr, entry.vport),
      real: formatAddrPort(entry.daddr, entry.dport),
    }
    const topo = this.topology
    const at = now as number
    const rs = topo.host('real-server', rip)
    const path = topo.natReplyPath(entry.daddr)
    if (path === 'bypass') {
      // to its own gateway, from the RIP: the client never asked the RIP for anything and resets it
      const gw = topo.realServer(rip, ForwardMethod.MASQ).gateway
      const gateway = topo.host('gateway', gw ?? client)
      const fromRs = this.serverSends(at, conn, flow, tcp, len, rs, gateway, now, 'real-server→client', 'delivered')
      this.reset(at, conn, fromRs, 'client→real-server', topo.host('client', client), gateway)
      return
    }
    const dirDip = topo.host('director', topo.directorAddr('real-servers', rip.includes(':')))
    const fate = path === 'no-ip_forward' ? 'dropped:ip_forward=0' : passed ? 'forwarded' : 'dropped:netfilter'
    const fromRs = this.serverSends(at, conn, flow, tcp, len, rs, dirDip, now, 'real-server→director', fate)
    if (!passed) return
    const out = natReply(fromRs, entry, vip)
    this.emit(
      at,
      conn,
      'director→client',
      topo.host('director', topo.directorAddr('clients', client.includes(':'))),
      topo.host('client', client),
      'handle_response',
      'delivered',
      out,
      this.n,
    )
  }

  /** ip_vs_leave() (no real server would take it) or the director's own UDP stack: ICMP port unreachable. */
  private icmpUnreachable(
    at: number,
    conn: WirePacket['conn'],
    arrived: IpDatagram,
    client: string,
    vip: string,
  ): void {
    const topo = this.topology
    const v6 = vip.includes(':')
    const d: IpDatagram = {
      // icmp_send(): from the address the packet was sent to, no DF (the ICMP socket's pmtudisc is IP_PMTUDISC_DONT)
      ip: this.ipHeader(
        vip,
        client,
        v6 ? IPPROTO.ICMPV6 : IPPROTO.ICMP,
        nonZeroId(`icmp ${vip} ${client} ${this.n}`),
        false,
      ),
      // ICMPv6 destination unreachable, port unreachable (icmpv6_send()): type 1 code 4
      payload: {
        kind: 'icmp',
        icmp: { type: v6 ? 1 : 3, code: v6 ? 4 : 3, checksum: 0 },
        quoted: cloneDatagram(arrived),
      },
    }
    this.emit(
      at,
      conn,
      'director→client',
      topo.host('director', topo.directorAddr('clients', v6)),
      topo.host('client', client),
      'icmp_send',
      'delivered',
      d,
    )
  }

  /**
   * tcp_v4_send_reset(): the answer of a stack with no socket for a TCP packet — the director's
   * own (no service on that port) or a client's (a SYN-ACK from an address it never called).
   */
  private reset(
    at: number,
    conn: WirePacket['conn'],
    arrived: IpDatagram,
    hop: Hop = 'director→client',
    from: Host = this.topology.host('director', this.topology.directorAddr('clients', arrived.ip.version === 6)),
    to: Host = this.topology.host('client', arrived.ip.src),
  ): void {
    const p = arrived.payload
    if (p.kind !== 'tcp') return
    const syn = p.tcp.flags.includes('S')
    const fin = p.tcp.flags.includes('F')
    const hasAck = p.tcp.flags.includes('.')
    const d: IpDatagram = {
      // the per-netns control socket: DF (IP_PMTUDISC_DO), no connected socket, so id 0
      ip: this.ipHeader(arrived.ip.dst, arrived.ip.src, IPPROTO.TCP, 0, true),
      payload: {
        kind: 'tcp',
        tcp: {
          sport: p.tcp.dport,
          dport: p.tcp.sport,
          seq: hasAck ? p.tcp.ack : 0,
          ack: hasAck ? 0 : (p.tcp.seq + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0,
          flags: hasAck ? 'R' : 'R.',
          window: 0,
          options: [],
          checksum: 0,
        },
      },
    }
    this.emit(at, conn, hop, from, to, 'tcp_v4_send_reset', 'delivered', d)
  }

  /** A pcap file of the kept packets (or of `only`). */
  pcap(only: readonly WirePacket[] = this.packets): Uint8Array {
    let last = 0
    return writePcap(
      only.map((p) => {
        // one microsecond apart within a millisecond, so that the order survives
        const us = Math.max((WALL_CLOCK_EPOCH_MS + p.at) * 1000, last + 1)
        last = us
        return { timeUs: us, bytes: encodeFrame(p.frame) }
      }),
    )
  }
}

/** `10.0.0.1:80` / `[2001:db8::1]:80` → address and port. */
function splitAddrPort(text: string): [string, string] {
  const m = /^\[(.*)\]:(\d+)$/.exec(text)
  if (m) return [m[1], m[2]]
  const i = text.lastIndexOf(':')
  return [text.slice(0, i), text.slice(i + 1)]
}
