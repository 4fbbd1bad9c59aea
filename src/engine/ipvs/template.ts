import { asIPv4, asPort, type Port } from '../net/ipv4'
import { type Addr, AF_INET6, ipv6FromFirstWord, ipv6Prefix } from '../net/ipv6'
import type { Connection, ConnectionTable } from './connection'
import { FTPPORT, Protocol, type Service } from './service'

/** The fields of a persistence template's key: <protocol, client network, 0, vaddr, vport>. */
export interface TemplateKey {
  protocol: number
  caddr: Addr
  vaddr: Addr
  vport: Port
}

/** The kind of template a packet gets, named as the lessons name them. */
export type TemplateKind = 'ppc' | 'ftp' | 'pcc' | 'fwmark'

/**
 * The template key for a packet of a persistent service (ip_vs_sched_persist()):
 * - PPC (packet to the service port, not FTP): <proto, snet, 0, VIP, vport>
 * - FTP control (service port 21): <TCP, snet, 0, VIP, 0> — shared with passive data connections
 * - port-0 (PCC) service, or FTP data through the FTP fallback: <proto, snet, 0, VIP, 0>
 * - fwmark service: <IP, snet, 0, 0.0.0.<mark>, 0> — one template for TCP and UDP alike (IPv6:
 *   the address whose first 32 bits are the mark, `0:9::` for mark 9: `{ .ip = htonl(fwmark) }`)
 * where snet is the client address masked with the service's -M netmask (IPv4) or its first
 * -M bits (IPv6: ipv6_addr_prefix()).
 */
export function templateKeyFor(
  svc: Service,
  pkt: { protocol: number; saddr: Addr; daddr: Addr; dport: number },
  out: TemplateKey & { kind: TemplateKind } = {
    protocol: 0,
    caddr: asIPv4(0),
    vaddr: asIPv4(0),
    vport: asPort(0),
    kind: 'ppc',
  },
): TemplateKey & { kind: TemplateKind } {
  out.caddr = typeof pkt.saddr === 'string' ? ipv6Prefix(pkt.saddr, svc.netmask) : asIPv4(pkt.saddr & svc.netmask)
  if (pkt.dport === svc.vport) {
    const ftp = svc.vport === FTPPORT
    out.protocol = pkt.protocol
    out.vaddr = pkt.daddr
    out.vport = asPort(ftp ? 0 : pkt.dport)
    out.kind = ftp ? 'ftp' : 'ppc'
  } else if (svc.isFwmark) {
    out.protocol = Protocol.IP
    out.vaddr = svc.af === AF_INET6 ? ipv6FromFirstWord(svc.fwmark) : asIPv4(svc.fwmark)
    out.vport = asPort(0)
    out.kind = 'fwmark'
  } else {
    out.protocol = pkt.protocol
    out.vaddr = pkt.daddr
    out.vport = asPort(0)
    out.kind = 'pcc'
  }
  return out
}

/** The port an invalidated template is re-hashed with (htons(0xffff)). */
export const INVALIDATED_PORT = 0xffff

/**
 * Is this template still usable? (ip_vs_check_template()). Invalid when its destination is gone
 * (deleted, or its service deleted) or — with expire_quiescent_template=1 — quiescent (weight 0).
 * An overloaded destination, or a weight-0 one under the default sysctl, stays valid.
 * An invalid template is re-hashed with ports 65535 (so it never matches again) and keeps its
 * timer: it stays in `ipvsadm -Lnc` until that runs out.
 */
export function checkTemplate(table: ConnectionTable, ct: Connection, expireQuiescentTemplate: boolean): boolean {
  const dest = ct.dest
  const valid = dest?.available && !(expireQuiescentTemplate && dest.weight === 0)
  if (valid) return true
  if (ct.vport !== INVALIDATED_PORT && table.unhash(ct)) {
    ct.dport = asPort(INVALIDATED_PORT)
    ct.vport = asPort(INVALIDATED_PORT)
    ct.cport = asPort(0)
    ct.invalidated = true
    table.hash(ct)
  }
  return false
}
