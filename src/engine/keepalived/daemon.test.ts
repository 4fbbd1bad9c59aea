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

describe('keepalived daemon: the VRRP child', () => {
  const DIP = 0xc0a8640a // 192.168.100.10
  const VRRP = `global_defs {
  lvs_sync_daemon eth0 VI_1 id 51
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.168.100.100
  }
}
`
  function director(text: string, start = 'systemctl start keepalived'): Simulator {
    const sim = new Simulator()
    sim.keepalived.interfaces.set('eth0', DIP)
    sim.files.set('/etc/keepalived/keepalived.conf', text)
    expect(sim.run(start).exit).toBe(0)
    return sim
  }
  const journal = (sim: Simulator) => sim.run('journalctl -u keepalived').stdout

  it('starts a VRRP child (no checker child without virtual servers) that becomes master after 3.609375 s', () => {
    const sim = director(VRRP)
    expect(journal(sim)).toContain('Keepalived[1202]: Starting VRRP child process, pid=1203\n')
    expect(journal(sim)).not.toContain('Healthcheck')
    expect(journal(sim)).toContain(
      'Jan 05 09:00:00 director Keepalived_vrrp[1203]: (VI_1) Entering BACKUP STATE (init)\n',
    )
    expect(sim.keepalived.nextDue()).toBe(3610)
    at(sim, 3.609)
    expect(sim.keepalived.vrrpInstance('VI_1')?.state).toBe('BACKUP')
    at(sim, 3.61)
    expect(sim.keepalived.vrrpInstance('VI_1')?.state).toBe('MASTER')
    expect(journal(sim)).toContain('Jan 05 09:00:03 director Keepalived_vrrp[1203]: (VI_1) Entering MASTER STATE\n')
    const ev = sim.keepalived.takeVrrp()
    expect(ev.map((e) => [e.at, e.state])).toEqual([
      [0, 'BACKUP'],
      [3610, 'MASTER'],
    ])
    expect(ev[1].adverts).toEqual([
      { from: DIP, vrid: 51, priority: 100, version: 2, advertIntUs: 1_000_000, dev: 'eth0' },
    ])
    expect(ev[1].addVips).toEqual([{ addr: 0xc0a86464, prefixLen: 32, dev: 'eth0' }])
    expect(sim.keepalived.takeCommands().map((c) => [c.at, c.cmd])).toEqual([
      [0, 'ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 51'],
      [3610, 'ipvsadm --stop-daemon backup'],
      [3610, 'ipvsadm --start-daemon master --mcast-interface eth0 --syncid 51'],
    ])
  })

  it("a higher priority's adverts keep it backup; the peer's priority 0 hands over after skew_time", () => {
    const sim = director(VRRP)
    const peer = { from: 0xc0a8640b, vrid: 51, priority: 150, version: 2 as const, advertIntUs: 1_000_000 }
    const run = (l: string) => sim.run(l)
    for (let t = 1; t <= 9; t++) {
      at(sim, t)
      sim.keepalived.receiveAdvert(t * 1000, 'eth0', peer, run)
    }
    sim.keepalived.receiveAdvert(9000, 'eth1', { ...peer, priority: 0 }, run) // another interface: not ours
    expect(sim.keepalived.nextDue()).toBe(12_610)
    sim.keepalived.receiveAdvert(9500, 'eth0', { ...peer, priority: 0 }, run)
    expect(sim.keepalived.nextDue()).toBe(10_110)
    at(sim, 10.11)
    expect(sim.keepalived.vrrpInstance('VI_1')?.state).toBe('MASTER')
    // the peer comes back with its higher priority: we give way
    sim.keepalived.receiveAdvert(11_000, 'eth0', peer, run)
    expect(journal(sim)).toContain(
      'Keepalived_vrrp[1203]: (VI_1) Master received advert from 192.168.100.11 with higher priority 150, ours 100\n',
    )
    expect(sim.keepalived.takeVrrp().at(-1)).toMatchObject({
      at: 11_000,
      state: 'BACKUP',
      removeVips: [{ addr: 0xc0a86464, prefixLen: 32, dev: 'eth0' }],
    })
  })

  it('stop: the sync daemon stops, the master sends priority 0; -D (DAEMON_ARGS) logs the detail', () => {
    const sim = new Simulator()
    sim.keepalived.interfaces.set('eth0', DIP)
    sim.files.set('/etc/keepalived/keepalived.conf', VRRP)
    sim.files.set('/etc/default/keepalived', 'DAEMON_ARGS="-D"\n')
    sim.run('systemctl start keepalived')
    at(sim, 5)
    sim.keepalived.takeVrrp()
    sim.keepalived.takeCommands()
    sim.run('systemctl stop keepalived')
    expect(sim.keepalived.takeCommands().map((c) => c.cmd)).toEqual(['ipvsadm --stop-daemon master'])
    expect(sim.keepalived.takeVrrp()).toMatchObject([{ at: 5000, state: 'STOP', adverts: [{ priority: 0 }] }])
    const log = sim.run('journalctl -u keepalived -o cat').stdout
    expect(log).toContain("Command line: '/usr/sbin/keepalived' '--dont-fork' '-D'\n")
    expect(log).toContain('(VI_1) Receive advertisement timeout\n')
    expect(log).toContain('(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.168.100.100\n')
    expect(log).toContain('(VI_1) sent 0 priority\n(VI_1) removing VIPs.\nStopped\n')
    expect(sim.keepalived.nextDue()).toBe(Number.POSITIVE_INFINITY)
  })

  it('with virtual servers too: both children, checker first; reload keeps the master', () => {
    const sim = director(`${conf(false)}${VRRP}`)
    const log = journal(sim)
    expect(log).toContain('Starting Healthcheck child process, pid=1203\n')
    expect(log).toContain('Starting VRRP child process, pid=1204\n')
    expect(log).toContain('Keepalived_vrrp[1204]: (VI_1) Entering BACKUP STATE (init)\n')
    at(sim, 4)
    expect(sim.keepalived.vrrpInstance('VI_1')?.state).toBe('MASTER')
    sim.keepalived.takeVrrp()
    sim.files.set('/etc/keepalived/keepalived.conf', `${conf(false)}${VRRP.replace('priority 100', 'priority 90')}`)
    expect(sim.run('systemctl reload keepalived').exit).toBe(0)
    const v = sim.keepalived.vrrpInstance('VI_1')
    expect([v?.state, v?.priority]).toEqual(['MASTER', 90])
    expect(sim.keepalived.nextDue()).toBe(4000)
    at(sim, 4)
    expect(sim.keepalived.takeVrrp()).toMatchObject([{ at: 4000, state: null, adverts: [{ priority: 90 }] }])
    // the next start: parent, checker, VRRP child
    sim.run('systemctl restart keepalived')
    expect(journal(sim)).toContain('Keepalived[1205]: Starting VRRP child process, pid=1207\n')
  })

  it('a reload that brings the first vrrp_instance starts the VRRP child (main.c propagate_signal())', () => {
    const sim = director(conf(false))
    sim.keepalived.takeCommands()
    sim.files.set('/etc/keepalived/keepalived.conf', `${conf(false)}${VRRP}`)
    sim.run('systemctl reload keepalived')
    const log = journal(sim)
    expect(log).toContain('Keepalived[1202]: Starting VRRP child process, pid=1204\n')
    expect(log).toContain('Keepalived_vrrp[1204]: (VI_1) Entering BACKUP STATE (init)\n')
    expect(log).toContain('Keepalived_healthcheckers[1203]: Reloading\n')
    expect(sim.keepalived.takeCommands().map((c) => c.cmd)).toContain(
      'ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 51',
    )
  })

  it('keepalived -t prints the VRRP messages; an interface the director lacks is refused', () => {
    const sim = new Simulator()
    sim.keepalived.interfaces.set('eth0', DIP)
    sim.files.set('/etc/keepalived/keepalived.conf', VRRP.replace('interface eth0', 'interface eth3'))
    expect(sim.run('keepalived -t')).toEqual({
      stdout: '',
      stderr:
        "(/etc/keepalived/keepalived.conf: Line 6) WARNING - interface eth3 for vrrp_instance VI_1 doesn't exist\nNon-existent interface specified in configuration\n",
      exit: 5,
    })
    expect(sim.run('systemctl start keepalived').exit).toBe(1)
    expect(sim.keepalived.vrrp).toEqual([])
  })
})
