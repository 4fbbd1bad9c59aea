import type { CommandResult } from '../cli/ipvsadm/parse'
import { runShell, type ShellHost } from '../cli/shell'
import { createUserland, type ExtraPrograms } from '../cli/userland'
import type { Connection } from '../ipvs/connection'
import { ForwardMethod } from '../ipvs/destination'
import { Director, type Packet, type Verdict } from '../ipvs/director'
import type { TcpFlags } from '../ipvs/proto/tcp'
import { Protocol } from '../ipvs/service'
import { asPort, formatIPv4, type IPv4, type Port } from '../net/ipv4'
import type { SimMs } from './time'

/** Bytes on the wire of the packets a Linux client sends (IP + TCP with timestamps; SYN with options). */
export const WIRE = { SYN: 60, SYNACK: 60, ACK: 52, FIN: 52, RST: 40, UDP_HEADER: 28, UDP_PAYLOAD: 10 } as const

/** Linux's SYN retransmissions (initial RTO 1 s, doubling; tcp_syn_retries = 6). */
export const SYN_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 32000] as const

export type ClientStatus =
  | 'connected'
  | 'sent'
  | 'connect-failed: ECONNREFUSED'
  | 'connect-failed: ETIMEDOUT'
  | 'pending'
  | 'closed'

/** A client's TCP connection as the client sees it. */
export interface ClientTcp {
  saddr: IPv4
  sport: Port
  daddr: IPv4
  dport: Port
  status: ClientStatus
  /** The real server that accepted it (address and port; 0 until then). */
  rsAddr: number
  rsPort: number
  /** The director's entry the handshake went through. */
  entry: Connection | null
  synRetries: number
}

/**
 * A director and its clients on one simulated clock. The director (IPVS) is the model; the
 * clients here only produce the packets a real Linux client sends: the handshake, then FIN (and
 * the ACK of the server's FIN) or RST when it closes; UDP datagrams.
 */
export class Simulator {
  readonly director = new Director()
  private readonly userland: ShellHost

  constructor(extraPrograms: ExtraPrograms = {}) {
    this.userland = createUserland(this.director, extraPrograms)
  }

  get now(): SimMs {
    return this.director.now
  }

  /** Run one command line in the director's shell. */
  run(line: string): CommandResult {
    return runShell(line, this.userland)
  }

  /** Let simulated time pass; timers due at `t` run too unless `inclusive` is false. */
  advanceTo(t: SimMs, inclusive = true): void {
    this.director.advanceTo(t, inclusive)
  }

  /** The mark iptables -t mangle PREROUTING gives a packet (0 until the netfilter model is loaded). */
  markFor: ((pkt: Packet) => number) | null = null

  /** One packet object, refilled for every packet the clients send (the director never keeps it). */
  private readonly scratch: Packet = { protocol: Protocol.TCP, saddr: 0 as IPv4, sport: 0 as Port, daddr: 0 as IPv4, dport: 0 as Port, tcp: undefined, len: 0, mark: 0 }

  /** A client's packet to the director. */
  private send(c: ClientTcp, tcp: TcpFlags, len: number): Verdict {
    const pkt = this.scratch
    pkt.protocol = Protocol.TCP
    pkt.saddr = c.saddr
    pkt.sport = c.sport
    pkt.daddr = c.daddr
    pkt.dport = c.dport
    pkt.tcp = tcp
    pkt.len = len
    pkt.mark = this.markFor ? this.markFor(pkt) : 0
    return this.director.receive(pkt)
  }

  /** A real server's reply through the director (NAT only). */
  private reply(c: ClientTcp, entry: Connection, tcp: TcpFlags, len: number): void {
    this.director.receiveReply(entry, { protocol: Protocol.TCP, saddr: c.saddr, sport: c.sport, daddr: c.daddr, dport: c.dport, tcp, len, mark: 0 })
  }

  /** The client's SYN and, when it is answered, the rest of the handshake. */
  tcpConnect(c: ClientTcp): void {
    const v = this.send(c, SYN, WIRE.SYN)
    if (v.kind === 'forwarded') {
      const e = v.conn
      c.entry = e
      c.rsAddr = e.daddr
      c.rsPort = e.dport
      if (e.forward === ForwardMethod.MASQ) this.reply(c, e, SYNACK, WIRE.SYNACK)
      this.send(c, ACK, WIRE.ACK)
      c.status = 'connected'
    } else if (v.kind === 'dropped') {
      c.status = 'pending'
    } else {
      // ICMP port unreachable from IPVS, or the director's own stack answers RST: nobody listens there.
      c.status = 'connect-failed: ECONNREFUSED'
    }
  }

  /** The client closes: FIN, then the ACK of the server's FIN (NAT: the server's FIN passes the director). */
  tcpClose(c: ClientTcp, how: 'fin' | 'rst'): void {
    if (c.status !== 'connected') return
    c.status = 'closed'
    if (how === 'rst') {
      this.send(c, RST, WIRE.RST)
      return
    }
    const v = this.send(c, FINACK, WIRE.FIN)
    if (v.kind !== 'forwarded') return
    if (v.conn.forward === ForwardMethod.MASQ) this.reply(c, v.conn, FINACK, WIRE.FIN)
    this.send(c, ACK, WIRE.ACK)
  }

  /** One UDP datagram; returns the real server that got it (`ip:port`) or null. */
  udpSend(saddr: IPv4, sport: Port, daddr: IPv4, dport: Port): string | null {
    const e = this.udpDatagram(saddr, sport, daddr, dport)
    return e ? `${formatIPv4(e.daddr)}:${e.dport}` : null
  }

  /** One UDP datagram; returns the entry that carried it to a real server, or null. */
  udpDatagram(saddr: IPv4, sport: Port, daddr: IPv4, dport: Port): Connection | null {
    const pkt = this.scratch
    pkt.protocol = Protocol.UDP
    pkt.saddr = saddr
    pkt.sport = sport
    pkt.daddr = daddr
    pkt.dport = dport
    pkt.tcp = undefined
    pkt.len = WIRE.UDP_HEADER + WIRE.UDP_PAYLOAD
    pkt.mark = this.markFor ? this.markFor(pkt) : 0
    const v = this.director.receive(pkt)
    return v.kind === 'forwarded' ? v.conn : null
  }
}

const SYN: TcpFlags = Object.freeze({ syn: true })
const SYNACK: TcpFlags = Object.freeze({ syn: true, ack: true })
const ACK: TcpFlags = Object.freeze({ ack: true })
const FINACK: TcpFlags = Object.freeze({ fin: true, ack: true })
const RST: TcpFlags = Object.freeze({ rst: true })

export const newClientTcp = (saddr: IPv4, sport: number, daddr: IPv4, dport: number): ClientTcp => ({
  saddr,
  sport: asPort(sport),
  daddr,
  dport: asPort(dport),
  status: 'pending',
  rsAddr: 0,
  rsPort: 0,
  entry: null,
  synRetries: 0,
})

/** The real server a client reached, as recordings write it (`192.168.8.101:80`), or null. */
export const clientRs = (c: ClientTcp): string | null => (c.entry ? `${formatIPv4(c.rsAddr)}:${c.rsPort}` : null)
