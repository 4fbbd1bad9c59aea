/** The Packets view's words and columns (issue 15): pure, so they are tested without a page. */
import type { PacketsWanted, PacketView } from '../worker/protocol'

const ROLE_ORDER = ['client', 'gateway', 'director', 'real-server'] as const
export const COL_W = 120
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

export const pcapName = (w: PacketsWanted) =>
  w.conn ? `${w.conn.client.replace(/[:.]/g, '-')}_${w.conn.virtual.replace(/[:.]/g, '-')}.pcap` : 'lvs-lab-run.pcap'
