import { describe, expect, it } from 'vitest'
import { V6_ADDR_BASE } from '../worker/protocol'
import { addrOf, addrPortText, addrText, compareAddrNums, foldAddrBook, isV6Num } from './addresses'

describe("the page's copy of the address book", () => {
  it('reads IPv4 address numbers as themselves and IPv6 ones from the entries the frames brought', () => {
    const v4 = 0xc0a80866
    const v6 = V6_ADDR_BASE + 1
    // not received yet: unknown, shown as such
    expect(addrText(V6_ADDR_BASE + 50)).toBe('?')
    foldAddrBook({ from: 0, list: ['2001:db8:8::102', '2001:db8:8::101'] })
    expect([addrText(v4), addrText(v6)]).toEqual(['192.168.8.102', '2001:db8:8::101'])
    expect([addrPortText(v4, 80), addrPortText(v6, 80)]).toEqual(['192.168.8.102:80', '[2001:db8:8::101]:80'])
    expect([isV6Num(v4), isV6Num(v6)]).toEqual([false, true])
    expect(addrOf(-1)).toBeNull()
    // address order: IPv4 first, then IPv6 by value (not by index)
    expect([V6_ADDR_BASE, v6, v4].sort(compareAddrNums)).toEqual([v4, v6, V6_ADDR_BASE])
    // a restarted worker sends its book again from 0: its entries win
    foldAddrBook({ from: 0, list: ['2001:db8::10'] })
    expect(addrText(V6_ADDR_BASE)).toBe('2001:db8::10')
  })
})
