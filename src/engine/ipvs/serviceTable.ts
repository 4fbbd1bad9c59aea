import { type Addr, ipv6Words } from '../net/ipv6'
import type { Service } from './service'

/** IP_VS_SVC_TAB_BITS: 256 buckets in each of the two service tables. */
export const IP_VS_SVC_TAB_BITS = 8
const IP_VS_SVC_TAB_MASK = (1 << IP_VS_SVC_TAB_BITS) - 1

/**
 * `(size_t)ipvs >> 8`, the netns_ipvs address both hash functions mix in: where the kernel
 * allocated it, so it changes from boot to boot and only permutes the buckets (an XOR of the
 * low 8 bits). The model takes an allocation whose bits 8–15 are 0.
 */
export const IPVS_ADDR_SHIFTED = 0

/**
 * ip_vs_svc_hashkey() (ip_vs_ctl.c, Linux 6.1.192): the bucket of a <protocol, address, port>
 * service. An IPv4 address is folded as itself (host order); an IPv6 one as the XOR of its four
 * words, which `addrFold` is then.
 */
export function svcHashKey(protocol: number, addrFold: number, port: number): number {
  const ahash = (addrFold ^ IPVS_ADDR_SHIFTED) >>> 0
  return (protocol ^ ahash ^ (port >>> IP_VS_SVC_TAB_BITS) ^ port) & IP_VS_SVC_TAB_MASK
}

/**
 * The address as ip_vs_svc_hashkey() folds it: an IPv4 one is itself (ntohl), an IPv6 one the XOR
 * of its four 32-bit words (`ip6[0] ^ ip6[1] ^ ip6[2] ^ ip6[3]`, then ntohl — the same as XOR-ing
 * the words read in host order).
 */
export function svcAddrFold(a: Addr): number {
  if (typeof a !== 'string') return a >>> 0
  const w = ipv6Words(a)
  let fold = 0
  for (let i = 0; i < 8; i += 2) fold ^= ((w[i] << 16) | w[i + 1]) >>> 0
  return fold >>> 0
}

/** ip_vs_svc_fwm_hashkey(): the bucket of a fwmark service. */
export const svcFwmHashKey = (fwmark: number): number => (IPVS_ADDR_SHIFTED ^ fwmark) & IP_VS_SVC_TAB_MASK

/**
 * The services in the order the kernel dumps them (ip_vs_genl_dump_services(), and
 * __ip_vs_get_service_entries() for the old interface): ip_vs_svc_table bucket by bucket, then
 * ip_vs_svc_fwm_table bucket by bucket; in a bucket the newest first (ip_vs_svc_hash():
 * hlist_add_head_rcu()). `services` is in the order they were added. What `ipvsadm -L --nosort` shows.
 */
export function servicesInTableOrder(services: readonly Service[]): Service[] {
  const bucketOf = (s: Service) =>
    s.isFwmark ? svcFwmHashKey(s.fwmark) : svcHashKey(s.protocol, svcAddrFold(s.vaddr), s.vport)
  const order = services.map((s, added) => ({ s, added, fwm: s.isFwmark ? 1 : 0, bucket: bucketOf(s) }))
  order.sort((a, b) => a.fwm - b.fwm || a.bucket - b.bucket || b.added - a.added)
  return order.map((o) => o.s)
}
