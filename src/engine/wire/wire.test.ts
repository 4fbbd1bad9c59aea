import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { newClientTcp, Simulator } from '../host/simulator'
import { type IPv4, parseDottedQuad } from '../net/ipv4'
import { type IPv6, parseIPv6 } from '../net/ipv6'
import { runScenario } from '../scenario/run'
import { parseScenario } from '../scenario/schema'
import type { SimMs } from '../sim/time'
import { decodeFrame, encodeFrame, type IpDatagram } from './headers'
import { changedFields, packetsOf } from './hops'
import { readPcap } from './pcap'
import { Topology } from './topology'
import { Wire, type WirePacket } from './wire'

const ip = (s: string): IPv4 => parseDottedQuad(s) as IPv4

function lab(commands: string[], topology = new Topology()): { sim: Simulator; wire: Wire } {
  const sim = new Simulator()
  for (const c of commands) expect(sim.run(c).exit).toBe(0)
  sim.topology = topology
  const wire = new Wire().watch(sim)
  return { sim, wire }
}

function connectAndClose(sim: Simulator, client: string, port: number, vip: string, vport: number) {
  const c = newClientTcp(ip(client), port, ip(vip), vport)
  sim.tcpConnect(c)
  sim.advanceTo((sim.now + 1000) as SimMs)
  sim.tcpClose(c, 'fin')
  return c
}

const tcpOf = (d: IpDatagram) => {
  if (d.payload.kind !== 'tcp') throw new Error(`not TCP: ${d.payload.kind}`)
  return d.payload.tcp
}
const hops = (ps: WirePacket[]) => ps.map((p) => `${p.hop} ${p.fn}`)

describe('packets hop by hop (ip_vs_xmit.c, ip_vs_core.c)', () => {
  it('DR: the director changes only the MAC and the TTL (ip_vs_dr_xmit); the RS answers the client from the VIP', () => {
    const { sim, wire } = lab([
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
    ])
    connectAndClose(sim, '10.0.0.1', 40001, '192.168.100.100', 80)
    expect(hops(wire.packets.slice(0, 3))).toEqual([
      'client→director tcp_connect',
      'director→real-server ip_vs_dr_xmit',
      'real-server→client tcp_v4_send_synack',
    ])
    const [inn, out, synack] = wire.packets
    expect(out.frame.eth).toEqual({ src: '52:54:00:12:34:56', dst: '02:00:c0:a8:08:65', type: 0x0800 })
    expect({ ...out.frame.packet.ip, ttl: 64, checksum: 0 }).toEqual({ ...inn.frame.packet.ip, checksum: 0 })
    expect(out.frame.packet.ip.ttl).toBe(63)
    expect(tcpOf(out.frame.packet)).toEqual(tcpOf(inn.frame.packet))
    expect(synack.frame.packet.ip).toMatchObject({ src: '192.168.100.100', dst: '10.0.0.1', id: 0, ttl: 64 })
    expect(synack.frame.eth.dst).toBe('02:00:0a:00:00:01')
    // the director never sees the RS's packets
    expect(wire.packets.filter((p) => p.to.role === 'director' && p.from.role === 'real-server')).toEqual([])
  })

  it('NAT with port mapping: daddr and dport rewritten (ip_vs_nat_xmit), the reply goes back through the director (handle_response)', () => {
    const { sim, wire } = lab([
      'ipvsadm -A -t 192.168.100.100:8080 -s rr',
      'ipvsadm -a -t 192.168.100.100:8080 -r 192.168.8.102:80 -m',
    ])
    connectAndClose(sim, '10.0.0.2', 40002, '192.168.100.100', 8080)
    expect(hops(wire.packets.slice(0, 5))).toEqual([
      'client→director tcp_connect',
      'director→real-server ip_vs_nat_xmit',
      'real-server→director tcp_v4_send_synack',
      'director→client handle_response',
      'client→director tcp_send_ack',
    ])
    const [, toRs, fromRs, toClient] = wire.packets
    expect(toRs.frame.packet.ip.dst).toBe('192.168.8.102')
    expect(tcpOf(toRs.frame.packet).dport).toBe(80)
    expect(fromRs.frame.packet.ip).toMatchObject({ src: '192.168.8.102', dst: '10.0.0.2', ttl: 64 })
    expect(fromRs.frame.eth.dst).toBe('52:54:00:12:34:56')
    expect(toClient.frame.packet.ip).toMatchObject({ src: '192.168.100.100', dst: '10.0.0.2', ttl: 63 })
    expect(tcpOf(toClient.frame.packet).sport).toBe(8080)
    expect(tcpOf(toClient.frame.packet).seq).toBe(tcpOf(fromRs.frame.packet).seq)
  })

  it('TUN: IPIP from the DIP, outer TTL/TOS/DF copied from the inner packet, id 0 (ip_vs_tunnel_xmit)', () => {
    const { sim, wire } = lab([
      'ipvsadm -A -t 192.168.100.100:443 -s rr',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.103 -i',
    ])
    connectAndClose(sim, '10.0.0.3', 40003, '192.168.100.100', 443)
    const out = wire.packets[1]
    expect(out.fn).toBe('ip_vs_tunnel_xmit')
    const d = out.frame.packet
    expect(d.ip).toMatchObject({
      src: '192.168.8.1',
      dst: '192.168.8.103',
      protocol: 4,
      ttl: 63,
      id: 0,
      df: true,
      length: 80,
    })
    if (d.payload.kind !== 'ipip') throw new Error('not IPIP')
    expect(d.payload.inner.ip).toMatchObject({ src: '10.0.0.3', dst: '192.168.100.100', ttl: 63 })
  })

  it('TUN over GUE (--tun-type gue): UDP to --tun-port, a GUE header, the UDP checksum only with --tun-csum', () => {
    for (const [flag, csum] of [
      ['--tun-nocsum', false],
      ['--tun-csum', true],
    ] as const) {
      const { sim, wire } = lab([
        'ipvsadm -A -t 192.168.100.100:443 -s rr',
        `ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.103 -i --tun-type gue --tun-port 6080 ${flag}`,
      ])
      connectAndClose(sim, '10.0.0.3', 40003, '192.168.100.100', 443)
      const d = wire.packets[1].frame.packet
      expect(d.ip.protocol).toBe(17)
      if (d.payload.kind !== 'gue') throw new Error('not GUE')
      expect(d.payload.udp.dport).toBe(6080)
      expect(d.payload.udp.sport).toBeGreaterThanOrEqual(32768)
      expect(d.payload.udp.checksum !== 0).toBe(csum)
      expect(d.payload.gue).toEqual({ version: 0, hlen: 0, proto: 4 })
      const back = decodeFrame(encodeFrame(wire.packets[1].frame))
      expect(back?.checksumsOk).toBe(true)
      expect(back?.frame.packet.payload.kind).toBe('gue')
    }
  })

  it('TUN over GRE (--tun-type gre): protocol 47, Ethernet type 0x0800, the C bit with --tun-csum', () => {
    const { sim, wire } = lab([
      'ipvsadm -A -t 192.168.100.100:443 -s rr',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.103 -i --tun-type gre --tun-csum',
    ])
    connectAndClose(sim, '10.0.0.3', 40003, '192.168.100.100', 443)
    const d = wire.packets[1].frame.packet
    expect(d.ip.protocol).toBe(47)
    if (d.payload.kind !== 'gre') throw new Error('not GRE')
    expect(d.payload.gre.csum).toBe(true)
    expect(d.payload.gre.protocol).toBe(0x0800)
    expect(decodeFrame(encodeFrame(wire.packets[1].frame))?.checksumsOk).toBe(true)
  })

  it('no real server will take it: ICMP port unreachable from the VIP (ip_vs_leave); no service: RST (tcp_v4_send_reset)', () => {
    const { sim, wire } = lab(['ipvsadm -A -t 192.168.100.100:80 -s rr'])
    sim.tcpConnect(newClientTcp(ip('10.0.0.9'), 40009, ip('192.168.100.100'), 80))
    expect(hops(wire.packets)).toEqual(['client→director tcp_connect', 'director→client icmp_send'])
    expect(wire.packets[0].fate).toBe('refused')
    const icmp = wire.packets[1].frame.packet
    expect(icmp.payload.kind === 'icmp' && [icmp.payload.icmp.type, icmp.payload.icmp.code]).toEqual([3, 3])
    sim.tcpConnect(newClientTcp(ip('10.0.0.9'), 40010, ip('192.168.100.100'), 81))
    const rst = wire.packets[3].frame.packet
    expect(wire.packets[2].fate).toBe('local')
    expect(tcpOf(rst)).toMatchObject({ flags: 'R.', seq: 0, ack: (tcpOf(wire.packets[2].frame.packet).seq + 1) >>> 0 })
    expect(decodeFrame(encodeFrame(wire.packets[3].frame))?.checksumsOk).toBe(true)
  })

  it("--stats follows the packets: InPkts/InBytes are the clients' packets IPVS handled, OutPkts/OutBytes the NAT replies", () => {
    const { sim, wire } = lab([
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
      'ipvsadm -A -t 192.168.100.100:8080 -s rr',
      'ipvsadm -a -t 192.168.100.100:8080 -r 192.168.8.102:80 -m',
      'ipvsadm -A -t 192.168.100.100:443 -s rr',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.103 -i',
      'ipvsadm -A -u 192.168.100.100:53 -s rr',
      'ipvsadm -a -u 192.168.100.100:53 -r 192.168.8.102 -m',
    ])
    for (let i = 0; i < 5; i++) {
      connectAndClose(sim, `10.0.1.${i + 1}`, 40000 + i, '192.168.100.100', 80)
      connectAndClose(sim, `10.0.2.${i + 1}`, 40000 + i, '192.168.100.100', 8080)
      connectAndClose(sim, `10.0.3.${i + 1}`, 40000 + i, '192.168.100.100', 443)
      sim.udpSend(ip(`10.0.4.${i + 1}`), 5353 as never, ip('192.168.100.100'), 53 as never)
    }
    const stats = sim.run('ipvsadm -Ln --stats --exact').stdout
    for (const [proto, vport] of [
      ['tcp', 80],
      ['tcp', 8080],
      ['tcp', 443],
      ['udp', 53],
    ] as const) {
      const virtual = `192.168.100.100:${vport}`
      const mine = wire.packets.filter((p) => p.conn.virtual === virtual && p.conn.proto === proto)
      const inn = mine.filter((p) => p.hop === 'client→director' && p.fate === 'forwarded')
      const out = mine.filter((p) => p.hop === 'real-server→director' && p.fate === 'forwarded')
      const sum = (ps: WirePacket[]) => ps.reduce((s, p) => s + p.frame.packet.ip.length, 0)
      const line = stats.split('\n').find((l) => l.startsWith(`${proto.toUpperCase()}  ${virtual} `))
      expect(line?.trim().split(/\s+/).slice(2).map(Number)).toEqual([5, inn.length, out.length, sum(inn), sum(out)])
      if (vport === 80 || vport === 443) expect(out.length).toBe(0)
      if (vport === 8080) expect(out.length).toBe(10)
    }
  })

  it('writes a pcap file that reads back frame for frame', () => {
    const { sim, wire } = lab([
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
    ])
    connectAndClose(sim, '10.0.0.1', 40001, '192.168.100.100', 80)
    const records = readPcap(wire.pcap())
    expect(records.map((r) => Array.from(r.bytes))).toEqual(wire.packets.map((p) => Array.from(encodeFrame(p.frame))))
    for (let i = 1; i < records.length; i++) expect(records[i].timeUs).toBeGreaterThan(records[i - 1].timeUs)
  })
})

describe("a lab built wrong (the scenario's topology): the real consequence", () => {
  const connect = (sim: Simulator, client: string, vport: number) => {
    const c = newClientTcp(ip(client), 40001, ip('192.168.100.100'), vport)
    sim.tcpConnect(c)
    return c
  }

  it('a correctly built lab (the default) changes nothing', () => {
    const t = new Topology()
    expect(t.rsDrops(ip('192.168.8.101'), 3)).toBeNull()
    expect(t.rsDrops(ip('192.168.8.101'), 2)).toBeNull()
    expect(t.natReplyPath(ip('192.168.8.101'))).toBe('director')
  })

  it('NAT RS whose gateway is not the director: its SYN-ACK leaves from the RIP, the client resets it and never connects', () => {
    const { sim, wire } = lab(
      ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:80 -m'],
      new Topology({ realServers: { '192.168.8.101': { gateway: '192.168.8.254' } } }),
    )
    const c = connect(sim, '10.0.0.2', 80)
    expect(c.status).toBe('pending')
    expect(sim.run('ipvsadm -Lnc').stdout).toMatch(/SYN_RECV/)
    expect(hops(wire.packets)).toEqual([
      'client→director tcp_connect',
      'director→real-server ip_vs_nat_xmit',
      'real-server→client tcp_v4_send_synack',
      'client→real-server tcp_v4_send_reset',
    ])
    const [, , synack, rst] = wire.packets
    expect(synack.frame.packet.ip).toMatchObject({ src: '192.168.8.101', dst: '10.0.0.2' })
    expect(synack.to).toMatchObject({ role: 'gateway', addr: '192.168.8.254', mac: '02:00:c0:a8:08:fe' })
    expect(tcpOf(rst.frame.packet)).toMatchObject({ flags: 'R', seq: tcpOf(synack.frame.packet).ack })
    // the director never saw the reply: nothing counted out
    expect(sim.run('ipvsadm -Ln --stats --exact').stdout).toMatch(/TCP {2}192\.168\.100\.100:80 +1 +1 +0 +60 +0/)
  })

  it('NAT with net.ipv4.ip_forward = 0 on the director: the reply reaches it and goes no further', () => {
    const { sim, wire } = lab(
      ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:80 -m'],
      new Topology({ director: { ip_forward: 0 } }),
    )
    expect(connect(sim, '10.0.0.2', 80).status).toBe('pending')
    expect(wire.packets[2]).toMatchObject({ hop: 'real-server→director', fate: 'dropped:ip_forward=0' })
    expect(wire.packets).toHaveLength(3)
  })

  it('TUN RS without tunl0: nothing decapsulates IPIP — ICMP protocol unreachable, the client never connects', () => {
    const { sim, wire } = lab(
      ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -i'],
      new Topology({ realServers: { '192.168.8.101': { vip: 'lo' } } }),
    )
    expect(connect(sim, '10.0.0.3', 80).status).toBe('pending')
    expect(wire.packets[1].fate).toBe('dropped:no-tunl0')
    const icmp = wire.packets[2]
    expect(icmp).toMatchObject({ hop: 'real-server→director', fn: 'icmp_send' })
    const d = icmp.frame.packet
    expect(d.ip).toMatchObject({ src: '192.168.8.101', dst: '192.168.8.1' })
    expect(d.payload.kind === 'icmp' && [d.payload.icmp.type, d.payload.icmp.code]).toEqual([3, 2])
    expect(decodeFrame(encodeFrame(icmp.frame))?.checksumsOk).toBe(true)
  })

  it('TUN RS with rp_filter = 1: the decapsulated packet fails the reverse-path check', () => {
    const { sim, wire } = lab(
      ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -i'],
      new Topology({ realServers: { '192.168.8.101': { rp_filter: 1 } } }),
    )
    expect(connect(sim, '10.0.0.3', 80).status).toBe('pending')
    expect(wire.packets.map((p) => p.fate)).toEqual(['forwarded', 'dropped:rp_filter'])
  })

  it('UDP to a TUN RS without tunl0: the datagram is sent on but never received', () => {
    const { sim, wire } = lab(
      ['ipvsadm -A -u 192.168.100.100:53 -s rr', 'ipvsadm -a -u 192.168.100.100:53 -r 192.168.8.101 -i'],
      new Topology({ realServers: { '192.168.8.101': { vip: 'lo' } } }),
    )
    expect(sim.udpSend(ip('10.0.0.4'), 5353 as never, ip('192.168.100.100'), 53 as never)).toBeNull()
    expect(wire.packets.map((p) => p.fate)).toEqual(['forwarded', 'dropped:no-tunl0', 'delivered'])
  })

  it('DR RS without the VIP: the packet is not for it and it drops it', () => {
    const { sim, wire } = lab(
      ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g'],
      new Topology({ realServers: { '192.168.8.101': { vip: 'none' } } }),
    )
    expect(connect(sim, '10.0.0.1', 80).status).toBe('pending')
    expect(wire.packets.map((p) => p.fate)).toEqual(['forwarded', 'dropped:vip-not-local'])
  })

  it.each([['nat-rs-wrong-gateway'], ['tun-rs-without-tunl0']])(
    "public/scenarios/%s.json: the broken server's client times out, the other connects",
    (name) => {
      const text = readFileSync(new URL(`../../../public/scenarios/${name}.json`, import.meta.url), 'utf8')
      const parsed = parseScenario(text)
      if (!parsed.ok) throw new Error(parsed.error)
      const run = runScenario(parsed.scenario)
      expect(run.connections.map((c) => [c.rs, c.status])).toEqual([
        ['192.168.8.102:80', 'connected'],
        ['192.168.8.101:80', 'connect-failed: ETIMEDOUT'],
      ])
    },
  )
})

describe('what each hop changed (changedFields, for the Packets view)', () => {
  const run = (rs: string) => {
    const { sim, wire } = lab(['ipvsadm -A -t 192.168.100.100:8080 -s rr', `ipvsadm -a -t 192.168.100.100:8080 ${rs}`])
    connectAndClose(sim, '10.0.0.1', 40001, '192.168.100.100', 8080)
    const byN = new Map(wire.packets.map((p) => [p.n, p]))
    return packetsOf(wire.packets, { proto: 'tcp', client: '10.0.0.1:40001', virtual: '192.168.100.100:8080' })
      .filter((p) => p.madeFrom !== null)
      .map((p) => changedFields((byN.get(p.madeFrom as number) as WirePacket).frame, p.frame))
  }

  it('DR: the MACs, the TTL and the IP checksum', () => {
    expect(run('-r 192.168.8.101 -g')[0]).toEqual(['eth.src', 'eth.dst', 'ip.ttl', 'ip.checksum'])
  })

  it('NAT with port mapping: also the destination address and port; the reply: the source address and port', () => {
    const [toRs, toClient] = run('-r 192.168.8.102:80 -m')
    expect(toRs).toEqual(['eth.src', 'eth.dst', 'ip.dst', 'ip.ttl', 'ip.checksum', 'tcp.dport', 'tcp.checksum'])
    expect(toClient).toEqual(['eth.src', 'eth.dst', 'ip.src', 'ip.ttl', 'ip.checksum', 'tcp.sport', 'tcp.checksum'])
  })

  it('TUN: an outer IP header added, the inner TTL lowered', () => {
    const [toRs] = run('-r 192.168.8.103 -i')
    expect(toRs.filter((k) => !k.startsWith('outer.'))).toEqual(['eth.src', 'eth.dst', 'ip.ttl', 'ip.checksum'])
    expect(toRs.filter((k) => k.startsWith('outer.'))).toContain('outer.ip.protocol')
  })
})

describe('IPv6 (ip_vs_*_xmit_v6)', () => {
  const ip6 = (s: string) => parseIPv6(s) as IPv6

  it('DR, NAT with port mapping and TUN (IPv6-in-IPv6 from the IPv6 DIP): hop limit 63, checksums correct', () => {
    const { sim, wire } = lab([
      'ipvsadm -A -t [2001:db8::100]:80 -s rr',
      'ipvsadm -a -t [2001:db8::100]:80 -r [2001:db8:8::101]:80 -g',
      'ipvsadm -A -t [2001:db8::100]:8080 -s rr',
      'ipvsadm -a -t [2001:db8::100]:8080 -r [2001:db8:8::102]:80 -m',
      'ipvsadm -A -t [2001:db8::100]:443 -s rr',
      'ipvsadm -a -t [2001:db8::100]:443 -r 2001:db8:8::103 -i',
    ])
    for (const vport of [80, 8080, 443]) {
      const c = newClientTcp(ip6('2001:db8:1::1'), 40000 + vport, ip6('2001:db8::100'), vport)
      sim.tcpConnect(c)
      expect(c.status).toBe('connected')
    }
    for (const p of wire.packets) {
      expect(p.frame.eth.type).toBe(0x86dd)
      expect(decodeFrame(encodeFrame(p.frame))?.checksumsOk).toBe(true)
    }
    const toRs = wire.packets.filter((p) => p.hop === 'director→real-server')
    const [dr, nat, tun] = [toRs[0], toRs[2], toRs[4]]
    expect(dr.frame.packet.ip).toMatchObject({ version: 6, dst: '2001:db8::100', ttl: 63, length: 80 })
    expect(nat.frame.packet.ip).toMatchObject({ version: 6, dst: '2001:db8:8::102', ttl: 63 })
    expect(tcpOf(nat.frame.packet).dport).toBe(80)
    expect(tun.frame.packet.ip).toMatchObject({
      version: 6,
      src: '2001:db8:8::1',
      dst: '2001:db8:8::103',
      protocol: 41,
    })
    const reply = wire.packets.find((p) => p.fn === 'handle_response')
    expect(reply?.frame.packet.ip).toMatchObject({ src: '2001:db8::100', ttl: 63 })
  })

  it('refused: ICMPv6 destination unreachable, port unreachable (type 1, code 4)', () => {
    const { sim, wire } = lab(['ipvsadm -A -t [2001:db8::100]:80 -s rr'])
    sim.tcpConnect(newClientTcp(ip6('2001:db8:1::9'), 40009, ip6('2001:db8::100'), 80))
    const d = wire.packets[1].frame.packet
    expect(d.ip).toMatchObject({ version: 6, protocol: 58, src: '2001:db8::100' })
    expect(d.payload.kind === 'icmp' && [d.payload.icmp.type, d.payload.icmp.code]).toEqual([1, 4])
    expect(decodeFrame(encodeFrame(wire.packets[1].frame))?.checksumsOk).toBe(true)
  })
})
