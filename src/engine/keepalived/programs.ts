import { WALL_CLOCK_EPOCH_MS } from '../sim/time'
import type { CommandResult } from '../userland/shell'
import { DEFAULT_CONF, KEEPALIVED_VERSION, type KeepalivedDaemon, type LogLine, type RunLine } from './daemon'
import type { RealServerFaults } from './faults'
import { parseKeepalivedConf } from './parser'

/** What the programs act on: the daemon, the director's files, the clock, the shell. */
export interface KeepalivedHost {
  daemon: KeepalivedDaemon
  files: Map<string, string>
  now: number
  run: RunLine
  faults: RealServerFaults
}

const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exit: 0 })

/**
 * `keepalived [-f FILE] [-t]` as Debian 12's binary: `-t` checks the file and prints keepalived's
 * messages (exit 5 with any, 0 without: the binary's own exit codes); otherwise it starts the
 * daemon (it forks and returns at once; its messages go to the journal). `-v` prints the version.
 */
export function keepalivedProgram(h: KeepalivedHost, args: readonly string[]): CommandResult {
  let file = DEFAULT_CONF
  let test = false
  let detail: string | null = null
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-f' || a === '--use-file') {
      if (i + 1 >= args.length)
        return { stdout: '', stderr: "keepalived: option requires an argument -- 'f'\n", exit: 1 }
      file = args[++i]
    } else if (a.startsWith('--use-file=')) file = a.slice('--use-file='.length)
    else if (a.startsWith('-f') && a.length > 2) file = a.slice(2)
    else if (a === '-t' || a === '--config-test') test = true
    else if (a === '-v' || a === '--version')
      return {
        stdout: '',
        stderr: `${KEEPALIVED_VERSION}\n\nCopyright(C) 2001-2022 Alexandre Cassen, <acassen@gmail.com>\n`,
        exit: 0,
      }
    else if (a === '-D' || a === '--log-detail') detail = a
    else if (a === '-n' || a === '--dont-fork' || a === '-l' || a === '--log-console') continue
    else return { stdout: '', stderr: `Unknown option ${a}\n`, exit: 0 }
  }
  const text = h.files.get(file) ?? null
  if (test) {
    if (text === null) return { stdout: '', stderr: `Config files missing '${file}'.\n`, exit: 0 }
    const known = h.daemon.interfaces
    const r = parseKeepalivedConf(text, file, known.size > 0 ? { interfaces: [...known.keys()] } : {})
    return { stdout: '', stderr: r.messages.map((m) => `${m}\n`).join(''), exit: r.messages.length > 0 ? 5 : 0 }
  }
  if (h.daemon.running) return ok()
  h.daemon.start(h.now, file, text, h.run, false, detail)
  return ok()
}

/**
 * Debian's unit reads `/etc/default/keepalived` (EnvironmentFile) and runs
 * `keepalived --dont-fork $DAEMON_ARGS`: the lab takes `-D` / `--log-detail` from it.
 */
function unitDetailArg(files: Map<string, string>): string | null {
  const m = /^\s*DAEMON_ARGS=["']?([^"'\n]*)/m.exec(files.get('/etc/default/keepalived') ?? '')
  return m?.[1].split(/\s+/).find((a) => a === '-D' || a === '--log-detail') ?? null
}

/** `systemctl start|stop|restart|reload|status keepalived` (systemd 252's words). */
export function systemctlProgram(h: KeepalivedHost, args: readonly string[]): CommandResult {
  const verbs = ['start', 'stop', 'restart', 'reload', 'status', 'is-active']
  const words = args.filter((a) => a !== '--no-pager' && a !== '-q' && a !== '--quiet')
  const [verb, unit, ...rest] = words
  if (!verb) return { stdout: '', stderr: 'Too few arguments.\n', exit: 1 }
  if (!verbs.includes(verb)) {
    if (verb.startsWith('-')) return { stdout: '', stderr: `systemctl: unrecognized option '${verb}'\n`, exit: 1 }
    return {
      stdout: '',
      stderr: `systemctl ${verb}: not supported in this lab (start, stop, restart, reload, status)\n`,
      exit: 1,
    }
  }
  if (!unit) return { stdout: '', stderr: 'Too few arguments.\n', exit: 1 }
  if (rest.length > 0 || (unit !== 'keepalived' && unit !== 'keepalived.service'))
    return {
      stdout: '',
      stderr: `Unit ${[unit, ...rest].find((u) => u !== 'keepalived' && u !== 'keepalived.service') ?? unit}${unit.includes('.') ? '' : '.service'} not found.\n`,
      exit: verb === 'status' ? 4 : 5,
    }
  const d = h.daemon
  const text = () => h.files.get(DEFAULT_CONF) ?? null
  const failed =
    'Job for keepalived.service failed because the control process exited with error code.\nSee "systemctl status keepalived.service" and "journalctl -xeu keepalived.service" for details.\n'
  switch (verb) {
    case 'start':
      if (
        !d.running &&
        d.start(h.now, DEFAULT_CONF, text(), h.run, true, unitDetailArg(h.files)) !== null &&
        text() !== null
      )
        return { stdout: '', stderr: failed, exit: 1 }
      return ok()
    case 'stop':
      d.stop(h.now, h.run, true)
      return ok()
    case 'restart':
      d.stop(h.now, h.run, true)
      if (d.start(h.now, DEFAULT_CONF, text(), h.run, true, unitDetailArg(h.files)) !== null && text() !== null)
        return { stdout: '', stderr: failed, exit: 1 }
      return ok()
    case 'reload':
      if (!d.running) return { stdout: '', stderr: 'keepalived.service is not active, cannot reload.\n', exit: 1 }
      d.reload(h.now, h.files.get(d.configFile) ?? null, h.run)
      return ok()
    case 'is-active':
      return { stdout: d.running ? 'active\n' : 'inactive\n', stderr: '', exit: d.running ? 0 : 3 }
    default: {
      const state = d.running ? 'active (running)' : 'inactive (dead)'
      const tail = d.log.slice(-10).map((l) => `${stamp(l)} ${'director'} ${l.ident}: ${l.text}\n`)
      const out =
        `${d.running ? '●' : '○'} keepalived.service - Keepalive Daemon (LVS and VRRP)\n` +
        '     Loaded: loaded (/lib/systemd/system/keepalived.service; enabled; preset: enabled)\n' +
        `     Active: ${state}\n` +
        '       Docs: man:keepalived(8)\n' +
        '             man:keepalived.conf(5)\n' +
        '             man:genhash(1)\n' +
        '             https://keepalived.org\n' +
        (tail.length > 0 ? `\n${tail.join('')}` : '')
      return { stdout: out, stderr: '', exit: d.running ? 0 : 3 }
    }
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
function stamp(l: LogLine): string {
  const d = new Date(WALL_CLOCK_EPOCH_MS + l.ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}

/** One line of the daemon's log as `journalctl -u keepalived` prints it (short format): `Jan 05 09:03:07 director Keepalived_healthcheckers[1203]: …`. */
export function journalLine(l: LogLine, host = true): string {
  return `${stamp(l)} ${host ? 'director ' : ''}${l.ident}: ${l.text}`
}

/** True when journalctl's arguments ask for keepalived's unit (`-u keepalived`, `--unit=keepalived.service`). */
export function asksKeepalivedUnit(args: readonly string[]): boolean {
  return unitArgs(args) !== null
}

function unitArgs(args: readonly string[]): string[] | null {
  const rest: string[] = []
  let found = false
  const isUnit = (u: string) => u === 'keepalived' || u === 'keepalived.service'
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if ((a === '-u' || a === '--unit') && isUnit(args[i + 1] ?? '')) {
      found = true
      i++
    } else if ((a.startsWith('-u') && isUnit(a.slice(2))) || (a.startsWith('--unit=') && isUnit(a.slice(7))))
      found = true
    else rest.push(a)
  }
  return found ? rest : null
}

/** `journalctl -u keepalived` [-n N] [-o cat] [-q] [--no-pager] [--no-hostname]: the daemon's lines, short format. */
export function journalKeepalived(h: KeepalivedHost, args: readonly string[]): CommandResult {
  const rest = unitArgs(args) ?? []
  let lines: number | null = null
  let cat = false
  let quiet = false
  let host = true
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    if (a === '--no-pager') continue
    if (a === '-q' || a === '--quiet') quiet = true
    else if (a === '--no-hostname') host = false
    else if (a === '-o' && rest[i + 1] === 'cat') {
      cat = true
      i++
    } else if (a === '-ocat' || a === '--output=cat') cat = true
    else if (a === '-n' && /^\d+$/.test(rest[i + 1] ?? '')) lines = Number(rest[++i])
    else if (/^-n\d+$/.test(a)) lines = Number(a.slice(2))
    else if (/^--lines=\d+$/.test(a)) lines = Number(a.slice(8))
    else
      return {
        stdout: '',
        stderr: `journalctl: with -u keepalived the lab reads -n, -o cat, -q, --no-hostname only ('${a}')\n`,
        exit: 1,
      }
  }
  let recs = h.daemon.log
  if (lines !== null) recs = recs.slice(Math.max(0, recs.length - lines))
  if (recs.length === 0) return ok(quiet ? '' : '-- No entries --\n')
  return ok(recs.map((l) => `${cat ? l.text : journalLine(l, host)}\n`).join(''))
}
