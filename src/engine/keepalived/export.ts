import { type Destination, ForwardMethod, TunnelType } from '../ipvs/destination'
import { type Service, SvcFlag } from '../ipvs/service'
import { formatIPv4 } from '../net/ipv4'
import { AF_INET6, formatAddr } from '../net/ipv6'
import type { LbKind } from './config'

/**
 * The keepalived.conf (keepalived 2.2.7) that would program the director's IPVS table as it
 * stands: docs/keepalived.md's mapping read backwards — a `virtual_server` per service
 * (`IP PORT` or `fwmark N`) with `lb_algo`, `lb_kind`, `protocol`, `persistence_timeout` and
 * `persistence_granularity`; a `real_server` per destination with its `weight` (and
 * `lvs_method` where it differs from the service's `lb_kind`). Started by the lab's keepalived,
 * the file programs what `ipvsadm -Ln` showed (export.test.ts checks the round trip).
 *
 * What keepalived cannot be told, or the lab's keepalived does not read, is said in a `!`
 * comment where it would have stood, never dropped in silence: an IPv6 service (the lab's
 * keepalived reads IPv4 only), a service without real servers (keepalived ignores it), one-packet
 * scheduling, scheduler flags, a persistence engine, thresholds, GUE/GRE tunnels, and the
 * iptables mark rules a fwmark service needs (keepalived does not write iptables). The file has
 * no health checker: keepalived then keeps every real server in (a comment says how to add one).
 */

/** What export reads of a service: the kernel's service and its destinations (read only). */
export type ExportedService = Pick<
  Service,
  'af' | 'protocol' | 'vaddr' | 'vport' | 'fwmark' | 'flags' | 'persistTimeoutMs' | 'netmask' | 'peName'
> & {
  readonly scheduler: { readonly name: string } | null
  readonly destinations: readonly ExportedDestination[]
}

export type ExportedDestination = Pick<
  Destination,
  'addr' | 'port' | 'forward' | 'weight' | 'uThreshold' | 'lThreshold' | 'tunType' | 'tunPort'
>

export interface ExportOptions {
  /** `iptables -t mangle -S` of the director: its `-A` lines are quoted for the fwmark services. */
  mangleRules?: string
  /** The lab's name for the configuration, quoted in the file's first comment. */
  title?: string
}

const KIND: Record<number, LbKind> = {
  [ForwardMethod.MASQ]: 'NAT',
  // the kernel calls a real server on the director's own address Local whatever was asked: NAT
  [ForwardMethod.LOCALNODE]: 'NAT',
  [ForwardMethod.TUNNEL]: 'TUN',
  [ForwardMethod.DROUTE]: 'DR',
}
const PROTOCOL: Record<number, string> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' }
const PROTOCOL_OPT: Record<number, string> = { 6: '-t', 17: '-u', 132: '--sctp-service' }

/** How ipvsadm names a service (`TCP 192.168.100.100:80`, `FWM 7`), for the comments. */
function serviceName(s: ExportedService): string {
  if (s.fwmark) return `FWM ${s.fwmark}${s.af === AF_INET6 ? ' IPv6' : ''}`
  const a = formatAddr(s.vaddr)
  return `${PROTOCOL[s.protocol] ?? 'IP'} ${s.af === AF_INET6 ? `[${a}]` : a}:${s.vport}`
}

/** The scheduler flags as ipvsadm's -b names them for this scheduler. */
function schedFlagNames(s: ExportedService): string[] {
  const sched = s.scheduler?.name ?? ''
  const names =
    sched === 'sh' ? ['sh-fallback', 'sh-port'] : sched === 'mh' ? ['mh-fallback', 'mh-port'] : ['flag-1', 'flag-2']
  const out: string[] = []
  if (s.flags & SvcFlag.SCHED1) out.push(names[0])
  if (s.flags & SvcFlag.SCHED2) out.push(names[1])
  if (s.flags & SvcFlag.SCHED3) out.push('flag-3')
  return out
}

/** The most common forwarding method of a service's real servers (the first's on a tie): its lb_kind. */
function serviceKind(dests: readonly ExportedDestination[]): LbKind {
  const count = new Map<LbKind, number>()
  for (const d of dests) {
    const k = KIND[d.forward] ?? 'NAT'
    count.set(k, (count.get(k) ?? 0) + 1)
  }
  let best: LbKind = KIND[dests[0]?.forward ?? 0] ?? 'NAT'
  for (const [k, n] of count) if (n > (count.get(best) ?? 0)) best = k
  return best
}

/** The mangle rules that set this mark (`--set-xmark 0x7/0xffffffff`, `--set-mark 7`). */
function markRules(mangle: string, mark: number): string[] {
  const hex = `0x${mark.toString(16)}`
  return mangle
    .split('\n')
    .filter((l) => l.startsWith('-A '))
    .filter((l) => {
      const m = /--set-(?:x)?mark (\S+)/.exec(l)
      if (!m) return false
      const v = m[1].split('/')[0]
      return v === hex || v === String(mark)
    })
}

/** keepalived.conf for these services (in the order given; their destinations oldest first). */
export function exportKeepalivedConf(services: readonly ExportedService[], opts: ExportOptions = {}): string {
  const out: string[] = [
    '! Configuration File for keepalived',
    `! Exported from LVS Persistence Lab${opts.title ? `: ${opts.title}` : ''}.`,
    "! keepalived 2.2.7 programs the director's IPVS table as it stood (ipvsadm -Ln).",
    '! No health checker is written: keepalived keeps every real server in. To have it',
    '! watch one, add to its real_server block: TCP_CHECK { connect_timeout 3 }',
    '',
    'global_defs {',
    '   router_id LVS_DIRECTOR',
    '}',
  ]
  for (const s of services) {
    const name = serviceName(s)
    if (s.af === AF_INET6) {
      out.push('', `! ${name}: not written. keepalived 2.2.7 takes an IPv6 virtual server, this lab's keepalived`)
      out.push('! reads IPv4 only.')
      continue
    }
    // destinations in the order they were added (the kernel's list has the newest first)
    const dests = [...s.destinations].reverse()
    if (dests.length === 0) {
      out.push('', `! ${name}: not written. It has no real servers, and keepalived ignores a virtual server`)
      out.push('! without real servers ("has no real servers - ignoring").')
      continue
    }
    const kind = serviceKind(dests)
    const ind = '    '
    out.push(
      '',
      s.fwmark ? `virtual_server fwmark ${s.fwmark} {` : `virtual_server ${formatAddr(s.vaddr)} ${s.vport} {`,
    )
    out.push(`${ind}lb_algo ${s.scheduler?.name ?? 'wlc'}`, `${ind}lb_kind ${kind}`)
    // a fwmark service matches any protocol: keepalived warns at one ("protocol will be ignored")
    if (!s.fwmark) out.push(`${ind}protocol ${PROTOCOL[s.protocol] ?? 'TCP'}`)
    if (s.flags & SvcFlag.PERSISTENT) {
      out.push(`${ind}persistence_timeout ${Math.round(s.persistTimeoutMs / 1000)}`)
      if (s.netmask >>> 0 !== 0xffffffff) out.push(`${ind}persistence_granularity ${formatIPv4(s.netmask >>> 0)}`)
    }
    const svcArg = s.fwmark ? `-f ${s.fwmark}` : `${PROTOCOL_OPT[s.protocol] ?? '-t'} ${formatAddr(s.vaddr)}:${s.vport}`
    if (s.flags & SvcFlag.ONEPACKET)
      out.push(
        `${ind}! ipvsadm -E ${svcArg} -o (one-packet scheduling): not written, keepalived's \`ops\` is not read by`,
        `${ind}! this lab's keepalived.`,
      )
    const flags = schedFlagNames(s)
    if (flags.length > 0)
      out.push(
        `${ind}! ipvsadm -b ${flags.join(',')} (scheduler flags): not written, keepalived's \`${flags.join('`, `')}\` is`,
        `${ind}! not read by this lab's keepalived.`,
      )
    if (s.peName)
      out.push(
        `${ind}! --pe ${s.peName} (persistence engine): not written, keepalived's \`persistence_engine ${s.peName}\` is`,
        `${ind}! not read by this lab's keepalived.`,
      )
    if (s.fwmark) {
      const rules = markRules(opts.mangleRules ?? '', s.fwmark)
      out.push(`${ind}! keepalived does not write iptables: mark ${s.fwmark} comes from the director's mangle rules`)
      if (rules.length === 0) out.push(`${ind}! (none sets it now)`)
      for (const r of rules) out.push(`${ind}!   iptables -t mangle ${r}`)
    }
    for (const d of dests) {
      const k = KIND[d.forward] ?? 'NAT'
      out.push('', `${ind}real_server ${formatAddr(d.addr)} ${d.port} {`, `${ind}${ind}weight ${d.weight}`)
      if (k !== kind) out.push(`${ind}${ind}lvs_method ${k}`)
      if (d.uThreshold || d.lThreshold)
        out.push(
          `${ind}${ind}! -x ${d.uThreshold} -y ${d.lThreshold} (connection thresholds): not written, keepalived's`,
          `${ind}${ind}! \`uthreshold\` / \`lthreshold\` are not read by this lab's keepalived.`,
        )
      if (d.forward === ForwardMethod.TUNNEL && d.tunType !== TunnelType.IPIP)
        out.push(
          `${ind}${ind}! --tun-type ${d.tunType === TunnelType.GUE ? `gue --tun-port ${d.tunPort}` : 'gre'}: not written,`,
          `${ind}${ind}! this lab's keepalived programs ipip tunnels only.`,
        )
      out.push(`${ind}}`)
    }
    out.push('}')
  }
  return `${out.join('\n')}\n`
}
