/** The Packets view's words and columns (issue 15): pure, so they are tested without a page. */
import type { NetfilterStep, PacketsWanted, PacketView } from '../worker/protocol'

const ROLE_ORDER = ['client', 'gateway', 'director', 'real-server'] as const
export const COL_W = 96
export const ROW_H = 26

/** The host columns a connection's packets need, left to right. */
export function columnsOf(packets: readonly PacketView[]): string[] {
  const roles = new Set(packets.flatMap((p) => [p.from.role, p.to.role]))
  return ROLE_ORDER.filter((r) => roles.has(r))
}

/** An arrow's label: flags (or protocol), source → destination as the packet's (inner) IP header says. */
export function arrowLabel(p: PacketView): string {
  const f = p.fields
  const what = f['tcp.flags'] !== undefined ? `[${f['tcp.flags']}]` : f['udp.sport'] !== undefined ? 'UDP' : 'ICMP'
  const port = (k: 'sport' | 'dport') => f[`tcp.${k}`] ?? f[`udp.${k}`]
  const end = (a: string, pt: string | undefined) => (pt === undefined ? a : `${a}:${pt}`)
  const outer = f['outer.gue.proto'] !== undefined ? 'GUE' : f['outer.gre.protocol'] !== undefined ? 'GRE' : 'IPIP'
  const tunnel = f['outer.ip.dst'] !== undefined ? ` ‹${outer} ${f['outer.ip.src']} → ${f['outer.ip.dst']}›` : ''
  return `${what} ${end(f['ip.src'], port('sport'))} → ${end(f['ip.dst'], port('dport'))}${tunnel}`
}

/** The capture's file name: the connection's ends, the window's seconds, or the whole run. */
export function pcapName(w: PacketsWanted): string {
  if (w.conn) return `${w.conn.client.replace(/[:.]/g, '-')}_${w.conn.virtual.replace(/[:.]/g, '-')}.pcap`
  if (w.fromMs !== undefined || w.toMs !== undefined)
    return `lvs-lab-${(w.fromMs ?? 0) / 1000}s-${w.toMs === undefined ? 'end' : `${w.toMs / 1000}s`}.pcap`
  return 'lvs-lab-run.pcap'
}

/**
 * The time window offered at first (simulated seconds, as typed): from the second the connection
 * started (or the present) to the present, at least one second long.
 */
export function windowOf(atMs: number, nowMs: number): { from: string; to: string } {
  const from = Math.max(0, Math.floor(atMs / 1000))
  return { from: String(from), to: String(Math.max(from + 1, Math.ceil(nowMs / 1000))) }
}

/** A header field's value as text: TCP options as tcpdump writes them (`mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7`). */
export function fieldText(key: string, value: string): string {
  if (key !== 'tcp.options') return value
  try {
    const opts = JSON.parse(value) as { kind: string; value?: number; val?: number; ecr?: number }[]
    return opts
      .map((o) =>
        o.kind === 'TS' ? `TS val ${o.val} ecr ${o.ecr}` : o.value !== undefined ? `${o.kind} ${o.value}` : o.kind,
      )
      .join(',')
  } catch {
    return value
  }
}

/** The app's translate function, as packetsText needs it (tDyn bound to the language). */
export type Tr = (key: string, params?: Record<string, string | number>) => string

/** `0x3` as iptables prints marks. */
const markHex = (m: number) => `0x${(m >>> 0).toString(16)}`

/**
 * The director's netfilter path of a client packet (WirePacket `netfilter`), one line a hook in
 * priority order, with the rules that matched (their `-A` text): raw/mangle PREROUTING, the
 * routing decision, mangle/filter/security INPUT, then IPVS and the service that took it.
 */
export function netfilterLines(steps: readonly NetfilterStep[], tr: Tr): { head: string; rules: string[] }[] {
  return steps.map((s) => {
    const where = `${s.table} ${s.chain}${s.legacy ? ' (legacy)' : ''}`
    const pri = s.priority === null ? '' : String(s.priority)
    const mark = s.mark !== 0 ? tr('packets.nf.mark', { mark: markHex(s.mark) }) : ''
    if (s.table === 'route') return { head: tr('packets.nf.route', { mark }), rules: [] }
    if (s.table === 'ipvs') {
      const took = s.service
        ? tr(`packets.nf.took.${s.entry ?? 'new'}`, { service: s.service })
        : s.verdict.startsWith('local:')
          ? tr('packets.nf.notIpvs')
          : tr('packets.nf.noService')
      return { head: tr('packets.nf.ipvs', { fn: s.chain, priority: pri, took, mark }), rules: [] }
    }
    if (s.empty) return { head: tr('packets.nf.empty', { where, priority: pri }), rules: [] }
    return {
      head: tr('packets.nf.chain', { where, priority: pri, verdict: s.verdict, mark }),
      rules: s.rules.map((r) => tr('packets.nf.rule', { n: r.n, rule: r.rule })),
    }
  })
}
