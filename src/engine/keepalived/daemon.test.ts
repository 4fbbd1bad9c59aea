import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import type { SimMs } from '../sim/time'
import { RealServerFaults } from './faults'

const conf = (inhibit: boolean, check = 'TCP_CHECK {\n connect_timeout 3\n retry 3\n delay_before_retry 3\n }') => `
virtual_server 192.168.100.100 80 {
  delay_loop 6
  lb_algo rr
  lb_kind DR
  persistence_timeout 300
  protocol TCP
  real_server 192.168.8.101 80 {
    weight 2
    ${inhibit ? 'inhibit_on_failure' : ''}
    ${check}
  }
  real_server 192.168.8.102 80 {
    weight 2
  }
}
`

function lab(text: string, faults: ConstructorParameters<typeof RealServerFaults>[0]): Simulator {
  const sim = new Simulator()
  sim.files.set('/etc/keepalived/keepalived.conf', text)
  sim.faults = new RealServerFaults(faults)
  expect(sim.run('systemctl start keepalived').exit).toBe(0)
  return sim
}
const at = (sim: Simulator, s: number) => sim.advanceTo((s * 1000) as SimMs)
const rsLine = (sim: Simulator) => sim.run('ipvsadm -Ln | grep 8.101').stdout

describe('keepalived daemon', () => {
  it('programs IPVS at start as ipvs_cmd() does: -A with -s and -p, -a with -g and -w', () => {
    const sim = lab(conf(true), [])
    expect(sim.keepalived.takeCommands().map((c) => c.cmd)).toEqual([
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 2',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102:80 -g -w 2',
    ])
  })

  it('TCP_CHECK: a crash is noticed after retry × delay_before_retry, then weight 0 with inhibit_on_failure', () => {
    const sim = lab(conf(true), [{ at: 100, host: '192.168.8.101', kind: 'crash' }])
    sim.keepalived.takeCommands()
    // first check at 1 s + warmup (≤ delay_loop), then every 6 s: the crash at 100 s is seen at
    // the first check after it, then 3 retries 3 s apart
    at(sim, 100)
    expect(rsLine(sim)).toMatch(/Route\s+2 /)
    at(sim, 100 + 6 + 9)
    const cmds = sim.keepalived.takeCommands()
    expect(cmds.map((c) => c.cmd)).toEqual(['ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 0'])
    const t = cmds[0].at
    expect(t).toBeGreaterThan(100_000 + 9000)
    expect(t).toBeLessThanOrEqual(100_000 + 6000 + 9000)
    expect(rsLine(sim)).toMatch(/Route\s+0 /)
    const log = sim.run('journalctl -u keepalived -o cat').stdout
    expect(log).toContain('TCP_CHECK on service [192.168.8.101]:tcp:80 failed after 3 retries.\n')
    expect(log).toContain('Disabling service [192.168.8.101]:tcp:80 of VS [192.168.100.100]:tcp:80\n')
  })

  it('without inhibit_on_failure the real server is removed (ipvsadm -d), and added back when it recovers', () => {
    const sim = lab(conf(false), [{ at: 100, host: '192.168.8.101', kind: 'crash', until: 200 }])
    sim.keepalived.takeCommands()
    at(sim, 130)
    expect(sim.keepalived.takeCommands().map((c) => c.cmd)).toEqual([
      'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101:80',
    ])
    expect(rsLine(sim)).toBe('')
    at(sim, 210)
    expect(sim.keepalived.takeCommands().map((c) => c.cmd)).toEqual([
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 2',
    ])
    const log = sim.run('journalctl -u keepalived -o cat').stdout
    expect(log).toContain('Removing service [192.168.8.101]:tcp:80 from VS [192.168.100.100]:tcp:80\n')
    expect(log).toContain('Adding service [192.168.8.101]:tcp:80 to VS [192.168.100.100]:tcp:80\n')
  })

  it('a hang takes connect_timeout per try: noticed 4 × 3 s later than a crash on the same schedule', () => {
    const when = (kind: 'crash' | 'hang') => {
      const sim = lab(conf(true), [{ at: 100, host: '192.168.8.101', kind }])
      sim.keepalived.takeCommands()
      at(sim, 200)
      const cmds = sim.keepalived.takeCommands()
      expect(cmds.map((c) => c.cmd)).toEqual(['ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 0'])
      return cmds[0].at
    }
    // crash: refused at once, 3 retries 3 s apart; hang: each of the 4 tries waits connect_timeout 3 s
    expect(when('hang') - when('crash')).toBe(4 * 3000)
  })

  it('HTTP_GET sees a wrong status', () => {
    const http = lab(
      conf(true, 'HTTP_GET {\n url {\n path /\n status_code 200\n }\n retry 1\n delay_before_retry 2\n }'),
      [{ at: 50, host: '192.168.8.101', kind: 'http-status', status: 503 }],
    )
    at(http, 50 + 6 + 2 + 1)
    expect(rsLine(http)).toMatch(/Route\s+0 /)
    expect(http.run('journalctl -u keepalived -o cat').stdout).toContain(
      'HTTP_CHECK on service [192.168.8.101]:tcp:80 failed after 1 retries.\n',
    )
  })

  it('a file with errors is refused whole: nothing is programmed, the journal says why', () => {
    const sim = new Simulator()
    sim.files.set('/etc/keepalived/keepalived.conf', conf(true).replace('lb_algo rr', 'lb_algo rrx'))
    const r = sim.run('systemctl start keepalived')
    expect(r.exit).toBe(1)
    expect(r.stderr).toContain('Job for keepalived.service failed')
    expect(sim.run('ipvsadm -Ln').stdout).not.toContain('192.168.100.100')
    expect(sim.run('journalctl -u keepalived -o cat').stdout).toContain(
      "(/etc/keepalived/keepalived.conf: Line 4) Invalid lvs_scheduler 'rrx' - ignoring\n",
    )
    expect(sim.run('keepalived -t').exit).toBe(5)
  })

  it('stop shuts every real server down and deletes the service', () => {
    const sim = lab(conf(true), [])
    sim.keepalived.takeCommands()
    sim.run('systemctl stop keepalived')
    expect(sim.keepalived.takeCommands().map((c) => c.cmd)).toEqual([
      'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101:80',
      'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102:80',
      'ipvsadm -D -t 192.168.100.100:80',
    ])
    expect(sim.run('journalctl -u keepalived -o cat').stdout).toContain(
      'Shutting down service [192.168.8.102]:tcp:80 from VS [192.168.100.100]:tcp:80\n',
    )
  })

  it('the file can be written from the shell and read back', () => {
    const sim = new Simulator()
    sim.run("printf 'virtual_server 10.0.0.1 80 {\\n}\\n' > /etc/keepalived/keepalived.conf")
    expect(sim.run('cat /etc/keepalived/keepalived.conf').stdout).toBe('virtual_server 10.0.0.1 80 {\n}\n')
    expect(sim.run('keepalived -t').stderr).toBe('Virtual server [10.0.0.1]:none:80 has no real servers - ignoring\n')
  })
})
