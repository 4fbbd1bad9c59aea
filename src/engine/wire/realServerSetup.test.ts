import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { realServerSetup } from './realServerSetup'
import { Topology } from './topology'

function director(...cmds: string[]): Simulator {
  const sim = new Simulator()
  for (const c of cmds) expect(sim.run(c).exit).toBe(0)
  return sim
}

describe("the real servers' side of the director's script (realServerSetup)", () => {
  it('DR: the VIP on lo and the ARP sysctls; NAT: the default route through the DIP; TUN: tunl0, the VIP on it, rp_filter 0', () => {
    const sim = director(
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 60',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
      'ipvsadm -A -t 192.168.100.100:8080 -s rr',
      'ipvsadm -a -t 192.168.100.100:8080 -r 192.168.8.102:80 -m',
      'ipvsadm -A -t 192.168.100.100:443 -s rr',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.103 -i',
    )
    expect(realServerSetup(sim.director.services, new Topology())).toBe(
      [
        '# On each real server (as root): what its forwarding method needs.',
        '# 192.168.8.101 — DR (Route) for 192.168.100.100',
        '#   ip addr add 192.168.100.100/32 dev lo',
        '#   sysctl -w net.ipv4.conf.all.arp_ignore=1',
        '#   sysctl -w net.ipv4.conf.all.arp_announce=2',
        '# 192.168.8.102 — NAT (Masq)',
        '#   ip route replace default via 192.168.8.1',
        '# 192.168.8.103 — TUN (Tunnel) for 192.168.100.100',
        '#   modprobe ipip',
        '#   ip link set tunl0 up',
        '#   ip addr add 192.168.100.100/32 dev tunl0',
        '#   sysctl -w net.ipv4.conf.tunl0.rp_filter=0',
        '#   sysctl -w net.ipv4.conf.all.rp_filter=0',
        '#   sysctl -w net.ipv4.conf.all.arp_ignore=1',
        '#   sysctl -w net.ipv4.conf.all.arp_announce=2',
        '',
      ].join('\n'),
    )
  })

  it("a real server of two services lists each VIP once; GUE needs a fou port; a fwmark service's VIPs are its MARK rules'; the DIP is the topology's", () => {
    const sim = director(
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
      'ipvsadm -A -t 192.168.100.100:443 -s rr',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.101 -g',
      'ipvsadm -A -f 9 -s rr',
      'ipvsadm -a -f 9 -r 192.168.8.101 -g',
      'ipvsadm -A -t 192.168.100.101:80 -s rr',
      'ipvsadm -a -t 192.168.100.101:80 -r 192.168.8.104 -i --tun-type gue --tun-port 6080',
      'ipvsadm -a -t 192.168.100.101:80 -r 192.168.8.105 -m',
    )
    const text = realServerSetup(sim.director.services, new Topology({ director: { dip: '192.168.8.254' } }))
    expect(text).toContain(
      '# 192.168.8.101 — DR (Route) for 192.168.100.100, <each VIP your MARK 9 rules match>\n' +
        '#   ip addr add 192.168.100.100/32 dev lo\n' +
        '#   ip addr add <each VIP your MARK 9 rules match>/32 dev lo\n',
    )
    expect(text).toContain('#   modprobe fou\n#   ip fou add port 6080 gue\n#   ip link set tunl0 up\n')
    expect(text).toContain('# 192.168.8.105 — NAT (Masq)\n#   ip route replace default via 192.168.8.254\n')
    expect(text.split('\n').every((l) => l === '' || l.startsWith('#'))).toBe(true)
  })

  it('IPv6: ip -6, a /128 on lo, no ARP sysctls; nothing without a real server', () => {
    const sim = director(
      'ipvsadm -A -t [2001:db8::10]:80 -s rr',
      'ipvsadm -a -t [2001:db8::10]:80 -r 2001:db8:8::101 -g',
    )
    expect(realServerSetup(sim.director.services, new Topology())).toBe(
      '# On each real server (as root): what its forwarding method needs.\n' +
        '# 2001:db8:8::101 — DR (Route) for 2001:db8::10\n' +
        '#   ip -6 addr add 2001:db8::10/128 dev lo\n',
    )
    expect(realServerSetup(director('ipvsadm -A -t 192.168.100.100:80 -s rr').director.services, new Topology())).toBe(
      '',
    )
  })
})
