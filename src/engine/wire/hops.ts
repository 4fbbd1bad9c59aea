import type { Frame, IpDatagram } from './headers'
import type { WirePacket } from './wire'

/**
 * What a view of the packets needs besides the packets: one connection's packets, and which
 * header fields a hop changed (the Packets view highlights them).
 */

/** The packets of one connection (as `WirePacket.conn` names it), in the order they were sent. */
export function packetsOf(packets: readonly WirePacket[], conn: { proto: string; client: string; virtual: string }) {
  return packets.filter(
    (p) => p.conn.proto === conn.proto && p.conn.client === conn.client && p.conn.virtual === conn.virtual,
  )
}

function flattenDatagram(d: IpDatagram, prefix: string, out: Record<string, string>): void {
  for (const [k, v] of Object.entries(d.ip)) out[`${prefix}ip.${k}`] = String(v)
  const p = d.payload
  switch (p.kind) {
    case 'tcp':
      for (const [k, v] of Object.entries(p.tcp))
        out[`${prefix}tcp.${k}`] = typeof v === 'object' ? JSON.stringify(v) : String(v)
      return
    case 'udp':
      for (const [k, v] of Object.entries(p.udp)) out[`${prefix}udp.${k}`] = String(v)
      return
    case 'icmp':
      for (const [k, v] of Object.entries(p.icmp)) out[`${prefix}icmp.${k}`] = String(v)
      return
    case 'raw':
      out[`${prefix}raw`] = p.bytes.join(',')
      return
    case 'ipip':
    case 'gue':
    case 'gre':
      return
  }
}

/**
 * A frame's header fields by name: `eth.src`, `ip.ttl`, `tcp.dport`, … The packet a tunnel carries
 * is named as a bare one (`ip.*`, `tcp.*`) and its outer headers `outer.ip.*`, `outer.udp.*`,
 * `outer.gue.*`, `outer.gre.*`: a DR hop and a TUN hop then compare alike.
 */
export function headerFields(f: Frame): Record<string, string> {
  const out: Record<string, string> = { 'eth.src': f.eth.src, 'eth.dst': f.eth.dst }
  const p = f.packet.payload
  if (p.kind === 'ipip' || p.kind === 'gue' || p.kind === 'gre') {
    for (const [k, v] of Object.entries(f.packet.ip)) out[`outer.ip.${k}`] = String(v)
    if (p.kind === 'gue') {
      for (const [k, v] of Object.entries(p.udp)) out[`outer.udp.${k}`] = String(v)
      for (const [k, v] of Object.entries(p.gue)) out[`outer.gue.${k}`] = String(v)
    }
    if (p.kind === 'gre') for (const [k, v] of Object.entries(p.gre)) out[`outer.gre.${k}`] = String(v)
    flattenDatagram(p.inner, '', out)
  } else flattenDatagram(f.packet, '', out)
  return out
}

/** The fields that differ between two frames (or exist in one only), in the order headerFields() names them. */
export function changedFields(before: Frame, after: Frame): string[] {
  const a = headerFields(before)
  const b = headerFields(after)
  const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !(k in b))]
  return keys.filter((k) => a[k] !== b[k])
}
