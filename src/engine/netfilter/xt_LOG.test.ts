import { describe, expect, it } from 'vitest'
import { newClientTcp, Simulator } from '../host/simulator'
import { parseDottedQuad } from '../net/ipv4'
import type { SimMs } from '../sim/time'
import type { NfPacket } from './rule'
import { logLine } from './xt_LOG'
import { labMacOf, macMatches } from './xt_mac'

const ip = (s: string) => parseDottedQuad(s) as number as ReturnType<typeof parseDottedQuad> & number

const base: NfPacket = {
  protocol: 6,
  saddr: 0x0a000001,
  sport: 40000,
  daddr: 0xc0a86464,
  dport: 80,
  len: 60,
  mark: 0,
  inIface: 'eth0',
  outIface: '',
  tcpFlags: 0x02,
  srcMac: labMacOf(0x0a000001),
  ctState: 8,
  ctOrigSrc: 0,
  ctOrigDst: 0,
  ctReplSrc: 0,
  ctReplDst: 0,
}

describe('the LOG line (nf_log_syslog.c nf_log_ip_packet(), dump_mac_header(), dump_ipv4_packet(), nf_log_dump_tcp_header())', () => {
  it('a SYN: prefix, IN=/OUT=, MAC= dst:src:type, the IP fields, then TCP with its flags in CWR…FIN order, each followed by a space', () => {
    const t = { kind: 'LOG' as const, level: 4, prefix: 'LVS: ', flags: 0 }
    const line = logLine(t, base)
    expect(line).toMatch(
      /^LVS: IN=eth0 OUT= MAC=52:54:00:12:34:56:02:00:0a:00:00:01:08:00 SRC=10\.0\.0\.1 DST=192\.168\.100\.100 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=\d+ DF PROTO=TCP SPT=40000 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 $/,
    )
  })

  it('FIN+ACK prints ACK before FIN; a mark is appended as MARK=0x…; --log-macdecode decodes the header', () => {
    const t = { kind: 'LOG' as const, level: 4, prefix: '', flags: 0x20 }
    const line = logLine(t, { ...base, tcpFlags: 0x11, mark: 0x1f })
    expect(line).toContain(' ACK FIN URGP=0 MARK=0x1f ')
    expect(line).toContain('MACSRC=02:00:0a:00:00:01 MACDST=52:54:00:12:34:56 MACPROTO=0800 ')
  })

  it('UDP: PROTO=UDP SPT DPT and the UDP length (nf_log_dump_udp_header())', () => {
    const t = { kind: 'LOG' as const, level: 4, prefix: '', flags: 0 }
    expect(logLine(t, { ...base, protocol: 17, tcpFlags: 0, len: 38 })).toMatch(/ PROTO=UDP SPT=40000 DPT=80 LEN=18 $/)
  })

  it('LOG is non-terminating and writes to the kernel log at the rule’s level with the simulated time', () => {
    const sim = new Simulator()
    for (const l of [
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
      'iptables -t mangle -A PREROUTING -p tcp --syn -j LOG --log-level info --log-prefix "syn "',
      'iptables -t mangle -A PREROUTING -p tcp --syn -j MARK --set-mark 7',
    ])
      expect(sim.run(l)).toMatchObject({ exit: 0 })
    sim.advanceTo(1500 as SimMs)
    sim.tcpConnect(newClientTcp(ip('10.0.0.1'), 40000, ip('192.168.100.100'), 80))
    expect(sim.netfilter.kmsg.records).toHaveLength(1)
    expect(sim.netfilter.kmsg.records[0]).toMatchObject({ ms: 1500, level: 6 })
    expect(sim.run('dmesg').stdout).toMatch(/^\[ {4}1\.500000\] syn IN=eth0 /)
    // the MARK rule after LOG still ran
    expect(sim.run('iptables -t mangle -L PREROUTING -v -n -x').stdout).toMatch(/ {7}1 +60 MARK/)
  })
})

describe('mac (xt_mac.c mac_mt(): the frame’s Ethernet source)', () => {
  it('matches the lab’s client MAC (02:00 + its IPv4) and not another; `!` flips', () => {
    const m = { name: 'mac' as const, mac: '02:00:0a:00:00:01', inv: false }
    expect(macMatches(m, base)).toBe(true)
    expect(macMatches(m, { ...base, srcMac: labMacOf(0x0a000002) })).toBe(false)
    expect(macMatches({ ...m, inv: true }, base)).toBe(false)
  })
})
