import type { Connection } from '../../ipvs/connection'
import type { DestinationSpec, ForwardMethod, TunnelType } from '../../ipvs/destination'
import type { Director, ServiceId } from '../../ipvs/director'
import type { Protocol, Service, ServiceSpec } from '../../ipvs/service'
import { servicesInTableOrder } from '../../ipvs/serviceTable'
import { startSyncDaemon } from '../../ipvs/syncDaemon'
import { asPort } from '../../net/ipv4'
import type { CommandResult } from '../shell'
import {
  compareDests,
  compareServices,
  connectionHeader,
  connectionRow,
  glibcMergeSort,
  listTitle,
  serviceEntry,
  serviceRules,
} from './format'
import { type IpvsFunc, ipvsStrerror, type KernelErrno, msg, TRY_HELP } from './messages'
import { Cmd } from './options'
import { type CommandEntry, defaultListFormat, type ListFormat, parseIpvsadm } from './parse'

/** `IP Virtual Server version 1.2.1 (size=4096)`: IPVS 1.2.1 and the default 2^12-bucket connection table. */
const VERSION_HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\n'

const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exit: 0 })
const kernelError = (func: IpvsFunc, err: KernelErrno): CommandResult => ({
  stdout: '',
  stderr: `${ipvsStrerror(func, err)}\n`,
  exit: 255,
})

function serviceSpec(e: CommandEntry): ServiceSpec {
  return {
    af: e.svc.af,
    protocol: e.svc.protocol as Protocol,
    vaddr: e.svc.addr,
    vport: asPort(e.svc.port),
    fwmark: e.svc.fwmark,
    schedName: e.svc.schedName,
    flags: e.svc.flags,
    timeoutSec: e.svc.timeout,
    netmask: e.svc.netmask >>> 0,
    peName: e.svc.peName,
  }
}

function serviceId(e: CommandEntry): ServiceId {
  return e.svc.fwmark
    ? { fwmark: e.svc.fwmark, af: e.svc.af }
    : { protocol: e.svc.protocol, vaddr: e.svc.addr, vport: asPort(e.svc.port) }
}

function destSpec(e: CommandEntry): DestinationSpec {
  return {
    addr: e.dest.addr,
    port: asPort(e.dest.port),
    forward: e.dest.fwd as ForwardMethod,
    weight: e.dest.weight,
    uThreshold: e.dest.uThreshold,
    lThreshold: e.dest.lThreshold,
    tunType: (['ipip', 'gue', 'gre'] as const).indexOf(e.dest.tunType) as TunnelType,
    tunPort: e.dest.tunPort,
    tunFlags: e.dest.tunFlags,
  }
}

/** Services as ipvsadm lists them: sorted by libipvs' comparator, or with --nosort as the kernel's tables hold them. */
export function listedServices(director: Director, nosort = false): Service[] {
  return nosort ? servicesInTableOrder(director.services) : glibcMergeSort(director.services, compareServices)
}

export const listedDests = (svc: Service, nosort = false) =>
  nosort ? [...svc.destinations] : glibcMergeSort(svc.destinations, compareDests)

/** One entry as `ipvsadm -Lnc` prints it (with its newline). */
export function connectionLine(director: Director, c: Connection): string {
  return connectionRow(c, Math.floor(Math.max(0, c.expiresAt - director.now) / 1000), true)
}

/** The text of `ipvsadm -Lnc`-style connection listings. */
export function listConnections(director: Director, numeric: boolean, persistentConn = false): string {
  let out = connectionHeader(persistentConn)
  for (const c of director.table.all) {
    if (!c.hashed && !c.timerArmed) continue
    const expires = Math.floor(Math.max(0, c.expiresAt - director.now) / 1000)
    out += connectionRow(c, expires, numeric, persistentConn)
  }
  return out
}

/**
 * `ipvsadm -Lnc`, optionally `| grep -i FILTER`, cut after `maxLines` lines: the app's live
 * listing. Without a filter, entries past the cut are counted, not formatted.
 */
export function connectionListing(
  director: Director,
  filter: string,
  maxLines: number,
): { text: string; lines: number } {
  let text = connectionHeader(false)
  let lines = 2
  const f = filter.toLowerCase()
  for (const c of director.table.all) {
    if (!c.hashed && !c.timerArmed) continue
    if (!f && lines >= maxLines) {
      lines++
      continue
    }
    const row = connectionRow(c, Math.floor(Math.max(0, c.expiresAt - director.now) / 1000), true)
    if (f && !row.toLowerCase().includes(f)) continue
    lines++
    if (lines <= maxLines) text += row
  }
  return { text, lines }
}

function listAll(director: Director, f: ListFormat, rule: boolean): string {
  let out = rule ? '' : VERSION_HEADER + listTitle(f)
  for (const svc of listedServices(director, f.nosort)) {
    const dests = listedDests(svc, f.nosort)
    out += rule ? serviceRules(svc, dests, f.numeric) : serviceEntry(svc, dests, f)
  }
  return out
}

function listDaemons(director: Director): string {
  let out = ''
  for (const state of ['master', 'backup'] as const) {
    const d = director.syncDaemons[state]
    if (d)
      out += `${state} sync daemon (mcast=${d.mcastIfn}, syncid=${d.syncid}, maxlen=${d.syncMaxlen}, group=${d.mcastGroup.text}, port=${d.mcastPort}, ttl=${d.mcastTtl})\n`
  }
  return out
}

/** Where a command's output goes while `ipvsadm -R` reads its input. */
interface Exec {
  /** Set when the C program would have called exit() here. */
  exitNow: boolean
  result: CommandResult
}

function execute(director: Director, e: CommandEntry, stdin: string, argv0: string): Exec {
  const done = (result: CommandResult, exitNow = false): Exec => ({ exitNow, result })
  switch (e.cmd) {
    case Cmd.ADD: {
      if (e.svc.peName && e.svc.peName !== 'sip') return done(kernelError('add_service', 'ENOENT'))
      const err = director.addService(serviceSpec(e))
      return done(err ? kernelError('add_service', err) : ok())
    }
    case Cmd.EDIT: {
      if (!director.getService(serviceId(e))) return done(kernelError('update_service', 'ESRCH'))
      if (e.svc.peName && e.svc.peName !== 'sip') return done(kernelError('update_service', 'ENOENT'))
      const err = director.editService(serviceSpec(e))
      return done(err ? kernelError('update_service', err) : ok())
    }
    case Cmd.DEL: {
      const err = director.delService(serviceId(e))
      return done(err ? kernelError('del_service', err) : ok())
    }
    case Cmd.FLUSH:
      director.flush()
      return done(ok())
    case Cmd.ZERO: {
      const all = !e.svc.fwmark && e.svc.addr === 0 && e.svc.port === 0
      const err = director.zero(all ? null : serviceId(e))
      return done(err ? kernelError('zero_service', err) : ok())
    }
    case Cmd.ADDDEST:
    case Cmd.EDITDEST:
    case Cmd.DELDEST: {
      const func: IpvsFunc = e.cmd === Cmd.ADDDEST ? 'add_dest' : e.cmd === Cmd.EDITDEST ? 'update_dest' : 'del_dest'
      const svc = director.getService(serviceId(e))
      if (!svc) return done(kernelError(func, 'ESRCH'))
      const spec = destSpec(e)
      const err =
        e.cmd === Cmd.ADDDEST
          ? director.addDest(svc, spec)
          : e.cmd === Cmd.EDITDEST
            ? director.editDest(svc, spec)
            : director.delDest(svc, spec.addr, spec.port)
      return done(err ? kernelError(func, err) : ok())
    }
    case Cmd.TIMEOUT: {
      const err = director.setTimeouts(...e.timeouts)
      return done(err ? kernelError('other', err) : ok())
    }
    case Cmd.STARTDAEMON: {
      const state = e.daemon.state as 'master' | 'backup'
      // start_sync_thread(): the interface is looked up before a running daemon is refused
      if (!director.interfaces.includes(e.daemon.mcastIfn)) return done(kernelError('start_daemon', 'ENODEV'))
      if (director.syncDaemons[state]) return done(kernelError('start_daemon', 'EEXIST'))
      director.startSync(state, startSyncDaemon(e.daemon, state, director.interfaceMtu[e.daemon.mcastIfn]))
      return done(ok())
    }
    case Cmd.STOPDAEMON: {
      const state = e.daemon.state as 'master' | 'backup'
      if (!director.syncDaemons[state]) return done(kernelError('stop_daemon', 'ESRCH'))
      director.stopSync(state)
      return done(ok())
    }
    case Cmd.SAVE:
      return done(ok(listAll(director, { ...e.format, nosort: false }, true)))
    case Cmd.RESTORE:
      return restore(director, stdin, argv0)
    case Cmd.LIST: {
      const f = e.format
      if (e.options.has(1)) return done(ok(listConnections(director, f.numeric, f.persistentConn)))
      if (e.options.has(2)) {
        const svc = director.getService(serviceId(e))
        if (!svc) return done({ stdout: '', stderr: `${msg.noSuchService}\n`, exit: 1 }, true)
        return done(ok(listTitle(f) + serviceEntry(svc, listedDests(svc, f.nosort), f)))
      }
      if (e.options.has(12)) {
        const t = director.timeouts
        return done(ok(`Timeout (tcp tcpfin udp): ${t.tcp[1] / 1000} ${t.tcp[4] / 1000} ${t.udp / 1000}\n`))
      }
      if (e.options.has(13)) return done(ok(listDaemons(director)))
      return done(ok(listAll(director, f, false)))
    }
  }
}

// mirrors restore_table() + config_stream_read(): one command per line; `ipvsadm` words dropped;
// no comments; ipvsadm-side errors stop at once, kernel errors print and go on; the last line's status.
function restore(director: Director, stdin: string, argv0: string): Exec {
  let stdout = ''
  let stderr = ''
  let status = 0
  const lines = stdin.split('\n')
  // A last line without newline is kept only if it does not end in blanks.
  if (lines.length > 0 && lines[lines.length - 1] !== '' && /[ \t\r]$/.test(lines[lines.length - 1])) lines.pop()
  for (const line of lines) {
    const words = line.split(/[ \t\r]+/).filter((w) => w.length > 0 && w !== 'ipvsadm')
    if (words.length === 0) continue
    const parsed = parseIpvsadm(words, argv0, true)
    let exec: Exec
    if (parsed.kind === 'done') exec = { exitNow: !parsed.returned, result: parsed.result }
    else exec = execute(director, parsed.entry, '', argv0)
    stdout += exec.result.stdout
    stderr += exec.result.stderr
    if (exec.exitNow) return { exitNow: true, result: { stdout, stderr, exit: exec.result.exit } }
    status = exec.result.exit
  }
  return { exitNow: false, result: { stdout, stderr, exit: status } }
}

/** Run `ipvsadm ARGS…` against a director; `stdin` feeds -R. Never throws on user input. */
export function runIpvsadm(director: Director, args: readonly string[], stdin = '', argv0 = 'ipvsadm'): CommandResult {
  if (args.length === 0) {
    return ok(listAll(director, defaultListFormat(), false))
  }
  const parsed = parseIpvsadm(args, argv0)
  if (parsed.kind === 'done') return parsed.result
  return execute(director, parsed.entry, stdin, argv0).result
}

export { TRY_HELP }
