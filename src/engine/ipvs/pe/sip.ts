import { utf8Bytes } from '../../lib/utf8'
import { sipGetCallIdHeader } from './sipHeader'

/** IP_VS_PEDATA_MAXLEN (include/uapi/linux/ip_vs.h): a longer Call-ID is useless. */
export const IP_VS_PEDATA_MAXLEN = 255

/**
 * get_callid() of net/netfilter/ipvs/ip_vs_pe_sip.c (Linux 6.1.192): the first Call-ID header's
 * value, or null (-EINVAL) when there is none, when it is longer than IP_VS_PEDATA_MAXLEN, or when
 * no line end follows it. A header with an empty value is passed over and the search goes on from
 * `dataoff += matchoff` — the kernel adds an offset already counted from the start, a quirk kept.
 */
export function getCallId(d: Uint8Array): string | null {
  let dataoff = 0
  let m: ReturnType<typeof sipGetCallIdHeader>
  for (;;) {
    m = sipGetCallIdHeader(d, dataoff)
    if (m.ret > 0) break
    if (m.ret === 0) return null
    dataoff += m.matchoff
  }
  if (m.matchlen > IP_VS_PEDATA_MAXLEN) return null
  const end = m.matchoff + m.matchlen
  if (end === d.length) return null
  if (d[end] !== 0x0d && d[end] !== 0x0a) return null
  // pe_data: the bytes as they are (one char a byte), compared with memcmp() by ip_vs_sip_ct_match()
  return String.fromCharCode(...d.subarray(m.matchoff, end))
}

/**
 * ip_vs_sip_fill_param(): only a UDP datagram with a payload can give a Call-ID; anything else —
 * every TCP packet, a datagram without payload or without a usable Call-ID — fails, and
 * ip_vs_sched_persist() drops the packet (*ignored = -1: NF_DROP, no ICMP).
 */
export function sipFillParam(protocol: number, payload: string | undefined): string | null {
  if (protocol !== 17 || !payload) return null
  return getCallId(utf8Bytes(payload))
}
