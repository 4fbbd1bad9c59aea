import { describe, expect, it } from 'vitest'
import { newClientTcp, Simulator } from '../host/simulator'
import { parseDottedQuad } from '../net/ipv4'
import { Conntrack, CT_ESTABLISHED, CT_INVALID, CT_NEW, firstPacketState } from './nf_conntrack'
import type { NfPacket } from './rule'

const ip = (s: string) => parseDottedQuad(s) as number as ReturnType<typeof parseDottedQuad> & number
const FIN = 0x01
const SYN = 0x02
const RST = 0x04
const ACK = 0x10

describe('the first packet of a conntrack (nf_conntrack_proto_tcp.c tcp_new(): tcp_conntracks[0][index][sNO])', () => {
  it('SYN and a bare ACK (loose pick-up) are NEW; SYN-ACK, FIN, RST and no flags are INVALID; UDP is NEW', () => {
    expect(firstPacketState(6, SYN)).toBe(CT_NEW)
    expect(firstPacketState(6, ACK)).toBe(CT_NEW)
    expect(firstPacketState(6, SYN | ACK)).toBe(CT_INVALID)
    expect(firstPacketState(6, FIN | ACK)).toBe(CT_INVALID)
    expect(firstPacketState(6, RST)).toBe(CT_INVALID)
    expect(firstPacketState(6, 0)).toBe(CT_INVALID)
    expect(firstPacketState(17, 0)).toBe(CT_NEW)
  })
})

const packet = (saddr: number, sport: number, daddr: number, dport: number, tcpFlags: number): NfPacket => ({
  protocol: 6,
  saddr,
  sport,
  daddr,
  dport,
  len: 60,
  mark: 0,
  inIface: 'eth0',
  outIface: '',
  tcpFlags,
  srcMac: '',
  ctState: 0,
  ctOrigSrc: 0,
  ctOrigDst: 0,
  ctReplSrc: 0,
  ctReplDst: 0,
})

describe('confirmed entries (net.ipv4.vs.conntrack=1)', () => {
  it('NEW until a reply is seen, ESTABLISHED after; gone after the last ACK that follows the FIN', () => {
    const ct = new Conntrack()
    const c = 0x0a000001
    const vip = 0xc0a86464
    const rs = 0xc0a80865
    const p = packet(c, 40000, vip, 80, SYN)
    ct.classify(p, false, true, 0)
    expect(p.ctState).toBe(CT_NEW)
    const r = packet(rs, 80, c, 40000, SYN | ACK)
    ct.classify(r, true, true, 1)
    expect(r.ctState).toBe(CT_ESTABLISHED)
    for (const f of [ACK, FIN | ACK, ACK]) {
      const q = packet(c, 40000, vip, 80, f)
      ct.classify(q, false, true, 2)
      expect(q.ctState).toBe(CT_ESTABLISHED)
    }
    expect(ct.table.size).toBe(0)
  })

  it('an ACK on an entry still in SYN_SENT (no reply: a DR director) is INVALID (sSS → sIV)', () => {
    const ct = new Conntrack()
    const p = packet(1, 40000, 2, 80, SYN)
    ct.classify(p, false, true, 0)
    const q = packet(1, 40000, 2, 80, ACK)
    ct.classify(q, false, true, 1)
    expect(q.ctState).toBe(CT_INVALID)
  })
})

/** Each packet a `-m state` rule with LOG saw, by its prefix, in order. */
function statesSeen(sim: Simulator): string[] {
  return sim.netfilter.kmsg.records.map((r) => r.text.slice(0, r.text.indexOf(':')))
}

describe('what -m state sees on a director, end to end', () => {
  const rules = (extra: string[] = []) => {
    const sim = new Simulator()
    for (const l of [
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      ...extra,
      ...['NEW', 'ESTABLISHED', 'INVALID'].map(
        (s) => `iptables -t mangle -A PREROUTING -p tcp -m state --state ${s} -j LOG --log-prefix "${s}: "`,
      ),
    ])
      expect(sim.run(l), l).toMatchObject({ exit: 0, stderr: '' })
    return sim
  }

  it('vs.conntrack=0 (default): IPVS untracks every packet (ip_vs_notrack()), so SYN and ACK are NEW, FIN is INVALID', () => {
    const sim = rules(['ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g'])
    const c = newClientTcp(ip('10.0.0.1'), 40000, ip('192.168.100.100'), 80)
    sim.tcpConnect(c)
    sim.tcpClose(c, 'fin')
    expect(statesSeen(sim)).toEqual(['NEW', 'NEW', 'INVALID', 'NEW'])
  })

  it('vs.conntrack=1 through a NAT director: SYN NEW, the SYN-ACK and everything after ESTABLISHED', () => {
    const sim = rules(['ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -m', 'sysctl -w net.ipv4.vs.conntrack=1'])
    const c = newClientTcp(ip('10.0.0.1'), 40000, ip('192.168.100.100'), 80)
    sim.tcpConnect(c)
    expect(statesSeen(sim)).toEqual(['NEW', 'ESTABLISHED', 'ESTABLISHED'])
  })
})
