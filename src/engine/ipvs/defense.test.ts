import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import type { SimMs } from '../sim/time'
import { at, connect, lnc, setup } from '../testkit'

/**
 * secure_tcp in Linux 6.1.192: update_defense_level() (ip_vs_ctl.c) runs at each write of a
 * defence key (proc_do_defense_mode()) and every second (defense_work_handler(),
 * DEFENSE_TIMER_PERIOD); at 2 (under memory pressure) or 3 it switches the TCP state table to
 * tcp_states_dos (ip_vs_proto_tcp.c tcp_timeout_change()).
 */
const NAT = ['ipvsadm -A -t 192.168.100.100:80 -s rr -p 300', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -m']
const read = (sim: Simulator, key: string) => sim.run(`sysctl -n net.ipv4.vs.${key}`).stdout

describe('secure_tcp (update_defense_level(), tcp_states_dos)', () => {
  it('at 3 a NAT connection stays in SYNACK after the client’s ACK; its template is never assured', () => {
    const sim = setup(new Simulator(), 'sysctl -w net.ipv4.vs.secure_tcp=3', ...NAT)
    connect(sim, '10.0.0.1', 40001)
    expect(lnc(sim).sort()).toEqual([
      'TCP 02:00  SYNACK      10.0.0.1:40001     192.168.100.100:80 192.168.8.101:80',
      'TCP 05:00  NONE        10.0.0.1:0         192.168.100.100:80 192.168.8.101:80',
    ])
  })

  it('at 0 (default) the same handshake is ESTABLISHED and assures the template', () => {
    const sim = setup(new Simulator(), ...NAT)
    connect(sim, '10.0.0.1', 40001)
    expect(lnc(sim).find((l) => l.includes(':40001'))).toContain('ESTABLISHED')
    expect(lnc(sim).find((l) => l.includes(':0 '))).toContain('ASSURED')
  })

  it('DR (INPUT_ONLY rows): a first SYN goes to SYNACK, the ACK establishes', () => {
    const sim = setup(
      new Simulator(),
      'sysctl -w net.ipv4.vs.secure_tcp=3',
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
    )
    connect(sim, '10.0.0.1', 40001)
    expect(lnc(sim).find((l) => l.includes(':40001'))).toContain('ESTABLISHED')
  })

  it('back to 0: the normal table again at once (the write runs update_defense_level())', () => {
    const sim = setup(new Simulator(), 'sysctl -w net.ipv4.vs.secure_tcp=3', ...NAT)
    setup(sim, 'sysctl -w net.ipv4.vs.secure_tcp=0')
    connect(sim, '10.0.0.1', 40001)
    expect(lnc(sim).find((l) => l.includes(':40001'))).toContain('ESTABLISHED')
  })

  it('a raised amemthresh turns secure_tcp 1 into 2 at the next whole second, and the DoS table with it', () => {
    const sim = setup(new Simulator(), 'sysctl -w net.ipv4.vs.secure_tcp=1', ...NAT)
    sim.advanceTo(1500 as SimMs)
    setup(sim, 'sysctl -w net.ipv4.vs.amemthresh=100000000') // more than the director's free memory
    expect(read(sim, 'secure_tcp')).toBe('1\n')
    connect(sim, '10.0.0.1', 40001)
    expect(lnc(sim).find((l) => l.includes(':40001'))).toContain('ESTABLISHED')
    sim.advanceTo(1999 as SimMs)
    expect(read(sim, 'secure_tcp')).toBe('1\n')
    at(sim, 2)
    expect(read(sim, 'secure_tcp')).toBe('2\n')
    connect(sim, '10.0.0.2', 40002)
    expect(lnc(sim).find((l) => l.includes('40002'))).toContain('SYNACK')
    setup(sim, 'sysctl -w net.ipv4.vs.amemthresh=1024')
    at(sim, 3)
    expect(read(sim, 'secure_tcp')).toBe('1\n')
  })
})
