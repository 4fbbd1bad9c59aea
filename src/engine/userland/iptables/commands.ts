import type { Rule } from '../../netfilter/rule'
import type { Chain, Netfilter, RuleSet, Table } from '../../netfilter/tables'
import { TABLES } from '../../netfilter/tables'
import { MAC_HOOKS } from '../../netfilter/xt_mac'
import type { CommandResult } from '../shell'
import { IptError, IptOutput } from './errors'
import { listChains, listRules, printRuleText } from './listing'
import { nftDecode, sameRule } from './nft'
import { type Parsed, parseIptables } from './parse'

/**
 * Running `iptables` / `iptables-legacy` v1.8.9 against the director's rule sets: the checks
 * after parsing (table, rule build, jump targets), each command's semantics and failure texts
 * (nft_strerror() / libiptc's). Spec: iptables/xtables.c, nft.c, nft-cmd.c, xshared.c. The
 * listings are listing.ts, iptables-save is save.ts.
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
    // xt_check_match(): the mac match only in the hooks it registers (netfilter/xt_mac.ts MAC_HOOKS)
    const builtin = t.chains.get(p.chain)?.builtin
    if (builtin && RULE_OPS[p.cmd] && r.matches.some((m) => m.name === 'mac') && !MAC_HOOKS.has(p.chain)) {
      if (legacy) throw opFail('Invalid argument', true)
      throw batchFail(RULE_OPS[p.cmd], 'Invalid argument', `rule in chain ${p.chain}`)
    }
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
