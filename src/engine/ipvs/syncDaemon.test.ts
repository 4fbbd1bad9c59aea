import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'

/** start_sync_thread() (Linux 6.1.192 ip_vs_sync.c) as `ipvsadm -L --daemon` (list_daemon()) reports it. */
const daemons = (...cmds: string[]) => {
  const sim = new Simulator()
  for (const c of cmds) expect(sim.run(c).exit).toBe(0)
  return sim.run('ipvsadm -L --daemon').stdout
}

describe('sync daemon options', () => {
  it('defaults: group 224.0.0.81, port 8848, ttl 1; a master’s maxlen is 1500 − 28 on any interface', () => {
    expect(daemons('ipvsadm --start-daemon master --mcast-interface lo')).toBe(
      'master sync daemon (mcast=lo, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n',
    )
  })

  it('a backup’s maxlen follows the interface MTU, clamped to 1500…65535 (lo: 65535 − 28)', () => {
    expect(daemons('ipvsadm --start-daemon backup --mcast-interface lo')).toBe(
      'backup sync daemon (mcast=lo, syncid=0, maxlen=65507, group=224.0.0.81, port=8848, ttl=1)\n',
    )
    expect(daemons('ipvsadm --start-daemon backup')).toContain('(mcast=eth0, syncid=0, maxlen=1472,')
  })

  it('given options are applied; --sync-maxlen is clamped to 1 (backup: 1024) … 65535 − headers', () => {
    expect(
      daemons(
        'ipvsadm --start-daemon master --syncid 7 --sync-maxlen 9000 --mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 5',
        'ipvsadm --start-daemon backup --sync-maxlen 100',
      ),
    ).toBe(
      'master sync daemon (mcast=eth0, syncid=7, maxlen=9000, group=239.1.2.3, port=9000, ttl=5)\n' +
        'backup sync daemon (mcast=eth0, syncid=0, maxlen=1024, group=224.0.0.81, port=8848, ttl=1)\n',
    )
  })

  it('an IPv6 group: IPv6 and UDP headers (48 bytes) come off the MTU', () => {
    expect(daemons('ipvsadm --start-daemon master --mcast-group ff02::1:2')).toBe(
      'master sync daemon (mcast=eth0, syncid=0, maxlen=1452, group=ff02::1:2, port=8848, ttl=1)\n',
    )
  })

  it('start_sync_thread(): an unknown interface is refused before a running daemon is', () => {
    const sim = new Simulator()
    expect(sim.run('ipvsadm --start-daemon master').exit).toBe(0)
    const again = sim.run('ipvsadm --start-daemon master --mcast-interface eth9')
    const exists = sim.run('ipvsadm --start-daemon master')
    expect(again.stderr).not.toBe(exists.stderr)
    expect(again.stderr).toBe(new Simulator().run('ipvsadm --start-daemon master --mcast-interface eth9').stderr)
  })
})
