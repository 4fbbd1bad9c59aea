import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { at, connect, setup } from '../../testkit'
import { CHECK_PERIOD_MS, catchUp, newPeriodicCheck } from './localityExpire'

/**
 * lblc/lblcr's cache in Linux 6.1.192: the lookup (ip_vs_lblc_schedule(), ip_vs_lblcr_schedule())
 * uses an entry however long unused; only the full check of the periodic timer
 * (ip_vs_lblc_check_expire() → ip_vs_lblc_full_check(), every COUNT_FOR_FULL_EXPIRATION-th fire
 * of CHECK_EXPIRE_INTERVAL) drops the entries idle for lblc(r)_expiration.
 */
const lab = (sched: string) =>
  setup(
    new Simulator(),
    `sysctl -w net.ipv4.vs.${sched}_expiration=60`,
    'ipvsadm --set 7200 0 0',
    `ipvsadm -A -t 192.168.100.100:80 -s ${sched}`,
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 10',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 10',
  )
const FULL_CHECK_S = (30 * CHECK_PERIOD_MS) / 1000

describe.each(['lblc', 'lblcr'])('%s cache expiry (6.1.192)', (sched) => {
  it('an entry idle past the expiration is still used until the periodic full check', () => {
    const sim = lab(sched)
    const x = connect(sim, '10.0.0.1', 40001).rs
    at(sim, 100) // 100 s unused > 60 s: v6.1-era lookups dropped it here; 6.1.192 keeps it
    expect(connect(sim, '10.0.0.2', 40002).rs).toBe(x)
    at(sim, FULL_CHECK_S + 0.1) // last used at 100: the first full check (≈1830.7 s) dropped it
    const other = connect(sim, '10.0.0.3', 40003).rs
    expect(other).not.toBe(x) // a fresh weighted-least-connection pick: the other server
  })

  it('an entry used within the expiration survives the full check', () => {
    const sim = lab(sched)
    const x = connect(sim, '10.0.0.1', 40001).rs
    at(sim, FULL_CHECK_S - 30)
    expect(connect(sim, '10.0.0.2', 40002).rs).toBe(x)
    at(sim, FULL_CHECK_S + 1)
    expect(connect(sim, '10.0.0.3', 40003).rs).toBe(x)
  })
})

describe('ip_vs_lblc_check_expire(): the fires', () => {
  it('every 30th fire is a full check; the counter restarts at 1', () => {
    const check = newPeriodicCheck(0)
    const cache = new Map([[1, { lastUseMs: 0 }]])
    catchUp(check, cache, 29 * CHECK_PERIOD_MS, 1000)
    expect(cache.size).toBe(1)
    expect(check.counter).toBe(30)
    catchUp(check, cache, 30 * CHECK_PERIOD_MS, 1000)
    expect(cache.size).toBe(0)
    expect(check.counter).toBe(1)
    cache.set(2, { lastUseMs: 30 * CHECK_PERIOD_MS })
    catchUp(check, cache, 59 * CHECK_PERIOD_MS, 1000)
    expect(cache.size).toBe(1)
    catchUp(check, cache, 60 * CHECK_PERIOD_MS, 1000)
    expect(cache.size).toBe(0)
  })
})
