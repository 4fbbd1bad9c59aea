import type { Match, PortRange, Rule, TcpUdpMatch } from '../../netfilter/rule'
import { isFull } from './extensions/ports'

/**
 * iptables-nft's round trip through nf_tables (iptables/nft.c, nft-shared.c): the rule as it is
 * read back from the kernel, and when two rules are the same rule for -D and -C.
 */

type PortMatch = TcpUdpMatch

/** True when a tcp/udp match carries nothing (`-m tcp` alone): nf_tables keeps it as an xt match. */
const allZero = (m: PortMatch): boolean =>
  (!m.sport || (isFull(m.sport) && !m.sportInv)) &&
  (!m.dport || (isFull(m.dport) && !m.dportInv)) &&
  m.flagsMask === 0 &&
  !m.flagsInv

/**
 * What iptables-nft reads back from the kernel for a rule it wrote: tcp/udp port and flag tests
 * are stored as native nft expressions and decoded again (nft.c add_nft_tcpudp() and
 * expr_gen_range_cmp16(), nft-shared.c port_match_single_to_range()), which reshapes some of
 * them: `! --dport 0:100` becomes `--dport 101:65535`, a full inverted range disappears,
 * several tcp matches merge into one. Listings, -D and packets all see this decoded rule.
 */
export function nftDecode(rule: Rule): Rule {
  const matches: Match[] = []
  let merged: { tcp?: PortMatch; udp?: PortMatch } = {}
  for (const m0 of rule.matches) {
    if ((m0.name !== 'tcp' && m0.name !== 'udp') || allZero(m0)) {
      matches.push({ ...m0 })
      continue
    }
    const m = m0
    let out = merged[m.name]
    if (!out) {
      out = {
        name: m.name,
        sport: null,
        sportInv: false,
        dport: null,
        dportInv: false,
        flagsMask: 0,
        flagsCmp: 0,
        flagsInv: false,
        pairNeq: false,
      }
      merged = { ...merged, [m.name]: out }
      matches.push(out)
    }
    if (m.flagsMask || m.flagsInv) {
      out.flagsMask = m.flagsMask
      out.flagsCmp = m.flagsCmp
      out.flagsInv = m.flagsInv
    }
    const s = m.sport ?? { lo: 0, hi: 65535 }
    const d = m.dport ?? { lo: 0, hi: 65535 }
    if (s.lo !== 0 && s.lo === s.hi && d.lo !== 0 && d.lo === d.hi && m.sportInv === m.dportInv) {
      out.sport = { ...s }
      out.dport = { ...d }
      out.sportInv = out.dportInv = m.sportInv
      out.pairNeq = m.sportInv
      continue
    }
    const decode = (r: PortRange, inv: boolean): { range: PortRange; inv: boolean } | null => {
      if (isFull(r)) return null
      if (r.lo === r.hi) return { range: { ...r }, inv }
      if (r.lo === 0)
        return inv
          ? { range: { lo: Math.min(r.hi + 1, 65535), hi: 65535 }, inv: false }
          : { range: { ...r }, inv: false }
      return { range: { ...r }, inv }
    }
    const ds = decode(s, m.sportInv)
    if (ds) {
      out.sport = ds.range
      out.sportInv = ds.inv
    }
    const dd = decode(d, m.dportInv)
    if (dd) {
      out.dport = dd.range
      out.dportInv = dd.inv
    }
  }
  // `-i +` matches every interface: nothing is stored for it
  const iface = (name: string | null, inv: boolean) => (name === '+' && !inv ? null : name)
  rule = { ...rule, inIface: iface(rule.inIface, rule.inIfaceInv), outIface: iface(rule.outIface, rule.outIfaceInv) }
  const decoded = new Set<Match>(Object.values(merged))
  const kept = matches.filter(
    (m) =>
      !decoded.has(m) || ((m.name === 'tcp' || m.name === 'udp') && (m.sport || m.dport || m.flagsMask || m.flagsInv)),
  )
  return { ...rule, matches: kept }
}

/** Two rules are the same rule for `-D RULE` / `-C` (counters aside). */
export function sameRule(a: Rule, b: Rule): boolean {
  const strip = (r: Rule) => JSON.stringify({ ...r, pkts: 0, bytes: 0 })
  return strip(a) === strip(b)
}
