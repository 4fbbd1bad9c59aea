import { describe, expect, it } from 'vitest'
import { newClientTcp, Simulator } from '../host/simulator'
import { type IPv4, parseDottedQuad } from '../net/ipv4'
import { Wire, type WirePacket } from './wire'

const ip = (s: string): IPv4 => parseDottedQuad(s) as IPv4

const SERVICES = [
  'ipvsadm -A -t 192.168.100.100:80 -s rr',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
  'ipvsadm -A -f 3 -s rr',
  'ipvsadm -a -f 3 -r 192.168.8.103 -g',
]

function firstPacket(commands: string[], sport = 40000, dport = 80): WirePacket {
  const sim = new Simulator()
  for (const c of commands) expect(sim.run(c), c).toMatchObject({ exit: 0 })
  const wire = new Wire().watch(sim)
  sim.tcpConnect(newClientTcp(ip('10.0.0.1'), sport, ip('192.168.100.100'), dport))
  return wire.packets[0]
}

const walked = (p: WirePacket) =>
  (p.netfilter ?? []).map((s) => `${s.table} ${s.chain}${s.empty ? ' (empty)' : ''} → ${s.verdict} mark ${s.mark}`)

describe('the netfilter path of a client packet (priority order, ip_vs_in_hook at NF_IP_PRI_NAT_SRC − 1)', () => {
  it('a packet matching rule 2 of 3 in mangle PREROUTING shows rule 2, its mark, and the FWM service that took it', () => {
    const p = firstPacket([
      ...SERVICES,
      'iptables -t mangle -A PREROUTING -p udp -j MARK --set-mark 1',
      'iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 3',
      'iptables -t mangle -A PREROUTING -p tcp --dport 443 -j MARK --set-mark 4',
    ])
    expect(p.hop).toBe('client→director')
    expect(walked(p)).toEqual([
      'raw PREROUTING (empty) → ACCEPT mark 0',
      'mangle PREROUTING → policy ACCEPT mark 3',
      'route local → ACCEPT mark 3',
      'mangle INPUT (empty) → ACCEPT mark 3',
      'filter INPUT (empty) → ACCEPT mark 3',
      'security INPUT (empty) → ACCEPT mark 3',
      'ipvs ip_vs_in_hook → forwarded mark 3',
    ])
    const mangle = p.netfilter?.[1]
    expect(mangle?.rules).toEqual([
      { n: 2, rule: '-A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x3/0xffffffff' },
    ])
    expect(p.netfilter?.at(-1)).toMatchObject({ service: 'FWM 3', entry: 'new', priority: 99 })
    expect(p.conn.real).toBe('192.168.8.103:80')
  })

  it('no rule marks it: mark 0, and the TCP service (not FWM) takes it', () => {
    const p = firstPacket([...SERVICES, 'iptables -t mangle -A PREROUTING -p tcp --dport 443 -j MARK --set-mark 3'])
    expect(p.netfilter?.[1]).toMatchObject({ rules: [], verdict: 'policy ACCEPT', mark: 0 })
    expect(p.netfilter?.at(-1)).toMatchObject({ service: 'TCP 192.168.100.100:80', mark: 0 })
  })

  it('a DROP in filter INPUT ends the path there: IPVS never sees the packet', () => {
    const p = firstPacket([...SERVICES, 'iptables -A INPUT -p tcp --dport 80 -j DROP'])
    expect(p.fate).toBe('dropped:netfilter')
    expect(p.netfilter?.at(-1)).toMatchObject({
      table: 'filter',
      chain: 'INPUT',
      verdict: 'DROP',
      rules: [{ n: 1, rule: '-A INPUT -p tcp -m tcp --dport 80 -j DROP' }],
    })
    expect(p.netfilter?.some((s) => s.table === 'ipvs')).toBe(false)
  })

  it('a rule in a user chain is named by its own chain and number; legacy chains are marked as such', () => {
    const p = firstPacket([
      ...SERVICES,
      'iptables-legacy -t mangle -N WEB',
      'iptables-legacy -t mangle -A WEB -p tcp -j MARK --set-mark 3',
      'iptables-legacy -t mangle -A PREROUTING -p tcp -j WEB',
    ])
    const mangle = p.netfilter?.find((s) => s.table === 'mangle' && s.chain === 'PREROUTING')
    expect(mangle).toMatchObject({ legacy: true, mark: 3, verdict: 'policy ACCEPT' })
    expect(mangle?.rules.map((r) => `${r.n} ${r.rule}`)).toEqual([
      '1 -A PREROUTING -p tcp -j WEB',
      '1 -A WEB -p tcp -j MARK --set-xmark 0x3/0xffffffff',
    ])
    expect(p.netfilter?.at(-1)?.service).toBe('FWM 3')
  })

  it('no service at all: IPVS passes it to the director’s own stack (local:no-service)', () => {
    const p = firstPacket(SERVICES, 40000, 8080)
    expect(p.netfilter?.at(-1)).toMatchObject({ verdict: 'local:no-service', service: null })
  })

  it('only the client→director packet carries the path', () => {
    const sim = new Simulator()
    for (const c of SERVICES) sim.run(c)
    const wire = new Wire().watch(sim)
    sim.tcpConnect(newClientTcp(ip('10.0.0.1'), 40000, ip('192.168.100.100'), 80))
    expect(wire.packets.map((x) => [x.hop, x.netfilter !== undefined])).toEqual([
      ['client→director', true],
      ['director→real-server', false],
      ['real-server→client', false],
      ['client→director', true],
      ['director→real-server', false],
    ])
  })
})
