import type { Verdict } from '../ipvs/types'
import type { NfChainStep } from '../netfilter/tables'
import { saveText } from '../userland/iptables/listing'
import { serviceTitle } from '../userland/ipvsadm/format'

/**
 * The netfilter path of a client's packet on the director, hook by hook in priority order, up to
 * and including IPVS — the `netfilter` field of a client→director WirePacket. Built from what the
 * engine's own walk recorded (`Netfilter.trace`, one `NfChainStep` per built-in chain that had
 * something to decide) and from IPVS's verdict; the chains with nothing in them are listed too,
 * as the hooks the packet passed (`rules` empty, `verdict` ACCEPT, `empty` true).
 *
 * Linux 6.1: ip_rcv() → NF_INET_PRE_ROUTING (raw −300, conntrack −200, mangle −150, nat −100),
 * ip_rcv_finish() → ip_route_input_noref() (the VIP is a local address: RTN_LOCAL, so
 * ip_local_deliver()), NF_INET_LOCAL_IN (mangle −150, filter 0, security 50), then IPVS's
 * ip_vs_in_hook() at NF_IP_PRI_NAT_SRC − 1 = 99 (`ip_vs_ops4[]` in ip_vs_core.c; priorities from
 * include/uapi/linux/netfilter_ipv4.h). nat PREROUTING is not listed: the lab models no NAT rules.
 */

/** One hook (or the routing decision) on the path. */
export interface NetfilterStep {
  /** `PREROUTING`, `routing` (the route lookup between the hooks), `INPUT` (NF_INET_LOCAL_IN). */
  hook: 'PREROUTING' | 'routing' | 'INPUT'
  /** `raw`, `mangle`, `filter`, `security`; `route` for the routing decision; `ipvs` for IPVS. */
  table: string
  /** The built-in chain; for `route`: `local` (the VIP is the director's); for `ipvs`: its hook function. */
  chain: string
  /** The hook priority (NF_IP_PRI_*); null for the routing decision. */
  priority: number | null
  /** iptables-legacy's chain (x_tables), not nf_tables'. */
  legacy?: boolean
  /** No rule and an ACCEPT policy: nothing to walk (nf_tables creates no base chain for it). */
  empty?: boolean
  /** The rules that matched, as `iptables -S` prints them, with their number in their chain. */
  rules: { n: number; rule: string }[]
  /** ACCEPT / DROP (`policy ACCEPT`, `policy DROP`: the chain's policy decided); IPVS: the packet's `fate` there. */
  verdict: string
  /** The packet's mark after this step (0: none). */
  mark: number
  /** IPVS only: the service (or existing connection's service) that took the packet, as `ipvsadm -Ln` names it (`FWM 3`, `TCP 192.168.100.100:80`); null: none. */
  service?: string | null
  /** IPVS only: whether the packet found an existing connection entry (`existing`) or was scheduled (`new`). */
  entry?: 'existing' | 'new'
}

const PRIORITY: Record<string, number> = { raw: -300, mangle: -150, filter: 0, security: 50 }

const HOOKS: readonly ['PREROUTING' | 'INPUT', string][] = [
  ['PREROUTING', 'raw'],
  ['PREROUTING', 'mangle'],
  ['INPUT', 'mangle'],
  ['INPUT', 'filter'],
  ['INPUT', 'security'],
]

/** NF_IP_PRI_NAT_SRC − 1: ip_vs_in_hook() in LOCAL_IN. */
export const IPVS_IN_PRIORITY = 99

/** The path of one client packet: `trace` as the engine's walk recorded it, `v` IPVS's verdict. */
export function netfilterPath(trace: readonly NfChainStep[], v: Verdict): NetfilterStep[] {
  const out: NetfilterStep[] = []
  let mark = 0
  for (const [hook, table] of HOOKS) {
    if (hook === 'INPUT' && table === 'mangle')
      out.push({ hook: 'routing', table: 'route', chain: 'local', priority: null, rules: [], verdict: 'ACCEPT', mark })
    const walked = trace.filter((s) => s.table === table && s.chain === hook)
    if (walked.length === 0) {
      out.push({ hook, table, chain: hook, priority: PRIORITY[table], empty: true, rules: [], verdict: 'ACCEPT', mark })
      continue
    }
    for (const s of walked) {
      mark = s.mark
      const step: NetfilterStep = {
        hook,
        table,
        chain: hook,
        priority: PRIORITY[table],
        rules: s.matched.map((m) => ({ n: m.n, rule: saveText(m.chain, m.rule, false) })),
        verdict: s.policy ? `policy ${s.verdict}` : s.verdict,
        mark,
      }
      if (s.legacy) step.legacy = true
      out.push(step)
      if (s.verdict === 'DROP') return out
    }
  }
  const svc = v.kind === 'forwarded' ? (v.conn.dest?.svc ?? null) : v.kind === 'refused' ? v.service : null
  out.push({
    hook: 'INPUT',
    table: 'ipvs',
    chain: 'ip_vs_in_hook',
    priority: IPVS_IN_PRIORITY,
    rules: [],
    verdict: v.kind === 'dropped' ? `dropped:${v.reason}` : v.kind === 'local' ? `local:${v.reason}` : v.kind,
    mark,
    service: svc ? serviceTitle(svc, true).replace(/ +/g, ' ') : null,
    ...(v.kind === 'forwarded' ? { entry: v.created ? ('new' as const) : ('existing' as const) } : {}),
  })
  return out
}
