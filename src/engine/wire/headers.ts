import { formatIPv4, parseDottedQuad } from '../net/ipv4'
import { ipv6FromWords, ipv6Words, parseIPv6 } from '../net/ipv6'
import { fold, internetChecksum, onesSum, pseudoHeaderChecksum, udpChecksumOnWire } from './checksum'

/**
 * The headers of a frame on the lab's Ethernet, as plain data (what `--packets` prints and the
 * Packets view draws), and their encoding into the bytes a pcap file holds. Field names follow
 * the kernel's structs (include/uapi/linux/if_ether.h ethhdr, ip.h iphdr, tcp.h tcphdr, udp.h
 * udphdr, icmp.h icmphdr, net/gue.h guehdr, net/gre.h gre_base_hdr); addresses are text.
 * Checksums and lengths are filled in by `encodeFrame()` (they follow from everything else).
 */

export const ETH_P_IP = 0x0800
export const ETH_P_IPV6 = 0x86dd
/** ARP (if_ether.h ETH_P_ARP). */
export const ETH_P_ARP = 0x0806
export const IPPROTO = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, IPV6: 41, GRE: 47, ICMPV6: 58 } as const

export interface EthernetHeader {
  /** h_source / h_dest, lower-case hex with colons. */
  src: string
  dst: string
  /** h_proto: 0x0800 (IPv4), 0x86dd (IPv6). */
  type: number
}

/**
 * An IPv4 header (struct iphdr), or with `version` 6 an IPv6 one (struct ipv6hdr) in the same
 * shape: `tos` is the traffic class, `ttl` the hop limit, `protocol` the next header, `length`
 * 40 + the payload length; `id`, `df` and `checksum` are 0/false (IPv6 has none).
 */
export interface Ipv4Header {
  version: 4 | 6
  /** IPv6 only: the flow label (0 here). */
  flowLabel?: number
  src: string
  dst: string
  /** tos (DSCP and ECN). */
  tos: number
  ttl: number
  /** The identification field. */
  id: number
  /** IP_DF in frag_off. */
  df: boolean
  protocol: number
  /** tot_len: filled by encodeFrame(). */
  length: number
  /** check: filled by encodeFrame(). */
  checksum: number
}

export type TcpOption =
  | { kind: 'mss'; value: number }
  | { kind: 'sackOK' }
  | { kind: 'TS'; val: number; ecr: number }
  | { kind: 'nop' }
  | { kind: 'wscale'; value: number }

export interface TcpHeader {
  sport: number
  dport: number
  seq: number
  ack: number
  /** As tcpdump prints them: S, S., ., F., R, R. (the dot is ACK). */
  flags: string
  window: number
  options: TcpOption[]
  checksum: number
}

export interface UdpHeader {
  sport: number
  dport: number
  /** len: filled by encodeFrame(). */
  length: number
  /** 0 when the sender leaves it out (a GUE tunnel without --tun-csum). */
  checksum: number
}

/** struct guehdr, version 0, no optional fields (hlen 0). */
export interface GueHeader {
  version: 0
  hlen: number
  /** proto_ctype: the encapsulated protocol (IPPROTO_IPIP). */
  proto: number
}

/** struct gre_base_hdr (+ the checksum word with TUNNEL_CSUM). */
export interface GreHeader {
  /** The C bit: a checksum (and a reserved word) follow the base header. */
  csum: boolean
  /** The encapsulated protocol's Ethernet type (0x0800). */
  protocol: number
  checksum: number
}

export interface IcmpHeader {
  type: number
  code: number
  checksum: number
}

/** What an IP header carries. */
export type IpPayload =
  | { kind: 'tcp'; tcp: TcpHeader }
  | { kind: 'udp'; udp: UdpHeader; payload: number[] }
  /** IPIP: an IPv4 packet inside an IPv4 packet (RFC 2003). */
  | { kind: 'ipip'; inner: IpDatagram }
  /** GUE over UDP: UDP header, GUE header, the IPv4 packet. */
  | { kind: 'gue'; udp: UdpHeader; gue: GueHeader; inner: IpDatagram }
  | { kind: 'gre'; gre: GreHeader; inner: IpDatagram }
  /** Bytes read but not taken apart (what an ICMP error quotes of an encapsulated packet). */
  | { kind: 'raw'; bytes: number[] }
  /** ICMP error: quotes the offending packet's IP header and first 8 bytes. */
  | { kind: 'icmp'; icmp: IcmpHeader; quoted: IpDatagram }

export interface IpDatagram {
  ip: Ipv4Header
  payload: IpPayload
}

export interface Frame {
  eth: EthernetHeader
  packet: IpDatagram
}

/** A deep copy (each hop's headers are its own: the Packets view compares them). */
export function cloneDatagram(d: IpDatagram): IpDatagram {
  const p = d.payload
  let payload: IpPayload
  switch (p.kind) {
    case 'tcp':
      payload = { kind: 'tcp', tcp: { ...p.tcp, options: p.tcp.options.map((o) => ({ ...o })) } }
      break
    case 'udp':
      payload = { kind: 'udp', udp: { ...p.udp }, payload: [...p.payload] }
      break
    case 'ipip':
      payload = { kind: 'ipip', inner: cloneDatagram(p.inner) }
      break
    case 'gue':
      payload = { kind: 'gue', udp: { ...p.udp }, gue: { ...p.gue }, inner: cloneDatagram(p.inner) }
      break
    case 'gre':
      payload = { kind: 'gre', gre: { ...p.gre }, inner: cloneDatagram(p.inner) }
      break
    case 'icmp':
      payload = { kind: 'icmp', icmp: { ...p.icmp }, quoted: cloneDatagram(p.quoted) }
      break
    case 'raw':
      payload = { kind: 'raw', bytes: [...p.bytes] }
      break
  }
  return { ip: { ...d.ip }, payload }
}

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, '.': 0x10, U: 0x20 }

/** tcpdump's flag text → the flag byte. */
export function tcpFlagBits(flags: string): number {
  let b = 0
  for (const c of flags) b |= FLAG_BITS[c] ?? 0
  return b
}

/** The flag byte → tcpdump's text (F, S, R, P, then `.` for ACK). */
export function tcpFlagText(bits: number): string {
  let t = ''
  if (bits & 0x02) t += 'S'
  if (bits & 0x01) t += 'F'
  if (bits & 0x04) t += 'R'
  if (bits & 0x08) t += 'P'
  if (bits & 0x20) t += 'U'
  if (bits & 0x10) t += '.'
  return t
}

function optionBytes(options: readonly TcpOption[]): number[] {
  const out: number[] = []
  for (const o of options) {
    if (o.kind === 'nop') out.push(1)
    else if (o.kind === 'mss') out.push(2, 4, o.value >>> 8, o.value & 255)
    else if (o.kind === 'wscale') out.push(3, 3, o.value)
    else if (o.kind === 'sackOK') out.push(4, 2)
    else out.push(8, 10, ...u32(o.val), ...u32(o.ecr))
  }
  while (out.length % 4 !== 0) out.push(0)
  return out
}

const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
const u16 = (n: number): number[] => [(n >>> 8) & 255, n & 255]

/** Parsed addresses (a run's packets name few hosts, many times). */
const addrCache = new Map<string, number>()
const addr6Cache = new Map<string, number[]>()

/** An IPv6 address's eight 16-bit words. */
function words6(text: string): number[] {
  const hit = addr6Cache.get(text)
  if (hit !== undefined) return hit
  const a = parseIPv6(text)
  if (a === null) throw new Error(`not an IPv6 address: ${text}`)
  const w = [...ipv6Words(a)]
  if (addr6Cache.size > 100_000) addr6Cache.clear()
  addr6Cache.set(text, w)
  return w
}

const bytes6 = (text: string): number[] => words6(text).flatMap((w) => [w >>> 8, w & 255])

/** The checksum of a TCP/UDP/ICMPv6 segment over its pseudo-header (RFC 793/768; RFC 8200 §8.1 for IPv6). */
function segmentChecksum(ip: Ipv4Header, protocol: number, b: Uint8Array): number {
  if (ip.version === 4) return pseudoHeaderChecksum(addr(ip.src), addr(ip.dst), protocol, b, 0, b.length)
  let sum = 0
  for (const w of words6(ip.src)) sum += w
  for (const w of words6(ip.dst)) sum += w
  sum += Math.floor(b.length / 0x10000) + (b.length & 0xffff) + protocol
  return fold(onesSum(b, 0, b.length, sum))
}

function addr(text: string): number {
  const hit = addrCache.get(text)
  if (hit !== undefined) return hit
  const a = parseDottedQuad(text)
  if (a === null) throw new Error(`not an IPv4 address: ${text}`)
  if (addrCache.size > 100_000) addrCache.clear()
  addrCache.set(text, a)
  return a
}

/** The bytes of an IP datagram; fills in every length and checksum field of its headers. */
export function encodeDatagram(d: IpDatagram): Uint8Array {
  const body = encodePayload(d)
  const ip = d.ip
  if (ip.version === 6) {
    ip.length = 40 + body.length
    const fl = ip.flowLabel ?? 0
    const out = new Uint8Array(ip.length)
    out.set([0x60 | (ip.tos >> 4), ((ip.tos & 15) << 4) | ((fl >>> 16) & 15), (fl >>> 8) & 255, fl & 255])
    out.set([...u16(body.length), ip.protocol, ip.ttl], 4)
    out.set(bytes6(ip.src), 8)
    out.set(bytes6(ip.dst), 24)
    out.set(body, 40)
    return out
  }
  ip.length = 20 + body.length
  const out = new Uint8Array(ip.length)
  out.set([0x45, ip.tos, ...u16(ip.length), ...u16(ip.id), ip.df ? 0x40 : 0, 0, ip.ttl, ip.protocol, 0, 0])
  out.set(u32(addr(ip.src)), 12)
  out.set(u32(addr(ip.dst)), 16)
  ip.checksum = internetChecksum(out, 0, 20)
  out.set(u16(ip.checksum), 10)
  out.set(body, 20)
  return out
}

function encodePayload(d: IpDatagram): Uint8Array {
  const p = d.payload
  switch (p.kind) {
    case 'tcp': {
      const t = p.tcp
      const opts = optionBytes(t.options)
      const hl = 20 + opts.length
      const b = new Uint8Array(hl)
      b.set([...u16(t.sport), ...u16(t.dport), ...u32(t.seq), ...u32(t.ack), (hl / 4) << 4, tcpFlagBits(t.flags)])
      b.set([...u16(t.window), 0, 0, 0, 0], 14)
      b.set(opts, 20)
      t.checksum = segmentChecksum(d.ip, IPPROTO.TCP, b)
      b.set(u16(t.checksum), 16)
      return b
    }
    case 'udp': {
      const b = new Uint8Array(8 + p.payload.length)
      p.udp.length = b.length
      b.set([...u16(p.udp.sport), ...u16(p.udp.dport), ...u16(b.length), 0, 0])
      b.set(p.payload, 8)
      p.udp.checksum = udpChecksumOnWire(segmentChecksum(d.ip, IPPROTO.UDP, b))
      b.set(u16(p.udp.checksum), 6)
      return b
    }
    case 'ipip':
      return encodeDatagram(p.inner)
    case 'gue': {
      const inner = encodeDatagram(p.inner)
      const b = new Uint8Array(8 + 4 + inner.length)
      p.udp.length = b.length
      b.set([...u16(p.udp.sport), ...u16(p.udp.dport), ...u16(b.length), 0, 0])
      b.set([(p.gue.version << 6) | (p.gue.hlen & 0x1f), p.gue.proto, 0, 0], 8)
      b.set(inner, 12)
      // udp_set_csum(): without --tun-csum the checksum stays 0 (none)
      if (p.udp.checksum !== 0) p.udp.checksum = udpChecksumOnWire(segmentChecksum(d.ip, IPPROTO.UDP, b))
      b.set(u16(p.udp.checksum), 6)
      return b
    }
    case 'gre': {
      const inner = encodeDatagram(p.inner)
      const hl = p.gre.csum ? 8 : 4
      const b = new Uint8Array(hl + inner.length)
      b.set([p.gre.csum ? 0x80 : 0, 0, ...u16(p.gre.protocol)])
      b.set(inner, hl)
      if (p.gre.csum) {
        p.gre.checksum = internetChecksum(b, 0, b.length)
        b.set(u16(p.gre.checksum), 4)
      }
      return b
    }
    case 'raw':
      return Uint8Array.from(p.bytes)
    case 'icmp': {
      const q = encodeDatagram(p.quoted)
      // ICMP quotes the header and 8 bytes (RFC 792); ICMPv6 as much as fits 1280 bytes (RFC 4443)
      const quoted = q.subarray(0, Math.min(q.length, d.ip.version === 6 ? 1232 : 20 + 8))
      const b = new Uint8Array(8 + quoted.length)
      b.set([p.icmp.type, p.icmp.code, 0, 0, 0, 0, 0, 0])
      b.set(quoted, 8)
      p.icmp.checksum = d.ip.version === 6 ? segmentChecksum(d.ip, IPPROTO.ICMPV6, b) : internetChecksum(b, 0, b.length)
      b.set(u16(p.icmp.checksum), 2)
      return b
    }
  }
}

function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => Number.parseInt(h, 16))
}

/** The bytes of an Ethernet frame (no preamble, no FCS: what a pcap with LINKTYPE_ETHERNET holds). */
export function encodeFrame(f: Frame): Uint8Array {
  const ip = encodeDatagram(f.packet)
  const out = new Uint8Array(14 + ip.length)
  f.eth.type = f.packet.ip.version === 6 ? ETH_P_IPV6 : ETH_P_IP
  out.set([...macBytes(f.eth.dst), ...macBytes(f.eth.src), ...u16(f.eth.type)])
  out.set(ip, 14)
  return out
}

/** An ARP frame on Ethernet (RFC 826, struct arphdr + Ethernet/IPv4 addresses). */
export interface ArpFrameData {
  eth: EthernetHeader
  arp: { op: 1 | 2; sha: string; spa: string; tha: string; tpa: string }
}

/**
 * The bytes of an ARP frame as its sender hands it to the NIC (42 bytes; the NIC pads it to the
 * 60-byte minimum, which a capture on the sender does not show): ar_hrd 1 (Ethernet), ar_pro
 * 0x0800, ar_hln 6, ar_pln 4, ar_op, then sender MAC, sender IP, target MAC, target IP.
 */
export function encodeArpFrame(f: ArpFrameData): Uint8Array {
  const a = f.arp
  return Uint8Array.from([
    ...macBytes(f.eth.dst),
    ...macBytes(f.eth.src),
    ...u16(ETH_P_ARP),
    ...u16(1),
    ...u16(ETH_P_IP),
    6,
    4,
    ...u16(a.op),
    ...macBytes(a.sha),
    ...u32(addr(a.spa)),
    ...macBytes(a.tha),
    ...u32(addr(a.tpa)),
  ])
}

/** An ARP frame's fields back from its bytes (null: not ARP over Ethernet/IPv4). */
export function decodeArpFrame(b: Uint8Array): ArpFrameData | null {
  if (b.length < 42 || rd16(b, 12) !== ETH_P_ARP || rd16(b, 14) !== 1 || rd16(b, 16) !== ETH_P_IP) return null
  const op = rd16(b, 20)
  if (op !== 1 && op !== 2) return null
  return {
    eth: { dst: macText(b, 0), src: macText(b, 6), type: ETH_P_ARP },
    arp: { op, sha: macText(b, 22), spa: formatIPv4(rd32(b, 28)), tha: macText(b, 32), tpa: formatIPv4(rd32(b, 38)) },
  }
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0')
const macText = (b: Uint8Array, at: number): string => Array.from(b.subarray(at, at + 6), hex2).join(':')
const rd16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1]
const rd32 = (b: Uint8Array, at: number): number =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0

/** What decodeFrame() also tells: whether every checksum it read was right. */
export interface Decoded {
  frame: Frame
  checksumsOk: boolean
}

/**
 * Read an Ethernet frame back (IPv4 and IPv6; null for anything else, e.g. ARP). Used to check
 * captures — ours and the real-kernel recordings' — field by field.
 */
export function decodeFrame(b: Uint8Array): Decoded | null {
  const type = b.length >= 34 ? rd16(b, 12) : 0
  if (type !== ETH_P_IP && type !== ETH_P_IPV6) return null
  const ok = { all: true }
  const packet = decodeDatagram(b.subarray(14), ok)
  if (!packet) return null
  return { frame: { eth: { dst: macText(b, 0), src: macText(b, 6), type }, packet }, checksumsOk: ok.all }
}

function text6(b: Uint8Array, at: number): string {
  const w: number[] = []
  for (let i = 0; i < 8; i++) w.push(rd16(b, at + 2 * i))
  return ipv6FromWords(w)
}

function decodeDatagram(b: Uint8Array, ok: { all: boolean }, quoted = false): IpDatagram | null {
  if (b.length >= 40 && b[0] >> 4 === 6) return decodeDatagram6(b, ok, quoted)
  if (b.length < 20 || b[0] >> 4 !== 4) return null
  const ihl = (b[0] & 15) * 4
  const length = rd16(b, 2)
  const ip: Ipv4Header = {
    version: 4,
    src: formatIPv4(rd32(b, 12)),
    dst: formatIPv4(rd32(b, 16)),
    tos: b[1],
    ttl: b[8],
    id: rd16(b, 4),
    df: (b[6] & 0x40) !== 0,
    protocol: b[9],
    length,
    checksum: rd16(b, 10),
  }
  if (internetChecksum(b, 0, ihl) !== 0) ok.all = false
  const end = quoted ? b.length : Math.min(b.length, length)
  const l4 = b.subarray(ihl, end)
  const full = !quoted
  const l4ok = (c: number) => {
    if (full && c !== 0) ok.all = false
  }
  const saddr = rd32(b, 12)
  const daddr = rd32(b, 16)
  let payload: IpPayload
  if (ip.protocol === IPPROTO.TCP && quoted && l4.length >= 8 && l4.length < 20) {
    // an ICMP error quotes only the first 8 bytes: the ports and the sequence number
    const tcp: TcpHeader = {
      sport: rd16(l4, 0),
      dport: rd16(l4, 2),
      seq: rd32(l4, 4),
      ack: 0,
      flags: '',
      window: 0,
      options: [],
      checksum: 0,
    }
    payload = { kind: 'tcp', tcp }
  } else if (ip.protocol === IPPROTO.TCP && l4.length >= 20) {
    payload = { kind: 'tcp', tcp: decodeTcp(l4) }
    l4ok(full ? pseudoHeaderChecksum(saddr, daddr, IPPROTO.TCP, l4, 0, l4.length) : 0)
  } else if (ip.protocol === IPPROTO.UDP && l4.length >= 8) {
    const udp: UdpHeader = { sport: rd16(l4, 0), dport: rd16(l4, 2), length: rd16(l4, 4), checksum: rd16(l4, 6) }
    if (udp.checksum !== 0) l4ok(full ? pseudoHeaderChecksum(saddr, daddr, IPPROTO.UDP, l4, 0, l4.length) : 0)
    const inner = l4.length >= 12 && l4[9] === IPPROTO.IPIP ? decodeDatagram(l4.subarray(12), ok) : null
    payload = inner
      ? { kind: 'gue', udp, gue: { version: 0, hlen: l4[8] & 0x1f, proto: l4[9] }, inner }
      : { kind: 'udp', udp, payload: Array.from(l4.subarray(8)) }
  } else if (ip.protocol === IPPROTO.IPIP && l4.length >= 20) {
    const inner = decodeDatagram(l4, ok)
    if (!inner) return null
    payload = { kind: 'ipip', inner }
  } else if (ip.protocol === IPPROTO.GRE && l4.length >= 24) {
    const csum = (l4[0] & 0x80) !== 0
    if (csum) l4ok(internetChecksum(l4, 0, l4.length))
    const inner = decodeDatagram(l4.subarray(csum ? 8 : 4), ok)
    if (!inner) return null
    payload = { kind: 'gre', gre: { csum, protocol: rd16(l4, 2), checksum: csum ? rd16(l4, 4) : 0 }, inner }
  } else if (ip.protocol === IPPROTO.ICMP && l4.length >= 8) {
    l4ok(internetChecksum(l4, 0, l4.length))
    const q = decodeDatagram(l4.subarray(8), { all: true }, true)
    if (!q) return null
    payload = { kind: 'icmp', icmp: { type: l4[0], code: l4[1], checksum: rd16(l4, 2) }, quoted: q }
  } else if (quoted) payload = { kind: 'raw', bytes: Array.from(l4) }
  else return null
  return { ip, payload }
}

/** A TCP header (RFC 9293 layout) at the start of `l4`, its options as far as the data offset says. */
function decodeTcp(l4: Uint8Array): TcpHeader {
  const hl = (l4[12] >> 4) * 4
  return {
    sport: rd16(l4, 0),
    dport: rd16(l4, 2),
    seq: rd32(l4, 4),
    ack: rd32(l4, 8),
    flags: tcpFlagText(l4[13]),
    window: rd16(l4, 14),
    options: decodeOptions(l4.subarray(20, hl)),
    checksum: rd16(l4, 16),
  }
}

/** An IPv6 packet: TCP, UDP, ICMPv6 or IPv6-in-IPv6 after the fixed header (no extension headers here). */
function decodeDatagram6(b: Uint8Array, ok: { all: boolean }, quoted: boolean): IpDatagram | null {
  const plen = rd16(b, 4)
  const ip: Ipv4Header = {
    version: 6,
    flowLabel: ((b[1] & 15) << 16) | rd16(b, 2),
    src: text6(b, 8),
    dst: text6(b, 24),
    tos: ((b[0] & 15) << 4) | (b[1] >> 4),
    ttl: b[7],
    id: 0,
    df: false,
    protocol: b[6],
    length: 40 + plen,
    checksum: 0,
  }
  const l4 = b.subarray(40, quoted ? b.length : Math.min(b.length, 40 + plen))
  const check = (proto: number) => {
    if (!quoted && segmentChecksum(ip, proto, l4) !== 0) ok.all = false
  }
  let payload: IpPayload
  if (ip.protocol === IPPROTO.TCP && l4.length >= 20) {
    payload = { kind: 'tcp', tcp: decodeTcp(l4) }
    check(IPPROTO.TCP)
  } else if (ip.protocol === IPPROTO.UDP && l4.length >= 8) {
    payload = {
      kind: 'udp',
      udp: { sport: rd16(l4, 0), dport: rd16(l4, 2), length: rd16(l4, 4), checksum: rd16(l4, 6) },
      payload: Array.from(l4.subarray(8)),
    }
    check(IPPROTO.UDP)
  } else if (ip.protocol === IPPROTO.IPV6 && l4.length >= 40) {
    const inner = decodeDatagram(l4, ok, quoted)
    if (!inner) return null
    payload = { kind: 'ipip', inner }
  } else if (ip.protocol === IPPROTO.ICMPV6 && l4.length >= 8) {
    check(IPPROTO.ICMPV6)
    const q = decodeDatagram(l4.subarray(8), { all: true }, true)
    payload = q
      ? { kind: 'icmp', icmp: { type: l4[0], code: l4[1], checksum: rd16(l4, 2) }, quoted: q }
      : { kind: 'raw', bytes: Array.from(l4) }
  } else if (quoted) payload = { kind: 'raw', bytes: Array.from(l4) }
  else return null
  return { ip, payload }
}

function decodeOptions(b: Uint8Array): TcpOption[] {
  const out: TcpOption[] = []
  for (let i = 0; i < b.length; ) {
    const k = b[i]
    if (k === 0) break
    if (k === 1) {
      out.push({ kind: 'nop' })
      i++
      continue
    }
    const len = b[i + 1]
    if (k === 2) out.push({ kind: 'mss', value: rd16(b, i + 2) })
    else if (k === 3) out.push({ kind: 'wscale', value: b[i + 2] })
    else if (k === 4) out.push({ kind: 'sackOK' })
    else if (k === 8) out.push({ kind: 'TS', val: rd32(b, i + 2), ecr: rd32(b, i + 6) })
    i += Math.max(2, len)
  }
  return out
}
