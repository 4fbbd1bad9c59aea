import type { Kmsg } from './kmsg'
import type { NfPacket } from './rule'
import { DIRECTOR_MAC } from './xt_mac'

/**
 * The LOG target at packet time: net/netfilter/xt_LOG.c log_tg() hands the packet to
 * nf_log_packet(), whose IPv4 logger is net/netfilter/nf_log_syslog.c nf_log_ip_packet():
 * `IN=… OUT=… MAC=… SRC=… DST=… LEN=… TOS=… PREC=… TTL=… ID=… DF PROTO=TCP SPT=… DPT=… WINDOW=…
 * RES=0x00 SYN URGP=0 MARK=0x…` at the rule's level, after its prefix. Non-terminating: the
 * packet goes on to the next rule. Its command line and listings:
 * userland/iptables/extensions/libxt_LOG_target.ts.
 *
 * Fields the lab's packets do not carry are those of a Linux client on the director's LAN: TTL
 * 64, TOS 0, DF on TCP, the window Linux opens with (SYN 64240; later 502, i.e. 64256 scaled by
 * 2^7), no IP or TCP options logged (--log-ip-options/--log-tcp-options print nothing), and an
 * IP ID taken from the flow's tuple (Linux starts each connection at a random one). The lab's
 * packets carry no sequence numbers, so --log-tcp-sequence prints `SEQ=0 ACK=0`. --log-uid
 * prints nothing: forwarded packets have no local socket.
 */

export interface LogTarget {
  kind: 'LOG'
  /** syslog level 0–7; 4 (warning) unless --log-level. */
  level: number
  /** --log-prefix, at most 29 characters (struct xt_log_info prefix[30]). */
  prefix: string
  /** XT_LOG_TCPSEQ 0x01, TCPOPT 0x02, IPOPT 0x04, UID 0x08, MACDECODE 0x20. */
  flags: number
}

export const XT_LOG_TCPSEQ = 0x01
export const XT_LOG_MACDECODE = 0x20

/** A 16-bit IP ID from the flow's tuple (FNV-1a), stable for the flow. */
function ipId(pkt: NfPacket): number {
  let h = 0x811c9dc5
  for (const v of [pkt.saddr, pkt.daddr, pkt.sport, pkt.dport]) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0
  }
  return (h ^ (h >>> 16)) & 0xffff
}

const ip = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`

/** nf_log_ip_packet(): the line LOG writes for `pkt` (no trailing newline; it ends with a space, as the kernel's buffer does). */
export function logLine(t: LogTarget, pkt: NfPacket): string {
  let s = `${t.prefix}IN=${pkt.inIface} OUT=${pkt.outIface} `
  // dump_mac_header(): --log-macdecode decodes, otherwise the raw header (dst, src, EtherType)
  if (t.flags & XT_LOG_MACDECODE) s += `MACSRC=${pkt.srcMac} MACDST=${DIRECTOR_MAC} MACPROTO=0800 `
  else s += `MAC=${DIRECTOR_MAC}:${pkt.srcMac}:08:00 `
  s += `SRC=${ip(pkt.saddr)} DST=${ip(pkt.daddr)} `
  s += `LEN=${pkt.len} TOS=0x00 PREC=0x00 TTL=64 ID=${ipId(pkt)} `
  if (pkt.protocol === 6) {
    s += 'DF PROTO=TCP '
    s += `SPT=${pkt.sport} DPT=${pkt.dport} `
    const f = pkt.tcpFlags
    if (t.flags & XT_LOG_TCPSEQ) s += 'SEQ=0 ACK=0 '
    s += `WINDOW=${f & 0x02 ? 64240 : 502} RES=0x00 `
    if (f & 0x20) s += 'URG '
    if (f & 0x10) s += 'ACK '
    if (f & 0x08) s += 'PSH '
    if (f & 0x04) s += 'RST '
    if (f & 0x02) s += 'SYN '
    if (f & 0x01) s += 'FIN '
    s += 'URGP=0 '
  } else if (pkt.protocol === 17) {
    s += `PROTO=UDP SPT=${pkt.sport} DPT=${pkt.dport} LEN=${pkt.len - 20} `
  } else s += `PROTO=${pkt.protocol} `
  if (pkt.mark) s += `MARK=0x${(pkt.mark >>> 0).toString(16)} `
  return s
}

/** log_tg(): write the line to the kernel log at the rule's level. */
export function logPacket(kmsg: Kmsg, now: number, t: LogTarget, pkt: NfPacket): void {
  kmsg.write(now, t.level, logLine(t, pkt))
}
