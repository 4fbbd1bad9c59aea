import type { Connection } from '../ipvs/connection'
import { ForwardMethod } from '../ipvs/destination'
import { Director, type Packet, type Verdict } from '../ipvs/director'
import type { TcpFlags } from '../ipvs/proto/tcp'
import { readDirector } from '../ipvs/readApi'
import { Protocol } from '../ipvs/service'
import { KeepalivedDaemon } from '../keepalived/daemon'
import { type ActiveFault, RealServerFaults } from '../keepalived/faults'
import { LAB_FAULT, labFaultProgram } from '../keepalived/labFault'
import {
  asksKeepalivedUnit,
  journalKeepalived,
  type KeepalivedHost,
  keepalivedProgram,
  systemctlProgram,
} from '../keepalived/programs'
import { KubeCluster, kubectlProgram } from '../kube/cluster'
import { KubeProxy, type KubeProxyHost, kubeProxyProgram } from '../kube/daemon'
import { utf8Length } from '../lib/utf8'
import { Interfaces } from '../net/interfaces'
import { asPort, type IPv4, type Port } from '../net/ipv4'
import { type Addr, formatAddr, formatAddrPort } from '../net/ipv6'
import type { NfPacket } from '../netfilter/rule'
import { Netfilter } from '../netfilter/tables'
import { labMacOf } from '../netfilter/xt_mac'
import { type SimMs, WALL_CLOCK_EPOCH_MS } from '../sim/time'
import { dmesg } from '../userland/dmesg'
import { ipProgram } from '../userland/ip'
import { runIptables } from '../userland/iptables/commands'
import { runIptablesSave } from '../userland/iptables/save'
import { journalctl } from '../userland/journalctl'
import { type CommandResult, runShell, type ShellHost } from '../userland/shell'
import { type SshHost, sshProgram } from '../userland/ssh'
import { createUserland, type ExtraPrograms } from '../userland/userland'
import { ArpLan } from '../wire/arp'
import { DEFAULT_DIRECTOR, Topology } from '../wire/topology'
import type { PacketObserver } from '../wire/wire'

/**
 * Bytes on the wire of the packets a Linux client sends (IP + TCP with timestamps; SYN with
 * options), over IPv4; an IPv6 packet's header is 20 bytes longer (`IPV6_HEADER_EXTRA`).
 */
export const WIRE = { SYN: 60, SYNACK: 60, ACK: 52, FIN: 52, RST: 40, UDP_HEADER: 28, UDP_PAYLOAD: 10 } as const

/** struct ipv6hdr (40 bytes) minus struct iphdr (20 bytes). */
export const IPV6_HEADER_EXTRA = 20

export type ClientStatus =
  | 'connected'
  | 'sent'
  | 'connect-failed: ECONNREFUSED'
  | 'connect-failed: ETIMEDOUT'
  | 'pending'
  | 'closed'

/** A client's TCP connection as the client sees it. */
export interface ClientTcp {
  saddr: Addr
  sport: Port
  daddr: Addr
  dport: Port
  status: ClientStatus
  /** The real server that accepted it (address and port; 0 until then). */
  rsAddr: Addr
  rsPort: number
  /** The director's entry the handshake went through. */
  entry: Connection | null
  /** SYNs sent again so far (`SYN_SCHEDULE`, tcpRetransmit.ts). */
  synRetries: number
  /** FINs sent again so far (`ORPHAN_FIN_SCHEDULE`). */
  finRetries: number
  /** The real server that accepted it straight from the router, the director bypassed (the ARP problem); absent otherwise. */
  bypassed?: string
}

/**
 * What became of a client's FIN: acknowledged (it reached the real server, and under NAT the
 * server's answer came back through the director); lost (the director or an iptables rule dropped
 * it: the client will send it again); reset (no IPVS entry took it, so the director's own stack,
 * which owns the VIP, answered RST and the client's socket is gone).
 */
export type FinOutcome = 'acked' | 'lost' | 'reset'

/**
 * A director and its clients on one simulated clock. The director (IPVS) is the model; the
 * clients here only produce the packets a real Linux client sends: the handshake, then FIN (and
 * the ACK of the server's FIN) or RST when it closes; UDP datagrams. When a SYN or a FIN gets no
 * answer, the scenario player sends it again on the client's retransmission timer
 * (tcpRetransmit.ts): every copy walks the same path as the first (netfilter, then IPVS).
 */
export class Simulator {
  readonly director = new Director()
  /** The director's iptables rule sets (nf_tables and legacy), walked before IPVS sees a packet. */
  readonly netfilter = new Netfilter()
  private userland!: ShellHost
  private readonly extraPrograms: ExtraPrograms
  /** keepalived on the director (src/engine/keepalived/): started from the shell, it programs IPVS with ipvsadm lines. */
  readonly keepalived = new KeepalivedDaemon()
  /** The cluster `kubectl` applies to, and this node's kube-proxy in IPVS mode (src/engine/kube/). */
  readonly kube = { cluster: new KubeCluster(), proxy: new KubeProxy() }
  /** The director's files (a scenario's `files`): /etc/keepalived/keepalived.conf among them. */
  readonly files = new Map<string, string>()
  /**
   * With two directors (host/pair.ts): makes the director of that name ("director", "backup")
   * lose power now — what `lab-fault director crash` asks; null with one director.
   */
  directorFault: ((name: string) => boolean) | null = null

  /** With two directors: the director `ssh` reaches by this name or address, or null (host/pair.ts). */
  sshHost: ((host: string) => SshHost | null) | null = null

  /** What the real servers do wrong, and when (a scenario's `faults`). */
  faults = new RealServerFaults()
  /**
   * The director's interfaces and addresses (`ip addr`, `ip link`): lo, eth0, eth1 as the
   * topology has them, and kube-ipvs0 once kube-proxy runs. `add`/`del` for a daemon that moves
   * an address (net/interfaces.ts).
   */
  interfaces = new Interfaces(DEFAULT_DIRECTOR)

  constructor(extraPrograms: ExtraPrograms = {}) {
    this.extraPrograms = extraPrograms
    this.relink()
  }

  /**
   * The shell's programs are closures over this director and its rule sets: made here, and made
   * again after a deep copy (the app's rewind checkpoints) so that the copy's shell drives the copy.
   */
  relink(): void {
    const extraPrograms = this.extraPrograms
    const nf = this.netfilter
    const wallClock = () => WALL_CLOCK_EPOCH_MS + this.director.now
    this.userland = createUserland(
      this.director,
      {
        iptables: (args) => runIptables(nf, args),
        'iptables-nft': (args) => runIptables(nf, args),
        'iptables-legacy': (args) => runIptables(nf, args, true),
        'iptables-save': (args) => runIptablesSave(nf, args, wallClock()),
        'iptables-nft-save': (args) => runIptablesSave(nf, args, wallClock()),
        'iptables-legacy-save': (args) => runIptablesSave(nf, args, wallClock(), true),
        dmesg: (args) => dmesg(nf.kmsg, args),
        ip: (args) => ipProgram(this.interfaces, args),
        journalctl: (args) =>
          asksKeepalivedUnit(args)
            ? journalKeepalived(this.keepalivedHost(), args)
            : journalctl(nf.kmsg, args, WALL_CLOCK_EPOCH_MS),
        keepalived: (args) => keepalivedProgram(this.keepalivedHost(), args),
        systemctl: (args) => systemctlProgram(this.keepalivedHost(), args),
        [LAB_FAULT]: (args) => labFaultProgram(this.faults, this.director.now, args, this.directorFault),
        ssh: (args) => sshProgram(args, (host) => this.sshHost?.(host) ?? null),
        kubectl: (args) =>
          kubectlProgram(
            { cluster: this.kube.cluster, files: this.files, changed: () => this.kube.proxy.changed(this.kubeHost()) },
            args,
          ),
        'kube-proxy': (args) => kubeProxyProgram(this.kube.proxy, this.kubeHost(), args),
        ...extraPrograms,
      },
      this.files,
    )
  }

  private keepalivedHost(): KeepalivedHost {
    return {
      daemon: this.keepalived,
      files: this.files,
      now: this.director.now,
      run: (line) => runShell(line, this.userland),
      faults: this.faults,
    }
  }

  /** What kube-proxy reads at each call: the cluster, IPVS, the shell, the node's addresses (the director's two). */
  private kubeHost(): KubeProxyHost {
    return {
      now: this.director.now,
      cluster: this.kube.cluster,
      services: () => readDirector(this.director).services(),
      run: (line) => runShell(line, this.userland),
      nodeIPs: [this.topology.director.clientSide, this.topology.director.dip],
      interfaces: this.interfaces,
    }
  }

  get now(): SimMs {
    return this.director.now
  }

  /** Run one command line in the director's shell. */
  run(line: string): CommandResult {
    return runShell(line, this.userland)
  }

  /**
   * The director lost power (a scenario's director fault, host/pair.ts): it answers no packet and
   * its daemons run no more. Its kernel's timers still run, so that its shell — which a real dead
   * host would not have — still reads something that ages like the rest of the run.
   */
  down = false
  /**
   * With two directors: VRRP has not put the VIP on this one (or took it away), so a packet that
   * still reaches it for the VIP is not for this host and goes no further (host/pair.ts).
   */
  vipAbsent = false

  /** Let simulated time pass; timers due at `t` run too unless `inclusive` is false. */
  advanceTo(t: SimMs, inclusive = true): void {
    if (this.down) {
      this.director.advanceTo(t, inclusive)
      return
    }
    // keepalived's checks and kube-proxy's syncs due by then run at their own times, the
    // director's timers before each
    const ka = this.keepalived
    const kp = this.kube.proxy
    for (;;) {
      const due = Math.min(ka.nextDue(), kp.nextDue())
      if (!(due < t || (inclusive && due === t))) break
      this.director.advanceTo(due as SimMs)
      if (ka.nextDue() === due) ka.fire(due, this.faults, (line) => runShell(line, this.userland))
      if (kp.nextDue() === due) kp.fire(this.kubeHost())
    }
    this.director.advanceTo(t, inclusive)
  }

  /** The fault of the real server a client's last SYN reached (null: none, or it reached none). */
  handshakeFault: ActiveFault | null = null

  private readonly nfScratch: NfPacket = {
    protocol: 0,
    saddr: 0,
    sport: 0,
    daddr: 0,
    dport: 0,
    len: 0,
    mark: 0,
    inIface: 'eth0',
    outIface: '',
    tcpFlags: 0,
    srcMac: '',
    ctState: 0,
    ctOrigSrc: 0,
    ctOrigDst: 0,
    ctReplSrc: 0,
    ctReplDst: 0,
  }

  /**
   * The chains before IPVS (iptables): sets `pkt.mark` from the MARK rules and returns false when
   * a rule or policy drops the packet. Both directions arrive on eth0.
   */
  private netfilterPasses(pkt: Packet, path: 'toVip' | 'reply'): boolean {
    // the chains walked, for whoever watches the packets (the wire's `netfilter` field)
    this.netfilter.trace = this.wire ? [] : null
    // iptables sees IPv4 only; an IPv6 packet would walk ip6tables, which the director leaves empty
    if (!this.netfilter.walksPackets || typeof pkt.saddr === 'string') {
      pkt.mark = 0
      return true
    }
    const n = this.nfScratch
    n.protocol = pkt.protocol
    n.saddr = pkt.saddr
    n.sport = pkt.sport
    n.daddr = pkt.daddr as IPv4
    n.dport = pkt.dport
    n.len = pkt.len
    n.mark = 0
    const f = pkt.tcp
    n.tcpFlags = f ? (f.fin ? 0x01 : 0) | (f.syn ? 0x02 : 0) | (f.rst ? 0x04 : 0) | (f.ack ? 0x10 : 0) : 0
    n.srcMac = labMacOf(pkt.saddr)
    const now = this.director.now
    this.netfilter.now = now
    // conntrack (PREROUTING, priority -200) sees the packet before any chain the lab walks
    this.netfilter.conntrack.classify(n, path === 'reply', this.director.sysctl.conntrack !== 0, now)
    const pass = this.netfilter.beforeIpvs(n, path)
    pkt.mark = n.mark
    return pass
  }

  /** One packet object, refilled for every packet the clients send (the director never keeps it). */
  private readonly scratch = scratchPacket()

  /** Sees every client packet and NAT reply, hop by hop (src/engine/wire/); null: nobody watches. */
  wire: PacketObserver | null = null

  /** The hosts around the director and how they are set up (a scenario's `topology`; default: a correctly built lab). */
  topology = new Topology()

  /** ARP on the VIP's LAN: only with a router in front of the director (`topology.router`), else null. */
  arp: ArpLan | null = null

  /** Set the topology (and, with a router, the ARP its clients' packets now depend on). */
  setTopology(t: Topology): void {
    this.topology = t
    this.interfaces = new Interfaces(t.director)
    this.arp = t.router ? new ArpLan(t, this.director) : null
  }

  /**
   * The real server the router sends a client's packet to `daddr` to instead of the director —
   * its ARP entry for the VIP holds that server's MAC (the ARP problem, wire/arp.ts) — or null.
   * Set for the last client packet in `bypassedTo`.
   */
  private routeToVip(daddr: Addr): string | null {
    this.bypassedTo = null
    if (!this.arp || typeof daddr !== 'number') return null
    const h = this.arp.toVip(formatAddr(daddr), this.now)
    if (h.role === 'real-server') this.bypassedTo = h.addr
    return this.bypassedTo
  }

  /** The real server the last client packet went to straight from the router, bypassing the director (null: it reached the director). */
  bypassedTo: string | null = null

  /** A DR or TUN real server answers the client from the VIP, through the router (its first packet there: ARP). */
  private rsAnswers(rip: Addr, vip: Addr): void {
    this.arp?.rsSends(formatAddr(rip), formatAddr(vip), this.now)
  }

  /**
   * A client's packet that the router sent to real server `rs` (not the director): the server
   * has the VIP on lo, so its own stack takes it — a SYN is accepted (no IPVS entry, no
   * template), anything else for a connection it never accepted is answered with RST
   * (tcp_v4_send_reset(): no socket). `known`: the connection is one `rs` accepted.
   */
  private bypass(
    saddr: Addr,
    sport: Port,
    daddr: Addr,
    dport: Port,
    tcp: TcpFlags | undefined,
    len: number,
    rs: string,
    known: boolean,
  ): 'accepted' | 'reset' {
    const pkt = fillPacket(this.scratch, tcp ? Protocol.TCP : Protocol.UDP, saddr, sport, daddr, dport, tcp, len)
    const answer = !tcp || tcp.syn || known ? 'accepted' : 'reset'
    // the real server's SYN-ACK / FIN-ACK goes out through the router (ARP for it the first time)
    if (answer === 'accepted' && tcp && (tcp.syn || tcp.fin)) this.arp?.rsSends(rs, formatAddr(daddr), this.now)
    this.wire?.bypassPacket?.(pkt, rs, answer, this.now)
    return answer
  }

  /** A client's packet to the director. */
  private send(saddr: Addr, sport: Port, daddr: Addr, dport: Port, tcp: TcpFlags, len: number): Verdict {
    if (this.down || this.vipAbsent) return DIRECTOR_DOWN
    const pkt = fillPacket(this.scratch, Protocol.TCP, saddr, sport, daddr, dport, tcp, len)
    const v = this.netfilterPasses(pkt, 'toVip') ? this.director.receive(pkt) : NETFILTER_DROP
    // a DR or TUN real server answers a SYN or FIN itself, through the router (ARP the first time)
    if (
      this.arp &&
      v.kind === 'forwarded' &&
      (tcp.syn || tcp.fin) &&
      (v.conn.forward === ForwardMethod.DROUTE || v.conn.forward === ForwardMethod.TUNNEL) &&
      !this.topology.rsDrops(v.conn.daddr, v.conn.forward)
    )
      this.rsAnswers(v.conn.daddr, daddr)
    this.wire?.clientPacket(pkt, v, this.now, this.netfilter.trace)
    return v
  }

  /** A real server's reply through the director (NAT only); false when iptables dropped it. */
  private reply(
    saddr: Addr,
    sport: Port,
    daddr: Addr,
    dport: Port,
    entry: Connection,
    tcp: TcpFlags,
    len: number,
  ): boolean {
    // a reply that does not come back through the director never reaches the client as the VIP's
    if (this.topology.natReplyPath(entry.daddr) !== 'director') {
      this.wire?.natReply(entry, tcp, len, false, this.now)
      return false
    }
    // on the wire it goes from the real server to the client; IPVS finds its entry by the client's tuple
    const wire = fillPacket(this.replyScratch, Protocol.TCP, entry.daddr, entry.dport, saddr, sport, tcp, len)
    if (!this.netfilterPasses(wire, 'reply')) {
      this.wire?.natReply(entry, tcp, len, false, this.now)
      return false
    }
    const pkt = fillPacket(this.scratch, Protocol.TCP, saddr, sport, daddr, dport, tcp, len)
    pkt.mark = wire.mark
    this.director.receiveReply(entry, pkt)
    this.wire?.natReply(entry, tcp, len, true, this.now)
    return true
  }

  /** The reply as it is on the wire, refilled for every reply. */
  private readonly replyScratch = scratchPacket()

  /** The director's entry the last `handshake()` went through (null when it was refused or dropped). */
  handshakeEntry: Connection | null = null

  /** The real server the last `handshake()` reached straight from the router, bypassing the director (the ARP problem), or null. */
  handshakeBypass: string | null = null

  /**
   * A client's SYN from this tuple and, when it is answered, the rest of the handshake. Returns what
   * the client sees ('pending': no answer yet, it will retry); the entry is left in `handshakeEntry`.
   */
  handshake(saddr: Addr, sport: Port, daddr: Addr, dport: Port): ClientStatus {
    this.handshakeEntry = null
    this.handshakeFault = null
    this.handshakeBypass = null
    const by = this.routeToVip(daddr)
    if (by !== null) {
      // the router sends the SYN straight to a real server that answered ARP for the VIP
      this.bypass(saddr, sport, daddr, dport, SYN, WIRE.SYN, by, true)
      this.handshakeBypass = by
      if (this.routeToVip(daddr) === by) this.bypass(saddr, sport, daddr, dport, ACK, WIRE.ACK, by, true)
      return 'connected'
    }
    const v = this.send(saddr, sport, daddr, dport, SYN, WIRE.SYN)
    if (v.kind === 'forwarded') {
      const e = v.conn
      this.handshakeEntry = e
      if (!this.faults.empty && typeof e.daddr === 'number') {
        const fault = this.faults.at(e.daddr, this.now)
        this.handshakeFault = fault
        // a crashed server's kernel answers RST (its port is closed); a hung one nothing at all
        if (fault?.kind === 'crash') return 'connect-failed: ECONNREFUSED'
        if (fault?.kind === 'hang') return 'pending'
      }
      // NAT: without the server's SYN-ACK the client keeps retrying its SYN
      if (e.forward === ForwardMethod.MASQ && !this.reply(saddr, sport, daddr, dport, e, SYNACK, WIRE.SYNACK))
        return 'pending'
      // DR, TUN: a real server that does not take the packet never answers (the client retries)
      if (this.topology.rsDrops(e.daddr, e.forward)) return 'pending'
      // its SYN-ACK may make the router's entry for the VIP flip to it: then the ACK goes there directly
      const to = this.routeToVip(daddr)
      if (to !== null) this.bypass(saddr, sport, daddr, dport, ACK, WIRE.ACK, to, to === formatAddr(e.daddr))
      else this.send(saddr, sport, daddr, dport, ACK, WIRE.ACK)
      return 'connected'
    }
    // ICMP port unreachable from IPVS, or the director's own stack answers RST: nobody listens there.
    return v.kind === 'dropped' ? 'pending' : 'connect-failed: ECONNREFUSED'
  }

  /**
   * A connected client closes: FIN (or its retransmission), then the ACK of the server's FIN
   * (NAT: the server's FIN passes the director). RST is never answered nor sent again ('acked').
   */
  hangUp(saddr: Addr, sport: Port, daddr: Addr, dport: Port, how: 'fin' | 'rst', rs: string | null = null): FinOutcome {
    const by = this.routeToVip(daddr)
    if (by !== null) {
      // straight to the real server the router now believes holds the VIP: its own connection, or RST
      const known = by === rs
      const answer = this.bypass(
        saddr,
        sport,
        daddr,
        dport,
        how === 'rst' ? RST : FINACK,
        how === 'rst' ? WIRE.RST : WIRE.FIN,
        by,
        known,
      )
      if (how === 'rst') return 'acked'
      if (answer === 'reset') return 'reset'
      if (this.routeToVip(daddr) === by) this.bypass(saddr, sport, daddr, dport, ACK, WIRE.ACK, by, true)
      return 'acked'
    }
    if (how === 'rst') {
      this.send(saddr, sport, daddr, dport, RST, WIRE.RST)
      return 'acked'
    }
    const v = this.send(saddr, sport, daddr, dport, FINACK, WIRE.FIN)
    // no entry took it: the VIP is the director's own address, and no socket listens there
    if (v.kind === 'local') return 'reset'
    // dropped; or (sloppy_tcp) ICMP port unreachable, which tcp_v4_err() only notes as a soft
    // error on a synchronized socket: the FIN goes again either way
    if (v.kind !== 'forwarded') return 'lost'
    // NAT: the server's FIN (with the ACK of the client's) comes back through the director
    if (v.conn.forward === ForwardMethod.MASQ && !this.reply(saddr, sport, daddr, dport, v.conn, FINACK, WIRE.FIN))
      return 'lost'
    const to = this.routeToVip(daddr)
    if (to !== null) this.bypass(saddr, sport, daddr, dport, ACK, WIRE.ACK, to, to === formatAddr(v.conn.daddr))
    else this.send(saddr, sport, daddr, dport, ACK, WIRE.ACK)
    return 'acked'
  }

  /** The client's SYN and, when it is answered, the rest of the handshake. */
  tcpConnect(c: ClientTcp): void {
    const status = this.handshake(c.saddr, c.sport, c.daddr, c.dport)
    const e = this.handshakeEntry
    if (e) {
      c.entry = e
      c.rsAddr = e.daddr
      c.rsPort = e.dport
    } else if (this.handshakeBypass !== null) {
      c.bypassed = this.handshakeBypass
      c.rsPort = c.dport
    }
    c.status = status
  }

  /**
   * The client closes: FIN, then the ACK of the server's FIN (NAT: the server's FIN passes the
   * director). 'lost': the FIN is to be sent again (`tcpRetransmitFin`, ORPHAN_FIN_SCHEDULE).
   */
  tcpClose(c: ClientTcp, how: 'fin' | 'rst'): FinOutcome {
    if (c.status !== 'connected') return 'acked'
    c.status = 'closed'
    return this.hangUp(c.saddr, c.sport, c.daddr, c.dport, how, clientRsAddr(c))
  }

  /** The closed client's retransmission timer fired: its FIN again (tcp_retransmit_timer()). */
  tcpRetransmitFin(c: ClientTcp): FinOutcome {
    c.finRetries++
    return this.hangUp(c.saddr, c.sport, c.daddr, c.dport, 'fin', clientRsAddr(c))
  }

  /** One UDP datagram; returns the real server that got it (`ip:port`) or null. */
  udpSend(saddr: Addr, sport: Port, daddr: Addr, dport: Port, payload?: string): string | null {
    const e = this.udpDatagram(saddr, sport, daddr, dport, payload)
    return e ? formatAddrPort(e.daddr, e.dport) : null
  }

  /**
   * One UDP datagram; returns the entry that carried it to a real server, or null. `payload`: its
   * text (a SIP request, for `--pe sip`); without, WIRE.UDP_PAYLOAD bytes the director never reads.
   */
  udpDatagram(saddr: Addr, sport: Port, daddr: Addr, dport: Port, payload?: string): Connection | null {
    const pkt = fillPacket(
      this.scratch,
      Protocol.UDP,
      saddr,
      sport,
      daddr,
      dport,
      undefined,
      WIRE.UDP_HEADER + (payload === undefined ? WIRE.UDP_PAYLOAD : utf8Length(payload)),
    )
    pkt.payload = payload
    if (this.down || this.vipAbsent) return null
    const by = this.routeToVip(daddr)
    if (by !== null) {
      this.bypass(saddr, sport, daddr, dport, undefined, pkt.len, by, true)
      return null
    }
    const v = this.netfilterPasses(pkt, 'toVip') ? this.director.receive(pkt) : NETFILTER_DROP
    this.wire?.clientPacket(pkt, v, this.now, this.netfilter.trace)
    // a real server that drops what the director sent it (topology) never receives the datagram
    return v.kind === 'forwarded' && !this.topology.rsDrops(v.conn.daddr, v.conn.forward) ? v.conn : null
  }
}

/** A packet object to refill for every packet (the director never keeps one). */
function scratchPacket(): Packet {
  return {
    protocol: Protocol.TCP,
    saddr: 0 as IPv4,
    sport: 0 as Port,
    daddr: 0 as IPv4,
    dport: 0 as Port,
    tcp: undefined,
    len: 0,
    mark: 0,
    payload: undefined,
  }
}

/** Refill a scratch packet (the director never keeps one). */
function fillPacket(
  pkt: Packet,
  protocol: number,
  saddr: Addr,
  sport: Port,
  daddr: Addr,
  dport: Port,
  tcp: TcpFlags | undefined,
  len: number,
): Packet {
  pkt.protocol = protocol
  pkt.saddr = saddr
  pkt.sport = sport
  pkt.daddr = daddr
  pkt.dport = dport
  pkt.tcp = tcp
  pkt.len = typeof saddr === 'string' ? len + IPV6_HEADER_EXTRA : len
  pkt.payload = undefined
  return pkt
}

const NETFILTER_DROP: Verdict = Object.freeze({ kind: 'dropped', conn: null, reason: 'netfilter' })
const DIRECTOR_DOWN: Verdict = Object.freeze({ kind: 'dropped', conn: null, reason: 'director-down' })
const SYN: TcpFlags = Object.freeze({ syn: true })
const SYNACK: TcpFlags = Object.freeze({ syn: true, ack: true })
const ACK: TcpFlags = Object.freeze({ ack: true })
const FINACK: TcpFlags = Object.freeze({ fin: true, ack: true })
const RST: TcpFlags = Object.freeze({ rst: true })

export const newClientTcp = (saddr: Addr, sport: number, daddr: Addr, dport: number): ClientTcp => ({
  saddr,
  sport: asPort(sport),
  daddr,
  dport: asPort(dport),
  status: 'pending',
  rsAddr: 0 as IPv4,
  rsPort: 0,
  entry: null,
  synRetries: 0,
  finRetries: 0,
})

/** The real server a client's connection is with (its address), or null. */
function clientRsAddr(c: ClientTcp): string | null {
  if (c.bypassed !== undefined) return c.bypassed
  return c.entry ? formatAddr(c.rsAddr) : null
}

/** The real server a client reached, as recordings write it (`192.168.8.101:80`, `[2001:db8:8::102]:80`), or null. */
export const clientRs = (c: ClientTcp): string | null =>
  c.bypassed !== undefined ? `${c.bypassed}:${c.rsPort}` : c.entry ? formatAddrPort(c.rsAddr, c.rsPort) : null
