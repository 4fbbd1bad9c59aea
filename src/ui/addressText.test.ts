import { describe, expect, it } from 'vitest'
import { abbreviate, abbreviateAll, distinguishingTails, shortName } from './addressText'

describe('addresses made short, never ambiguously', () => {
  it("an IPv6 address's distinguishing tail: the shortest end, from a run of colons, no other address ends with", () => {
    const tails = distinguishingTails(['2001:db8:8::101', '2001:db8:8::102', '192.168.8.101'])
    expect(tails.get('2001:db8:8::101')).toBe('::101')
    expect(tails.get('2001:db8:8::102')).toBe('::102')
    // IPv4 is short enough: itself
    expect(tails.get('192.168.8.101')).toBe('192.168.8.101')
    // the same last group in two networks: the tail grows until it tells them apart
    const two = distinguishingTails(['2001:db8:8::101', '2001:db8:9::101'])
    expect(two.get('2001:db8:8::101')).toBe(':8::101')
    expect(two.get('2001:db8:9::101')).toBe(':9::101')
    // `…:5` would also be the end of c::5: a longer tail
    const runs = distinguishingTails(['a:b:1:5', 'c::5'])
    expect(runs.get('a:b:1:5')).toBe(':1:5')
    expect(runs.get('c::5')).toBe('::5')
    // one address the end of another: the shorter one needs all of itself
    expect(distinguishingTails(['::5', '1::5']).get('::5')).toBe('::5')
  })

  it('cuts a long address in the middle, at a colon, keeping its tail; a short one stays whole', () => {
    expect(abbreviate('2001:db8:8::101', '::101', 22)).toBe('2001:db8:8::101')
    expect(abbreviate('2001:db8:1234:5678:9abc:def0:1234:101', ':101', 20)).toBe('2001:db8:1234…:101')
    expect(abbreviate('2001:db8:1234:5678:9abc:def0:1234:101', ':101', 6)).toBe('…:101')
    // an address that is its own tail is never cut
    expect(abbreviate('2001:db8:1234:5678:9abc:def0:1234:101', '2001:db8:1234:5678:9abc:def0:1234:101', 10)).toBe(
      '2001:db8:1234:5678:9abc:def0:1234:101',
    )
  })

  it('a set cut to one length stays a set: no two addresses are drawn alike', () => {
    const texts = [
      '2001:db8:a:1:8f3a:2200::1',
      '2001:db8:a:1:8f3b:2200::1',
      '2001:db8:a:2:8f3a:2200::1',
      '2001:db8:a:1:77::1',
      '10.0.0.7',
    ]
    const short = abbreviateAll(texts, 16)
    expect(new Set(short.values()).size).toBe(texts.length)
    for (const t of texts) expect(t.endsWith((short.get(t) ?? '').split('…').pop() ?? '')).toBe(true)
    expect(short.get('10.0.0.7')).toBe('10.0.0.7')
  })

  it('a real server as said in class: .102, or …::102 among IPv6 ones', () => {
    const tails = distinguishingTails(['2001:db8:8::101', '2001:db8:8::102'])
    expect(shortName('192.168.8.102', tails)).toBe('.102')
    expect(shortName('2001:db8:8::102', tails)).toBe('…::102')
  })
})
