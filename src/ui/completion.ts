// the option and scheduler lists only: the engine itself runs in the worker

import { KERNEL_SCHEDULER_NAMES } from '../engine/ipvs/schedulers/names'
import { IPTABLES_OPTION_WORDS } from '../engine/userland/iptables/extensions'
import { IPVSADM_OPTION_WORDS } from '../engine/userland/ipvsadm/options'
import type { ServiceView } from '../worker/protocol'

const IPVSADM_OPTIONS = [...IPVSADM_OPTION_WORDS]
const IPTABLES_OPTIONS = [...IPTABLES_OPTION_WORDS]
const WORDS_AFTER = [
  'mangle',
  'PREROUTING',
  'MARK',
  'ACCEPT',
  'RETURN',
  'DROP',
  'tcp',
  'udp',
  'multiport',
  'mark',
  'eth0',
  ...KERNEL_SCHEDULER_NAMES,
]
const COMMANDS = [
  'ipvsadm',
  'ipvsadm-save',
  'ipvsadm-restore',
  'iptables',
  'iptables-save',
  'iptables-legacy',
  'sysctl',
  'cat',
  'echo',
  'grep',
  'printf',
]

function commonPrefix(words: string[]): string {
  if (words.length === 0) return ''
  let p = words[0]
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1)
  return p
}

/** Complete the last word of a console line: commands, options, then the addresses in use. */
export function complete(line: string, services: ServiceView[]): { line: string; candidates: string[] } {
  const m = /(\S*)$/.exec(line)
  const word = m ? m[1] : ''
  const head = line.slice(0, line.length - word.length)
  const first = head.trim().split(/\s+/)[0] ?? ''
  let pool: string[]
  if (head.trim() === '') pool = COMMANDS
  else if (word.startsWith('-')) pool = first.startsWith('iptables') ? IPTABLES_OPTIONS : IPVSADM_OPTIONS
  else {
    const vips = services.filter((s) => !s.label.startsWith('FWM')).map((s) => s.label.split(' ')[1])
    const rs = services.flatMap((s) => s.destinations.map((d) => d.label.split(':')[0]))
    pool = [...new Set([...vips, ...rs, ...vips.map((v) => v.split(':')[0]), ...WORDS_AFTER])]
  }
  const candidates = [...new Set(pool.filter((w) => w.startsWith(word)))].sort()
  if (candidates.length === 0) return { line, candidates }
  if (candidates.length === 1) return { line: `${head}${candidates[0]} `, candidates }
  return { line: `${head}${commonPrefix(candidates)}`, candidates }
}
