import { describe, expect, it } from 'vitest'
import { complete } from './completion'

describe('console tab completion', () => {
  it("completes ipvsadm's options from its own option table, and scheduler names", () => {
    expect(complete('ipvsadm --pers', [])).toEqual({
      line: 'ipvsadm --persistent',
      candidates: ['--persistent', '--persistent-conn'],
    })
    expect(complete('ipvsadm --tun-t', []).line).toBe('ipvsadm --tun-type ')
    expect(complete('ipvsadm -A -t 192.168.100.100:80 -s lbl', []).candidates).toEqual(['lblc', 'lblcr'])
  })

  it("completes iptables' options from its own option tables, extensions included", () => {
    expect(complete('iptables --set-x', []).line).toBe('iptables --set-xmark ')
    expect(complete('iptables -t mangle -A PREROUTING -m multiport --dp', []).line).toBe(
      'iptables -t mangle -A PREROUTING -m multiport --dport',
    )
    expect(complete('iptables --line', []).line).toBe('iptables --line-numbers ')
  })

  it('completes commands, then the addresses in use', () => {
    expect(complete('ipvsadm-s', []).line).toBe('ipvsadm-save ')
    const services = [
      { label: 'TCP 192.168.100.100:80', destinations: [{ label: '192.168.8.101:80' }] },
    ] as unknown as Parameters<typeof complete>[1]
    expect(complete('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.1', services).line).toBe(
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 ',
    )
  })
})
