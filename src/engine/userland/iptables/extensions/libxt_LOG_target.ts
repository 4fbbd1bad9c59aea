import type { LogTarget } from '../../../netfilter/rule'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { putString, saveString, strtoui } from '../xtables'

/**
 * The LOG target, iptables' side: extensions/libxt_LOG.c (1.8.9) — LOG_opts, LOG_help(),
 * LOG_init() (level 4, LOG_WARNING), LOG_parse() with xtopt_parse_sysloglevel() (0–7 or a
 * syslog name) and the prefix (XTTYPE_STRING, .min = 1, put into char[30], so at most 29
 * characters; no newline), LOG_print() (names without -n, `flags … level …` with it) and
 * LOG_save(). Named libxt_LOG_target.ts beside the MARK target's file for the same reason. The
 * packet-time side: netfilter/xt_LOG.ts.
 */

const FLAG_OPTS: [string, number][] = [
  ['log-tcp-sequence', 0x01],
  ['log-tcp-options', 0x02],
  ['log-ip-options', 0x04],
  ['log-uid', 0x08],
  ['log-macdecode', 0x20],
]

export const LOG_TARGET_OPTIONS: OptDef[] = [
  { name: 'log-level', arg: 'required', val: 'LOG:log-level' },
  { name: 'log-prefix', arg: 'required', val: 'LOG:log-prefix' },
  ...FLAG_OPTS.map(([n]) => ({ name: n, arg: 'none' as const, val: `LOG:${n}` })),
]

export const LOG_TARGET_HELP =
  'LOG target options:\n --log-level level\t\tLevel of logging (numeric or see syslog.conf)\n --log-prefix prefix\t\tPrefix log messages with this prefix.\n --log-tcp-sequence\t\tLog TCP sequence numbers.\n --log-tcp-options\t\tLog TCP options.\n --log-ip-options\t\tLog IP options.\n --log-uid\t\t\tLog UID owning the local socket.\n --log-macdecode\t\tDecode MAC addresses and protocol.\n'

/** xtopt_parse_sysloglevel()'s names (bsearch over this sorted table). */
const LEVEL_NAMES: Record<string, number> = {
  alert: 1,
  crit: 2,
  debug: 7,
  emerg: 0,
  error: 3,
  info: 6,
  notice: 5,
  panic: 0,
  warning: 4,
}

/** glibc's prioritynames[] (syslog.h), first name per value: what LOG_print() shows. */
const PRIORITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug']

export const newLogTarget = (): LogTarget => ({ kind: 'LOG', level: 4, prefix: '', flags: 0 })

/** LOG_parse() for one option (xtables_option_parse() first: once, then `!`). */
export function parseLogTarget(
  t: LogTarget,
  given: Set<string>,
  opt: string,
  arg: string | null,
  invert: boolean,
): void {
  if (given.has(opt)) throw perr(`LOG: option "--${opt}" can only be used once.\n`)
  given.add(opt)
  if (invert) throw perr(`LOG: option "--${opt}" cannot be inverted.\n`)
  if (opt === 'log-level') {
    const a = arg as string
    const n = strtoui(a, 7)
    if (n !== null) t.level = n
    else if (a in LEVEL_NAMES) t.level = LEVEL_NAMES[a]
    else throw perr(`log level "${a}" unknown\n`)
  } else if (opt === 'log-prefix') {
    const a = arg as string
    if (a.length < 1) throw perr('Argument must have a minimum length of 1 characters\n')
    t.prefix = putString(a, 30)
    if (a.includes('\n')) throw perr('Newlines not allowed in --log-prefix')
  } else t.flags |= (FLAG_OPTS.find(([n]) => n === opt) as [string, number])[1]
}

/** LOG_print(). */
export function printLogTarget(t: LogTarget, numeric: boolean): string {
  let s = ' LOG'
  if (numeric) s += ` flags ${t.flags} level ${t.level}`
  else {
    s += ` level ${PRIORITY_NAMES[t.level]}`
    if (t.flags & 0x01) s += ' tcp-sequence'
    if (t.flags & 0x02) s += ' tcp-options'
    if (t.flags & 0x04) s += ' ip-options'
    if (t.flags & 0x08) s += ' uid'
    if (t.flags & 0x20) s += ' macdecode'
  }
  if (t.prefix !== '') s += ` prefix "${t.prefix}"`
  return s
}

/** LOG_save(). */
export function saveLogTarget(t: LogTarget): string {
  let s = ' -j LOG'
  if (t.prefix !== '') s += ` --log-prefix${saveString(t.prefix)}`
  if (t.level !== 4) s += ` --log-level ${t.level}`
  for (const [n, bit] of FLAG_OPTS) if (t.flags & bit) s += ` --${n}`
  return s
}
