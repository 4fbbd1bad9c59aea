import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import type { SimMs } from '../sim/time'

describe('keepalived programs', () => {
  it('keepalived -v, unknown options, a missing file', () => {
    const sim = new Simulator()
    expect(sim.run('keepalived -v').stderr.split('\n')[0]).toBe('Keepalived v2.2.7 (01/16,2022)')
    expect(sim.run('keepalived --bogus')).toEqual({ stdout: '', stderr: 'Unknown option --bogus\n', exit: 0 })
    expect(sim.run('keepalived -t -f /etc/keepalived/nope.conf').stderr).toBe(
      "Config files missing '/etc/keepalived/nope.conf'.\n",
    )
  })

  it('systemctl: other units are not found; status and is-active follow the daemon', () => {
    const sim = new Simulator()
    expect(sim.run('systemctl start nginx')).toEqual({ stdout: '', stderr: 'Unit nginx.service not found.\n', exit: 5 })
    expect(sim.run('systemctl is-active keepalived')).toEqual({ stdout: 'inactive\n', stderr: '', exit: 3 })
    sim.files.set(
      '/etc/keepalived/keepalived.conf',
      'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.1.1 80 {\n }\n}\n',
    )
    expect(sim.run('systemctl start keepalived').exit).toBe(0)
    expect(sim.run('systemctl is-active keepalived').stdout).toBe('active\n')
    expect(sim.run('systemctl status keepalived').stdout).toContain('Active: active (running)')
    expect(sim.run('ipvsadm -Ln').stdout).toContain('  -> 10.0.1.1:80                  Masq    1      0          0')
  })

  it('journalctl -u keepalived: short format with the time and host, -n', () => {
    const sim = new Simulator()
    sim.run('keepalived')
    const out = sim.run('journalctl -u keepalived -n 1').stdout
    expect(out).toBe(
      "Jan 05 09:00:00 director Keepalived[1202]: Config files missing '/etc/keepalived/keepalived.conf'.\n",
    )
    expect(sim.run('journalctl --unit=keepalived.service -n 1 --no-hostname -q').stdout).toBe(
      "Jan 05 09:00:00 Keepalived[1202]: Config files missing '/etc/keepalived/keepalived.conf'.\n",
    )
  })

  it('keepalived -D: the command line says so and the VRRP detail lines are logged', () => {
    const sim = new Simulator()
    sim.files.set(
      '/etc/keepalived/keepalived.conf',
      'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n',
    )
    sim.run('keepalived -D')
    expect(sim.keepalived.logDetail).toBe(true)
    sim.advanceTo(4000 as SimMs)
    const log = sim.run('journalctl -u keepalived -o cat').stdout
    expect(log).toContain("Command line: '/usr/sbin/keepalived' '-D'\n")
    expect(log).toContain('(VI_1) Receive advertisement timeout\n(VI_1) Entering MASTER STATE\n(VI_1) setting VIPs.\n')
    sim.run('systemctl stop keepalived')
    sim.run('keepalived')
    expect(sim.keepalived.logDetail).toBe(false)
  })
})
