import type { NfPacket } from './rule'

/**
 * The mac match at packet time: net/netfilter/xt_mac.c mac_mt() compares the Ethernet source
 * address of the frame the packet came in (eth_hdr(skb)->h_source) and refuses packets without
 * an Ethernet header. The kernel allows it only in PREROUTING, INPUT and FORWARD
 * (`.hooks` of mac_mt_reg): mac_mt_check() is xt_check_match()'s hook test. Its command line
 * and listings: userland/iptables/extensions/libxt_mac.ts.
 */

export interface MacMatch {
  name: 'mac'
  /** Six bytes, as `xtables_print_mac()` writes them: lower-case hex, colon-separated. */
  mac: string
  inv: boolean
}

/** The built-in chains whose hooks xt_mac registers (NF_INET_PRE_ROUTING, LOCAL_IN, FORWARD). */
export const MAC_HOOKS: ReadonlySet<string> = new Set(['PREROUTING', 'INPUT', 'FORWARD'])

/** mac_mt(): `ether_addr_equal(eth_hdr(skb)->h_source, info->srcaddr) ^ info->invert`. */
export const macMatches = (m: MacMatch, pkt: NfPacket): boolean => (pkt.srcMac === m.mac) !== m.inv

/**
 * The Ethernet source of a host's frames in the lab: a locally administered address made of
 * `02:00:` and the host's IPv4 address in hex (every client and real server sits on the
 * director's LAN here; a real network puts its router's MAC on routed clients' packets).
 */
export function labMacOf(addr: number): string {
  const b = [(addr >>> 24) & 255, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255]
  return `02:00:${b.map((x) => x.toString(16).padStart(2, '0')).join(':')}`
}

/** The director's eth0 (QEMU's default NIC address, as on a lab VM). */
export const DIRECTOR_MAC = '52:54:00:12:34:56'
