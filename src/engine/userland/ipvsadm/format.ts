import type { Connection } from '../../ipvs/connection'
import { TEMPLATE_STATE_NAMES } from '../../ipvs/connection'
import type { Destination } from '../../ipvs/destination'
import { FORWARD_NAMES } from '../../ipvs/destination'
import { TCP_STATE_NAMES } from '../../ipvs/proto/tcp'
import { UDP_STATE_NAME } from '../../ipvs/proto/udp'
import { PROTOCOL_NAMES, type Service, SvcFlag } from '../../ipvs/service'
import { formatIPv4 } from '../../net/ipv4'
import { type Addr, AF_INET6, addrWords32 } from '../../net/ipv6'
import { serviceNameOf } from '../../net/netdb'
import type { ListFormat } from './parse'

/** printf("%-Ns") */
const padEnd = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length))
/** printf("%Ns") */
const padStart = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s)

const protoForNames = (protocol: number): 'tcp' | 'udp' | 'sctp' | null =>
  protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : protocol === 132 ? 'sctp' : null

/**
 * addrport_to_anyname(): `a.b.c.d:port` or `[2001:db8::10]:port`, or without -n the port's name from /etc/services for the
 * given protocol (protocol 0 — fwmark services and IP templates — stays numeric). Addresses stay
 * numeric: the simulated director has no DNS to ask, like the VM the recordings come from.
 */
export function addrPortName(addr: Addr, port: number, protocol: number, numeric: boolean): string {
  const proto = protoForNames(protocol)
  const name = !numeric && proto ? serviceNameOf(port, proto) : null
  const host = typeof addr === 'string' ? `[${addr}]` : formatIPv4(addr)
  return `${host}:${name ?? port}`.slice(0, 59)
}

/** A fwmark is a u32 printed with %d in ipvsadm 1.31, so marks ≥ 2^31 come out negative. */
export const fwmarkText = (mark: number): string => String(mark | 0)

/** The protocol ipvsadm gets back for a service: the kernel sends none for fwmark services. */
const listedProtocol = (svc: Service): number => (svc.isFwmark ? 0 : svc.protocol)

/** svc_name() in list form: `TCP  192.168.100.100:80`, `FWM  80`, `FWM  9 IPv6`; IPv4 names cut at 33, IPv6 ones not. */
export function serviceTitle(svc: Service, numeric: boolean): string {
  if (svc.isFwmark) return `FWM  ${fwmarkText(svc.fwmark)}${svc.af === AF_INET6 ? ' IPv6' : ''}`
  const proto = PROTOCOL_NAMES[svc.protocol] ?? '?'
  const name = `${padEnd(proto, 4)} ${addrPortName(svc.vaddr, svc.vport, svc.protocol, numeric)}`
  return svc.af === AF_INET6 ? name : name.slice(0, 33)
}

/** svc_name() in rule form for -S: `-t 192.168.100.100:80`, `-f 80`, `-f 9 -6`. */
export function serviceRule(svc: Service, numeric: boolean): string {
  if (svc.isFwmark) return `-f ${fwmarkText(svc.fwmark)}${svc.af === AF_INET6 ? ' -6' : ''}`
  const opt =
    svc.protocol === 6 ? '-t' : svc.protocol === 17 ? '-u' : svc.protocol === 132 ? '--sctp-service' : '--xxx-service'
  return `${opt} ${addrPortName(svc.vaddr, svc.vport, svc.protocol, numeric)}`
}

/** print_sched_flags(): names depend on the scheduler. */
export function schedFlagNames(svc: Service): string {
  const sched = svc.scheduler?.name ?? 'none'
  const names =
    sched === 'sh'
      ? ['sh-fallback', 'sh-port']
      : sched === 'mh'
        ? ['mh-fallback', 'mh-port']
        : ['flag-1', 'flag-2', 'flag-3']
  const out: string[] = []
  if (svc.flags & SvcFlag.SCHED1) out.push(names[0])
  if (svc.flags & SvcFlag.SCHED2) out.push(names[1])
  if (svc.flags & SvcFlag.SCHED3 && names[2]) out.push(names[2])
  return out.join(',')
}

const anySchedFlag = (svc: Service): boolean => (svc.flags & (SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3)) !== 0
const schedName = (svc: Service): string => svc.scheduler?.name ?? 'none'

/** The part of the service line after its name: scheduler, (flags), persistent T, mask M, pe P, ops. */
function serviceDetails(svc: Service): string {
  let s = ` ${schedName(svc)}`
  if (anySchedFlag(svc)) s += ` (${schedFlagNames(svc)})`
  if (svc.persistent) {
    s += ` persistent ${svc.persistTimeoutMs / 1000}`
    if (svc.af === AF_INET6) {
      if (svc.netmask !== 128) s += ` mask ${svc.netmask}`
    } else if (svc.netmask >>> 0 !== 0xffffffff) s += ` mask ${formatIPv4(svc.netmask)}`
    if (svc.peName) s += ` pe ${svc.peName}`
  }
  if (svc.onePacket) s += ' ops'
  return s
}

/** print_largenum() */
export function largeNum(n: number, exact: boolean): string {
  if (exact) {
    const s = String(n)
    return padStart(s, Math.max(9, s.length + 1))
  }
  if (n < 1e8) return padStart(String(n), 9)
  if (n < 1e9) return `${padStart(String(Math.floor(n / 1e3)), 8)}K`
  if (n < 1e11) return `${padStart(String(Math.floor(n / 1e6)), 8)}M`
  if (n < 1e14) return `${padStart(String(Math.floor(n / 1e9)), 8)}G`
  return `${padStart(String(Math.floor(n / 1e12)), 8)}T`
}

/**
 * A destination's counters as ipvsadm 1.31 reads them: the kernel sends IPVS_DEST_ATTR_STATS64,
 * but ipvs_dests_parse_cb() hands it to ipvs_parse_stats(), the 32-bit reader, which takes
 * conns, packets and every rate with nla_get_u32() (the low half of each u64 on x86) and only the
 * bytes whole. Checked on the Debian binary: a destination with 2^64-1 of everything lists
 * `4294M` connections and `18446744T` bytes, its service `18446744T` for both.
 */
const low32 = (n: number): number => n % 2 ** 32

/** print_title() */
export function listTitle(f: ListFormat): string {
  if (f.stats)
    return `${padEnd('Prot LocalAddress:Port', 33)} ${['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((h) => padStart(h, 8)).join(' ')}\n  -> RemoteAddress:Port\n`
  if (f.rate)
    return `${padEnd('Prot LocalAddress:Port', 33)} ${['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'].map((h) => padStart(h, 8)).join(' ')}\n  -> RemoteAddress:Port\n`
  if (f.thresholds)
    return `${padEnd('Prot LocalAddress:Port', 33)} ${['Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn'].map((h) => padEnd(h, 10)).join(' ')}\n  -> RemoteAddress:Port\n`
  if (f.persistentConn)
    return `${padEnd('Prot LocalAddress:Port', 33)} ${padEnd('Weight', 9)} ${padEnd('PersistConn', 11)} ${padEnd('ActiveConn', 10)} ${padEnd('InActConn', 10)}\n  -> RemoteAddress:Port\n`
  if (f.tunInfo)
    return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n'
  return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n'
}

const TUN_FLAG_TEXT = ['-c', '+c', 'r+c']

function tunnelInfo(d: Destination): string {
  if (d.forward !== 2) return 'n/a'
  if (d.tunType === 1) return `gue:${d.tunPort}:${TUN_FLAG_TEXT[d.tunFlags] ?? '-c'}`
  if (d.tunType === 2) return `gre:${TUN_FLAG_TEXT[d.tunFlags] ?? '-c'}`
  return 'ipip'
}

/** print_service_entry() for -L: the service line and its destination lines. */
export function serviceEntry(svc: Service, dests: readonly Destination[], f: ListFormat): string {
  const title = serviceTitle(svc, f.numeric)
  const proto = listedProtocol(svc)
  // an IPv4 destination's name is cut at 28, an IPv6 one's is not (print_service_entry())
  const destName = (d: Destination) => {
    const n = addrPortName(d.addr, d.port, proto, f.numeric)
    return typeof d.addr === 'string' ? n : n.slice(0, 28)
  }
  let out: string
  if (f.stats) {
    const s = svc.stats
    out = `${padEnd(title, 33)}${[s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes].map((n) => largeNum(n, f.exact)).join('')}\n`
    for (const d of dests) {
      const t = d.stats
      out += `  -> ${padEnd(destName(d), 28)}${[low32(t.conns), low32(t.inpkts), low32(t.outpkts), t.inbytes, t.outbytes].map((n) => largeNum(n, f.exact)).join('')}\n`
    }
    return out
  }
  if (f.rate) {
    const r = svc.stats.rates()
    out = `${padEnd(title, 33)}${[r.cps, r.inpps, r.outpps, r.inbps, r.outbps].map((n) => largeNum(n, f.exact)).join('')}\n`
    for (const d of dests) {
      const t = d.stats.rates()
      out += `  -> ${padEnd(destName(d), 28)} ${padStart(String(low32(t.cps)), 8)} ${padStart(String(low32(t.inpps)), 8)} ${padStart(String(low32(t.outpps)), 8)}${largeNum(low32(t.inbps), f.exact)}${largeNum(low32(t.outbps), f.exact)}\n`
    }
    return out
  }
  out = `${title}${serviceDetails(svc)}\n`
  for (const d of dests) {
    const name = padEnd(destName(d), 28)
    if (f.thresholds)
      out += `  -> ${name} ${[d.uThreshold, d.lThreshold, d.activeConns, d.inactConns].map((n) => padEnd(String(n), 10)).join(' ')}\n`
    else if (f.persistentConn)
      out += `  -> ${name} ${padEnd(String(d.weight), 9)} ${padEnd(String(d.persistConns), 11)} ${padEnd(String(d.activeConns), 10)} ${padEnd(String(d.inactConns), 10)}\n`
    else if (f.tunInfo)
      out += `  -> ${name} ${padEnd(FORWARD_NAMES[d.forward], 7)} ${padEnd(tunnelInfo(d), 13)} ${padEnd(String(d.weight), 6)} ${padEnd(String(d.activeConns), 10)} ${padEnd(String(d.inactConns), 10)}\n`
    else
      out += `  -> ${name} ${padEnd(FORWARD_NAMES[d.forward], 7)} ${padEnd(String(d.weight), 6)} ${padEnd(String(d.activeConns), 10)} ${padEnd(String(d.inactConns), 10)}\n`
  }
  return out
}

/** print_service_entry() with FMT_RULE: the -S lines of one service. */
export function serviceRules(svc: Service, dests: readonly Destination[], numeric: boolean): string {
  const name = serviceRule(svc, numeric)
  let out = `-A ${name} -s ${schedName(svc)}`
  if (svc.persistent) {
    out += ` -p ${svc.persistTimeoutMs / 1000}`
    if (svc.af === AF_INET6) {
      if (svc.netmask !== 128) out += ` -M ${svc.netmask}`
    } else if (svc.netmask >>> 0 !== 0xffffffff) out += ` -M ${formatIPv4(svc.netmask)}`
  }
  if (svc.peName) out += ` --pe ${svc.peName}`
  if (svc.onePacket) out += ' -o'
  if (anySchedFlag(svc)) out += ` -b ${schedFlagNames(svc)}`
  out += '\n'
  const proto = listedProtocol(svc)
  for (const d of dests) {
    const dn = addrPortName(d.addr, d.port, proto, numeric)
    if (d.forward === 2) {
      out += `-a ${name} -r ${dn} -i -w ${d.weight} --tun-type ${['ipip', 'gue', 'gre'][d.tunType]}`
      if (d.tunType === 1)
        out += ` --tun-port ${d.tunPort} ${['--tun-nocsum', '--tun-csum', '--tun-remcsum'][d.tunFlags] ?? '--tun-nocsum'}`
      else if (d.tunType === 2) out += ` ${['--tun-nocsum', '--tun-csum'][d.tunFlags] ?? '--tun-nocsum'}`
      out += '\n'
    } else out += `-a ${name} -r ${dn} ${d.forward === 0 ? '-m' : '-g'} -w ${d.weight}\n`
  }
  return out
}

/** The state column of /proc/net/ip_vs_conn (ip_vs_state_name()). */
export function connectionStateName(c: Connection): string {
  if (c.isTemplate) return TEMPLATE_STATE_NAMES[c.state] ?? '?'
  if (c.protocol === 6) return TCP_STATE_NAMES[c.state] ?? 'ERR!'
  if (c.protocol === 17) return UDP_STATE_NAME
  return c.protocol === 0 ? 'NONE' : 'ERR!'
}

/** The header of `ipvsadm -Lc`. */
export function connectionHeader(persistentConn: boolean): string {
  return persistentConn
    ? `IPVS connection entries\npro expire ${padEnd('state', 11)} ${padEnd('source', 18)} ${padEnd('virtual', 18)} ${padEnd('destination', 18)} ${padEnd('pe name', 16)} pe_data\n`
    : `IPVS connection entries\npro expire ${padEnd('state', 11)} ${padEnd('source', 18)} ${padEnd('virtual', 18)} destination\n`
}

/**
 * One row of `ipvsadm -Lc` (print_conn()); `expiresSec` as /proc/net/ip_vs_conn reports it. With
 * --persistent-conn, a row whose /proc line has the PE's two extra fields (a SIP template: `sip`
 * and its Call-ID) prints them — after the destination padded to 16, not the header's 18.
 */
export function connectionRow(c: Connection, expiresSec: number, numeric: boolean, persistentConn = false): string {
  const proto = PROTOCOL_NAMES[c.protocol] ?? `IP_${c.protocol}`
  const expire = `${String(Math.floor(expiresSec / 60)).padStart(2, '0')}:${String(expiresSec % 60).padStart(2, '0')}`
  const src = addrPortName(c.caddr, c.cport, c.protocol, numeric)
  const virt = addrPortName(c.vaddr, c.vport, c.protocol, numeric)
  const dst = addrPortName(c.daddr, c.dport, c.protocol, numeric)
  if (persistentConn && c.peData !== null)
    return `${padEnd(proto, 3)} ${padEnd(expire, 6)} ${padEnd(connectionStateName(c), 11)} ${padEnd(src, 18)} ${padEnd(virt, 18)} ${padEnd(dst, 16)} ${padEnd('sip', 18)} ${c.peData}\n`
  return `${padEnd(proto, 3)} ${padEnd(expire, 6)} ${padEnd(connectionStateName(c), 11)} ${padEnd(src, 18)} ${padEnd(virt, 18)} ${dst}\n`
}

/**
 * The address part of libipvs' comparators: signed 32-bit differences of ntohl() words, the four
 * words of an IPv6 address in turn, read as the *first* entry's family (the other's union
 * nf_inet_addr: an IPv4 address is its first word, the rest zero).
 */
function compareAddrs(a: Addr, b: Addr): number {
  if (typeof a !== 'string') return ((a >>> 0) - (typeof b === 'string' ? addrWords32(b)[0] : b >>> 0)) | 0
  const wa = addrWords32(a)
  const wb = addrWords32(b)
  let r = 0
  for (let i = 0; !r && i < 4; i++) r = (wa[i] - wb[i]) | 0
  return r
}

/**
 * ipvs_cmp_services(): fwmark, then family (AF_INET before AF_INET6), then protocol, then address
 * and port — signed 32-bit differences, as libipvs computes them (so it is not a numeric sort).
 */
export function compareServices(a: Service, b: Service): number {
  let r = (a.fwmark - b.fwmark) | 0
  if (r) return r
  r = a.af - b.af
  if (r) return r
  r = listedProtocol(a) - listedProtocol(b)
  if (r) return r
  r = compareAddrs(a.vaddr, b.vaddr)
  if (r) return r
  return a.vport - b.vport
}

/** ipvs_cmp_dests(): address words as the first destination's family reads them, then port. */
export function compareDests(a: Destination, b: Destination): number {
  const r = compareAddrs(a.addr, b.addr)
  if (r) return r
  return a.port - b.port
}

/** glibc 2.36 qsort() is a merge sort; with a non-transitive comparator only the same algorithm gives the same order. */
export function glibcMergeSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const a = [...items]
  const tmp = new Array<T>(a.length)
  const sort = (lo: number, n: number): void => {
    if (n <= 1) return
    const n1 = n >> 1
    const n2 = n - n1
    sort(lo, n1)
    sort(lo + n1, n2)
    let i = lo
    let j = lo + n1
    let k = 0
    const iEnd = lo + n1
    const jEnd = lo + n
    while (i < iEnd && j < jEnd) tmp[k++] = cmp(a[i], a[j]) <= 0 ? a[i++] : a[j++]
    while (i < iEnd) tmp[k++] = a[i++]
    while (j < jEnd) tmp[k++] = a[j++]
    for (let m = 0; m < k; m++) a[lo + m] = tmp[m]
  }
  sort(0, a.length)
  return a
}
