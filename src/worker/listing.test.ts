import { describe, expect, it } from 'vitest'
import { ScenarioPlayer, type SimMs, validateScenario } from '../engine/index'
import { LISTING_PERIOD_MS, LiveListing } from './listing'
import { classroom } from './testScenarios'

function player(): ScenarioPlayer {
  const check = validateScenario(classroom('classroom-ppc'))
  if (!check.ok) throw new Error(check.error)
  const p = new ScenarioPlayer(check.scenario)
  p.advanceTo(30_000 as SimMs)
  return p
}

describe('the live listing', () => {
  it('recomputes at most every LISTING_PERIOD_MS, at once when the command or filter changes or it is invalidated', () => {
    const p = player()
    const l = new LiveListing()
    expect(l.next(p, 0, 'ipvsadm -Ln', '')?.text).toContain('TCP  192.168.100.100:80')
    expect(l.next(p, LISTING_PERIOD_MS - 1, 'ipvsadm -Ln', '')).toBeNull()
    expect(l.next(p, LISTING_PERIOD_MS, 'ipvsadm -Ln', '')).not.toBeNull()
    expect(l.next(p, LISTING_PERIOD_MS + 1, 'ipvsadm -Ln --stats', '')).not.toBeNull()
    l.invalidate()
    expect(l.next(p, LISTING_PERIOD_MS + 2, 'ipvsadm -Ln --stats', '')).not.toBeNull()
    // only the read-only listings
    expect(l.next(p, 1e6, 'ipvsadm -C', '')).toBeNull()
    expect(l.next(p, 1e6, null, '')).toBeNull()
  })

  it('filters like grep -i, keeping the header', () => {
    const l = new LiveListing()
    const all = l.next(player(), 0, 'ipvsadm -Ln', '')
    const some = l.next(player(), 1, 'ipvsadm -Ln', '192.168.8.101')
    const lines = (some?.text ?? '').trimEnd().split('\n')
    expect(lines.slice(0, 3)).toEqual((all?.text ?? '').split('\n').slice(0, 3))
    expect(lines.slice(3).length).toBeGreaterThan(0)
    expect(lines.slice(3).every((x) => x.includes('192.168.8.101'))).toBe(true)
    expect(l.next(player(), 2, 'ipvsadm -Lnc', 'NOPE')?.text.split('\n').length).toBeLessThanOrEqual(3)
  })
})
