import { describe, expect, it } from 'vitest'
import { newClientTcp, Simulator } from '../host/simulator'
import { type IPv4, parseDottedQuad } from '../net/ipv4'
import type { SimMs } from '../sim/time'
import { type RealServerSetup, Topology } from './topology'
import { Wire } from './wire'

const ip = (s: string): IPv4 => parseDottedQuad(s) as IPv4
const VIP = '192.168.100.100'

function lab(rs: Record<string, Partial<RealServerSetup>>, method = '-g') {
  const sim = new Simulator()
  for (const c of [
    'ipvsadm -A -t 192.168.100.100:80 -s rr',
    `ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 ${method}`,
    `ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 ${method}`,
  ])
    expect(sim.run(c).exit).toBe(0)
  sim.setTopology(new Topology({ router: {}, realServers: rs }))
  const wire = new Wire().watch(sim)
  return { sim, wire }
}

const connect = (sim: Simulator, client: string, port: number) => {
  const c = newClientTcp(ip(client), port, ip(VIP), 80)
  sim.tcpConnect(c)
  return c
}
/** tcpdump's words for each ARP frame, the Ethernet addresses, and what the router's entry did. */
const arpLines = (w: Wire) =>
  w.arps.map((a) => {
    const f = a.frame.arp
    const what = f.op === 1 ? `who-has ${f.tpa} tell ${f.spa}` : `${f.spa} is-at ${f.sha}`
    return `${what} (${a.frame.eth.src} > ${a.frame.eth.dst}) ${a.fate}`
  })

describe('ARP on the VIP’s LAN with a router (arp.c arp_process, arp_ignore, arp_solicit)', () => {
  it('a correctly built DR lab: only the director answers for the VIP; the servers name their RIP; nobody bypasses', () => {
    const { sim, wire } = lab({})
    for (let k = 0; k < 4; k++) connect(sim, `10.0.0.${k + 1}`, 40000 + k)
    expect(arpLines(wire)).toEqual([
      'who-has 192.168.100.100 tell 192.168.8.254 (02:00:c0:a8:08:fe > ff:ff:ff:ff:ff:ff) delivered',
      '192.168.100.100 is-at 52:54:00:12:34:56 (52:54:00:12:34:56 > 02:00:c0:a8:08:fe) neigh:created',
      // arp_announce 2: inet_select_addr() gives the RIP; the router learns the RIP, not the VIP (rr: 102 first)
      'who-has 192.168.8.254 tell 192.168.8.102 (02:00:c0:a8:08:66 > ff:ff:ff:ff:ff:ff) neigh:created',
      '192.168.8.254 is-at 02:00:c0:a8:08:fe (02:00:c0:a8:08:fe > 02:00:c0:a8:08:66) delivered',
      'who-has 192.168.8.254 tell 192.168.8.101 (02:00:c0:a8:08:65 > ff:ff:ff:ff:ff:ff) neigh:created',
      '192.168.8.254 is-at 02:00:c0:a8:08:fe (02:00:c0:a8:08:fe > 02:00:c0:a8:08:65) delivered',
    ])
    expect(sim.arp?.flips.map((f) => f.to.role)).toEqual(['director'])
    expect(wire.packets.some((p) => p.hop === 'client→real-server')).toBe(false)
  })

  it('arp_ignore 0 alone: the server answers too, within locktime, and the router keeps the director’s (first) reply', () => {
    const { sim, wire } = lab({ '192.168.8.101': { arp_ignore: 0 } })
    for (let k = 0; k < 4; k++) connect(sim, `10.0.0.${k + 1}`, 40000 + k)
    expect(arpLines(wire)[2]).toBe(
      '192.168.100.100 is-at 02:00:c0:a8:08:65 (02:00:c0:a8:08:65 > 02:00:c0:a8:08:fe) neigh:ignored',
    )
    expect(sim.arp?.table.get(VIP)?.mac).toBe('52:54:00:12:34:56')
    expect(wire.packets.some((p) => p.hop === 'client→real-server')).toBe(false)
  })

  it('arp_announce 0: the server’s first reply asks for the router naming the VIP; the entry flips to it then, and stays', () => {
    const { sim, wire } = lab({ '192.168.8.102': { arp_announce: 0 } })
    // rr: the first client goes to 102, whose SYN-ACK makes it ask for its gateway
    const first = connect(sim, '10.0.0.1', 40001)
    expect(first.entry?.daddr).toBe(ip('192.168.8.102'))
    expect(sim.arp?.flips.map((f) => `${f.at} ${f.to.role} ${f.to.addr} ${f.by}`)).toEqual([
      '0 director 192.168.100.100 reply',
      '0 real-server 192.168.8.102 request',
    ])
    expect(arpLines(wire)).toContain(
      'who-has 192.168.8.254 tell 192.168.100.100 (02:00:c0:a8:08:66 > ff:ff:ff:ff:ff:ff) neigh:changed',
    )
    // the handshake's ACK already went straight to 101: the director's entry never sees it
    expect(sim.run('ipvsadm -Lnc').stdout).toContain('SYN_RECV')
    // later: every client goes to 102, without the director (no entry, no template)
    sim.advanceTo(60_000 as SimMs)
    const later = connect(sim, '10.0.0.2', 40002)
    expect(later.status).toBe('connected')
    expect(later.entry).toBeNull()
    expect(later.bypassed).toBe('192.168.8.102')
    expect(sim.run('ipvsadm -Lnc').stdout).not.toContain('10.0.0.2')
    const syn = wire.packets.filter((p) => p.conn.client === '10.0.0.2:40002')
    expect(syn.map((p) => `${p.hop} ${p.fn}`)).toEqual([
      'client→real-server tcp_connect',
      'real-server→client tcp_v4_send_synack',
      'client→real-server tcp_send_ack',
    ])
    expect(syn[0].frame.eth).toMatchObject({ src: '02:00:c0:a8:08:fe', dst: '02:00:c0:a8:08:66' })
  })

  it('a connection the director gave another server is reset by the one the router now sends to', () => {
    const { sim, wire } = lab({ '192.168.8.101': { arp_announce: 0 } })
    const toA = connect(sim, '10.0.0.1', 40001) // rr: 102 (arp_announce 2: no flip)
    const toB = connect(sim, '10.0.0.2', 40002) // 101: its SYN-ACK flips the entry to 101
    expect(toA.entry?.daddr).toBe(ip('192.168.8.102'))
    expect(toB.entry?.daddr).toBe(ip('192.168.8.101'))
    expect(sim.tcpClose(toA, 'fin')).toBe('reset')
    expect(sim.tcpClose(toB, 'fin')).toBe('acked')
    const rst = wire.packets.find((p) => p.fn === 'tcp_v4_send_reset')
    expect(rst).toMatchObject({ hop: 'real-server→client', from: { addr: '192.168.8.101' } })
  })

  it('NAT real servers never answer for the VIP (it is not theirs): no flip', () => {
    const { sim } = lab({ '192.168.8.101': { arp_ignore: 0, arp_announce: 0 } }, '-m')
    for (let k = 0; k < 3; k++) connect(sim, `10.0.0.${k + 1}`, 40000 + k)
    expect(sim.arp?.flips.map((f) => f.to.role)).toEqual(['director'])
  })
})
