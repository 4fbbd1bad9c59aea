import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ClientTcp, newClientTcp, Simulator } from '../host/simulator'
import { parseDottedQuad } from '../net/ipv4'
import { applyMark } from './xt_mark'

const ip = (s: string) => parseDottedQuad(s) as number as ReturnType<typeof parseDottedQuad> & number

function director(...lines: string[]): Simulator {
  const sim = new Simulator()
  for (const l of lines) {
    const r = sim.run(l)
    expect(r, l).toMatchObject({ exit: 0, stderr: '' })
  }
  return sim
}

/** One client connection through the director; the real server that took it, or null. */
function connect(sim: Simulator, sport: number, dport = 80, client = '10.0.0.1', vip = '192.168.100.100'): ClientTcp {
  const c = newClientTcp(ip(client), sport, ip(vip), dport)
  sim.tcpConnect(c)
  return c
}

const SERVICES = [
  'ipvsadm -A -t 192.168.100.100:80 -s rr',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
  'ipvsadm -A -f 3 -s rr',
  'ipvsadm -a -f 3 -r 192.168.8.103 -g',
]

describe('MARK arithmetic (xt_MARK mark_tg: clear the mask, then XOR)', () => {
  it('--set-mark, --and-mark, --or-mark and --xor-mark do what their names say', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), (old, v) => {
        expect(applyMark(old, { mark: v, mask: 0xffffffff })).toBe(v) // --set-mark V
        expect(applyMark(old, { mark: 0, mask: ~v >>> 0 })).toBe((old & v) >>> 0) // --and-mark V
        expect(applyMark(old, { mark: v, mask: v })).toBe((old | v) >>> 0) // --or-mark V
        expect(applyMark(old, { mark: v, mask: 0 })).toBe((old ^ v) >>> 0) // --xor-mark V
      }),
    )
  })
})

describe('the chains a packet meets before IPVS', () => {
  it('MARK is not terminating: later rules see and change the mark, and the fwmark service wins', () => {
    const sim = director(
      ...SERVICES,
      'iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 1',
      'iptables -t mangle -A PREROUTING -p tcp --dport 80 -m mark --mark 1 -j MARK --or-mark 2',
    )
    expect(connect(sim, 40000).rsAddr).toBe(ip('192.168.8.103'))
  })

  it('counts every client packet that matched, in IP bytes (DR: SYN 60, ACK 52, FIN 52, ACK 52)', () => {
    const sim = director(...SERVICES, 'iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 3')
    const c = connect(sim, 40000)
    sim.tcpClose(c, 'fin')
    expect(sim.run('iptables -t mangle -L PREROUTING -v -n -x').stdout).toContain('       4      216 MARK')
    // nf_tables base chains carry no counters of their own
    expect(sim.run('iptables -t mangle -L PREROUTING -v -n').stdout).toContain('policy ACCEPT 0 packets, 0 bytes')
  })

  it('--syn matches the first packet of a connection only', () => {
    const sim = director(...SERVICES, 'iptables -t mangle -A PREROUTING -p tcp --syn -j MARK --set-mark 3')
    const c = connect(sim, 40000)
    sim.tcpClose(c, 'fin')
    expect(sim.run('iptables -t mangle -S PREROUTING -v').stdout).toContain('-c 1 60 -j MARK')
  })

  it('a DROP in filter INPUT (priority 0) stops the SYN before IPVS (LOCAL_IN, priority 98)', () => {
    const sim = director(...SERVICES, 'iptables -A INPUT -p tcp --dport 80 -j DROP')
    const c = connect(sim, 40000)
    expect(c.status).toBe('pending')
    expect(sim.run('ipvsadm -Lnc').stdout.split('\n').length).toBe(3) // headers only
  })

  it('RETURN from a built-in chain, and falling off a chain reached by -g, apply the policy', () => {
    for (const rule of ['-j RETURN', '-g GO']) {
      const sim = director(
        ...SERVICES,
        'iptables -t mangle -N GO',
        'iptables -t mangle -A GO -p udp -j ACCEPT',
        `iptables -t mangle -A PREROUTING ${rule}`,
        'iptables -t mangle -A PREROUTING -j ACCEPT',
        'iptables -t mangle -P PREROUTING DROP',
      )
      expect(connect(sim, 40000).status, rule).toBe('pending')
    }
  })

  it('RETURN in a user chain goes back to the rule after the jump', () => {
    const sim = director(
      ...SERVICES,
      'iptables -t mangle -N SUB',
      'iptables -t mangle -A SUB -j MARK --set-mark 7',
      'iptables -t mangle -A SUB -j RETURN',
      'iptables -t mangle -A SUB -j DROP',
      'iptables -t mangle -A PREROUTING -j SUB',
      'iptables -t mangle -A PREROUTING -m mark --mark 7 -j MARK --set-mark 3',
    )
    expect(connect(sim, 40000).rsAddr).toBe(ip('192.168.8.103'))
  })

  it('iptables-nft stores `! --sport S ! --dport D` as one compare: it matches unless both ports are equal', () => {
    const rule = '-t mangle -A PREROUTING -p tcp ! --sport 40000 ! --dport 80 -j MARK --set-mark 3'
    // nf_tables: sport equal, dport different → the pair differs → marked → fwmark service
    const nft = director(...SERVICES, `iptables ${rule}`)
    expect(connect(nft, 40000, 80).rsAddr).toBe(ip('192.168.8.101'))
    expect(connect(nft, 40001, 80).rsAddr).toBe(ip('192.168.8.103'))
    // x_tables: each port test on its own → sport 40001 ≠ 40000 but dport 80 = 80 → no mark
    const legacy = director(...SERVICES, `iptables-legacy ${rule}`)
    expect(connect(legacy, 40001, 80).rsAddr).toBe(ip('192.168.8.101'))
  })

  it('legacy tables count packets that fall through to the policy; their rules apply too', () => {
    const sim = director(...SERVICES, 'iptables-legacy -t mangle -A PREROUTING -p udp -j ACCEPT')
    const c = connect(sim, 40000)
    sim.tcpClose(c, 'fin')
    expect(sim.run('iptables-legacy -t mangle -L PREROUTING -v -n').stdout).toContain(
      '(policy ACCEPT 4 packets, 216 bytes)',
    )
    expect(sim.run('iptables -t mangle -L -n').stderr).toBe(
      '# Warning: iptables-legacy tables present, use iptables-legacy to see them\n',
    )
  })

  it('NAT: the real server’s replies cross mangle FORWARD; dropping them leaves the client retrying', () => {
    const sim = director(
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -m',
      'iptables -t mangle -A FORWARD -s 192.168.8.101 -j DROP',
    )
    expect(connect(sim, 40000).status).toBe('pending')
    expect(sim.run('iptables -t mangle -L FORWARD -v -n -x').stdout).toContain('       1       60 DROP')
  })
})
