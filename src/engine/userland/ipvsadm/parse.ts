import ipaddr from 'ipaddr.js'
import type { SyncDaemonRequest } from '../../ipvs/syncDaemon'
import { formatIPv4, type IPv4, parseInetAton } from '../../net/ipv4'
import { type Addr, AF_INET, AF_INET6, parseIPv6 } from '../../net/ipv6'
import { resolveHost, servicePortOf } from '../../net/netdb'
import { POPT_MESSAGES, PoptContext } from '../popt'
import type { CommandResult } from '../shell'
import { msg, TRY_HELP, VERSION_LINE } from './messages'
import { LIMITS, parseFwmark, parseIpv6Netmask, stringToNumber } from './numbers'
import {
  Cmd,
  LEGALITY,
  OPT_NAMES,
  type OptName,
  type OptVal,
  optIndex,
  POPT_TABLE,
  TUNNEL_LEGALITY,
  TUNNEL_OPTION_NAMES,
} from './options'
import { USAGE } from './usage'

export { AF_INET, AF_INET6 }

/** struct ip_vs_service_user as ipvsadm fills it; `addr` is of family `af` (a fwmark service's is 0). */
export interface ServiceArgs {
  af: number
  protocol: number
  addr: Addr
  port: number
  fwmark: number
  schedName: string
  flags: number
  timeout: number
  netmask: number
  peName: string
}

export interface DestArgs {
  af: number
  addr: Addr
  port: number
  /** IP_VS_CONN_F_FWD_MASK value: 0 masq, 2 tunnel, 3 droute. */
  fwd: number
  weight: number
  uThreshold: number
  lThreshold: number
  tunType: 'ipip' | 'gue' | 'gre'
  tunPort: number
  tunFlags: number
}

export interface ListFormat {
  numeric: boolean
  stats: boolean
  rate: boolean
  thresholds: boolean
  persistentConn: boolean
  nosort: boolean
  exact: boolean
  tunInfo: boolean
}

/** The listing format before any option: what a bare `ipvsadm` (= `-L`) prints with (ipvsadm.c's zeroed format). */
export function defaultListFormat(): ListFormat {
  return {
    numeric: false,
    stats: false,
    rate: false,
    thresholds: false,
    persistentConn: false,
    nosort: false,
    exact: false,
    tunInfo: false,
  }
}

/** Everything one ipvsadm invocation asked for (ipvsadm's struct ipvs_command_entry). */
export interface CommandEntry {
  cmd: Cmd
  options: Set<number>
  svc: ServiceArgs
  dest: DestArgs
  format: ListFormat
  timeouts: [number, number, number]
  daemon: DaemonArgs
}

/** What --start-daemon sends (struct ipvs_daemon_t, the kernel's request) and which daemon it starts. */
export interface DaemonArgs extends SyncDaemonRequest {
  state: 'master' | 'backup' | null
}

/**
 * `done` carries the output of a command that ended during parsing. `returned`: it ended by returning
 * -1 (a popt error after the first option), not by exit() — `ipvsadm -R` goes on after those.
 */
export type ParseOutcome =
  | { kind: 'command'; entry: CommandEntry }
  | { kind: 'done'; result: CommandResult; returned?: boolean }

export const SvcFlags = { PERSISTENT: 0x1, ONEPACKET: 0x4, SCHED1: 0x8, SCHED2: 0x10, SCHED3: 0x20 } as const
export const DEFAULT_PERSISTENT_TIMEOUT = 360

const fail = (text: string): ParseOutcome => ({ kind: 'done', result: { stdout: '', stderr: `${text}\n`, exit: 2 } })

/** glibc inet_aton() accepts trailing whitespace and anything after it. */
function inetAtonGlibc(text: string): IPv4 | null {
  const ws = text.search(/[ \t\n\v\f\r]/)
  return parseInetAton(ws >= 0 ? text.slice(0, ws) : text)
}

const SVC_NONE = 0
const SVC_ADDR = 1
const SVC_PORT = 2

const protoName = (protocol: number): 'tcp' | 'udp' | 'sctp' | null =>
  protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : protocol === 132 ? 'sctp' : null

// mirrors parse_service(): host[:port], [v6]:port, inet_aton quirks, service names per protocol.
function parseService(buf: string, protocol: number): { result: number; af: number; addr: Addr; port: number } {
  const none = { result: SVC_NONE, af: AF_INET, addr: 0 as IPv4, port: 0 }
  if (/^\d*$/.test(buf)) return none
  let host = buf
  let portText: string | null = null
  let af = AF_INET
  let addr: Addr
  if (buf.startsWith('[')) {
    const close = buf.indexOf(']')
    if (close < 0) return none
    host = buf.slice(1, close)
    const after = buf.slice(close + 1)
    if (!after.startsWith(':')) return none
    portText = after.slice(1)
  }
  // inet_pton(AF_INET6) first; an IPv6 address has two colons at least, the cheap test first
  const v6 = host.indexOf(':') !== host.lastIndexOf(':') ? parseIPv6(host) : null
  if (v6 !== null) {
    af = AF_INET6
    addr = v6
  } else {
    // portp = strrchr(buf, ':'): inside brackets too, so `[1.2.3.4]:80` loses its port and
    // `[1.2.3.4:5]:80` is 1.2.3.4 port 5
    const colon = host.lastIndexOf(':')
    portText = colon >= 0 ? host.slice(colon + 1) : null
    if (colon >= 0) host = host.slice(0, colon)
    const a = inetAtonGlibc(host) ?? resolveHost(host)
    if (a === null) return none
    addr = a as IPv4
  }
  let result = SVC_ADDR
  let port = 0
  if (portText !== null) {
    result |= SVC_PORT
    const n = stringToNumber(portText, LIMITS.port.min, LIMITS.port.max)
    if (n !== null) port = n
    else {
      const pn = protoName(protocol)
      const p = pn ? servicePortOf(portText, pn) : null
      if (p === null) return none
      port = p
    }
  }
  return { result, af, addr, port }
}

function parseSchedFlags(sched: string, arg: string): { flags: number } | { error: string } {
  let flags = 0
  for (const tok of arg.split(',').filter((t) => t.length > 0)) {
    switch (tok) {
      case 'flag-1':
        flags |= SvcFlags.SCHED1
        break
      case 'flag-2':
        flags |= SvcFlags.SCHED2
        break
      case 'flag-3':
        flags |= SvcFlags.SCHED3
        break
      case 'sh-fallback':
      case 'sh-port':
      case 'mh-fallback':
      case 'mh-port': {
        if (sched !== tok.slice(0, 2)) return { error: msg.incompatibleSchedFlag(tok) }
        flags |= tok.endsWith('fallback') ? SvcFlags.SCHED1 : SvcFlags.SCHED2
        break
      }
      default:
        return { error: msg.invalidSchedFlag(tok) }
    }
  }
  return { flags }
}

const COMMAND_OF: Partial<Record<OptVal, Cmd>> = {
  A: Cmd.ADD,
  E: Cmd.EDIT,
  D: Cmd.DEL,
  C: Cmd.FLUSH,
  L: Cmd.LIST,
  l: Cmd.LIST,
  Z: Cmd.ZERO,
  a: Cmd.ADDDEST,
  e: Cmd.EDITDEST,
  d: Cmd.DELDEST,
  set: Cmd.TIMEOUT,
  R: Cmd.RESTORE,
  S: Cmd.SAVE,
}

/**
 * Parse one ipvsadm command line (argv without argv[0]) the way ipvsadm 1.31 does: popt, then
 * parse_options() value checks left to right, positionals, -b flags, the legality table and
 * process_options()' semantic checks. Returns the command, or the exact output and exit code.
 */
export function parseIpvsadm(argv: readonly string[], argv0 = 'ipvsadm', readingStdin = false): ParseOutcome {
  const entry: CommandEntry = {
    cmd: Cmd.LIST,
    options: new Set(),
    svc: {
      af: AF_INET,
      protocol: 0,
      addr: 0 as IPv4,
      port: 0,
      fwmark: 0,
      schedName: '',
      flags: 0,
      timeout: 0,
      netmask: 0xffffffff,
      peName: '',
    },
    dest: {
      af: AF_INET,
      addr: 0 as IPv4,
      port: 0,
      fwd: 3,
      weight: 1,
      uThreshold: 0,
      lThreshold: 0,
      tunType: 'ipip',
      tunPort: 0,
      tunFlags: 0,
    },
    format: defaultListFormat(),
    timeouts: [0, 0, 0],
    daemon: { state: null, mcastIfn: '', syncid: 0, syncMaxlen: 0, mcastGroup: null, mcastPort: 0, mcastTtl: 0 },
  }
  const tryHelp = (): ParseOutcome => ({ kind: 'done', result: { stdout: '', stderr: TRY_HELP(argv0), exit: 255 } })
  const popt = new PoptContext(argv, POPT_TABLE)

  const first = popt.next()
  if (first.kind !== 'option') return tryHelp()
  switch (first.val) {
    case 'h':
      return { kind: 'done', result: { stdout: USAGE(argv0), stderr: '', exit: 0 } }
    case 'v':
      return { kind: 'done', result: { stdout: `${VERSION_LINE}\n`, stderr: '', exit: 0 } }
    case 'start-daemon':
    case 'stop-daemon': {
      entry.cmd = first.val === 'start-daemon' ? Cmd.STARTDAEMON : Cmd.STOPDAEMON
      if (first.arg === 'master' || first.arg === 'backup') entry.daemon.state = first.arg
      else return fail(first.val === 'start-daemon' ? msg.illegalStartDaemon : msg.illegalStopDaemon)
      break
    }
    default: {
      const cmd = COMMAND_OF[first.val]
      if (!cmd || (cmd === Cmd.RESTORE && readingStdin)) return tryHelp()
      entry.cmd = cmd
    }
  }

  let schedFlagsArg: string | null = null
  const setOption = (name: OptName): ParseOutcome | null => {
    const i = optIndex(name)
    if (entry.options.has(i)) return fail(msg.multipleOptions(name))
    entry.options.add(i)
    return null
  }

  for (;;) {
    const item = popt.next()
    if (item.kind === 'end') break
    if (item.kind === 'error')
      return {
        kind: 'done',
        result: { stdout: '', stderr: `${item.element}: ${POPT_MESSAGES[item.code]}\n`, exit: 255 },
        returned: true,
      }
    const arg = item.arg ?? ''
    let err: ParseOutcome | null = null
    switch (item.val) {
      case 'n':
        err = setOption('numeric')
        entry.format.numeric = true
        break
      case 'c':
        err = setOption('connection')
        break
      case 't':
      case 'u':
      case 'sctp': {
        err = setOption('service-address')
        if (err) break
        entry.svc.protocol = item.val === 't' ? 6 : item.val === 'u' ? 17 : 132
        const r = parseService(arg, entry.svc.protocol)
        if (!(r.result & SVC_ADDR)) return fail(msg.illegalVirtualServer)
        entry.svc.af = r.af
        entry.svc.addr = r.addr
        entry.svc.port = r.port
        if (r.af === AF_INET6) entry.svc.netmask = 128
        break
      }
      case 'f': {
        err = setOption('service-address')
        if (err) break
        const n = parseFwmark(arg)
        if (n === null) return fail(msg.invalidFwmark(arg))
        entry.svc.fwmark = n
        entry.svc.af = AF_INET
        entry.svc.protocol = 6
        break
      }
      case 's':
        err = setOption('scheduler')
        entry.svc.schedName = arg.slice(0, 15)
        break
      case 'p': {
        err = setOption('persistent')
        if (err) break
        entry.svc.flags |= SvcFlags.PERSISTENT
        if (item.arg === null) entry.svc.timeout = DEFAULT_PERSISTENT_TIMEOUT
        else {
          const t = stringToNumber(item.arg, LIMITS.persistent.min, LIMITS.persistent.max)
          if (t === null) return fail(msg.invalidTimeout(item.arg))
          entry.svc.timeout = t
        }
        break
      }
      case 'M': {
        err = setOption('netmask')
        if (err) break
        if (entry.svc.af === AF_INET6) {
          const m = parseIpv6Netmask(arg)
          if (m === null) return fail(msg.illegalIpv6Mask)
          entry.svc.netmask = m
        } else {
          const m = inetAtonGlibc(arg) ?? resolveHost(arg)
          if (m === null) return fail(msg.illegalMask)
          entry.svc.netmask = m
        }
        break
      }
      case 'r': {
        err = setOption('real-server')
        if (err) break
        const r = parseService(arg, entry.svc.protocol)
        if (!(r.result & SVC_ADDR)) return fail(msg.illegalRealServer)
        entry.dest.af = r.af
        entry.dest.addr = r.addr
        entry.dest.port = r.result === SVC_ADDR ? entry.svc.port : r.port
        break
      }
      case 'm':
      case 'i':
      case 'g':
        err = setOption('forwarding-method')
        entry.dest.fwd = item.val === 'm' ? 0 : item.val === 'i' ? 2 : 3
        break
      case 'w': {
        err = setOption('weight')
        if (err) break
        const w = stringToNumber(arg, LIMITS.weight.min, LIMITS.weight.max)
        if (w === null) return fail(msg.illegalWeight)
        entry.dest.weight = w
        break
      }
      case 'x': {
        err = setOption('u-threshold')
        if (err) break
        const v = stringToNumber(arg, LIMITS.uThreshold.min, LIMITS.uThreshold.max)
        if (v === null) return fail(msg.illegalUThreshold)
        entry.dest.uThreshold = v
        break
      }
      case 'y': {
        err = setOption('l-threshold')
        if (err) break
        const v = stringToNumber(arg, LIMITS.lThreshold.min, LIMITS.lThreshold.max)
        if (v === null) return fail(msg.illegalLThreshold)
        entry.dest.lThreshold = v
        break
      }
      case 'mcast-interface':
        err = setOption('mcast-interface')
        entry.daemon.mcastIfn = arg.slice(0, 15)
        break
      case 'I': {
        err = setOption('syncid')
        if (err) break
        const v = stringToNumber(arg, LIMITS.syncid.min, LIMITS.syncid.max)
        if (v === null) return fail(msg.illegalSyncid)
        entry.daemon.syncid = v
        break
      }
      case 'timeout':
      case 'daemon':
      case 'nosort':
      case 'tun-info':
        err = setOption(item.val)
        if (item.val === 'nosort') entry.format.nosort = true
        if (item.val === 'tun-info') entry.format.tunInfo = true
        break
      case 'stats':
        err = setOption('stats')
        entry.format.stats = true
        break
      case 'rate':
        err = setOption('rate')
        entry.format.rate = true
        break
      case 'thresholds':
        err = setOption('thresholds')
        entry.format.thresholds = true
        break
      case 'persistent-conn':
        err = setOption('persistent-conn')
        entry.format.persistentConn = true
        break
      case 'sort':
        break
      case 'X':
        err = setOption('exact')
        entry.format.exact = true
        break
      case '6':
        if (!entry.svc.fwmark) return fail(msg.ipv6BeforeF)
        entry.svc.af = AF_INET6
        entry.svc.netmask = 128
        break
      case 'o':
        err = setOption('ops')
        entry.svc.flags |= SvcFlags.ONEPACKET
        break
      case 'pe':
        err = setOption('pe')
        entry.svc.peName = arg.slice(0, 16)
        break
      case 'b':
        err = setOption('sched-flags')
        schedFlagsArg = arg
        break
      case 'mcast-group': {
        err = setOption('mcast-group')
        if (err) break
        if (arg.includes(':')) {
          if (!(ipaddr.IPv6.isValid(arg) && ipaddr.IPv6.parse(arg).range() === 'multicast'))
            return fail(msg.invalidMcastGroup6(arg))
          entry.daemon.mcastGroup = { af: 'inet6', text: ipaddr.IPv6.parse(arg).toRFC5952String() }
        } else {
          const g = /^\d+\.\d+\.\d+\.\d+$/.test(arg) ? parseInetAton(arg) : null
          if (g === null || g >>> 28 !== 0xe) return fail(msg.invalidMcastGroup4(arg))
          entry.daemon.mcastGroup = { af: 'inet', text: formatIPv4(g) }
        }
        break
      }
      case 'mcast-port':
        err = setOption('mcast-port')
        if (err) break
        {
          const v = stringToNumber(arg, LIMITS.mcastPort.min, LIMITS.mcastPort.max)
          if (v === null) return fail(msg.illegalMcastPort)
          entry.daemon.mcastPort = v
        }
        break
      case 'mcast-ttl':
        err = setOption('mcast-ttl')
        if (err) break
        {
          const v = stringToNumber(arg, LIMITS.mcastTtl.min, LIMITS.mcastTtl.max)
          if (v === null) return fail(msg.illegalMcastTtl)
          entry.daemon.mcastTtl = v
        }
        break
      case 'sync-maxlen':
        err = setOption('sync-maxlen')
        if (err) break
        {
          const v = stringToNumber(arg, LIMITS.syncMaxlen.min, LIMITS.syncMaxlen.max)
          if (v === null) return fail(msg.illegalSyncMaxlen)
          entry.daemon.syncMaxlen = v
        }
        break
      case 'tun-type':
        err = setOption('tun-type')
        if (err) break
        if (arg !== 'ipip' && arg !== 'gue' && arg !== 'gre') return fail(msg.illegalTunnelType)
        entry.dest.tunType = arg
        break
      case 'tun-port': {
        err = setOption('tun-port')
        if (err) break
        const p = stringToNumber(arg, LIMITS.tunPort.min, LIMITS.tunPort.max)
        if (p === null) return fail(msg.illegalTunnelPort)
        entry.dest.tunPort = p
        break
      }
      case 'tun-nocsum':
        err = setOption('tun-nocsum')
        entry.dest.tunFlags = 0
        break
      case 'tun-csum':
        err = setOption('tun-csum')
        entry.dest.tunFlags = 1
        break
      case 'tun-remcsum':
        err = setOption('tun-remcsum')
        entry.dest.tunFlags = 2
        break
      default:
        return fail(msg.invalidOption(item.element))
    }
    if (err) return err
  }

  const leftovers = [...popt.leftovers]
  if (entry.cmd === Cmd.TIMEOUT) {
    if (leftovers.length < 3) return fail(msg.setNeedsThree)
    for (let i = 0; i < 3; i++) {
      const t = stringToNumber(leftovers[i], LIMITS.setTimeout.min, LIMITS.setTimeout.max)
      if (t === null) return fail(msg.invalidTimeout(leftovers[i]))
      entry.timeouts[i] = t
    }
    leftovers.splice(0, 3)
  }
  if (leftovers.length > 0) return fail(msg.unexpectedArgument(leftovers[0]))

  if (schedFlagsArg) {
    // strtok() finds no token in a string of commas, and ipvsadm 1.31 then dereferences NULL.
    if (/^,+$/.test(schedFlagsArg))
      return { kind: 'done', result: { stdout: '', stderr: 'Segmentation fault\n', exit: 139 } }
    const r = parseSchedFlags(entry.svc.schedName || 'wlc', schedFlagsArg)
    if ('error' in r) return fail(r.error)
    entry.svc.flags = (entry.svc.flags & ~(SvcFlags.SCHED1 | SvcFlags.SCHED2 | SvcFlags.SCHED3)) | r.flags
  }

  // generic_opt_check(): the lowest-index problem wins.
  const legal = LEGALITY[entry.cmd]
  let groupFirst = -1
  for (let j = 0; j < OPT_NAMES.length; j++) {
    const given = entry.options.has(j)
    const rule = legal[j]
    if (!given && rule === '+') return fail(msg.needOption(OPT_NAMES[j], entry.cmd))
    if (!given) continue
    if (rule === 'x') return fail(msg.illegalOption(OPT_NAMES[j], entry.cmd))
    if (rule === '1') {
      if (groupFirst < 0) groupFirst = j
      else return fail(msg.conflictingOptions(OPT_NAMES[j], OPT_NAMES[groupFirst], entry.cmd))
    }
  }

  const has = (n: OptName) => entry.options.has(optIndex(n))
  if (entry.cmd === Cmd.ADD || entry.cmd === Cmd.EDIT) {
    const s = entry.svc
    if (!s.fwmark && s.port === 0 && !(s.flags & SvcFlags.PERSISTENT)) return fail(msg.zeroPort)
    if (s.flags & SvcFlags.ONEPACKET && !s.fwmark && s.protocol !== 17) return fail(msg.onePacketUdpOnly)
    if (s.schedName === '') s.schedName = 'wlc'
  }
  if (entry.cmd === Cmd.STARTDAEMON && entry.daemon.mcastIfn === '') entry.daemon.mcastIfn = 'eth0'
  if (entry.cmd === Cmd.ADDDEST || entry.cmd === Cmd.EDITDEST) {
    const d = entry.dest
    if (!entry.svc.fwmark && (d.fwd === 2 || d.fwd === 3)) d.port = entry.svc.port
    if (d.af !== entry.svc.af && d.fwd !== 2) return fail(msg.differentFamily)
    const tunnelGiven = TUNNEL_OPTION_NAMES.some((n) => has(n)) || has('tun-type')
    if (tunnelGiven && d.fwd !== 2) return fail(msg.tunnelOptionsConflict)
    // tunnel_opt_check()
    const row = TUNNEL_LEGALITY[d.tunType]
    let first = -1
    for (let j = 0; j < TUNNEL_OPTION_NAMES.length; j++) {
      const given = has(TUNNEL_OPTION_NAMES[j])
      if (!given && row[j] === '+') return fail(msg.needTunnelOption(TUNNEL_OPTION_NAMES[j], d.tunType))
      if (!given) continue
      if (row[j] === 'x') return fail(msg.illegalTunnelOption(TUNNEL_OPTION_NAMES[j], d.tunType))
      if (row[j] === '1') {
        if (first < 0) first = j
        else return fail(msg.conflictingTunnelOptions(TUNNEL_OPTION_NAMES[j], TUNNEL_OPTION_NAMES[first], d.tunType))
      }
    }
  }
  if (entry.cmd === Cmd.LIST) {
    if (
      ((has('connection') || has('timeout') || has('daemon')) && (has('stats') || has('rate') || has('thresholds'))) ||
      ((has('timeout') || has('daemon')) && has('persistent-conn'))
    )
      return fail(msg.listConflict)
  }
  return { kind: 'command', entry }
}
