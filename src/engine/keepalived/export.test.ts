import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { DEFAULT_CONF } from './daemon'
import { exportKeepalivedConf } from './export'
import { parseKeepalivedConf } from './parser'

/** A director configured by hand with these lines. */
function byHand(lines: string[]): Simulator {
  const sim = new Simulator()
  for (const l of lines) {
    const r = sim.run(l)
    expect(r.stderr, l).toBe('')
  }
  return sim
}

const exported = (sim: Simulator) =>
  exportKeepalivedConf(sim.director.services, { mangleRules: sim.run('iptables -t mangle -S').stdout })

/** A fresh director whose keepalived started with this file: what it listed, and what keepalived ran. */
function viaKeepalived(text: string): { listing: string; ran: string[] } {
  const sim = new Simulator()
  sim.files.set(DEFAULT_CONF, text)
  const r = sim.run('systemctl start keepalived')
  expect(r.stderr).toBe('')
  expect(r.exit).toBe(0)
  return { listing: sim.run('ipvsadm -Ln').stdout, ran: sim.keepalived.takeCommands().map((c) => c.cmd) }
}

/** export → the lab's parser → the ipvsadm lines keepalived runs → `ipvsadm -Ln` equals the original's. */
function roundTrip(lines: string[]): { text: string; ran: string[] } {
  const sim = byHand(lines)
  const text = exported(sim)
  expect(parseKeepalivedConf(text, DEFAULT_CONF).messages).toEqual([])
  const back = viaKeepalived(text)
  expect(back.listing).toBe(sim.run('ipvsadm -Ln').stdout)
  return { text, ran: back.ran }
}

describe('keepalived.conf export', () => {
  it('round trip: PPC with -p and -M, DR, weights', () => {
    const { text, ran } = roundTrip([
      'ipvsadm -A -t 192.168.100.100:80 -s wrr -p 300 -M 255.255.255.0',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 3',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g -w 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.103 -g -w 0',
    ])
    expect(text).toContain(
      'virtual_server 192.168.100.100 80 {\n    lb_algo wrr\n    lb_kind DR\n    protocol TCP\n    persistence_timeout 300\n    persistence_granularity 255.255.255.0\n',
    )
    expect(ran).toEqual([
      'ipvsadm -A -t 192.168.100.100:80 -s wrr -p 300 -M 255.255.255.0',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 3',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102:80 -g -w 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.103:80 -g -w 0',
    ])
  })

  it('round trip: PCC (port 0), NAT with other ports, UDP, SCTP, mixed methods', () => {
    const { text } = roundTrip([
      'ipvsadm -A -t 192.168.100.100:0 -s rr -p 600',
      'ipvsadm -a -t 192.168.100.100:0 -r 192.168.8.101 -g',
      'ipvsadm -a -t 192.168.100.100:0 -r 192.168.8.102 -g',
      'ipvsadm -A -t 192.168.100.100:443 -s lc',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.101:8443 -m -w 2',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.102:8443 -m',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.103 -g',
      'ipvsadm -A -u 192.168.100.100:53 -s sh',
      'ipvsadm -a -u 192.168.100.100:53 -r 192.168.8.101:53 -i',
      'ipvsadm -A --sctp-service 192.168.100.100:3868 -s rr',
      'ipvsadm -a --sctp-service 192.168.100.100:3868 -r 192.168.8.102:3868 -m',
    ])
    // lb_kind is the service's most common method; the other one per real server
    expect(text).toContain('    real_server 192.168.8.103 443 {\n        weight 1\n        lvs_method DR\n    }')
    expect(text).toContain('    protocol UDP\n')
    expect(text).toContain('    protocol SCTP\n')
  })

  it('round trip: a fwmark service, its mark rules quoted as comments (keepalived writes no iptables)', () => {
    const { text } = roundTrip([
      'iptables -t mangle -A PREROUTING -d 192.168.100.100/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 7',
      'ipvsadm -A -f 7 -s rr -p 300',
      'ipvsadm -a -f 7 -r 192.168.8.101 -g',
      'ipvsadm -a -f 7 -r 192.168.8.102 -g -w 2',
    ])
    expect(text).toContain('virtual_server fwmark 7 {')
    expect(text).toContain("    ! keepalived does not write iptables: mark 7 comes from the director's mangle rules\n")
    expect(text).toMatch(
      / {4}! {3}iptables -t mangle -A PREROUTING -d 192\.168\.100\.100\/32 .*--set-xmark 0x7\/0xffffffff\n/,
    )
  })

  it('says in a comment what it cannot write, and the file still reads without a message', () => {
    const sim = byHand([
      'ipvsadm -A -u 192.168.100.100:5060 -s sh -b sh-port -p 60 -o --pe sip',
      'ipvsadm -a -u 192.168.100.100:5060 -r 192.168.8.101:5060 -m -x 100 -y 10',
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -i --tun-type gue --tun-port 6080',
      'ipvsadm -A -t 192.168.100.100:81 -s rr',
      'ipvsadm -A -t [2001:db8::1]:80 -s rr',
      'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::101]:80 -m',
    ])
    const text = exported(sim)
    expect(text).toContain(
      "! ipvsadm -E -u 192.168.100.100:5060 -o (one-packet scheduling): not written, keepalived's `ops`",
    )
    expect(text).toContain("! ipvsadm -b sh-port (scheduler flags): not written, keepalived's `sh-port`")
    expect(text).toContain("! --pe sip (persistence engine): not written, keepalived's `persistence_engine sip`")
    expect(text).toContain('! -x 100 -y 10 (connection thresholds): not written')
    expect(text).toContain('! --tun-type gue --tun-port 6080: not written')
    expect(text).toContain('! TCP 192.168.100.100:81: not written. It has no real servers')
    expect(text).toContain(
      "! TCP [2001:db8::1]:80: not written. keepalived 2.2.7 takes an IPv6 virtual server, this lab's",
    )
    expect(parseKeepalivedConf(text, DEFAULT_CONF).messages).toEqual([])
    // what was written is programmed: the UDP and the TUN service, without what the comments name
    expect(viaKeepalived(text).ran).toEqual([
      'ipvsadm -A -u 192.168.100.100:5060 -s sh -p 60',
      'ipvsadm -a -u 192.168.100.100:5060 -r 192.168.8.101:5060 -m -w 1',
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102:80 -i -w 1',
    ])
  })

  it('an empty table is a file with no virtual server', () => {
    const text = exportKeepalivedConf([])
    expect(text).not.toContain('virtual_server')
    expect(parseKeepalivedConf(text, DEFAULT_CONF)).toMatchObject({ messages: [], config: { virtualServers: [] } })
  })
})
