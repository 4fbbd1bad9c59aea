import type { CommandResult } from '../cli/ipvsadm/parse'
import { IptError, IptOutput, type Parsed, parseIptables } from './parse'
import { addrText, listText, nftDecode, protoName, type Rule, sameRule, saveText } from './rule'
import { type Chain, type Netfilter, type RuleSet, TABLES, type Table } from './tables'

/**
 * Running `iptables` / `iptables-legacy` and `iptables-save` / `iptables-legacy-save` v1.8.9
 * against the director's rule sets: the checks after parsing (table, rule build, jump targets),
 * each command's semantics and failure texts (nft_strerror() / libiptc's), the listings and the
 * save format. Spec: iptables/xtables.c, nft.c, nft-cmd.c, xshared.c, xtables-save.c.
 */

const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n"
const PERHAPS = 'Perhaps iptables or your kernel needs to be upgraded.\n'

type Variant = 'nf_tables' | 'legacy'

function errorResult(e: IptError, variant: Variant, stdout = ''): CommandResult {
  let stderr = e.prefixed ? `iptables v1.8.9 (${variant}): ${e.text}\n` : e.text ? `${e.text}\n` : ''
  if (e.hint && e.status === 2) stderr += TRY
  if (e.hint && e.status === 3) stderr += PERHAPS
  return { stdout, stderr, exit: e.status }
}

/** A failed operation: `iptables: <strerror text>.` and exit 1 (EINVAL adds the dmesg hint). */
const opFail = (text: string, einval = false): IptError =>
  new IptError(1, `iptables: ${text}.${einval ? " Run `dmesg' for more information." : ''}`, false, false)
const NO_CHAIN = () => opFail('No chain/target/match by that name')
const BAD_RULE = () => opFail('Bad rule (does a matching rule exist in that chain?)')
/** The kernel refused iptables-nft's netlink batch (exit 4; note the two spaces). */
const batchFail = (op: string, why: string, object: string): IptError =>
  new IptError(4, ` ${op} failed (${why}): ${object}`, true, false)

const isBuiltinName = (t: Table, name: string): boolean => TABLES[t.name].includes(name)

/** Does the chain exist for commands that need it (nf_tables creates base chains lazily)? */
function chainExists(t: Table, name: string): boolean {
  const c = t.chains.get(name)
  return !!c && (!c.builtin || t.createdBuiltins.has(name))
}

function createBuiltin(t: Table, name: string): void {
  t.exists = true
  t.createdBuiltins.add(name)
}

// ---------------------------------------------------------------- counters and listing text

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

const targetName = (r: Rule): string =>
  !r.target ? '' : r.target.kind === 'MARK' ? 'MARK' : r.target.kind === 'verdict' ? r.target.verdict : r.target.chain

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
function printRuleText(r: Rule): string {
  let s = `${targetName(r)} ${r.protoInv ? '!' : ' '}${protoName(r.proto)} opt ${fragText(r)} `
  s += `in ${ifaceText(r.inIface, r.inIfaceInv, true)} out ${ifaceText(r.outIface, r.outIfaceInv, true)} `
  s += `${r.srcInv ? '!' : ' '}${addrText(r.src, true)} `
  s += `${r.dstInv ? '!' : ' '}-> ${addrText(r.dst, true)}  `
  if (r.target?.kind === 'goto') s += '[goto] '
  return `${s}${listText(r, true)}\n`
}

function listChains(rs: RuleSet, t: Table, p: Parsed): string {
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

function listRules(rs: RuleSet, t: Table, p: Parsed): string {
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

// ---------------------------------------------------------------- checks before the operation

/**
 * Would this table's jumps form a loop reachable from a built-in chain? Both kernels check only
 * what a packet can reach (mark_source_chains() walks from the hooks; nf_tables validates chains
 * bound to a base chain): a loop among unreferenced user chains is accepted.
 */
function hasLoop(t: Table): boolean {
  const state = new Map<string, 1 | 2>()
  const visit = (name: string): boolean => {
    const s = state.get(name)
    if (s === 1) return true
    if (s === 2) return false
    state.set(name, 1)
    for (const r of t.chains.get(name)?.rules ?? [])
      if (
        (r.target?.kind === 'jump' || r.target?.kind === 'goto') &&
        t.chains.has(r.target.chain) &&
        visit(r.target.chain)
      )
        return true
    state.set(name, 2)
    return false
  }
  return [...t.chains.values()].some((c) => c.builtin && visit(c.name))
}

const RULE_OPS: Record<string, string> = { A: 'RULE_APPEND', I: 'RULE_INSERT', R: 'RULE_REPLACE' }

/** Rule build and commit-time checks: tcp/udp need their protocol, jump targets must exist. */
function checkRules(t: Table, p: Parsed, legacy: boolean): void {
  for (const r of p.rules) {
    for (const m of r.matches) {
      if (m.name !== 'tcp' && m.name !== 'udp') continue
      const want = m.name === 'tcp' ? 6 : 17
      if (r.proto === want && !r.protoInv) continue
      const empty = nftDecode({ ...r, matches: [m] }).matches.length === 0
      const hasData = !!(m.sport || m.dport || m.flagsMask || m.flagsInv)
      if (legacy) {
        // the kernel's xt_check_match() refuses it
        if (p.cmd === 'A' || p.cmd === 'I' || p.cmd === 'R') throw opFail('Invalid argument', true)
      } else if (hasData && !empty) throw new IptError(2, `${m.name.toUpperCase()} match requires '-p ${m.name}'`)
      else if (RULE_OPS[p.cmd]) throw batchFail(RULE_OPS[p.cmd], 'Invalid argument', `rule in chain ${p.chain}`)
    }
    const tg = r.target
    if (tg?.kind === 'jump' || tg?.kind === 'goto') {
      const user = t.chains.get(tg.chain)
      if (legacy) {
        if (!user) throw new IptError(2, `Couldn't load target \`${tg.chain}':No such file or directory\n`)
        if (user.builtin && RULE_OPS[p.cmd]) throw opFail('Invalid argument', true)
      } else {
        if (!user) throw new IptError(2, `Chain '${tg.chain}' does not exist`)
        // nf_tables refuses a jump to a base chain (nft_verdict_init())
        if (user.builtin && RULE_OPS[p.cmd])
          throw batchFail(RULE_OPS[p.cmd], 'Operation not supported', `rule in chain ${p.chain}`)
      }
    }
  }
}

// ---------------------------------------------------------------- the commands

interface Ctx {
  nf: Netfilter
  rs: RuleSet
  t: Table
  p: Parsed
  legacy: boolean
  stdout: string
  stderr: string
}

/** Insert rules, refusing the change if it would create a loop of jumps. */
function insertChecked(ctx: Ctx, c: Chain, at: number, rules: Rule[]): void {
  const before = c.rules.slice()
  c.rules.splice(at, 0, ...rules)
  if (hasLoop(ctx.t)) {
    c.rules = before
    if (ctx.legacy) throw opFail('Too many levels of symbolic links')
    throw batchFail(
      RULE_OPS[ctx.p.cmd] ?? 'RULE_APPEND',
      'Too many levels of symbolic links',
      `rule in chain ${c.name}`,
    )
  }
}

function needChain(ctx: Ctx, onMissing: () => IptError, create = false): Chain {
  const { t, p } = ctx
  const c = t.chains.get(p.chain)
  if (!c) throw onMissing()
  if (c.builtin && !t.createdBuiltins.has(c.name)) {
    if (!create) throw onMissing()
    createBuiltin(t, c.name)
  }
  return c
}

function zeroChain(c: Chain, rulenum = 0): void {
  if (rulenum > 0) {
    const r = c.rules[rulenum - 1]
    r.pkts = 0
    r.bytes = 0
    return
  }
  for (const r of c.rules) {
    r.pkts = 0
    r.bytes = 0
  }
  c.pkts = 0
  c.bytes = 0
}

function runCommand(ctx: Ctx): void {
  const { rs, t, p, legacy } = ctx
  const stored = (r: Rule): Rule => (legacy ? r : nftDecode(r))
  const echo = (rules: Rule[]) => {
    if (p.verbose) for (const r of rules) ctx.stdout += printRuleText(r)
  }
  switch (p.cmd) {
    case 'A': {
      const c = needChain(ctx, NO_CHAIN, isBuiltinName(t, p.chain))
      echo(p.rules)
      insertChecked(ctx, c, c.rules.length, p.rules.map(stored))
      return
    }
    case 'I': {
      const c = t.chains.get(p.chain)
      if (!c) throw NO_CHAIN()
      if (p.rulenum > c.rules.length + 1) throw opFail('Index of insertion too big')
      if (c.builtin) createBuiltin(t, c.name)
      echo(p.rules)
      // each address pair is inserted at the same position in turn, so they end up reversed
      for (const r of p.rules) insertChecked(ctx, c, p.rulenum - 1, [stored(r)])
      return
    }
    case 'R': {
      const c = needChain(ctx, NO_CHAIN)
      if (p.rulenum > c.rules.length) throw opFail('Index of replacement too big')
      const old = c.rules[p.rulenum - 1]
      c.rules.splice(p.rulenum - 1, 1)
      try {
        insertChecked(ctx, c, p.rulenum - 1, [stored(p.rules[0])])
      } catch (e) {
        c.rules.splice(p.rulenum - 1, 0, old)
        throw e
      }
      return
    }
    case 'D': {
      if (p.deleteByNum) {
        const c = needChain(ctx, NO_CHAIN)
        if (p.rulenum > c.rules.length) throw opFail('Index of deletion too big')
        c.rules.splice(p.rulenum - 1, 1)
        return
      }
      const c = needChain(ctx, BAD_RULE)
      echo(p.rules)
      for (const r of p.rules) {
        const want = stored(r)
        const i = c.rules.findIndex((x) => sameRule(x, want))
        // libiptc reports a missing rule with an extension target (MARK) by its generic ENOENT text
        if (i < 0) throw legacy && want.target?.kind === 'MARK' ? NO_CHAIN() : BAD_RULE()
        c.rules.splice(i, 1)
      }
      return
    }
    case 'C': {
      const c = needChain(ctx, BAD_RULE)
      echo(p.rules)
      for (const r of p.rules) {
        const want = stored(r)
        if (!c.rules.some((x) => sameRule(x, want))) throw BAD_RULE()
      }
      return
    }
    case 'L':
    case 'S': {
      if (p.chain && !t.chains.has(p.chain)) {
        if (legacy) throw NO_CHAIN()
        throw new IptError(1, `chain \`${p.chain}' in table \`${t.name}' is incompatible, use 'nft' tool.`, true, false)
      }
      if (!legacy && [...ctx.nf.legacy.tables.values()].some((x) => x.exists))
        ctx.stderr += '# Warning: iptables-legacy tables present, use iptables-legacy to see them\n'
      ctx.stdout += p.cmd === 'L' ? listChains(rs, t, p) : listRules(rs, t, p)
      if (p.zeroToo) zeroCommand(ctx)
      return
    }
    case 'Z':
      zeroCommand(ctx)
      return
    case 'F': {
      if (p.chain) {
        const c = needChain(ctx, NO_CHAIN, isBuiltinName(t, p.chain))
        if (p.verbose) ctx.stdout += `Flushing chain \`${c.name}'\n`
        c.rules = []
        return
      }
      for (const c of rs.orderedChains(t)) {
        if (p.verbose) {
          ctx.stdout += `Flushing chain \`${c.name}'\n`
          if (c.builtin && !legacy) createBuiltin(t, c.name)
        }
        c.rules = []
      }
      return
    }
    case 'N': {
      if (t.chains.has(p.chain)) throw opFail('Chain already exists')
      t.exists = true
      t.chains.set(p.chain, { name: p.chain, builtin: false, policy: 'ACCEPT', rules: [], pkts: 0, bytes: 0 })
      return
    }
    case 'X': {
      deleteChains(ctx)
      return
    }
    case 'E': {
      const to = p.newName as string
      if (t.chains.has(to)) throw opFail('File exists')
      const c = t.chains.get(p.chain)
      if (!c || c.builtin) throw NO_CHAIN()
      t.chains.delete(c.name)
      for (const x of t.chains.values())
        for (const r of x.rules)
          if ((r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === c.name)
            r.target = { ...r.target, chain: to }
      c.name = to
      t.chains.set(to, c)
      return
    }
    case 'P': {
      const policy = p.policy as string
      const badPolicy = policy !== 'ACCEPT' && policy !== 'DROP'
      const c = t.chains.get(p.chain)
      // nft_chain_set() checks the policy first; libiptc's iptc_set_policy() the chain
      if (!legacy && badPolicy) throw opFail('Bad policy name', true)
      if (!c?.builtin) throw opFail('Bad built-in chain name')
      if (badPolicy) throw opFail('Bad policy name', true)
      c.policy = policy
      if (legacy && p.counters) {
        c.pkts = p.counters.pkts
        c.bytes = p.counters.bytes
      }
      if (!legacy) createBuiltin(t, c.name)
      return
    }
  }
}

function zeroCommand(ctx: Ctx): void {
  const { rs, t, p, legacy } = ctx
  if (p.chain) {
    const c = needChain(ctx, NO_CHAIN)
    if (p.rulenum > c.rules.length) {
      if (legacy) throw opFail('Index of counter too big')
      return
    }
    if (p.verbose) ctx.stdout += `Zeroing chain \`${c.name}'\n`
    zeroChain(c, p.cmd === 'Z' ? p.rulenum : 0)
    return
  }
  for (const c of rs.orderedChains(t)) {
    if (!chainExists(t, c.name) && !legacy) continue
    if (p.verbose) ctx.stdout += `Zeroing chain \`${c.name}'\n`
    zeroChain(c)
  }
}

function deleteChains(ctx: Ctx): void {
  const { rs, t, p, legacy } = ctx
  const busy = (c: Chain) => batchFail('CHAIN_DEL', 'Device or resource busy', `chain ${c.name}`)
  const refuse = (c: Chain): IptError | null => {
    const refs = rs.references(t, c.name)
    if (legacy) return refs > 0 ? opFail('Too many links') : c.rules.length > 0 ? opFail('Directory not empty') : null
    return refs > 0 || c.rules.length > 0 ? busy(c) : null
  }
  if (p.chain) {
    const c = t.chains.get(p.chain)
    if (!c) throw NO_CHAIN()
    if (c.builtin) {
      if (legacy) throw opFail('Invalid argument', true)
      if (!t.createdBuiltins.has(c.name)) throw NO_CHAIN()
      if (c.policy === 'DROP') throw opFail('Directory not empty')
      if (c.rules.length > 0) throw busy(c)
      t.createdBuiltins.delete(c.name)
      return
    }
    const why = refuse(c)
    if (why) throw why
    if (p.verbose) ctx.stdout += `Deleting chain \`${c.name}'\n`
    t.chains.delete(c.name)
    return
  }
  const users = rs.orderedChains(t).filter((c) => !c.builtin)
  if (!legacy) {
    // one netlink batch: all or nothing
    for (const c of users) {
      const refsFromOutside = [...t.chains.values()].some(
        (x) =>
          (x.builtin || !users.includes(x)) &&
          x.rules.some((r) => (r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === c.name),
      )
      if (refsFromOutside || c.rules.length > 0) throw busy(c)
    }
  }
  for (const c of users) {
    if (legacy) {
      const why = refuse(c)
      if (why) throw why
    }
    if (p.verbose) ctx.stdout += `Deleting chain \`${c.name}'\n`
    t.chains.delete(c.name)
  }
  if (!legacy)
    for (const c of rs.orderedChains(t))
      if (c.builtin && c.rules.length === 0 && c.policy === 'ACCEPT') t.createdBuiltins.delete(c.name)
}

/**
 * `iptables ARGS` (nf_tables) or, with `legacy`, `iptables-legacy ARGS`: output, errors and exit
 * status as iptables v1.8.9 prints them; the rule set changes only when the command succeeds.
 */
export function runIptables(nf: Netfilter, argv: string[], legacy = false): CommandResult {
  const variant: Variant = legacy ? 'legacy' : 'nf_tables'
  const rs = legacy ? nf.legacy : nf.nft
  let p: Parsed
  try {
    p = parseIptables(argv, legacy)
  } catch (e) {
    if (e instanceof IptOutput) return { stdout: e.stdout, stderr: '', exit: 0 }
    if (e instanceof IptError) return errorResult(e, variant)
    throw e
  }
  const ctx: Ctx = { nf, rs, t: undefined as unknown as Table, p, legacy, stdout: '', stderr: p.warnings }
  try {
    const t = rs.tables.get(p.table)
    if (!t)
      throw legacy
        ? new IptError(
            3,
            `can't initialize iptables table \`${p.table}': Table does not exist (do you need to insmod?)`,
          )
        : new IptError(3, `table '${p.table}' does not exist`)
    ctx.t = t
    // iptables-legacy instantiates the table in the kernel on first use
    if (legacy) nf.instantiateLegacy(t)
    if (['A', 'I', 'R', 'D', 'C'].includes(p.cmd) && !(p.cmd === 'D' && p.deleteByNum)) checkRules(t, p, legacy)
    runCommand(ctx)
    nf.changed()
    return { stdout: ctx.stdout, stderr: ctx.stderr, exit: 0 }
  } catch (e) {
    nf.changed()
    if (!(e instanceof IptError)) throw e
    const r = errorResult(e, variant, ctx.stdout)
    return { ...r, stderr: ctx.stderr + r.stderr }
  }
}

// ---------------------------------------------------------------- iptables-save

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** ctime(3) in UTC: `Wed Nov 25 12:15:09 2026`. */
export function ctimeUtc(epochMs: number): string {
  const d = new Date(epochMs)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`
}

/** The order iptables-nft walks its tables in (nft.h NFT_TABLE_*). */
const NFT_SAVE_ORDER = ['mangle', 'security', 'raw', 'filter', 'nat']

function saveTable(rs: RuleSet, t: Table, counters: boolean, when: string, legacy: boolean): string {
  let s = `# Generated by iptables-save v1.8.9${legacy ? '' : ' (nf_tables)'} on ${when}\n*${t.name}\n`
  const chains = rs.orderedChains(t)
  for (const c of chains) s += c.builtin ? `:${c.name} ${c.policy} [${c.pkts}:${c.bytes}]\n` : `:${c.name} - [0:0]\n`
  for (const c of chains)
    for (const r of c.rules) s += `${counters ? `[${r.pkts}:${r.bytes}] ` : ''}${saveText(c.name, r, false)}\n`
  return `${s}COMMIT\n# Completed on ${when}\n`
}

/** `iptables-save [-c] [-t TABLE]` (or iptables-legacy-save); `epochMs` is the director's wall clock. */
export function runIptablesSave(nf: Netfilter, argv: string[], epochMs: number, legacy = false): CommandResult {
  const rs = legacy ? nf.legacy : nf.nft
  const prog = 'iptables-save'
  const usage = (msg: string): CommandResult => ({
    stdout: '',
    stderr: `${msg}\nLook at manual page \`${prog}.8' for more information.\n`,
    exit: 1,
  })
  const opt = { counters: false, table: null as string | null }
  let stderr = ''
  const longs: Record<string, { letter: string; arg: boolean }> = {
    counters: { letter: 'c', arg: false },
    version: { letter: 'V', arg: false },
    dump: { letter: 'd', arg: false },
    table: { letter: 't', arg: true },
    modprobe: { letter: 'M', arg: true },
    file: { letter: 'f', arg: true },
  }
  const shortArg: Record<string, boolean> = { b: false, c: false, d: false, t: true, M: true, f: true, V: false }
  const words: string[] = []
  const handle = (letter: string, arg: string | null): CommandResult | null => {
    if (letter === 'b') stderr += '-b/--binary option is not implemented\n'
    else if (letter === 'c') opt.counters = true
    else if (letter === 't') opt.table = arg
    else if (letter === 'V')
      return { stdout: `iptables-save v1.8.9 (${legacy ? 'legacy' : 'nf_tables'})\n`, stderr, exit: 0 }
    else if (letter === 'f')
      return { stdout: '', stderr: `${stderr}Failed to open file, error: Read-only file system\n`, exit: 1 }
    return null
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      for (const w of argv.slice(i + 1)) words.push(w)
      break
    }
    if (a.startsWith('--')) {
      const [name, value] = a.slice(2).split(/=(.*)/s, 2)
      const hits = Object.keys(longs).filter((k) => k.startsWith(name))
      const key = longs[name] ? name : hits.length === 1 ? hits[0] : null
      if (!key)
        return usage(
          hits.length > 1
            ? `${prog}: option '${a}' is ambiguous; possibilities:${hits.map((h) => ` '--${h}'`).join('')}`
            : `${prog}: unrecognized option '${a}'`,
        )
      const o = longs[key]
      let arg: string | null = null
      if (o.arg) {
        if (value !== undefined) arg = value
        else if (i + 1 < argv.length) arg = argv[++i]
        else return usage(`${prog}: option '--${key}' requires an argument`)
      } else if (value !== undefined) return usage(`${prog}: option '--${key}' doesn't allow an argument`)
      const r = handle(o.letter, arg)
      if (r) return r
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k]
        if (!(ch in shortArg)) return usage(`${prog}: invalid option -- '${ch}'`)
        let arg: string | null = null
        if (shortArg[ch]) {
          if (k + 1 < a.length) arg = a.slice(k + 1)
          else if (i + 1 < argv.length) arg = argv[++i]
          else return usage(`${prog}: option requires an argument -- '${ch}'`)
          k = a.length
        }
        const r = handle(ch, arg)
        if (r) return r
      }
      continue
    }
    words.push(a)
  }
  if (words.length) return { stdout: '', stderr: `${stderr}Unknown arguments found on commandline\n`, exit: 1 }
  const when = ctimeUtc(epochMs)
  const legacyPresent = !legacy && [...nf.legacy.tables.values()].some((x) => x.exists)
  const warning = legacyPresent
    ? '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n'
    : ''
  let stdout = ''
  const { counters, table } = opt
  if (table !== null) {
    const t = rs.tables.get(table)
    if (!t) {
      if (legacy)
        return {
          stdout: '',
          stderr: `${stderr}iptables-save v1.8.9 (legacy): Cannot initialize: Table does not exist (do you need to insmod?)\n`,
          exit: 1,
        }
      return { stdout: '', stderr: `${stderr}Table \`${table}' does not exist\n`, exit: 1 }
    }
    if (legacy) nf.instantiateLegacy(t)
    stdout = saveTable(rs, t, counters, when, legacy)
  } else {
    // iptables-legacy-save walks /proc/net/ip_tables_names: the newest instantiated table first
    const order = legacy ? [...nf.legacyInstantiated].reverse() : NFT_SAVE_ORDER
    for (const name of order) {
      const t = rs.tables.get(name) as Table
      if (t.exists) stdout += saveTable(rs, t, counters, when, legacy)
    }
  }
  nf.changed()
  return { stdout, stderr: stderr + warning, exit: 0 }
}
