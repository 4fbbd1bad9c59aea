import type { Kmsg, KmsgRecord } from '../netfilter/kmsg'
import { getopt, isFailure, type LongOption, usageError } from './getopt'
import type { CommandResult } from './shell'

/**
 * `dmesg` of util-linux 2.38.1 (Debian 12), reading the director's kernel log (netfilter/kmsg.ts):
 * each record as `[%5lu.%06lu] text` (seconds since boot, print_record()), `-t` without the
 * time, `-r` raw (`<4>[…] …`, facility kern = 0), `-x` decoded (`kern  :warn  : `),
 * `-l LIST` levels, `-k` (kernel only: all the lab has), `-c` read then clear, `-C` clear,
 * `-V`. Real options the lab does not model (-T, -H, -w, -e, -L, -f, -u, -s, -n, -D, -E, -F,
 * -S, -P, -p, --since, --until, --time-format, --json) are refused in words that say so;
 * unknown ones as util-linux does.
 */

/** dmesg's level names (level_names[] in dmesg.c), by syslog level. */
export const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug']

const LONGS: LongOption[] = [
  { name: 'notime', val: 't', arg: false },
  { name: 'raw', val: 'r', arg: false },
  { name: 'decode', val: 'x', arg: false },
  { name: 'level', val: 'l', arg: true },
  { name: 'kernel', val: 'k', arg: false },
  { name: 'read-clear', val: 'c', arg: false },
  { name: 'clear', val: 'C', arg: false },
  { name: 'version', val: 'V', arg: false },
  // real long options the lab refuses plainly
  ...[
    'ctime',
    'human',
    'follow',
    'follow-new',
    'reltime',
    'color',
    'nopager',
    'facility',
    'userspace',
    'buffer-size',
    'console-level',
    'console-off',
    'console-on',
    'file',
    'syslog',
    'show-delta',
    'force-prefix',
    'time-format',
    'since',
    'until',
    'json',
    'help',
  ].map((n) => ({
    name: n,
    val: `!${n}`,
    arg: ['facility', 'buffer-size', 'console-level', 'file', 'time-format', 'since', 'until', 'color'].includes(n),
  })),
]

/** `[%5lu.%06lu] `: the time since boot. */
export function bootStamp(ms: number): string {
  const us = Math.round(ms * 1000)
  const sec = Math.floor(us / 1e6)
  return `[${String(sec).padStart(5)}.${String(us % 1e6).padStart(6, '0')}] `
}

/** dmesg's `-l` list: comma-separated level names (parse_level()). */
function parseLevels(list: string): Set<number> | string {
  const out = new Set<number>()
  for (const w of list.split(',')) {
    const k = LEVEL_NAMES.indexOf(w.toLowerCase())
    if (k < 0) return `unknown level '${w}'`
    out.add(k)
  }
  return out
}

export function dmesg(kmsg: Kmsg, args: readonly string[]): CommandResult {
  const p = getopt('dmesg', args, 'trxl:kcCV', LONGS, 1, 'THwWeLfusnDEFSPp')
  if (isFailure(p)) return p
  let notime = false
  let raw = false
  let decode = false
  let levels: Set<number> | null = null
  let readClear = false
  let clearOnly = false
  for (const o of p.options) {
    if (o.opt.startsWith('!')) return usageError('dmesg', `option not supported in this lab -- '--${o.opt.slice(1)}'`)
    if (o.opt === 't') notime = true
    else if (o.opt === 'r') raw = true
    else if (o.opt === 'x') decode = true
    else if (o.opt === 'l') {
      const l = parseLevels(o.arg as string)
      if (typeof l === 'string') return { stdout: '', stderr: `dmesg: ${l}\n`, exit: 1 }
      levels = l
    } else if (o.opt === 'c') readClear = true
    else if (o.opt === 'C') clearOnly = true
    else if (o.opt === 'V') return { stdout: 'dmesg from util-linux 2.38.1\n', stderr: '', exit: 0 }
  }
  if (p.operands.length) return usageError('dmesg', 'bad usage')
  if (clearOnly) {
    kmsg.clear()
    return { stdout: '', stderr: '', exit: 0 }
  }
  const line = (r: KmsgRecord): string => {
    const time = notime ? '' : bootStamp(r.ms)
    if (raw) return `<${r.level}>${time}${r.text}\n`
    const pre = decode ? `${'kern'.padEnd(6)}:${LEVEL_NAMES[r.level].padEnd(6)}: ` : ''
    return `${pre}${time}${r.text}\n`
  }
  const stdout = kmsg
    .readable()
    .filter((r) => !levels || levels.has(r.level))
    .map(line)
    .join('')
  if (readClear) kmsg.clear()
  return { stdout, stderr: '', exit: 0 }
}
