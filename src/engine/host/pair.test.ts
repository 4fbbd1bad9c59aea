import { describe, expect, it } from 'vitest'
import type { SimMs } from '../sim/time'
import { connect, lnc, setup } from '../testkit'
import { DirectorPair } from './pair'
import { Simulator } from './simulator'

/**
 * Two directors and the IPVS sync daemon (Linux 6.1.192 ip_vs_sync.c: ip_vs_sync_conn_needed(),
 * ip_vs_sync_conn(), sync_thread_master(), ip_vs_proc_conn()).
 */
const CONFIG = [
  'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g',
]

function pair(...extra: { director?: string[]; backup?: string[] }[]): DirectorPair {
  const a = setup(new Simulator(), ...CONFIG, ...(extra[0]?.director ?? ['ipvsadm --start-daemon master']))
  const b = setup(new Simulator(), ...CONFIG, ...(extra[0]?.backup ?? ['ipvsadm --start-daemon backup']))
  return new DirectorPair(a, b)
}
const at = (p: DirectorPair, s: number) => p.advanceTo(Math.round(s * 1000) as SimMs)

describe('what the backup learns, and when', () => {
  it('a template is sent on the first SYN; an idle connection (SYN, ACK: 2 packets) is not sent at all', () => {
    const p = pair()
    const c = connect(p.front, '10.0.0.1', 40001)
    expect(c.rs).toBe('192.168.8.102:80') // rr's first pick: the real server added last
    expect(c.entry?.inPkts).toBe(2)
    expect(c.entry?.control?.inPkts).toBe(2)
    // the template, asked on each of the two packets (its second record: ASSURED)
    expect(p.sims[0].director.syncMaster?.pending).toBe(2)
    // the thread sends a buffer once it is 2 s old, at its next wake (every second from its start)
    at(p, 1.999)
    expect(p.deliveries).toEqual([])
    at(p, 2)
    expect(p.deliveries).toEqual([{ at: 2000, from: 0, records: 2, bytes: 8 + 36 + 36, applied: 2 }])
    expect(lnc(p.sims[1])).toEqual(['TCP 05:00  ASSURED     10.0.0.1:0         192.168.100.100:80 192.168.8.102:80'])
    expect(p.sims[1].run('ipvsadm -Ln').stdout).toMatch(/-> 192\.168\.8\.102:80 +Route +1 +0 +0/)
    // ip_vs_conn_sync_seq_show(): the origin of each entry
    expect(p.sims[1].run('cat /proc/net/ip_vs_conn_sync').stdout).toBe(
      'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n' +
        'TCP 0A000001 0000 C0A86464 0050 C0A80866 0050 ASSURED     SYNC       300\n',
    )
    expect(p.sims[0].run('cat /proc/net/ip_vs_conn_sync').stdout).toContain(
      'TCP 0A000001 9C41 C0A86464 0050 C0A80866 0050 ESTABLISHED LOCAL      898\n',
    )
  })

  it('a connection is sent at its FIN (a new state other than ESTABLISHED), and ESTABLISHED at its 3rd packet', () => {
    const p = pair()
    const c = connect(p.front, '10.0.0.1', 40001)
    at(p, 10)
    p.front.tcpClose(c, 'fin')
    // a new buffer from 10 s: the thread's wakes at 11 s and 12 s, the second one sends it
    at(p, 11)
    expect(lnc(p.sims[1]).filter((l) => l.includes(':40001'))).toEqual([])
    at(p, 12)
    expect(lnc(p.sims[1]).filter((l) => l.includes(':40001'))).toEqual([
      'TCP 02:00  FIN_WAIT    10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80',
    ])
  })

  it('sync_threshold "2 50": an ESTABLISHED connection is sent at its 2nd packet (its ACK)', () => {
    const p = pair({ director: ['sysctl -w net.ipv4.vs.sync_threshold="2 50"', 'ipvsadm --start-daemon master'] })
    connect(p.front, '10.0.0.1', 40001)
    at(p, 2)
    expect(lnc(p.sims[1]).filter((l) => l.includes(':40001'))).toEqual([
      'TCP 15:00  ESTABLISHED 10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80',
    ])
    expect(p.sims[1].run('ipvsadm -Ln').stdout).toMatch(/-> 192\.168\.8\.102:80 +Route +1 +1 +0/)
  })

  it('nothing is applied without a backup daemon, under another syncid, or from a master on lo', () => {
    const none = pair({ backup: [] })
    connect(none.front, '10.0.0.1', 40001)
    at(none, 3)
    expect(none.deliveries.map((d) => d.lost)).toEqual(['no-backup-daemon'])
    const other = pair({
      director: ['ipvsadm --start-daemon master --syncid 7'],
      backup: ['ipvsadm --start-daemon backup --syncid 8'],
    })
    connect(other.front, '10.0.0.1', 40001)
    at(other, 3)
    expect(other.deliveries.map((d) => d.lost)).toEqual(['syncid'])
    const any = pair({
      director: ['ipvsadm --start-daemon master --syncid 7'],
      backup: ['ipvsadm --start-daemon backup'],
    })
    connect(any.front, '10.0.0.1', 40001)
    at(any, 3)
    expect(any.deliveries.map((d) => d.applied)).toEqual([2])
    const lo = pair({ director: ['ipvsadm --start-daemon master --mcast-interface lo'] })
    connect(lo.front, '10.0.0.1', 40001)
    at(lo, 3)
    expect(lo.deliveries.map((d) => d.lost)).toEqual(['not-on-the-lan'])
  })
})

describe('failover', () => {
  /** Client 10.0.0.2 lands on .101 through the master; then the backup takes the VIP and the client comes back. */
  function failover(withSync: boolean): { rsAfter: string | null; finOutcome: string } {
    const p = pair(withSync ? {} : { director: [], backup: [] })
    const open = connect(p.front, '10.0.0.1', 40001)
    // the first client takes .102, the second .101; the backup's own rr would start at .102
    connect(p.front, '10.0.0.2', 40001)
    at(p, 30)
    p.crash(0, 30_000)
    p.claimVip(1, 33_600)
    at(p, 34)
    const finOutcome = p.front.tcpClose(open, 'fin')
    // without the template the backup's rr sends client 2 to .102, away from its session on .101
    const again = connect(p.front, '10.0.0.2', 40002)
    return { rsAfter: again.rs, finOutcome }
  }

  it('with sync the template on the backup keeps the client on its real server', () => {
    expect(failover(true).rsAfter).toBe('192.168.8.101:80')
  })

  it('without sync the backup schedules the client afresh: another real server', () => {
    expect(failover(false).rsAfter).toBe('192.168.8.102:80')
  })

  it('an idle connection the backup never heard of: its FIN meets the backup’s own stack, RST', () => {
    expect(failover(true).finOutcome).toBe('reset')
    expect(failover(false).finOutcome).toBe('reset')
  })

  it('a crashed director answers nothing: a SYN waits (the client retries), a FIN is lost', () => {
    const p = pair()
    const c = connect(p.front, '10.0.0.1', 40001)
    p.crash(0, 0)
    expect(connect(p.front, '10.0.0.3', 40001).status).toBe('pending')
    expect(p.front.tcpClose(c, 'fin')).toBe('lost')
    expect(p.moves).toEqual([{ at: 0, to: 0, why: 'crash' }])
  })
})
