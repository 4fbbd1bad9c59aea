import { formatIPv4, prefixLength } from '../net/ipv4'
import { serviceNameOf } from '../net/netdb'

/** Protocol numbers iptables knows by name (xtables chain_protos + /etc/protocols for the common ones). */
export const PROTO_NAMES: Record<number, string> = {
  0: 'all',
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  33: 'dccp',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  132: 'sctp',
  136: 'udplite',
}

export interface AddrMask {
  addr: number
  mask: number
}

export interface PortRange {
  lo: number
  hi: number
}

/** A match a rule carries (xt matches; tcp/udp also when loaded implicitly by -p). */
export type Match =
  | {
      name: 'tcp' | 'udp'
      sport: PortRange | null
      sportInv: boolean
      dport: PortRange | null
      dportInv: boolean
      /** tcp only: --tcp-flags mask and comparison (0 mask: not given). */
      flagsMask: number
      flagsCmp: number
      flagsInv: boolean
      /**
       * nf_tables only: iptables-nft encodes `! --sport S ! --dport D` (single ports) as one 32-bit
       * compare, which matches unless *both* ports are equal (nft.c add_nft_tcpudp()).
       */
      pairNeq: boolean
    }
  | { name: 'multiport'; option: 'sports' | 'dports' | 'ports'; ports: PortRange[]; inv: boolean }
  | { name: 'mark'; value: number; mask: number; inv: boolean }

/** A rule's target: MARK (as the kernel stores it: mark and mask), a verdict, a jump or a goto. */
export type Target =
  | { kind: 'MARK'; mark: number; mask: number }
  | { kind: 'verdict'; verdict: 'ACCEPT' | 'DROP' | 'RETURN' | 'QUEUE' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }

export interface Rule {
  src: AddrMask
  srcInv: boolean
  dst: AddrMask
  dstInv: boolean
  inIface: string | null
  inIfaceInv: boolean
  outIface: string | null
  outIfaceInv: boolean
  proto: number
  protoInv: boolean
  /** 0: any, 1: -f (second and later fragments), 2: ! -f */
  frag: 0 | 1 | 2
  matches: Match[]
  target: Target | null
  pkts: number
  bytes: number
}

/** What a packet looks like to netfilter. */
export interface NfPacket {
  protocol: number
  saddr: number
  sport: number
  daddr: number
  dport: number
  len: number
  mark: number
  inIface: string
  /** The out interface ('' before routing: PREROUTING and INPUT). */
  outIface: string
  /** TCP flag bits (FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20); 0 for UDP. */
  tcpFlags: number
}

const u32 = (x: number): number => x >>> 0
const hex = (x: number): string => `0x${u32(x).toString(16)}`

function ifaceMatches(pattern: string, name: string): boolean {
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1))
  return pattern === name
}

const inRange = (p: number, r: PortRange): boolean => p >= r.lo && p <= r.hi

// mirrors ipt_do_table()'s ip_packet_match() plus each match's match() function
export function ruleMatches(r: Rule, pkt: NfPacket): boolean {
  if (((pkt.saddr & r.src.mask) >>> 0 !== r.src.addr) !== r.srcInv) return false
  if (((pkt.daddr & r.dst.mask) >>> 0 !== r.dst.addr) !== r.dstInv) return false
  if (r.inIface !== null && ifaceMatches(r.inIface, pkt.inIface) === r.inIfaceInv) return false
  if (r.outIface !== null && ifaceMatches(r.outIface, pkt.outIface) === r.outIfaceInv) return false
  if (r.proto !== 0 && (pkt.protocol === r.proto) === r.protoInv) return false
  if (r.frag === 1) return false
  const matches = r.matches
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k]
    switch (m.name) {
      case 'tcp':
      case 'udp':
        if (pkt.protocol !== (m.name === 'tcp' ? 6 : 17)) return false
        if (m.pairNeq) {
          if (pkt.sport === m.sport?.lo && pkt.dport === m.dport?.lo) return false
        } else {
          if (m.sport && inRange(pkt.sport, m.sport) === m.sportInv) return false
          if (m.dport && inRange(pkt.dport, m.dport) === m.dportInv) return false
        }
        if ((m.flagsMask || m.flagsInv) && ((pkt.tcpFlags & m.flagsMask) === m.flagsCmp) === m.flagsInv) return false
        break
      case 'multiport': {
        const src = m.option !== 'dports'
        const dst = m.option !== 'sports'
        let hit = false
        for (let j = 0; j < m.ports.length && !hit; j++)
          hit = (src && inRange(pkt.sport, m.ports[j])) || (dst && inRange(pkt.dport, m.ports[j]))
        if (hit === m.inv) return false
        break
      }
      case 'mark':
        if (((pkt.mark & m.mask) >>> 0 === u32(m.value)) === m.inv) return false
        break
    }
  }
  return true
}

/** xt_MARK's mark_tg(): clear the mask bits, then XOR the value. */
export const applyMark = (mark: number, t: { mark: number; mask: number }): number => u32((mark & ~t.mask) ^ t.mark)

// ---------------------------------------------------------------- -L text

/** libxt_tcp's flag names, in the order print_tcpf() tries them. */
export const TCP_FLAG_NAMES: readonly (readonly [string, number])[] = [
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
  ['ALL', 0x3f],
  ['NONE', 0],
]

/** print_tcpf(): `FIN,SYN,RST,ACK`, or `NONE`. */
export function tcpFlagNames(flags: number): string {
  const names: string[] = []
  let f = flags & 0xff
  while (f) {
    const hit = TCP_FLAG_NAMES.find(([, bit]) => (f & bit) !== 0)
    if (!hit) break
    names.push(hit[0])
    f &= ~hit[1]
  }
  return names.length ? names.join(',') : 'NONE'
}

const hex2 = (x: number): string => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`

function portText(p: number, proto: 'tcp' | 'udp', numeric: boolean): string {
  return numeric ? String(p) : (serviceNameOf(p, proto) ?? String(p))
}

function rangeText(r: PortRange, proto: 'tcp' | 'udp', numeric: boolean): string {
  return r.lo === r.hi
    ? portText(r.lo, proto, numeric)
    : `${portText(r.lo, proto, numeric)}:${portText(r.hi, proto, numeric)}`
}

/** The match and target text after the addresses in `iptables -L` (each piece starts with a space). */
export function listText(r: Rule, numeric: boolean): string {
  let s = ''
  const proto = r.proto === 17 ? 'udp' : 'tcp'
  const matches = r.matches
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k]
    switch (m.name) {
      case 'tcp':
      case 'udp': {
        s += ` ${m.name}`
        const show = (label: string, range: PortRange | null, inv: boolean) => {
          if (!range || (range.lo === 0 && range.hi === 65535 && !inv)) return
          s += ` ${label}${range.lo === range.hi ? '' : 's'}:${inv ? '!' : ''}${rangeText(range, m.name, numeric)}`
        }
        show('spt', m.sport, m.sportInv)
        show('dpt', m.dport, m.dportInv)
        if (m.flagsMask || m.flagsInv)
          s += ` flags:${m.flagsInv ? '!' : ''}${numeric ? `${hex2(m.flagsMask)}/${hex2(m.flagsCmp)}` : `${tcpFlagNames(m.flagsMask)}/${tcpFlagNames(m.flagsCmp)}`}`
        break
      }
      case 'multiport':
        s += ` multiport ${m.option} ${m.inv ? ' !' : ''}${m.ports.map((p) => rangeText(p, proto, numeric)).join(',')}`
        break
      case 'mark':
        s += ` mark match ${m.inv ? '! ' : ''}${hex(m.value)}${u32(m.mask) !== 0xffffffff ? `/${hex(m.mask)}` : ''}`
        break
    }
  }
  const t = r.target
  if (t?.kind === 'MARK') {
    if (t.mark === 0) s += ` MARK and ${hex(~t.mask)}`
    else if (u32(t.mark) === u32(t.mask)) s += ` MARK or ${hex(t.mark)}`
    else if (t.mask === 0) s += ` MARK xor ${hex(t.mark)}`
    else if (u32(t.mask) === 0xffffffff) s += ` MARK set ${hex(t.mark)}`
    else s += ` MARK xset ${hex(t.mark)}/${hex(t.mask)}`
  }
  return s
}

/** The director's /etc/hosts and /etc/networks (Debian 12 defaults) for names in `iptables -L`. */
const HOSTS = new Map([[0x7f000001, 'localhost']])
const NETWORKS = new Map([
  [0, 'default'],
  [0x7f000000, 'loopback'],
  [0xa9fe0000, 'link-local'],
])

/** An address column: `0.0.0.0/0`, `192.168.100.100`, `10.0.0.0/24`; `anywhere` without -n. */
export function addrText(a: AddrMask, numeric: boolean): string {
  if (!numeric && a.mask === 0) return 'anywhere'
  // xtables_ipaddr_to_anyname(): /etc/hosts first, then /etc/networks (Debian's), else numeric
  const host = numeric ? formatIPv4(a.addr) : (HOSTS.get(a.addr) ?? NETWORKS.get(a.addr) ?? formatIPv4(a.addr))
  if (u32(a.mask) === 0xffffffff) return host
  const len = prefixLength(a.mask)
  return `${host}/${len >= 0 ? len : formatIPv4(a.mask)}`
}

export const protoName = (p: number): string => PROTO_NAMES[p] ?? String(p)

// ---------------------------------------------------------------- -S / iptables-save text

function rangeSave(r: PortRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}:${r.hi}`
}

const maskSave = (mask: number): string => {
  const len = prefixLength(mask)
  return len >= 0 ? String(len) : formatIPv4(mask)
}

/** One rule as `iptables -S` and `iptables-save` print it. */
export function saveText(chain: string, r: Rule, counters: boolean): string {
  let s = `-A ${chain}`
  if (r.src.mask !== 0 || r.srcInv) s += `${r.srcInv ? ' !' : ''} -s ${formatIPv4(r.src.addr)}/${maskSave(r.src.mask)}`
  if (r.dst.mask !== 0 || r.dstInv) s += `${r.dstInv ? ' !' : ''} -d ${formatIPv4(r.dst.addr)}/${maskSave(r.dst.mask)}`
  if (r.inIface !== null && r.inIface !== '+') s += `${r.inIfaceInv ? ' !' : ''} -i ${r.inIface}`
  if (r.outIface !== null && r.outIface !== '+') s += `${r.outIfaceInv ? ' !' : ''} -o ${r.outIface}`
  if (r.proto !== 0 || r.protoInv) s += `${r.protoInv ? ' !' : ''} -p ${protoName(r.proto)}`
  if (r.frag) s += `${r.frag === 2 ? ' !' : ''} -f`
  const matches = r.matches
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k]
    switch (m.name) {
      case 'tcp':
      case 'udp':
        s += ` -m ${m.name}`
        if (m.sport && !isFull(m.sport)) s += `${m.sportInv ? ' !' : ''} --sport ${rangeSave(m.sport)}`
        if (m.dport && !isFull(m.dport)) s += `${m.dportInv ? ' !' : ''} --dport ${rangeSave(m.dport)}`
        if (m.flagsMask || m.flagsInv)
          s += `${m.flagsInv ? ' !' : ''} --tcp-flags ${tcpFlagNames(m.flagsMask)} ${tcpFlagNames(m.flagsCmp)}`
        break
      case 'multiport':
        s += ` -m multiport${m.inv ? ' !' : ''} --${m.option} ${m.ports.map(rangeSave).join(',')}`
        break
      case 'mark':
        s += ` -m mark${m.inv ? ' !' : ''} --mark ${hex(m.value)}${u32(m.mask) !== 0xffffffff ? `/${hex(m.mask)}` : ''}`
        break
    }
  }
  if (counters) s += ` -c ${r.pkts} ${r.bytes}`
  const t = r.target
  if (t?.kind === 'MARK') s += ` -j MARK --set-xmark ${hex(t.mark)}/${hex(t.mask)}`
  else if (t?.kind === 'verdict') s += ` -j ${t.verdict}`
  else if (t?.kind === 'jump') s += ` -j ${t.chain}`
  else if (t?.kind === 'goto') s += ` -g ${t.chain}`
  return s
}

const isFull = (r: PortRange): boolean => r.lo === 0 && r.hi === 65535

type PortMatch = Extract<Match, { name: 'tcp' | 'udp' }>

/** True when a tcp/udp match carries nothing (`-m tcp` alone): nf_tables keeps it as an xt match. */
const allZero = (m: PortMatch): boolean =>
  (!m.sport || (isFull(m.sport) && !m.sportInv)) &&
  (!m.dport || (isFull(m.dport) && !m.dportInv)) &&
  m.flagsMask === 0 &&
  !m.flagsInv

/**
 * What iptables-nft reads back from the kernel for a rule it wrote: tcp/udp port and flag tests
 * are stored as native nft expressions and decoded again (nft.c add_nft_tcpudp() and
 * expr_gen_range_cmp16(), nft-shared.c port_match_single_to_range()), which reshapes some of
 * them: `! --dport 0:100` becomes `--dport 101:65535`, a full inverted range disappears,
 * several tcp matches merge into one. Listings, -D and packets all see this decoded rule.
 */
export function nftDecode(rule: Rule): Rule {
  const matches: Match[] = []
  let merged: { tcp?: PortMatch; udp?: PortMatch } = {}
  for (const m0 of rule.matches) {
    if ((m0.name !== 'tcp' && m0.name !== 'udp') || allZero(m0)) {
      matches.push({ ...m0 })
      continue
    }
    const m = m0
    let out = merged[m.name]
    if (!out) {
      out = {
        name: m.name,
        sport: null,
        sportInv: false,
        dport: null,
        dportInv: false,
        flagsMask: 0,
        flagsCmp: 0,
        flagsInv: false,
        pairNeq: false,
      }
      merged = { ...merged, [m.name]: out }
      matches.push(out)
    }
    if (m.flagsMask || m.flagsInv) {
      out.flagsMask = m.flagsMask
      out.flagsCmp = m.flagsCmp
      out.flagsInv = m.flagsInv
    }
    const s = m.sport ?? { lo: 0, hi: 65535 }
    const d = m.dport ?? { lo: 0, hi: 65535 }
    if (s.lo !== 0 && s.lo === s.hi && d.lo !== 0 && d.lo === d.hi && m.sportInv === m.dportInv) {
      out.sport = { ...s }
      out.dport = { ...d }
      out.sportInv = out.dportInv = m.sportInv
      out.pairNeq = m.sportInv
      continue
    }
    const decode = (r: PortRange, inv: boolean): { range: PortRange; inv: boolean } | null => {
      if (isFull(r)) return null
      if (r.lo === r.hi) return { range: { ...r }, inv }
      if (r.lo === 0)
        return inv
          ? { range: { lo: Math.min(r.hi + 1, 65535), hi: 65535 }, inv: false }
          : { range: { ...r }, inv: false }
      return { range: { ...r }, inv }
    }
    const ds = decode(s, m.sportInv)
    if (ds) {
      out.sport = ds.range
      out.sportInv = ds.inv
    }
    const dd = decode(d, m.dportInv)
    if (dd) {
      out.dport = dd.range
      out.dportInv = dd.inv
    }
  }
  // `-i +` matches every interface: nothing is stored for it
  const iface = (name: string | null, inv: boolean) => (name === '+' && !inv ? null : name)
  rule = { ...rule, inIface: iface(rule.inIface, rule.inIfaceInv), outIface: iface(rule.outIface, rule.outIfaceInv) }
  const decoded = new Set<Match>(Object.values(merged))
  const kept = matches.filter(
    (m) =>
      !decoded.has(m) ||
      (m.name !== 'mark' && m.name !== 'multiport' && (m.sport || m.dport || m.flagsMask || m.flagsInv)),
  )
  return { ...rule, matches: kept }
}

/** Two rules are the same rule for `-D RULE` / `-C` (counters aside). */
export function sameRule(a: Rule, b: Rule): boolean {
  const strip = (r: Rule) => JSON.stringify({ ...r, pkts: 0, bytes: 0 })
  return strip(a) === strip(b)
}
