import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { at, connect, lnc, request, setup } from '../testkit'

const RR = [
  'ipvsadm -A -t 192.168.100.100:80 -s rr',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
]
const ln = (sim: Simulator) => sim.run('ipvsadm -Ln').stdout

describe('director', () => {
  it('DR sees only the client: SYN_RECV→ESTABLISHED (active), FIN → FIN_WAIT (inactive, tcpfin)', () => {
    const sim = setup(new Simulator(), ...RR)
    const c = connect(sim, '10.0.0.1', 40001)
    expect(lnc(sim)).toEqual(['TCP 15:00  ESTABLISHED 10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80'])
    expect(ln(sim)).toContain('  -> 192.168.8.102:80             Route   1      1          0         \n')
    sim.tcpClose(c, 'fin')
    expect(lnc(sim)).toEqual(['TCP 02:00  FIN_WAIT    10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80'])
    expect(ln(sim)).toContain('  -> 192.168.8.102:80             Route   1      0          1         \n')
    // due at 120 s; a 120 s timer sits on the wheel's 2.048 s level, so it is reaped about 1 s later
    at(sim, 120.5)
    expect(lnc(sim)).toEqual(['TCP 00:00  FIN_WAIT    10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80'])
    at(sim, 121.1)
    expect(lnc(sim)).toEqual([])
    expect(sim.director.checkInvariants()).toEqual([])
  })

  it('NAT sees both directions: client FIN → CLOSE_WAIT, server FIN → TIME_WAIT', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:8080 -m',
    )
    const c = connect(sim, '10.0.0.1', 40001)
    expect(c.rs).toBe('192.168.8.101:8080')
    sim.tcpClose(c, 'fin')
    expect(lnc(sim)[0]).toMatch(/^TCP 02:00 {2}TIME_WAIT/)
  })

  it('an RST closes to CLOSE (10 s)', () => {
    const sim = setup(new Simulator(), ...RR)
    sim.tcpClose(connect(sim, '10.0.0.1', 40001), 'rst')
    expect(lnc(sim)[0]).toMatch(/^TCP 00:10 {2}CLOSE /)
  })

  it('--set changes a connection timeout at its next packet', () => {
    const sim = setup(new Simulator(), ...RR)
    const c = connect(sim, '10.0.0.1', 40001)
    setup(sim, 'ipvsadm --set 3600 30 0')
    expect(lnc(sim)[0]).toContain('15:00')
    sim.tcpClose(c, 'fin')
    expect(lnc(sim)[0]).toContain('00:30')
    expect(sim.run('ipvsadm -L --timeout').stdout).toBe('Timeout (tcp tcpfin udp): 3600 30 300\n')
  })

  it('a connection to a deleted server is black-holed (expire_nodest_conn=0) or expired (=1)', () => {
    for (const enc of [0, 1]) {
      const sim = setup(new Simulator(), `sysctl -w net.ipv4.vs.expire_nodest_conn=${enc}`, ...RR)
      const c = connect(sim, '10.0.0.1', 40001)
      setup(sim, 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102')
      at(sim, 0.001)
      sim.tcpClose(c, 'fin')
      expect(lnc(sim)).toEqual(
        enc ? [] : ['TCP 14:59  ESTABLISHED 10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80'],
      )
      expect(sim.director.checkInvariants()).toEqual([])
    }
  })

  it('-C leaves the connection table behind', () => {
    const sim = setup(new Simulator(), ...RR)
    connect(sim, '10.0.0.1', 40001)
    setup(sim, 'ipvsadm -C')
    expect(lnc(sim)).toHaveLength(1)
    expect(ln(sim)).toBe(
      'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
    )
  })

  it('the upper threshold sets the overload flag; below 3/4 of it (no -y) it clears', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -x 2',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
    )
    const picks = Array.from({ length: 6 }, (_, i) => connect(sim, `10.0.0.${i + 1}`, 40000 + i))
    expect(picks.map((p) => p.rs?.slice(10, 13))).toEqual(['102', '101', '102', '101', '102', '102'])
    for (const p of picks) sim.tcpClose(p, 'rst')
    at(sim, 11)
    expect(connect(sim, '10.0.0.9', 40009).rs).toBe('192.168.8.101:80')
  })

  it('a SYN reusing a client port in TIME_WAIT is rescheduled (conn_reuse_mode=1)', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -m',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -m',
    )
    expect(request(sim, '10.0.0.1', 40000)).toBe('192.168.8.102:80')
    at(sim, 1)
    expect(request(sim, '10.0.0.1', 40000)).toBe('192.168.8.101:80')
  })

  it('reuses an expired connection object for a new entry, which keeps none of its old timer', () => {
    const sim = setup(new Simulator(), 'sysctl -w net.ipv4.vs.expire_nodest_conn=1', ...RR)
    const first = connect(sim, '10.0.0.1', 40001)
    const old = first.entry
    const oldId = old?.id
    // its server goes: the entry is deleted at once, its SYN_RECV-time timer event still queued
    setup(sim, 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102')
    at(sim, 0.001)
    expect(lnc(sim)).toEqual([])
    const second = connect(sim, '10.0.0.2', 40002)
    expect(second.entry).toBe(old)
    expect(second.entry?.id).not.toBe(oldId)
    // the previous life's event comes due at ~61 s; the new entry lives its own 900 s
    at(sim, 100)
    expect(lnc(sim)).toEqual(['TCP 13:20  ESTABLISHED 10.0.0.2:40002     192.168.100.100:80 192.168.8.101:80'])
    sim.tcpClose(second, 'fin')
    at(sim, 100 + 121.1)
    expect(lnc(sim)).toEqual([])
    expect(sim.director.checkInvariants()).toEqual([])
  })

  it('keeps its counters equal to the entries', () => {
    const sim = setup(new Simulator(), ...RR.map((l) => (l.startsWith('ipvsadm -A') ? `${l} -p 30` : l)))
    for (let i = 0; i < 50; i++) {
      at(sim, i * 3)
      request(sim, `10.0.${i % 7}.${i % 5}`, 30000 + i)
    }
    expect(sim.director.checkInvariants()).toEqual([])
  })
})
