import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { connect, lnc, setup } from '../testkit'

/** backup_only (Linux 6.1.192 include/net/ip_vs.h sysctl_backup_only(), ip_vs_in_hook(), ip_vs_out_hook()). */
const RR = ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -m']

describe('backup_only=1', () => {
  it('while a backup daemon runs, IPVS lets every packet through: the director’s own stack refuses', () => {
    const sim = setup(
      new Simulator(),
      'sysctl -w net.ipv4.vs.backup_only=1',
      'ipvsadm --start-daemon backup --mcast-interface eth0',
      ...RR,
    )
    const c = connect(sim, '10.0.0.1', 40001)
    expect(c.rs).toBeNull()
    expect(c.status).toBe('connect-failed: ECONNREFUSED')
    expect(lnc(sim)).toEqual([])
    setup(sim, 'ipvsadm --stop-daemon backup')
    expect(connect(sim, '10.0.0.1', 40002).rs).toBe('192.168.8.101:80')
  })

  it('without a backup daemon (a master only) it changes nothing', () => {
    const sim = setup(
      new Simulator(),
      'sysctl -w net.ipv4.vs.backup_only=1',
      'ipvsadm --start-daemon master --mcast-interface eth0',
      ...RR,
    )
    expect(connect(sim, '10.0.0.1', 40001).rs).toBe('192.168.8.101:80')
  })
})
