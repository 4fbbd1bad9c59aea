import type { Kmsg, KmsgRecord } from '../netfilter/kmsg'
import { bootStamp } from './dmesg'
import type { CommandResult } from './shell'

/**
 * `journalctl` of systemd 252 (Debian 12), over the only messages the lab's director logs: the
 * kernel's (netfilter/kmsg.ts). `-k`/`--dmesg`, `-n`/`--lines[=N]`, `-p`/`--priority=LEVEL[..LEVEL]`,
 * `-o short|short-monotonic|cat`, `-q`, `--no-pager`, `--no-hostname`; a line is
 * `Dec 04 22:54:16 director kernel: …` in the short format. Other real options are refused in
 * words that say so; unknown ones as journalctl's getopt_long() does (no hint line, exit 1).
 * Without -k the output is the same: the lab's journal holds nothing but the kernel's messages.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']
/** The director's host name in the lab. */
export const HOSTNAME = 'director'

const KNOWN: Record<string, { short?: string; arg: 'none' | 'required' | 'optional' }> = {
  dmesg: { short: 'k', arg: 'none' },
  lines: { short: 'n', arg: 'optional' },
  priority: { short: 'p', arg: 'required' },
  output: { short: 'o', arg: 'required' },
  quiet: { short: 'q', arg: 'none' },
  'no-pager': { arg: 'none' },
  'no-hostname': { arg: 'none' },
}
const UNSUPPORTED_LONG =
  'boot since until unit user-unit identifier grep follow reverse utc all catalog merge output-fields system user directory file root image list-boots disk-usage vacuum-size vacuum-time vacuum-files rotate flush sync verify header fields field cursor after-cursor show-cursor cursor-file facility case-sensitive pager-end no-full full help version'.split(
    ' ',
  )
/** parse_lines() with `graceful`: a separate word after -n is taken only when it reads as a count. */
const LINES = /^\+?\d+$/
const UNSUPPORTED_SHORT = 'bSUutfreaxNmDFMhc'

function parsePriority(s: string): [number, number] | null {
  const one = (x: string): number | null => {
    if (/^[0-7]$/.test(x)) return Number(x)
    const k = PRIORITIES.indexOf(x)
    return k < 0 ? null : k
  }
  const dots = s.indexOf('..')
  if (dots < 0) {
    const v = one(s)
    return v === null ? null : [0, v]
  }
  const a = one(s.slice(0, dots))
  const b = one(s.slice(dots + 2))
  return a === null || b === null ? null : [Math.min(a, b), Math.max(a, b)]
}

export function journalctl(kmsg: Kmsg, args: readonly string[], epochOfBootMs: number): CommandResult {
  const fail = (m: string): CommandResult => ({ stdout: '', stderr: `${m}\n`, exit: 1 })
  let lines: number | null = null
  let prio: [number, number] = [0, 7]
  let output = 'short'
  let quiet = false
  let hostname = true
  const set = (name: string, arg: string | null): CommandResult | null => {
    if (name === 'lines') {
      if (arg === null) lines = 10
      else if (/^\+?\d+$/.test(arg)) lines = Number(arg.replace('+', ''))
      else return fail(`Failed to parse lines '${arg}'`)
    } else if (name === 'priority') {
      const p = parsePriority(arg as string)
      if (!p) return fail(`Unknown log level ${arg}`)
      prio = p
    } else if (name === 'output') {
      if (!['short', 'short-monotonic', 'cat'].includes(arg as string)) {
        if (
          [
            'short-full',
            'short-iso',
            'short-iso-precise',
            'short-precise',
            'short-unix',
            'verbose',
            'export',
            'json',
            'json-pretty',
            'json-sse',
            'json-seq',
            'with-unit',
          ].includes(arg as string)
        )
          return fail(`journalctl: output format '${arg}' not supported in this lab`)
        return fail(`Unknown output format '${arg}'.`)
      }
      output = arg as string
    } else if (name === 'quiet') quiet = true
    else if (name === 'no-hostname') hostname = false
    return null
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = a.slice(2, eq < 0 ? undefined : eq)
      const hits = Object.keys(KNOWN).filter((k) => k.startsWith(name))
      const key = KNOWN[name] ? name : hits.length === 1 ? hits[0] : null
      if (!key) {
        if (UNSUPPORTED_LONG.some((u) => u.startsWith(name)) && name)
          return fail(`journalctl: option '${a}' not supported in this lab`)
        return fail(`journalctl: unrecognized option '${a}'`)
      }
      const k = KNOWN[key]
      let arg: string | null = null
      if (k.arg === 'none' && eq >= 0) return fail(`journalctl: option '--${key}' doesn't allow an argument`)
      if (eq >= 0) arg = a.slice(eq + 1)
      else if (k.arg === 'required') {
        if (i + 1 >= args.length) return fail(`journalctl: option '--${key}' requires an argument`)
        arg = args[++i]
      } else if (k.arg === 'optional' && i + 1 < args.length && LINES.test(args[i + 1])) arg = args[++i]
      const r = set(key, arg)
      if (r) return r
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]
        const key = Object.keys(KNOWN).find((n) => KNOWN[n].short === c)
        if (!key) {
          if (UNSUPPORTED_SHORT.includes(c)) return fail(`journalctl: option not supported in this lab -- '${c}'`)
          return fail(`journalctl: invalid option -- '${c}'`)
        }
        const k = KNOWN[key]
        let arg: string | null = null
        if (k.arg !== 'none') {
          if (j + 1 < a.length) arg = a.slice(j + 1)
          else if (k.arg === 'required') {
            if (i + 1 >= args.length) return fail(`journalctl: option requires an argument -- '${c}'`)
            arg = args[++i]
          } else if (i + 1 < args.length && LINES.test(args[i + 1])) arg = args[++i]
          j = a.length
        }
        const r = set(key, arg)
        if (r) return r
      }
      continue
    }
    // a match (FIELD=VALUE) — the lab's journal has no fields to match on
    return fail(`Failed to add match '${a}': Invalid argument`)
  }
  let recs: KmsgRecord[] = kmsg.records.filter((r) => r.level >= prio[0] && r.level <= prio[1])
  if (lines !== null) recs = recs.slice(Math.max(0, recs.length - lines))
  if (recs.length === 0) return { stdout: quiet ? '' : '-- No entries --\n', stderr: '', exit: 0 }
  const two = (n: number) => String(n).padStart(2, '0')
  const host = hostname ? `${HOSTNAME} ` : ''
  const stdout = recs
    .map((r) => {
      const text = r.text
      if (output === 'cat') return `${text}\n`
      if (output === 'short-monotonic') return `${bootStamp(r.ms).trimEnd()} ${host}kernel: ${text}\n`
      const d = new Date(epochOfBootMs + r.ms)
      return `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${host}kernel: ${text}\n`
    })
    .join('')
  return { stdout, stderr: '', exit: 0 }
}
