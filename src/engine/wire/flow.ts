/**
 * The two ends of one TCP connection as their kernels number its packets: initial sequence
 * numbers, IP identification, timestamps. A real run draws them at random (secure_tcp_seq(),
 * get_random_u16() for inet_id, the per-connection timestamp offset); the lab derives them from the
 * connection's addresses and ports with a hash, so that a run is reproducible. What follows a rule
 * follows it exactly:
 *
 * - sequence numbers: SYN and FIN count one (RFC 793); each side acknowledges what it received;
 * - IP id of a connected socket: its random start, +1 a packet (ip_select_ident_segs() with
 *   inet_sk(sk)->inet_daddr set); the server's SYN-ACK has id 0 (ip_build_and_send_pkt(): DF set,
 *   no socket of its own yet); the server's accepted socket starts from a new random id
 *   (tcp_v4_syn_recv_sock());
 * - TCP timestamps (RFC 7323): the sender's millisecond clock plus its offset; echo = the last value
 *   received;
 * - windows as Linux 6.1 sends them with the default buffers: SYN 64240, SYN-ACK 65160, then
 *   502 (client) and 510 (server) with window scale 7.
 */

/** A 32-bit mix of text (FNV-1a, then murmur3's finaliser): the lab's stand-in for the kernel's random draws. */
export function mix32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A random-looking 16-bit IP id that is never 0 (0 is what DF packets without a socket carry). */
export const nonZeroId = (text: string): number => (mix32(text) % 0xffff) + 1

export const WINDOW = { CLIENT_SYN: 64240, SERVER_SYN: 65160, CLIENT: 502, SERVER: 510 } as const
export const MSS = 1460
export const WSCALE = 7

export class TcpFlow {
  /** Bumped each time the same ports open a new connection. */
  readonly isnClient: number
  readonly isnServer: number
  /** Next sequence number each side sends. */
  clientNext: number
  serverNext: number
  /** The client has seen the server's SYN (so it acknowledges). */
  serverSynSeen = false
  clientFinSent = false
  serverFinSent = false
  /** Nothing more will be sent on it: the next SYN from these ports is a new connection. */
  done = false
  clientId: number
  serverId: number
  readonly clientTsOffset: number
  readonly serverTsOffset: number
  lastClientTs = 0
  lastServerTs = 0
  /** The client sent its SYN: a second SYN before the answer is a retransmission. */
  synSent = false

  constructor(key: string) {
    this.isnClient = mix32(`isn-c ${key}`)
    this.isnServer = mix32(`isn-s ${key}`)
    this.clientNext = this.isnClient
    this.serverNext = this.isnServer
    this.clientId = nonZeroId(`id-c ${key}`)
    this.serverId = nonZeroId(`id-s ${key}`)
    this.clientTsOffset = mix32(`ts-c ${key}`)
    this.serverTsOffset = mix32(`ts-s ${key}`)
  }
}
