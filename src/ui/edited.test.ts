import { describe, expect, it } from 'vitest'
import type { MidRunCommand } from '../worker/protocol'
import { changesConfiguration, editedFromPreset } from './edited'

const cmd = (c: string, by: MidRunCommand['by'] = 'typed', exit = 0): MidRunCommand => ({
  atMs: 1000,
  by,
  cmd: c,
  stdout: '',
  stderr: '',
  exit,
})

describe('a configuration edited away from its preset', () => {
  it('counts commands that change the director, not listings', () => {
    expect(changesConfiguration('ipvsadm -E -t 192.168.100.100:80 -s rr -p 300')).toBe(true)
    expect(changesConfiguration('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0')).toBe(true)
    expect(changesConfiguration('ipvsadm --set 900 120 300')).toBe(true)
    expect(changesConfiguration('iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 1')).toBe(true)
    expect(changesConfiguration('sysctl -w net.ipv4.vs.expire_quiescent_template=1')).toBe(true)
    expect(changesConfiguration('ipvsadm -Ln')).toBe(false)
    expect(changesConfiguration('ipvsadm -Lnc --persistent-conn')).toBe(false)
    expect(changesConfiguration('iptables -t mangle -L -n')).toBe(false)
    expect(changesConfiguration('sysctl net.ipv4.vs.expire_nodest_conn')).toBe(false)
    expect(changesConfiguration('lab-fault 192.168.8.101 crash')).toBe(true)
    expect(changesConfiguration('lab-fault')).toBe(false)
  })
  it("is edited by a typed or a button's command that succeeded, never by the scenario's own", () => {
    expect(editedFromPreset([])).toBe(false)
    expect(editedFromPreset([cmd('ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.101', 'scenario')])).toBe(false)
    expect(editedFromPreset([cmd('ipvsadm -Ln')])).toBe(false)
    expect(editedFromPreset([cmd('ipvsadm -E -t 1.2.3.4:80 -s nope', 'typed', 2)])).toBe(false)
    expect(editedFromPreset([cmd('ipvsadm -E -t 192.168.100.100:80 -s wlc')])).toBe(true)
    expect(editedFromPreset([cmd('ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101', 'button')])).toBe(true)
  })
})
