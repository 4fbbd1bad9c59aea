/**
 * Tab completion at the console, by context: the command (after a pipe too), then what the word
 * before the cursor's word asks for — `ipvsadm … -s` the schedulers, `-r` the real servers
 * configured (of the service named by -t/-u/-f, if any), `-t`/`-u`/`-f` the services configured,
 * `iptables -t` the tables, `-A`… the table's chains, `sysctl` the keys, `cat` the /proc files,
 * `lab-fault` the real servers then the faults —
 * and options after `-`. The configuration comes from the store (`services`); the word lists are
 * the engine's own data (the engine itself runs in the worker). No candidate: nothing to complete.
 */

import { KERNEL_SCHEDULER_NAMES } from '../engine/ipvs/schedulers/names'
import { SYSCTL_KEYS, SYSCTL_NAMES } from '../engine/ipvs/sysctl'
import { LAB_FAULT_KINDS } from '../engine/keepalived/labFault'
import { TABLES } from '../engine/netfilter/tableNames'
import { DIRECTOR_COMMANDS, PROC_FILES, PROC_SYSCTL_DIR } from '../engine/userland/commandNames'
import { IPTABLES_MATCHES, IPTABLES_OPTION_WORDS, IPTABLES_TARGETS } from '../engine/userland/iptables/extensions'
import { IPVSADM_OPTION_WORDS } from '../engine/userland/ipvsadm/options'
import type { ServiceView } from '../worker/protocol'

/** What completion knows of the configuration: the services as the store holds them (`family` absent: IPv4). */
export type CompletionServices = readonly (Pick<ServiceView, 'label' | 'destinations'> & {
  family?: ServiceView['family']
})[]

export interface Completion {
  /** The line completed as far as the candidates agree. */
  line: string
  /** Every word that fits, sorted (several: shown as a hint). */
  candidates: string[]
}

const PROC_PATHS = [...PROC_FILES, ...SYSCTL_NAMES.map((k) => `${PROC_SYSCTL_DIR}${k}`)]
/** The options of the text utilities a director pipes through (coreutils 9.1's common ones). */
const TEXT_OPTIONS: Record<string, string[]> = {
  head: ['-n', '-c', '-q', '-v', '--lines=', '--bytes=', '--quiet', '--verbose'],
  tail: ['-n', '-c', '-q', '-v', '--lines=', '--bytes=', '--quiet', '--verbose'],
  wc: ['-l', '-w', '-c', '-m', '-L', '--lines', '--words', '--bytes', '--chars', '--max-line-length'],
  sort: [
    '-n',
    '-r',
    '-k',
    '-t',
    '-u',
    '-s',
    '-b',
    '-f',
    '--numeric-sort',
    '--reverse',
    '--key=',
    '--field-separator=',
    '--unique',
    '--stable',
  ],
  uniq: ['-c', '-d', '-u', '-i', '-f', '-s', '-w', '--count', '--repeated', '--unique', '--ignore-case'],
  grep: ['-v', '-c', '-i', '-x', '-q', '-E', '-F', '-e'],
  sysctl: ['-a', '-e', '-n', '-N', '-q', '-w', '-p', '-r', '--system'],
  'ipvsadm-save': ['-n'],
}
const IPTABLES_CHAIN_OPTIONS = new Set([
  '-A',
  '--append',
  '-I',
  '--insert',
  '-D',
  '--delete',
  '-R',
  '--replace',
  '-L',
  '--list',
  '-S',
  '--list-rules',
  '-F',
  '--flush',
  '-Z',
  '--zero',
  '-P',
  '--policy',
  '-X',
  '--delete-chain',
])

function commonPrefix(words: string[]): string {
  if (words.length === 0) return ''
  let p = words[0]
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1)
  return p
}

/** The value after `opt` (or one of its names) in `words`, if given. */
function optionValue(words: readonly string[], names: readonly string[]): string | null {
  for (let i = words.length - 2; i >= 0; i--) if (names.includes(words[i])) return words[i + 1]
  return null
}

/**
 * The services in the form ipvsadm's option for their kind takes: `-t`/`-u` address:port
 * (`[2001:db8::10]:80` for IPv6), `-f` the mark (`9 -6` for an IPv6 fwmark service).
 */
function servicesOf(services: CompletionServices, kind: 'TCP' | 'UDP' | 'FWM'): string[] {
  return services
    .filter((s) => s.label.startsWith(`${kind} `))
    .map((s) => {
      const v = s.label.slice(kind.length + 1).trim()
      return kind === 'FWM' && s.family === 'inet6' ? `${v} -6` : v
    })
}

/** A real server's address as `-r` takes it, from its label: `192.168.8.101`, `2001:db8:8::101` (no brackets, no port). */
const rsAddress = (label: string): string => {
  const a = label.replace(/:\d+$/, '')
  return a.startsWith('[') ? a.slice(1, -1) : a
}

/** The real servers' addresses: of the service the line names (-t/-u/-f), else of every service. */
function realServersOf(services: CompletionServices, words: readonly string[]): string[] {
  const named = (
    [
      ['TCP', ['-t', '--tcp-service']],
      ['UDP', ['-u', '--udp-service']],
      ['FWM', ['-f', '--fwmark-service']],
    ] as const
  )
    .map(([kind, names]) => {
      const v = optionValue(words, names)
      return v === null ? null : `${kind} ${v}`
    })
    .find((l) => l !== null)
  // `-f 9 -6` names the IPv6 fwmark service 9
  const v6 = words.includes('-6') || words.includes('--ipv6')
  const pool = named
    ? services.filter((s) => s.label === named && (!named.startsWith('FWM') || (s.family === 'inet6') === v6))
    : services
  return (pool.length > 0 ? pool : services).flatMap((s) => s.destinations.map((d) => rsAddress(d.label)))
}

/** The words that may stand where the cursor's word is, and what follows a single match. */
function wordsFor(
  words: readonly string[],
  word: string,
  services: CompletionServices,
): { pool: string[]; after: string } {
  const cmd = words[0]
  const prev = words[words.length - 1] ?? ''
  if (cmd === 'ipvsadm') {
    if (prev === '-s' || prev === '--scheduler') return { pool: [...KERNEL_SCHEDULER_NAMES], after: ' ' }
    if (prev === '-r' || prev === '--real-server') return { pool: realServersOf(services, words), after: ' ' }
    if (prev === '-t' || prev === '--tcp-service') return { pool: servicesOf(services, 'TCP'), after: ' ' }
    if (prev === '-u' || prev === '--udp-service') return { pool: servicesOf(services, 'UDP'), after: ' ' }
    if (prev === '-f' || prev === '--fwmark-service') return { pool: servicesOf(services, 'FWM'), after: ' ' }
    return { pool: word.startsWith('-') ? [...IPVSADM_OPTION_WORDS] : [], after: ' ' }
  }
  if (cmd.startsWith('iptables') && !cmd.endsWith('save')) {
    if (prev === '-t' || prev === '--table') return { pool: Object.keys(TABLES), after: ' ' }
    if (IPTABLES_CHAIN_OPTIONS.has(prev))
      return { pool: [...(TABLES[optionValue(words, ['-t', '--table']) ?? 'filter'] ?? [])], after: ' ' }
    if (prev === '-j' || prev === '--jump') return { pool: [...IPTABLES_TARGETS], after: ' ' }
    if (prev === '-m' || prev === '--match') return { pool: [...IPTABLES_MATCHES], after: ' ' }
    if (prev === '-p' || prev === '--protocol') return { pool: ['tcp', 'udp'], after: ' ' }
    return { pool: word.startsWith('-') ? [...IPTABLES_OPTION_WORDS] : [], after: ' ' }
  }
  if (cmd === 'lab-fault') {
    // the lab's own line: a real server's address, then what it does
    if (words.length === 1) return { pool: realServersOf(services, words).filter((a) => !a.includes(':')), after: ' ' }
    if (words.length === 2) return { pool: [...LAB_FAULT_KINDS], after: ' ' }
    return { pool: [], after: ' ' }
  }
  if (cmd === 'sysctl') {
    if (word.startsWith('-')) return { pool: TEXT_OPTIONS.sysctl, after: ' ' }
    // `sysctl -w key=value`: the key, then its `=`
    return { pool: [...SYSCTL_KEYS], after: words.some((w) => /^-[aenNq]*w$|^--write$/.test(w)) ? '=' : ' ' }
  }
  if (word.startsWith('-')) return { pool: TEXT_OPTIONS[cmd] ?? [], after: ' ' }
  if (['cat', 'head', 'tail', 'wc', 'sort', 'uniq', 'grep'].includes(cmd) && word.startsWith('/'))
    return { pool: PROC_PATHS, after: ' ' }
  return { pool: [], after: ' ' }
}

/** Complete the last word of a console line. */
export function complete(line: string, services: CompletionServices): Completion {
  const m = /(\S*)$/.exec(line)
  const word = m ? m[1] : ''
  const head = line.slice(0, line.length - word.length)
  // the command the word belongs to: after the last |, ;, && or ||
  const segment = head.split(/\|\|?|;|&&/).pop() ?? ''
  const words = segment.trim().split(/\s+/).filter(Boolean)
  const { pool, after } =
    words.length === 0 ? { pool: [...DIRECTOR_COMMANDS] as string[], after: ' ' } : wordsFor(words, word, services)
  // an IPv6 service is written in brackets: `-t 2001:db8` finds `[2001:db8::10]:80` too
  const candidates = [
    ...new Set(
      pool.filter((w) => w.startsWith(word) || (w.startsWith('[') && word !== '' && w.startsWith(`[${word}`))),
    ),
  ].sort()
  if (candidates.length === 0) return { line, candidates }
  if (candidates.length === 1) {
    const w = candidates[0]
    return { line: `${head}${w}${w.endsWith('=') ? '' : after}`, candidates }
  }
  return { line: `${head}${commonPrefix(candidates)}`, candidates }
}
