import { formatIPv4, prefixLength } from '../../net/ipv4'
import type { AddrMask, Rule } from '../../netfilter/rule'
import type { Chain, RuleSet, Table } from '../../netfilter/tables'
import { u32 } from '../../netfilter/xt_mark'
import { listText, saveMatchesText, saveTargetText } from './extensions'
import { targetColumn } from './extensions/libxt_standard'
import type { Parsed } from './parse'
import { ipaddrToAnyname, protoName } from './xtables'

/**
 * What `iptables -L` (with -n -v -x --line-numbers), `-S` and the `-v` echo of a rule print:
 * iptables/nft.c print_header(), print_firewall() (FMT_* columns), xshared.c save_rule_details(),
 * libxtables xtables_print_num() and xtables_ipaddr_to_anyname(). The matches' and target's own
 * text comes from their extensions (extensions/libxt_*.ts).
 */

/** An address column: `0.0.0.0/0`, `192.168.100.100`, `10.0.0.0/24`; `anywhere` without -n. */
export function addrText(a: AddrMask, numeric: boolean): string {
  if (!numeric && a.mask === 0) return 'anywhere'
  // xtables_ipaddr_to_anyname(): /etc/hosts first, then /etc/networks (Debian's), else numeric
  const host = numeric ? formatIPv4(a.addr) : ipaddrToAnyname(a.addr)
  if (u32(a.mask) === 0xffffffff) return host
  const len = prefixLength(a.mask)
  return `${host}/${len >= 0 ? len : formatIPv4(a.mask)}`
}

const maskSave = (mask: number): string => {
  const len = prefixLength(mask)
  return len >= 0 ? String(len) : formatIPv4(mask)
}

/** One rule as `iptables -S` and `iptables-save` print it. */
export function saveText(chain: string, r: Rule, counters: boolean): string {
  let s = `-A ${chain}`
  if (r.src.mask !== 0 || r.srcInv) s += `${r.srcInv ? ' !' : ''} -s ${formatIPv4(r.src.addr)}/${maskSave(r.src.mask)}`
  if (r.dst.mask !== 0 || r.dstInv) s += `${r.dstInv ? ' !' : ''} -d ${formatIPv4(r.dst.addr)}/${maskSave(r.dst.mask)}`
  if (r.inIface !== null && r.inIface !== '+') s += `${r.inIfaceInv ? ' !' : ''} -i ${r.inIface}`
  if (r.outIface !== null && r.outIface !== '+') s += `${r.outIfaceInv ? ' !' : ''} -o ${r.outIface}`
  if (r.proto !== 0 || r.protoInv) s += `${r.protoInv ? ' !' : ''} -p ${protoName(r.proto)}`
  if (r.frag) s += `${r.frag === 2 ? ' !' : ''} -f`
  s += saveMatchesText(r.matches)
  if (counters) s += ` -c ${r.pkts} ${r.bytes}`
  s += saveTargetText(r.target)
  return s
}

/** xtables_print_num(): `%5llu ` up to 99999, then K/M/G/T with rounding; `-x`: `%8llu `. */
function num(n: number, exact: boolean, padded = true): string {
  if (exact) return padded ? `${String(n).padStart(8)} ` : `${n} `
  if (n <= 99999) return padded ? `${String(n).padStart(5)} ` : `${n} `
  let v = n
  for (const unit of ['K', 'M', 'G']) {
    v = Math.floor((v + 500) / 1000)
    if (v <= 9999) return padded ? `${String(v).padStart(4)}${unit} ` : `${v}${unit} `
  }
  v = Math.floor((v + 500) / 1000)
  return padded ? `${String(v).padStart(4)}T ` : `${v}T `
}

interface ListFormat {
  numeric: boolean
  verbose: boolean
  exact: boolean
  lineNumbers: boolean
}

const targetName = (r: Rule): string => targetColumn(r.target)

const fragText = (r: Rule): string => (r.frag === 0 ? '--' : r.frag === 1 ? '-f' : '!f')

function ifaceText(name: string | null, inv: boolean, numeric: boolean): string {
  return (inv ? '!' : '') + (name !== null ? name : numeric ? '*' : 'any')
}

function headerText(rs: RuleSet, t: Table, c: Chain, f: ListFormat): string {
  let s = `Chain ${c.name}`
  if (c.builtin) {
    s += ` (policy ${c.policy}`
    if (f.verbose) s += ` ${num(c.pkts, f.exact, false)}packets, ${num(c.bytes, f.exact, false)}bytes`
    s += ')\n'
  } else s += ` (${rs.references(t, c.name)} references)\n`
  if (f.lineNumbers) s += 'num  '
  if (f.verbose) s += f.exact ? '    pkts      bytes ' : ' pkts bytes '
  s += 'target     prot opt '
  if (f.verbose) s += 'in     out     '
  s += 'source               destination         \n'
  return s
}

function ruleLine(r: Rule, n: number, f: ListFormat): string {
  let s = ''
  if (f.lineNumbers) s += `${String(n).padEnd(4)} `
  if (f.verbose) s += num(r.pkts, f.exact) + num(r.bytes, f.exact)
  s += `${targetName(r).padEnd(9)} `
  s += r.protoInv ? '!' : ' '
  // 1.8.9 prints the protocol number under -n, even for tcp (proto_to_name() with nolookup)
  s += `${(f.numeric ? String(r.proto) : protoName(r.proto)).padEnd(4)} `
  s += `${fragText(r)} `
  if (f.verbose)
    s += ` ${ifaceText(r.inIface, r.inIfaceInv, f.numeric).padEnd(6)} ${ifaceText(r.outIface, r.outIfaceInv, f.numeric).padEnd(6)} `
  s += `${r.srcInv ? '!' : ' '}${addrText(r.src, f.numeric).padEnd(19)} `
  s += `${r.dstInv ? '!' : ' '}${addrText(r.dst, f.numeric).padEnd(19)} `
  if (r.target?.kind === 'goto') s += '[goto] '
  return `${s}${listText(r, f.numeric)}\n`
}

/** The rule as `-v` echoes it for -A/-I/-D/-C (FMT_PRINT_RULE: one line, no columns). */
export function printRuleText(r: Rule): string {
  let s = `${targetName(r)} ${r.protoInv ? '!' : ' '}${protoName(r.proto)} opt ${fragText(r)} `
  s += `in ${ifaceText(r.inIface, r.inIfaceInv, true)} out ${ifaceText(r.outIface, r.outIfaceInv, true)} `
  s += `${r.srcInv ? '!' : ' '}${addrText(r.src, true)} `
  s += `${r.dstInv ? '!' : ' '}-> ${addrText(r.dst, true)}  `
  if (r.target?.kind === 'goto') s += '[goto] '
  return `${s}${listText(r, true)}\n`
}

export function listChains(rs: RuleSet, t: Table, p: Parsed): string {
  const f: ListFormat = { numeric: p.numeric, verbose: p.verbose, exact: p.exact, lineNumbers: p.lineNumbers }
  if (p.chain) {
    const c = t.chains.get(p.chain) as Chain
    if (p.rulenum > 0) {
      const r = c.rules[p.rulenum - 1]
      return r ? ruleLine(r, p.rulenum, f) : ''
    }
    return headerText(rs, t, c, f) + c.rules.map((r, i) => ruleLine(r, i + 1, f)).join('')
  }
  return rs
    .orderedChains(t)
    .map((c) => headerText(rs, t, c, f) + c.rules.map((r, i) => ruleLine(r, i + 1, f)).join(''))
    .join('\n')
}

function policyLine(c: Chain, counters: boolean): string {
  return c.builtin ? `-P ${c.name} ${c.policy}${counters ? ` -c ${c.pkts} ${c.bytes}` : ''}\n` : `-N ${c.name}\n`
}

export function listRules(rs: RuleSet, t: Table, p: Parsed): string {
  if (p.chain) {
    const c = t.chains.get(p.chain) as Chain
    if (p.rulenum > 0) {
      const r = c.rules[p.rulenum - 1]
      return r ? `${saveText(c.name, r, p.verbose)}\n` : ''
    }
    return policyLine(c, p.verbose) + c.rules.map((r) => `${saveText(c.name, r, p.verbose)}\n`).join('')
  }
  const chains = rs.orderedChains(t)
  return (
    chains.map((c) => policyLine(c, p.verbose)).join('') +
    chains.flatMap((c) => c.rules.map((r) => `${saveText(c.name, r, p.verbose)}\n`)).join('')
  )
}
