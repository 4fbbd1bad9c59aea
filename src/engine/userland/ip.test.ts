import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'

// iproute2 6.1 (Debian 12) as it prints a director's interfaces: print_linkinfo(), print_addrinfo().
const LO = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever
`
const ETH0 = `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
    inet 10.0.255.254/16 brd 10.0.255.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet6 2001:db8:ffff::fe/64 scope global 
       valid_lft forever preferred_lft forever
    inet6 fe80::5054:ff:fe12:3456/64 scope link 
       valid_lft forever preferred_lft forever
`

const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  sessionAffinity: ClientIP
  ports:
  - name: http
    port: 80
    nodePort: 30080
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 80
endpoints:
- addresses: [10.244.1.5]
`

describe('ip (iproute2 6.1) on the director', () => {
  it('ip addr: lo, eth0 toward the clients, eth1 toward the real servers', () => {
    const sim = new Simulator()
    const out = sim.run('ip addr').stdout
    expect(out.startsWith(LO + ETH0)).toBe(true)
    expect(out).toContain('3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP>')
    expect(out).toContain('    inet 192.168.8.1/24 brd 192.168.8.255 scope global eth1\n')
    expect(sim.run('ip a show eth0').stdout).toBe(ETH0)
    expect(sim.run('ip address show dev eth0').stdout).toBe(ETH0)
  })

  it('ip -4 addr: the IPv4 lines only', () => {
    const out = new Simulator().run('ip -4 addr').stdout
    expect(out).not.toContain('inet6')
    // print_linkinfo(): no link/ether line under a family filter
    expect(out).not.toContain('link/')
    expect(out.split('\n').filter((l) => l.startsWith('    inet '))).toEqual([
      '    inet 127.0.0.1/8 scope host lo',
      '    inet 10.0.255.254/16 brd 10.0.255.255 scope global eth0',
      '    inet 192.168.8.1/24 brd 192.168.8.255 scope global eth1',
    ])
  })

  it('ip addr add / del: a VIP on eth0, a secondary in the same subnet, the refusals', () => {
    const sim = new Simulator()
    expect(sim.run('ip addr add 192.168.100.100/32 dev eth0')).toEqual({ stdout: '', stderr: '', exit: 0 })
    expect(sim.run('ip addr add 10.0.0.9/16 dev eth0').exit).toBe(0)
    const eth0 = sim.run('ip -4 addr show eth0').stdout
    expect(eth0).toContain('    inet 192.168.100.100/32 scope global eth0\n')
    expect(eth0).toContain('    inet 10.0.0.9/16 scope global secondary eth0\n')
    expect(sim.interfaces.holds('192.168.100.100')).toBe(true)
    expect(sim.run('ip addr add 192.168.100.100/32 dev eth0')).toEqual({
      stdout: '',
      stderr: 'RTNETLINK answers: File exists\n',
      exit: 2,
    })
    expect(sim.run('ip addr add 1.2.256 dev eth0').stderr).toBe(
      'Error: any valid prefix is expected rather than "1.2.256".\n',
    )
    // get_addr_ipv4(): missing parts are 0, a leading 0 is octal
    expect(sim.run('ip addr add 1.2.010 dev eth0').exit).toBe(0)
    expect(sim.run('ip -4 addr show eth0').stdout).toContain('    inet 1.2.8.0/32 scope global eth0\n')
    expect(sim.run('ip addr add 1.2.3.4/24').stderr).toBe('Not enough information: "dev" argument is required.\n')
    expect(sim.run('ip addr add 1.2.3.4/24 dev eth9').stderr).toBe('Cannot find device "eth9"\n')
    expect(sim.run('ip addr del 192.168.100.100/32 dev eth0').exit).toBe(0)
    expect(sim.run('ip addr del 192.168.100.100/32 dev eth0')).toEqual({
      stdout: '',
      stderr: 'RTNETLINK answers: Cannot assign requested address\n',
      exit: 2,
    })
    expect(sim.run('ip addr show dev eth9').stderr).toBe('Device "eth9" does not exist.\n')
    expect(sim.run('ip foo').stderr).toBe('Object "foo" is unknown, try "ip help".\n')
    expect(sim.run('ip addr foo').stderr).toBe('Command "foo" is unknown, try "ip address help".\n')
    expect(sim.run('ip -x addr')).toEqual({
      stdout: '',
      stderr: 'Option "-x" is unknown, try "ip -help".\n',
      exit: 255,
    })
  })

  it('ip link show', () => {
    expect(new Simulator().run('ip link show eth0').stdout).toBe(
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n',
    )
  })

  it("kube-proxy's kube-ipvs0 holds the ClusterIPs (not the node's addresses), and lets one go with its service", () => {
    const sim = new Simulator()
    sim.files.set('/root/web.yaml', MANIFEST)
    expect(sim.run('ip link show kube-ipvs0').stderr).toBe('Device "kube-ipvs0" does not exist.\n')
    expect(sim.run('kube-proxy --proxy-mode=ipvs').exit).toBe(0)
    expect(sim.run('kubectl apply -f web.yaml').exit).toBe(0)
    expect(sim.run('ip addr show kube-ipvs0').stdout).toBe(
      '4: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default \n    link/ether aa:7e:0c:51:d6:3b brd ff:ff:ff:ff:ff:ff\n    inet 10.96.0.10/32 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n',
    )
    expect(sim.run('kubectl delete -f web.yaml').exit).toBe(0)
    expect(sim.run('ip -4 addr show kube-ipvs0').stdout).toBe('')
    expect(sim.run('ip link show kube-ipvs0').exit).toBe(0)
  })
})
