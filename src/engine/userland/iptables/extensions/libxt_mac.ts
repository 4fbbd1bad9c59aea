import type { MacMatch } from '../../../netfilter/rule'
import { perr } from '../errors'
import type { OptDef } from '../getopt'

/**
 * The mac match, iptables' side: extensions/libxt_mac.c (1.8.9) — mac_opts (XTTYPE_ETHERMAC,
 * XTOPT_MAND | XTOPT_INVERT), its help, xtopt_parse_ethermac() (six hex fields of at most two
 * digits, colon-separated), mac_print() and mac_save() through xtables_print_mac(). The
 * packet-time test and the hooks the kernel allows it in: netfilter/xt_mac.ts.
 */

export const MAC_OPTIONS: OptDef[] = [{ name: 'mac-source', arg: 'required', val: 'mac:mac-source' }]

export const MAC_HELP = 'mac match options:\n[!] --mac-source XX:XX:XX:XX:XX:XX\n\t\t\t\tMatch source MAC address\n'

/** strtoul(arg, &end, 16) as xtopt_parse_ethermac() uses it: the value and how many characters it read. */
function hexField(s: string): { value: number; used: number } {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/.exec(s)
  if (!m) return { value: 0, used: 0 }
  const v = Number.parseInt(m[2].slice(-8), 16)
  return { value: (m[1] === '-' ? -v : v) & 255, used: m[0].length }
}

/** xtopt_parse_ethermac(), then mac_parse()'s invert. */
export function parseMac(current: MacMatch | null, arg: string, invert: boolean): MacMatch {
  if (current) throw perr('mac: option "--mac-source" can only be used once.\n')
  const bytes: number[] = []
  let rest = arg
  for (let i = 0; i < 6; i++) {
    const { value, used } = hexField(rest)
    const end = rest.slice(used)
    const last = i === 5
    if ((last ? end !== '' : !end.startsWith(':')) || used > 2) throw perr('Invalid MAC address specified.')
    bytes.push(value)
    rest = end.slice(1)
  }
  return { name: 'mac', mac: bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'), inv: invert }
}

/** XTOPT_MAND. */
export function checkMac(current: MacMatch | null): void {
  if (!current) throw perr('mac: option "--mac-source" must be specified\n')
}

/** mac_print(). */
export const printMac = (m: MacMatch): string => ` MAC ${m.inv ? '! ' : ''}${m.mac}`

/** mac_save(). */
export const saveMac = (m: MacMatch): string => ` -m mac${m.inv ? ' !' : ''} --mac-source ${m.mac}`
