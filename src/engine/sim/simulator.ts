import type { CommandResult } from '../cli/ipvsadm/parse'
import { runShell, type ShellHost } from '../cli/shell'
import { createUserland, type ExtraPrograms } from '../cli/userland'
import type { Connection } from '../ipvs/connection'
import { ForwardMethod } from '../ipvs/destination'
import { Director, type Packet, type Verdict } from '../ipvs/director'
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
  /** The real server that accepted it (`ip:port`), or null. */
  rs: string | null
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
  markFor: (pkt: Omit<Packet, 'mark'>) => number = () => 0

  private send(pkt: Omit<Packet, 'mark'>): Verdict {
    return this.director.receive({ ...pkt, mark: this.markFor(pkt) })
  }

  /** The client's SYN and, when it is answered, the rest of the handshake. */
  tcpConnect(c: ClientTcp): void {
    const base = { protocol: Protocol.TCP, saddr: c.saddr, sport: c.sport, daddr: c.daddr, dport: c.dport }
    const v = this.send({ ...base, tcp: { syn: true }, len: WIRE.SYN })
    if (v.kind === 'forwarded') {
      const e = v.conn
      c.entry = e
      c.rs = `${formatIPv4(e.daddr)}:${e.dport}`
      if (e.forward === ForwardMethod.MASQ)
        this.director.receiveReply(e, { ...base, tcp: { syn: true, ack: true }, len: WIRE.SYNACK, mark: 0 })
      this.send({ ...base, tcp: { ack: true }, len: WIRE.ACK })
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
    const base = { protocol: Protocol.TCP, saddr: c.saddr, sport: c.sport, daddr: c.daddr, dport: c.dport }
    if (how === 'rst') {
      this.send({ ...base, tcp: { rst: true }, len: WIRE.RST })
      return
    }
    const v = this.send({ ...base, tcp: { fin: true, ack: true }, len: WIRE.FIN })
    if (v.kind !== 'forwarded') return
    if (v.conn.forward === ForwardMethod.MASQ)
      this.director.receiveReply(v.conn, { ...base, tcp: { fin: true, ack: true }, len: WIRE.FIN, mark: 0 })
    this.send({ ...base, tcp: { ack: true }, len: WIRE.ACK })
  }

  /** One UDP datagram; returns the real server that got it (`ip:port`) or null. */
  udpSend(saddr: IPv4, sport: Port, daddr: IPv4, dport: Port): string | null {
    const v = this.send({
      protocol: Protocol.UDP,
      saddr,
      sport,
      daddr,
      dport,
      len: WIRE.UDP_HEADER + WIRE.UDP_PAYLOAD,
    })
    return v.kind === 'forwarded' ? `${formatIPv4(v.conn.daddr)}:${v.conn.dport}` : null
  }
}

export const newClientTcp = (saddr: IPv4, sport: number, daddr: IPv4, dport: number): ClientTcp => ({
  saddr,
  sport: asPort(sport),
  daddr,
  dport: asPort(dport),
  status: 'pending',
  rs: null,
  entry: null,
  synRetries: 0,
})
