import { describe, expect, it } from 'vitest'
import { parseDottedQuad } from '../net/ipv4'
import type { LvsSyncDaemonConfig, VrrpInstanceConfig } from './config'
import { type VrrpAdvert, VrrpInstance, type VrrpResult } from './vrrp'

const ip = (s: string) => parseDottedQuad(s) as number
const A = ip('192.168.100.2')
const B = ip('192.168.100.3')
const VIP = ip('192.168.100.100')

function cfg(over: Partial<VrrpInstanceConfig> = {}): VrrpInstanceConfig {
  return {
    name: 'VI_1',
    line: 1,
    state: 'BACKUP',
    interface: 'eth0',
    vrid: 51,
    priority: 100,
    advertIntUs: 1_000_000,
    version: 2,
    nopreempt: false,
    preemptDelayUs: 0,
    vips: [{ addr: VIP, prefixLen: 32, dev: null, label: null }],
    auth: null,
    garpDelayUs: 5_000_000,
    garpRepeat: 5,
    ...over,
  }
}
const SYNCD: LvsSyncDaemonConfig = {
  ifname: 'eth0',
  instance: 'VI_1',
  syncid: 51,
  maxlen: null,
  port: null,
  ttl: null,
  group: null,
}
function inst(over: Partial<VrrpInstanceConfig> = {}, selfAddr = A, logDetail = false, syncd = false): VrrpInstance {
  return new VrrpInstance(cfg(over), { selfAddr, syncd: syncd ? SYNCD : null, logDetail })
}
const adv = (from: number, priority: number, over: Partial<VrrpAdvert> = {}): VrrpAdvert => ({
  from,
  vrid: 51,
  priority,
  version: 2,
  advertIntUs: 1_000_000,
  ...over,
})
const prios = (r: VrrpResult) => r.adverts.map((a) => a.priority)

describe('VRRP instance: init (vrrp_init_state)', () => {
  it('BACKUP, priority 100, advert_int 1: master after 3 + 156/256 s = 3.609375 s (due at 3610 ms)', () => {
    const v = inst()
    const r = v.start(0)
    expect(r.state).toBe('BACKUP')
    expect(r.logs).toEqual(['(VI_1) Entering BACKUP STATE (init)'])
    expect(v.skewUs()).toBe(609_375)
    expect(v.masterDownIntervalUs()).toBe(3_609_375)
    expect(v.nextDue()).toBe(3610)
    expect(v.fire(3609).state).toBeNull()
    const m = v.fire(3610)
    expect(m.state).toBe('MASTER')
    expect(m.logs).toEqual(['(VI_1) Entering MASTER STATE'])
    expect(m.adverts).toEqual([{ from: A, vrid: 51, priority: 100, version: 2, advertIntUs: 1_000_000, dev: 'eth0' }])
    expect(m.addVips).toEqual([{ addr: VIP, prefixLen: 32, dev: 'eth0' }])
    expect(m.garps).toEqual([{ dev: 'eth0', addr: VIP, count: 5 }])
    // then an advert every advert_int; the second round of gratuitous ARPs garp_master_delay (5 s) after
    expect(v.nextDue()).toBe(4610)
    const next = v.fire(4610)
    expect([prios(next), next.state, next.garps]).toEqual([[100], null, []])
    for (const t of [5610, 6610, 7610]) v.fire(t)
    const late = v.fire(8610)
    expect(prios(late)).toEqual([100])
    expect(late.garps).toEqual([{ dev: 'eth0', addr: VIP, count: 5 }])
  })

  it('state MASTER with priority 150 still starts as BACKUP: 3 + 106/256 s (floor of µs)', () => {
    const v = inst({ state: 'MASTER', priority: 150 })
    expect(v.start(0).logs).toEqual(['(VI_1) Entering BACKUP STATE (init)'])
    expect(v.masterDownIntervalUs()).toBe(3_414_062)
    expect(v.nextDue()).toBe(3415)
  })

  it('the address owner (priority 255, state MASTER) is master at once, without the (init) line', () => {
    const v = inst({ state: 'MASTER', priority: 255 })
    const r = v.start(1000)
    expect(r.logs).toEqual([])
    expect(v.nextDue()).toBe(1001)
    expect(v.fire(1001).state).toBe('MASTER')
  })

  it('VRRPv3: skew = (256 − priority) × advert_int / 256; advert_int 0.5 s → 1.5 + 0.3046875 s', () => {
    const v = inst({ version: 3, advertIntUs: 500_000 })
    v.start(0)
    expect(v.skewUs()).toBe(304_687)
    expect(v.masterDownIntervalUs()).toBe(1_804_687)
    expect(v.nextDue()).toBe(1805)
  })

  it('VRRPv2: skew does not depend on advert_int (advert_int 3: 9 + 0.609375 s)', () => {
    const v = inst({ advertIntUs: 3_000_000 })
    v.start(0)
    expect(v.masterDownIntervalUs()).toBe(9_609_375)
  })
})

describe('VRRP instance: a backup hears adverts (vrrp_state_backup)', () => {
  it("a higher priority master's advert restarts the master-down timer", () => {
    const v = inst()
    v.start(0)
    const r = v.receive(2000, adv(B, 150))
    expect(r).toMatchObject({ state: null, logs: [], adverts: [] })
    expect(v.nextDue()).toBe(5610)
    expect(v.masterAddr).toBe(B)
  })

  it('a lower priority advert is discarded (preempt): the timer runs on and the backup takes over', () => {
    const v = inst({ priority: 150 })
    v.start(0)
    const r = v.receive(2000, adv(B, 100))
    expect(r.logs).toEqual(['(VI_1) received lower priority (100) advert from 192.168.100.3 - discarding'])
    expect(v.nextDue()).toBe(3415)
    expect(v.fire(3415).state).toBe('MASTER')
  })

  it('nopreempt: a lower priority master is kept (its adverts restart the timer)', () => {
    const v = inst({ priority: 150, nopreempt: true })
    v.start(0)
    expect(v.receive(2000, adv(B, 100)).logs).toEqual([])
    expect(v.nextDue()).toBe(2000 + 3415)
  })

  it('preempt_delay 10 s: a lower master is kept until the delay is over, then its adverts are discarded', () => {
    const v = inst({ priority: 150, preemptDelayUs: 10_000_000 }, A, true)
    v.start(0)
    expect(v.receive(1000, adv(B, 100)).logs).toEqual(['(VI_1) start preempt delay (10.000000)'])
    // the lower master's adverts every second: accepted until preempt_time (11 s)
    for (let t = 2000; t <= 10_000; t += 1000) expect(v.receive(t, adv(B, 100)).logs).toEqual([])
    expect(v.nextDue()).toBe(10_000 + 3415)
    for (const t of [11_000, 12_000, 13_000])
      expect(v.receive(t, adv(B, 100)).logs).toEqual([
        '(VI_1) received lower priority (100) advert from 192.168.100.3 - discarding',
      ])
    expect(v.nextDue()).toBe(13_415)
    expect(v.fire(13_415).state).toBe('MASTER')
  })

  it('priority 0 (the master stops): master down after skew_time only', () => {
    const v = inst({}, A, true)
    v.start(0)
    v.receive(1000, adv(B, 150))
    const r = v.receive(2000, adv(B, 0))
    expect(r.logs).toEqual(['(VI_1) Backup received priority 0 advertisement'])
    expect(v.nextDue()).toBe(2610)
    const m = v.fire(2610)
    expect(m.logs).toEqual(
      ['(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.'].concat(
        ['(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.168.100.100'],
        Array(5).fill('Sending gratuitous ARP on eth0 for 192.168.100.100'),
      ),
    )
  })

  it('without -D the detail lines are not logged', () => {
    const v = inst()
    v.start(0)
    expect(v.receive(2000, adv(B, 0)).logs).toEqual([])
    expect(v.fire(2610).logs).toEqual(['(VI_1) Entering MASTER STATE'])
  })

  it('drops a wrong version and a VRRPv2 advert interval mismatch (the timer runs on)', () => {
    const v = inst()
    v.start(0)
    expect(v.receive(1000, adv(B, 150, { version: 3 })).logs).toEqual(['(VI_1) wrong version. Received 3 and expect 2'])
    expect(v.receive(2000, adv(B, 150, { advertIntUs: 2_000_000 })).logs).toEqual([
      "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec",
    ])
    expect(v.nextDue()).toBe(3610)
    expect(v.receive(2500, adv(B, 150, { vrid: 52 }))).toMatchObject({ logs: [], state: null })
    expect(v.nextDue()).toBe(3610)
  })

  it('VRRPv3: the backup follows the master advert interval', () => {
    const v = inst({ version: 3 }, A, true)
    v.start(0)
    const r = v.receive(1000, adv(B, 150, { version: 3, advertIntUs: 2_000_000 }))
    expect(r.logs).toEqual(['(VI_1) advertisement interval updated from 1000ms to 2000ms by master'])
    // 3 × 2 s + 156 × 200 × 625 / 16 µs
    expect(v.masterDownIntervalUs()).toBe(6_000_000 + 1_218_750)
  })
})

describe('VRRP instance: a master hears adverts (vrrp_state_master_rx)', () => {
  const master = (over: Partial<VrrpInstanceConfig> = {}, syncd = false) => {
    const v = inst(over, A, false, syncd)
    v.start(0)
    v.fire(v.nextDue())
    expect(v.state).toBe('MASTER')
    return v
  }

  it('a higher priority: BACKUP, the VIPs removed, then the master-down timer', () => {
    const v = master()
    const r = v.receive(5000, adv(B, 150))
    expect(r.logs).toEqual([
      '(VI_1) Master received advert from 192.168.100.3 with higher priority 150, ours 100',
      '(VI_1) Entering BACKUP STATE',
    ])
    expect(r.state).toBe('BACKUP')
    expect(r.removeVips).toEqual([{ addr: VIP, prefixLen: 32, dev: 'eth0' }])
    expect(r.adverts).toEqual([])
    expect(v.nextDue()).toBe(5000 + 3610)
  })

  it('equal priority: the higher address wins', () => {
    const hi = master()
    expect(hi.receive(5000, adv(ip('192.168.100.1'), 100)).logs).toEqual([
      '(VI_1) Received advert from 192.168.100.1 with lower priority 100, ours 100, forcing new election',
    ])
    const lo = master()
    expect(lo.receive(5000, adv(B, 100)).logs).toEqual([
      '(VI_1) Master received advert from 192.168.100.3 with same priority 100 but higher IP address than ours',
      '(VI_1) Entering BACKUP STATE',
    ])
  })

  it('a lower priority: an advert at once (forcing a new election), and the advert timer restarts', () => {
    const v = master()
    const r = v.receive(4000, adv(B, 50))
    expect(prios(r)).toEqual([100])
    expect(r.state).toBeNull()
    expect(v.nextDue()).toBe(5000)
  })

  it('priority 0 from another: it answers with an advert and stays master', () => {
    const v = master()
    const r = v.receive(4000, adv(B, 0))
    expect([prios(r), r.state, r.logs]).toEqual([[100], null, []])
  })

  it('two address owners: a configuration error, and the local priority drops to 254', () => {
    const v = master({ state: 'MASTER', priority: 255 })
    const r = v.receive(500, adv(B, 255))
    expect(r.logs[0]).toBe(
      '(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority',
    )
    expect(v.priority).toBe(254)
    expect(r.state).toBe('BACKUP')
  })
})

describe('VRRP instance: stop, the sync daemon, reload', () => {
  it('stop: a master sends priority 0 and removes its VIPs; the sync daemon stops', () => {
    const v = inst({}, A, false, true)
    expect(v.start(0).ipvsadm).toEqual(['ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 51'])
    expect(v.fire(3610).ipvsadm).toEqual([
      'ipvsadm --stop-daemon backup',
      'ipvsadm --start-daemon master --mcast-interface eth0 --syncid 51',
    ])
    const r = v.stop(6000)
    expect(r.ipvsadm).toEqual(['ipvsadm --stop-daemon master'])
    expect(prios(r)).toEqual([0])
    expect(r.removeVips).toHaveLength(1)
    expect([r.state, v.nextDue()]).toEqual(['STOP', Number.POSITIVE_INFINITY])
  })

  it('leaving master: the sync daemon back to backup; the optional attributes in ipvsadm order', () => {
    const v = new VrrpInstance(cfg(), {
      selfAddr: A,
      syncd: { ...SYNCD, syncid: 7, maxlen: 1400, port: 8848, ttl: 2, group: ip('224.0.0.81') },
      logDetail: false,
    })
    v.start(0)
    v.fire(3610)
    expect(v.receive(4000, adv(B, 200)).ipvsadm).toEqual([
      'ipvsadm --stop-daemon master',
      'ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 7 --sync-maxlen 1400 --mcast-group 224.0.0.81 --mcast-port 8848 --mcast-ttl 2',
    ])
  })

  it('a backup that stops sends nothing', () => {
    const v = inst()
    v.start(0)
    expect(v.stop(1000)).toMatchObject({ adverts: [], removeVips: [], state: 'STOP' })
  })

  it('reload: a master stays master (advert at once), its VIPs diffed; a backup waits a full interval', () => {
    const old = inst()
    old.start(0)
    old.fire(3610)
    const ip2 = ip('192.168.100.101')
    const neu = inst({ vips: [{ addr: ip2, prefixLen: 32, dev: null, label: null }] })
    const r = neu.resumeFrom(old, 5000)
    expect(neu.state).toBe('MASTER')
    expect(r.removeVips.map((x) => x.addr)).toEqual([VIP])
    expect(r.addVips.map((x) => x.addr)).toEqual([ip2])
    expect(r.garps).toEqual([{ dev: 'eth0', addr: ip2, count: 5 }])
    expect(neu.nextDue()).toBe(5000)
    expect(prios(neu.fire(5000))).toEqual([100])

    const ob = inst()
    ob.start(0)
    const nb = inst()
    expect(nb.resumeFrom(ob, 2000).logs).toEqual([])
    expect([nb.state, nb.nextDue()]).toEqual(['BACKUP', 5610])
  })

  it('reload dropping a master: priority 0 and its VIPs go', () => {
    const v = inst()
    v.start(0)
    v.fire(3610)
    const r = v.remove(4000)
    expect([prios(r), r.removeVips.length, r.state]).toEqual([[0], 1, 'STOP'])
  })
})

describe('two VRRP instances on one clock (adverts delivered at once)', () => {
  /** Runs a pair to `until`, delivering every advert; `aliveA(t)`: A still runs. */
  function pair(until: number, aliveA: (t: number) => boolean, stopAAt?: number) {
    const a = inst({ state: 'MASTER', priority: 150 }, A)
    const b = inst({ priority: 100 }, B)
    const masters: [string, number][] = []
    const deliver = (r: VrrpResult, to: VrrpInstance, t: number, name: string) => {
      if (r.state === 'MASTER') masters.push([name, t])
      if (to === a && !aliveA(t)) return
      for (const x of r.adverts) {
        const back = to.receive(t, x)
        if (back.state === 'MASTER') masters.push([to === a ? 'A' : 'B', t])
        for (const y of back.adverts) (to === a ? b : a).receive(t, y)
      }
    }
    deliver(a.start(0), b, 0, 'A')
    deliver(b.start(0), a, 0, 'B')
    let stopped = false
    for (;;) {
      const t = Math.min(aliveA(a.nextDue()) ? a.nextDue() : Number.POSITIVE_INFINITY, b.nextDue())
      if (stopAAt !== undefined && !stopped && stopAAt <= t) {
        stopped = true
        deliver(a.stop(stopAAt), b, stopAAt, 'A')
        continue
      }
      if (t > until) break
      if (a.nextDue() === t && aliveA(t)) deliver(a.fire(t), b, t, 'A')
      if (b.nextDue() === t) deliver(b.fire(t), a, t, 'B')
    }
    return { a, b, masters }
  }

  it('the higher priority becomes master (3.414 s); the other stays backup', () => {
    const { a, b, masters } = pair(20_000, () => true)
    expect(masters).toEqual([['A', 3415]])
    expect([a.state, b.state]).toEqual(['MASTER', 'BACKUP'])
  })

  it('the master crashes (no more adverts): the backup takes over 3.609 s after its last advert', () => {
    // A's adverts at 3415, 4415, …, 9415; nothing after 10 s
    const { b, masters } = pair(20_000, (t) => t < 10_000)
    expect(masters).toEqual([
      ['A', 3415],
      ['B', 9415 + 3610],
    ])
    expect(b.state).toBe('MASTER')
  })

  it('the master stops keepalived (priority 0): the backup takes over after skew_time (0.609 s)', () => {
    const { masters } = pair(20_000, (t) => t < 10_000, 10_000)
    expect(masters).toEqual([
      ['A', 3415],
      ['B', 10_610],
    ])
  })
})
