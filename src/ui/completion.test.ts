import { describe, expect, it } from 'vitest'
import { KERNEL_SCHEDULER_NAMES } from '../engine/ipvs/schedulers/names'
import { type CompletionServices, complete } from './completion'

/** Two services as the store holds them (ServiceView's label and destinations). */
const SERVICES = [
  {
    label: 'TCP 192.168.100.100:80',
    destinations: [{ label: '192.168.8.101:80' }, { label: '192.168.8.102:80' }],
  },
  { label: 'TCP 192.168.100.100:443', destinations: [{ label: '192.168.8.103:443' }] },
  { label: 'UDP 192.168.100.100:53', destinations: [{ label: '192.168.8.104:53' }] },
  { label: 'FWM 80', destinations: [{ label: '192.168.8.105:0' }] },
] as unknown as CompletionServices

describe('console tab completion', () => {
  it("completes ipvsadm's options from its own option table", () => {
    expect(complete('ipvsadm --pers', [])).toEqual({
      line: 'ipvsadm --persistent',
      candidates: ['--persistent', '--persistent-conn'],
    })
    expect(complete('ipvsadm --tun-t', []).line).toBe('ipvsadm --tun-type ')
  })

  it("lab-fault: the real servers' addresses, then the faults", () => {
    expect(complete('lab-f', []).line).toBe('lab-fault ')
    expect(complete('lab-fault 192.168.8.10', SERVICES).candidates).toEqual([
      '192.168.8.101',
      '192.168.8.102',
      '192.168.8.103',
      '192.168.8.104',
      '192.168.8.105',
    ])
    expect(complete('lab-fault 192.168.8.101 h', SERVICES)).toEqual({
      line: 'lab-fault 192.168.8.101 h',
      candidates: ['hang', 'http-status'],
    })
    expect(complete('lab-fault 192.168.8.101 rec', SERVICES).line).toBe('lab-fault 192.168.8.101 recover ')
  })

  it('after -s: the schedulers the engine has', () => {
    expect(complete('ipvsadm -A -t 192.168.100.100:80 -s lbl', []).candidates).toEqual(['lblc', 'lblcr'])
    expect(complete('ipvsadm -E -t 192.168.100.100:80 -s ', SERVICES).candidates).toEqual(
      [...KERNEL_SCHEDULER_NAMES].sort(),
    )
    expect(complete('ipvsadm -A -t 10.0.0.1:80 --scheduler w', []).candidates).toEqual(['wlc', 'wrr'])
  })

  it('after -r: the real servers configured — of the service the line names, if it names one', () => {
    expect(complete('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.1', SERVICES)).toEqual({
      line: 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.10',
      candidates: ['192.168.8.101', '192.168.8.102'],
    })
    expect(complete('ipvsadm -e -t 192.168.100.100:443 -r ', SERVICES).line).toBe(
      'ipvsadm -e -t 192.168.100.100:443 -r 192.168.8.103 ',
    )
    expect(complete('ipvsadm -d -f 80 -r ', SERVICES).candidates).toEqual(['192.168.8.105'])
    expect(complete('ipvsadm -d -u 192.168.100.100:53 -r ', SERVICES).candidates).toEqual(['192.168.8.104'])
    // no service named: every real server
    expect(complete('ipvsadm -r ', SERVICES).candidates).toHaveLength(5)
  })

  it('after -t / -u / -f: the services of that kind', () => {
    expect(complete('ipvsadm -E -t ', SERVICES)).toEqual({
      line: 'ipvsadm -E -t 192.168.100.100:',
      candidates: ['192.168.100.100:443', '192.168.100.100:80'],
    })
    expect(complete('ipvsadm -L -u ', SERVICES).line).toBe('ipvsadm -L -u 192.168.100.100:53 ')
    expect(complete('ipvsadm -D -f ', SERVICES).line).toBe('ipvsadm -D -f 80 ')
    expect(complete('ipvsadm -D -t ', []).candidates).toEqual([])
  })

  it('iptables: -t the tables, then the chains of that table, -j, -m, options', () => {
    expect(complete('iptables -t ', []).candidates).toEqual(['filter', 'mangle', 'nat', 'raw', 'security'])
    expect(complete('iptables -t m', []).line).toBe('iptables -t mangle ')
    expect(complete('iptables -t mangle -A P', []).candidates).toEqual(['POSTROUTING', 'PREROUTING'])
    expect(complete('iptables -A ', []).candidates).toEqual(['FORWARD', 'INPUT', 'OUTPUT'])
    expect(complete('iptables -t mangle -A PREROUTING -j M', []).line).toBe('iptables -t mangle -A PREROUTING -j MARK ')
    expect(complete('iptables --set-x', []).line).toBe('iptables --set-xmark ')
    expect(complete('iptables -t mangle -A PREROUTING -m multiport --dp', []).line).toBe(
      'iptables -t mangle -A PREROUTING -m multiport --dport',
    )
    expect(complete('iptables -m mu', []).line).toBe('iptables -m multiport ')
  })

  it("iptables: the matches and targets of a teacher's script (comment, iprange, state, conntrack, mac, LOG)", () => {
    expect(complete('iptables -m c', []).candidates).toEqual(['comment', 'conntrack'])
    expect(complete('iptables -m ip', []).line).toBe('iptables -m iprange ')
    expect(complete('iptables -m st', []).line).toBe('iptables -m state ')
    expect(complete('iptables -m ma', []).candidates).toEqual(['mac', 'mark'])
    expect(complete('iptables -A INPUT -j L', []).line).toBe('iptables -A INPUT -j LOG ')
    expect(complete('iptables -j LOG --log-p', []).line).toBe('iptables -j LOG --log-prefix ')
    expect(complete('iptables -m conntrack --ctstat', []).candidates).toEqual(['--ctstate', '--ctstatus'])
    expect(complete('iptables -m iprange --src-r', []).line).toBe('iptables -m iprange --src-range ')
    expect(complete('dm', []).line).toBe('dmesg ')
    expect(complete('journ', []).line).toBe('journalctl ')
  })

  it('sysctl: the keys the engine knows; with -w the key then its =', () => {
    expect(complete('sysctl net.ipv4.vs.expire_q', []).line).toBe('sysctl net.ipv4.vs.expire_quiescent_template ')
    expect(complete('sysctl -w net.ipv4.vs.expire_q', []).line).toBe('sysctl -w net.ipv4.vs.expire_quiescent_template=')
    expect(complete('sysctl -w net.ipv4.vs.sloppy_', []).candidates).toEqual([
      'net.ipv4.vs.sloppy_sctp',
      'net.ipv4.vs.sloppy_tcp',
    ])
    expect(complete('sysctl ', []).line).toBe('sysctl net.ipv4.vs.')
  })

  it('commands (after a pipe too), the text utilities and their options, /proc files', () => {
    expect(complete('ipvsadm-s', []).line).toBe('ipvsadm-save ')
    expect(complete('ipvsadm -Lnc | w', []).line).toBe('ipvsadm -Lnc | wc ')
    expect(complete('ipvsadm -Lnc | sort -k5 | u', []).line).toBe('ipvsadm -Lnc | sort -k5 | uniq ')
    expect(complete('ipvsadm -Ln | he', []).line).toBe('ipvsadm -Ln | head ')
    expect(complete('ipvsadm -Ln | t', []).candidates).toEqual(['tail', 'true'])
    expect(complete('ipvsadm -Lnc | so', []).line).toBe('ipvsadm -Lnc | sort ')
    expect(complete('ipvsadm -Lnc | uniq --cou', []).line).toBe('ipvsadm -Lnc | uniq --count ')
    expect(complete('ipvsadm -Lnc | wc -', []).candidates).toContain('-l')
    // two files begin so (ip_vs_conn, ip_vs_conn_sync): their common part, then each whole
    expect(complete('cat /proc/net/ip_vs_c', []).line).toBe('cat /proc/net/ip_vs_conn')
    expect(complete('cat /proc/net/ip_vs_conn_', []).line).toBe('cat /proc/net/ip_vs_conn_sync ')
    expect(complete('ipvsadm -Ln; ipvsadm-sa', []).line).toBe('ipvsadm -Ln; ipvsadm-save ')
  })

  it('IPv6: -t the bracketed services, -r the bare addresses, -f N -6 the IPv6 fwmark service', () => {
    const V6 = [
      {
        label: 'TCP [2001:db8::10]:0',
        family: 'inet6',
        destinations: [{ label: '[2001:db8:8::101]:0' }, { label: '[2001:db8:8::102]:0' }],
      },
      { label: 'TCP [2001:db8::10]:443', family: 'inet6', destinations: [{ label: '[2001:db8:8::103]:443' }] },
      { label: 'FWM 9', family: 'inet6', destinations: [{ label: '[2001:db8:8::109]:0' }] },
      { label: 'FWM 9', family: 'inet', destinations: [{ label: '192.168.8.109:0' }] },
      ...SERVICES,
    ] as unknown as CompletionServices
    expect(complete('ipvsadm -E -t [', V6)).toEqual({
      line: 'ipvsadm -E -t [2001:db8::10]:',
      candidates: ['[2001:db8::10]:0', '[2001:db8::10]:443'],
    })
    // typed without the bracket: found, and written as ipvsadm takes it
    expect(complete('ipvsadm -E -t 2001:db8::10]:4', V6).line).toBe('ipvsadm -E -t [2001:db8::10]:443 ')
    expect(complete('ipvsadm -E -t 2001', V6).line).toBe('ipvsadm -E -t [2001:db8::10]:')
    // -r: the addresses of the service named, without brackets or port
    expect(complete('ipvsadm -e -t [2001:db8::10]:0 -r 2001', V6)).toEqual({
      line: 'ipvsadm -e -t [2001:db8::10]:0 -r 2001:db8:8::10',
      candidates: ['2001:db8:8::101', '2001:db8:8::102'],
    })
    expect(complete('ipvsadm -d -t [2001:db8::10]:443 -r ', V6).line).toBe(
      'ipvsadm -d -t [2001:db8::10]:443 -r 2001:db8:8::103 ',
    )
    // -f: an IPv6 fwmark service is `-f 9 -6`; with -6 its real servers, without it the IPv4 one's
    expect(complete('ipvsadm -E -f ', V6).candidates).toEqual(['80', '9', '9 -6'])
    expect(complete('ipvsadm -E -f 9 -', V6).candidates).toContain('-6')
    expect(complete('ipvsadm -d -f 9 -6 -r ', V6).candidates).toEqual(['2001:db8:8::109'])
    expect(complete('ipvsadm -d -f 9 -r ', V6).candidates).toEqual(['192.168.8.109'])
  })

  it('nothing to complete: the line stays and there is no candidate', () => {
    expect(complete('ipvsadm -A -t 192.168.100.100:80 -p ', SERVICES)).toEqual({
      line: 'ipvsadm -A -t 192.168.100.100:80 -p ',
      candidates: [],
    })
    expect(complete('echo hello', SERVICES).candidates).toEqual([])
    expect(complete('nosuchcommand', []).candidates).toEqual([])
  })
})
