import type { Director } from '../ipvs/director'
import { readSysctl, sysctlName, writeSysctl } from '../ipvs/sysctl'
import { type Addr, procIPv6 } from '../net/ipv6'
import { PROC_SYSCTL_DIR } from './commandNames'
import { cat, echo, falseProgram, grep, printf, trueProgram } from './coreutils'
import { head } from './head'
import { connectionStateName } from './ipvsadm/format'
import { runIpvsadm } from './ipvsadm/run'
import type { Program, ShellHost } from './shell'
import { sort } from './sort'
import { sysctlProgram } from './sysctl'
import { tail } from './tail'
import { uniq } from './uniq'
import { wc } from './wc'

/** Optional programs a later layer provides (iptables and friends come with the netfilter model). */
export interface ExtraPrograms {
  [name: string]: Program
}

const PROC_VS = PROC_SYSCTL_DIR

const hex = (n: number, w: number): string => (n >>> 0).toString(16).toUpperCase().padStart(w, '0')
/** An address as the seq file prints it: `%08X` of the IPv4 address, `%pI6` (eight full groups) of an IPv6 one. */
const procAddr = (a: Addr): string => (typeof a === 'string' ? procIPv6(a) : hex(a, 8))

/**
 * /proc/net/ip_vs_conn as ip_vs_conn_seq_show() prints it (each address in its own family's form),
 * or — `sync` — /proc/net/ip_vs_conn_sync as ip_vs_conn_sync_seq_show() does: the same entries with
 * their origin, LOCAL (scheduled here) or SYNC (learned from a master's sync message), no PE data.
 */
function procIpVsConn(director: Director, sync = false): string {
  let out = sync
    ? 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n'
    : 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n'
  for (const c of director.table.all) {
    const proto = c.protocol === 6 ? 'TCP' : c.protocol === 17 ? 'UDP' : c.protocol === 132 ? 'SCTP' : 'IP'
    const expires = String(Math.floor(Math.max(0, c.expiresAt - director.now) / 1000)).padStart(7)
    const tail = sync
      ? `${(c.synced ? 'SYNC' : 'LOCAL').padEnd(6)} ${expires}`
      : `${expires}${c.peData === null ? '' : ` sip ${c.peData}`}`
    out += `${proto.padEnd(3)} ${procAddr(c.caddr)} ${hex(c.cport, 4)} ${procAddr(c.vaddr)} ${hex(c.vport, 4)} ${procAddr(c.daddr)} ${hex(c.dport, 4)} ${connectionStateName(c).padEnd(11)} ${tail}\n`
  }
  return out
}

/**
 * The director's userland: ipvsadm and its save/restore scripts, sysctl, and the shell
 * utilities a director's admin pipes through (printf, echo, grep, cat, head, tail, wc, sort,
 * uniq), plus the /proc files they read and write.
 */
export function createUserland(
  director: Director,
  extra: ExtraPrograms = {},
  files: Map<string, string> = new Map(),
): ShellHost {
  const readFile = (path: string): string | null => {
    const file = files.get(path)
    if (file !== undefined) return file
    if (path === '/proc/net/ip_vs_conn') return procIpVsConn(director)
    if (path === '/proc/net/ip_vs_conn_sync') return procIpVsConn(director, true)
    if (path === '/proc/net/ip_vs') return runIpvsadm(director, ['-Ln']).stdout
    if (path.startsWith(PROC_VS)) {
      const name = sysctlName(path.slice(PROC_VS.length))
      return name === null || PROC_VS + name !== path ? null : readSysctl(director.sysctl, name)
    }
    return null
  }
  const programs: Record<string, Program> = {
    ipvsadm: (args, stdin) => runIpvsadm(director, args, stdin),
    'ipvsadm-save': (args) => {
      let numeric = false
      for (const a of args) {
        if (a === '-n') numeric = true
        else if (a.startsWith('-'))
          return {
            stdout: '',
            stderr:
              'ipvsadm-save: Script to save the IPVS table to stdout.\n   With the -n option, prints out the table in numeric format.\n',
            exit: 1,
          }
      }
      return runIpvsadm(director, numeric ? ['-S', '-n'] : ['-S'])
    },
    'ipvsadm-restore': (_args, stdin) => {
      const input = stdin
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n')
      runIpvsadm(director, ['-C'])
      return runIpvsadm(director, ['-R'], input.endsWith('\n') ? input : `${input}\n`)
    },
    sysctl: sysctlProgram(director.sysctl),
    printf,
    echo,
    grep,
    cat: cat(readFile),
    head: head(readFile),
    tail: tail(readFile),
    wc: wc(readFile),
    sort: sort(readFile),
    uniq: uniq(readFile),
    true: trueProgram,
    false: falseProgram,
    ...extra,
  }
  return {
    program: (name) => (Object.hasOwn(programs, name) ? programs[name] : null),
    writeFile: (path, data, append) => {
      if (path.startsWith(PROC_VS)) {
        const name = sysctlName(path.slice(PROC_VS.length))
        if (name === null || PROC_VS + name !== path) return `${path}: No such file or directory`
        // nothing to write is no write(2) at all; a refused one is bash's write error
        if (data === '') return null
        return writeSysctl(director.sysctl, name, data) === 0 ? null : 'echo: write error: Invalid argument'
      }
      // the director's own files (/etc/keepalived/keepalived.conf, the admin's manifests in /root): written as bash would
      if (path.startsWith('/etc/') || path.startsWith('/root/')) {
        files.set(path, append ? (files.get(path) ?? '') + data : data)
        return null
      }
      return `${path}: Read-only file system`
    },
  }
}
