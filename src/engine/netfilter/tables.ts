import { Kmsg } from './kmsg'
import { Conntrack } from './nf_conntrack'
import { type NfPacket, type Rule, ruleMatches } from './rule'
import { TABLES } from './tableNames'
import { logPacket } from './xt_LOG'
import { applyMark } from './xt_mark'

export { TABLES }

export interface Chain {
  name: string
  builtin: boolean
  policy: 'ACCEPT' | 'DROP'
  rules: Rule[]
  /** Packets and bytes that fell off the end of a built-in chain (legacy counts them; nft does not). */
  pkts: number
  bytes: number
}

export interface Table {
  name: string
  chains: Map<string, Chain>
  /**
   * In the kernel: nf_tables creates a table (and each base chain) only when first written to;
   * an x_tables (legacy) table is instantiated by the first iptables-legacy command on it.
   */
  exists: boolean
  createdBuiltins: Set<string>
}

/** One rule set: what `iptables` (nf_tables) or `iptables-legacy` manage; they are separate in the kernel. */
export class RuleSet {
  readonly tables = new Map<string, Table>()
  readonly legacy: boolean

  constructor(legacy: boolean) {
    this.legacy = legacy
    for (const [name, chains] of Object.entries(TABLES)) {
      const t: Table = { name, chains: new Map(), exists: false, createdBuiltins: new Set(legacy ? chains : []) }
      for (const c of chains)
        t.chains.set(c, { name: c, builtin: true, policy: 'ACCEPT', rules: [], pkts: 0, bytes: 0 })
      this.tables.set(name, t)
    }
  }

  /** Built-in chains first (hook order), then user chains sorted by name. */
  orderedChains(t: Table): Chain[] {
    const all = [...t.chains.values()]
    return [
      ...all.filter((c) => c.builtin),
      ...all.filter((c) => !c.builtin).sort((a, b) => (a.name < b.name ? -1 : 1)),
    ]
  }

  /** Rules that jump or go to `chain`. */
  references(t: Table, chain: string): number {
    let n = 0
    for (const c of t.chains.values())
      for (const r of c.rules)
        if ((r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === chain) n++
    return n
  }
}

/** The chains a packet meets before IPVS, in hook-priority order (raw −300, mangle −150, filter 0, security 50). */
const BEFORE_IPVS = {
  /** A client's packet to a VIP: PREROUTING, then LOCAL_IN up to IPVS (ip_vs_remote_request4, priority 98). */
  toVip: [
    ['raw', 'PREROUTING'],
    ['mangle', 'PREROUTING'],
    ['mangle', 'INPUT'],
    ['filter', 'INPUT'],
    ['security', 'INPUT'],
  ],
  /** A real server's reply through a NAT director: PREROUTING, then FORWARD up to IPVS (ip_vs_reply4, priority 99). */
  reply: [
    ['raw', 'PREROUTING'],
    ['mangle', 'PREROUTING'],
    ['mangle', 'FORWARD'],
    ['filter', 'FORWARD'],
    ['security', 'FORWARD'],
  ],
} as const

type WalkVerdict = 'ACCEPT' | 'DROP' | 'RETURN'

/**
 * One built-in chain a packet walked before IPVS, as ipt_do_table() / nft_do_chain() decided it:
 * what `Netfilter.trace` collects when someone watches the packets (src/engine/wire/), read there
 * for the `netfilter` field of a WirePacket. Only recorded while `trace` is not null.
 */
export interface NfChainStep {
  table: string
  chain: string
  /** The chain is iptables-legacy's (x_tables), not nf_tables'. */
  legacy: boolean
  /** The rules that matched, in the order they did (a jump's target chain's own rules included): the chain they are in, their number there (1, 2, …), the rule. */
  matched: { chain: string; n: number; rule: Rule }[]
  /** What the chain decided; `policy`: nothing terminal matched and the built-in chain's policy did. */
  verdict: 'ACCEPT' | 'DROP'
  policy: boolean
  /** The packet's mark after the chain (MARK is non-terminating: the last matching one wins). */
  mark: number
}

/**
 * The netfilter rule sets the simulated director has, and the walk every packet takes through
 * them before IPVS sees it. (nat PREROUTING is left out: the lab models no NAT targets.)
 */
export class Netfilter {
  readonly nft = new RuleSet(false)
  readonly legacy = new RuleSet(true)
  /** Legacy tables in the order they were instantiated. */
  readonly legacyInstantiated: string[] = []
  /** The kernel log the LOG target writes to (read by dmesg and journalctl -k). */
  readonly kmsg = new Kmsg()
  /** Connection tracking (nf_conntrack.ts): the state `-m state` / `-m conntrack` read. */
  readonly conntrack = new Conntrack()
  /** The simulated time of the packet being walked (ms since boot), for LOG's timestamp. */
  now = 0
  /**
   * null (the default): record nothing. An array: `beforeIpvs()` appends one `NfChainStep` per
   * built-in chain the packet walks (set by the simulator while a packet observer watches).
   */
  trace: NfChainStep[] | null = null

  instantiateLegacy(t: Table): void {
    if (t.exists) return
    t.exists = true
    this.legacyInstantiated.push(t.name)
  }

  /** Any chain to walk on a packet's path (a rule, a DROP policy, a legacy table); false lets packets skip it. */
  private active = false
  /** Per path, the built-in chains a packet walks, in order (kept by `changed()`). */
  private walks: Record<'toVip' | 'reply', { rs: RuleSet; t: Table; c: Chain }[]> = { toVip: [], reply: [] }

  /** Whether a packet on its way to IPVS meets any rule or DROP policy at all. */
  get walksPackets(): boolean {
    return this.active
  }

  /** Call after every change to the rule sets. */
  changed(): void {
    this.walks = { toVip: this.walkList('toVip'), reply: this.walkList('reply') }
    this.active = this.walks.toVip.length > 0 || this.walks.reply.length > 0
  }

  /** The chains that decide something on a path: a legacy table hooks in once instantiated; an nft base chain without rules decides nothing. */
  private walkList(path: 'toVip' | 'reply'): { rs: RuleSet; t: Table; c: Chain }[] {
    const list: { rs: RuleSet; t: Table; c: Chain }[] = []
    for (const [table, chain] of BEFORE_IPVS[path]) {
      for (const rs of [this.legacy, this.nft]) {
        const t = rs.tables.get(table) as Table
        const c = t.chains.get(chain) as Chain
        if (rs.legacy ? !t.exists : c.rules.length === 0 && c.policy === 'ACCEPT') continue
        list.push({ rs, t, c })
      }
    }
    return list
  }

  /**
   * Run a packet through the chains before IPVS; sets `pkt.mark` (the MARK target is
   * non-terminating, so the last matching MARK wins) and returns false when the packet is dropped.
   * Legacy (x_tables) and nf_tables chains of the same priority both run, legacy first
   * (their relative order in the kernel is not documented).
   */
  beforeIpvs(pkt: NfPacket, path: 'toVip' | 'reply'): boolean {
    if (!this.active) return true
    const walks = this.walks[path]
    for (let k = 0; k < walks.length; k++) {
      const w = walks[k]
      if (this.walkBuiltin(w.rs, w.t, w.c, pkt) === 'DROP') return false
    }
    return true
  }

  /** ipt_do_table() for one built-in chain: rules, jumps with a return stack, the policy on underflow. */
  private walkBuiltin(rs: RuleSet, t: Table, chain: Chain, pkt: NfPacket): 'ACCEPT' | 'DROP' {
    const step: NfChainStep | null =
      this.trace === null
        ? null
        : {
            table: t.name,
            chain: chain.name,
            legacy: rs.legacy,
            matched: [],
            verdict: 'ACCEPT',
            policy: false,
            mark: 0,
          }
    this.matched = step ? step.matched : null
    const v = this.walk(t, chain, pkt, 0)
    this.matched = null
    if (v !== 'RETURN') return this.traced(step, v, false, pkt)
    if (rs.legacy) {
      chain.pkts++
      chain.bytes += pkt.len
    }
    return this.traced(step, chain.policy, true, pkt)
  }

  /** Where walk() notes the rules that matched (the current step's list), or null: not tracing. */
  private matched: NfChainStep['matched'] | null = null

  private traced(step: NfChainStep | null, v: 'ACCEPT' | 'DROP', policy: boolean, pkt: NfPacket): 'ACCEPT' | 'DROP' {
    if (step && this.trace) {
      step.verdict = v
      step.policy = policy
      step.mark = pkt.mark
      this.trace.push(step)
    }
    return v
  }

  /** One chain; 'RETURN' means: back to the caller (the policy, for a built-in chain). */
  private walk(t: Table, chain: Chain, pkt: NfPacket, depth: number): WalkVerdict {
    // the kernel refuses loops when rules are added; this guard only bounds the stack
    if (depth > 32) return 'DROP'
    const rules = chain.rules
    for (let k = 0; k < rules.length; k++) {
      const r = rules[k]
      if (!ruleMatches(r, pkt)) continue
      r.pkts++
      r.bytes += pkt.len
      if (this.matched !== null) this.matched.push({ chain: chain.name, n: k + 1, rule: r })
      const tg = r.target
      if (!tg) continue
      if (tg.kind === 'MARK') {
        pkt.mark = applyMark(pkt.mark, tg)
        continue
      }
      if (tg.kind === 'LOG') {
        logPacket(this.kmsg, this.now, tg, pkt)
        continue
      }
      if (tg.kind === 'verdict') {
        if (tg.verdict === 'RETURN') return 'RETURN'
        if (tg.verdict === 'ACCEPT') return 'ACCEPT'
        // DROP; QUEUE without a userspace listener drops too (nf_queue() finds no handler)
        return 'DROP'
      }
      const next = t.chains.get(tg.chain)
      if (!next) continue
      const sub = this.walk(t, next, pkt, depth + 1)
      if (sub !== 'RETURN') return sub
      if (tg.kind === 'goto') return 'RETURN'
    }
    return 'RETURN'
  }
}
