import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Host } from '../worker/host'
import type { Reply, Request } from '../worker/protocol'
import { addrOf, addrText } from './addresses'
import { connectSender } from './client'
import { emptyRsColors, forScenario, RS_COLOR_SLOTS, rsSlot, withAddresses } from './rsColors'
import { useLab } from './state'

const A101 = 0xc0a80865 // 192.168.8.101
const A102 = 0xc0a80866
const A103 = 0xc0a80867

describe('the real servers’ colour registry', () => {
  it('gives addresses seen together their slots in address order', () => {
    const reg = withAddresses(emptyRsColors('s'), [A102, A101, A103])
    expect([rsSlot(reg, A101), rsSlot(reg, A102), rsSlot(reg, A103)]).toEqual([0, 1, 2])
  })

  it('keeps a slot when its server is gone, and gives it back when the server returns', () => {
    let reg = withAddresses(emptyRsColors('s'), [A101, A102])
    // .101 removed: the frame's servers are .102 alone
    const after = withAddresses(reg, [A102])
    expect(after).toBe(reg)
    expect(rsSlot(after, A102)).toBe(1)
    // a new server takes the next free slot, not the one .101 left
    reg = withAddresses(after, [A102, A103])
    expect(rsSlot(reg, A103)).toBe(2)
    // .101 back: its own colour again
    reg = withAddresses(reg, [A101, A102, A103])
    expect([rsSlot(reg, A101), rsSlot(reg, A102), rsSlot(reg, A103)]).toEqual([0, 1, 2])
  })

  it('is kept for the same scenario and starts afresh for another', () => {
    const reg = withAddresses(emptyRsColors('failure'), [A103, A102])
    expect(forScenario(reg, 'failure')).toBe(reg)
    const other = withAddresses(forScenario(reg, 'ppc'), [A101, A102])
    expect([rsSlot(other, A101), rsSlot(other, A102), rsSlot(other, A103)]).toEqual([0, 1, RS_COLOR_SLOTS - 1])
  })

  it('keys an IPv6 server by its address text, after the IPv4 ones seen with it', () => {
    const reg = withAddresses(emptyRsColors('s'), ['2001:db8:8::102', A101, '2001:db8:8::101'])
    expect([rsSlot(reg, A101), rsSlot(reg, '2001:db8:8::101'), rsSlot(reg, '2001:db8:8::102')]).toEqual([0, 1, 2])
    expect(rsSlot(reg, null)).toBe(RS_COLOR_SLOTS - 1)
  })

  it('comes round the palette after its last slot', () => {
    const addrs = Array.from({ length: RS_COLOR_SLOTS + 2 }, (_, i) => 0x0a000001 + i)
    const reg = withAddresses(emptyRsColors(), addrs)
    expect(addrs.map((a) => rsSlot(reg, a))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0, 1])
  })
})

describe('the store keeps each server’s colour through a session (a real worker host)', () => {
  const scenario = (file: string): unknown => JSON.parse(readFileSync(`public/scenarios/${file}`, 'utf8'))

  it('.102 keeps its colour when .101 is removed and after a rewind; another scenario starts afresh', () => {
    const host = new Host({ now: () => 0 })
    let wall = 0
    const onReply: (r: Reply) => void = connectSender((req: Request) => {
      for (const r of host.handle(req)) onReply(r)
    })
    const frame = () => {
      wall += 1000 / 60
      for (const r of host.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '' })) onReply(r)
    }
    const slotOf = (a: number) => rsSlot(useLab.getState().rsColors, a)
    const shown = () => useLab.getState().rs.map((r) => r.addr)

    for (const r of host.handle({ type: 'load', scenario: scenario('preset-rs-failure.json'), name: 'x' })) onReply(r)
    frame()
    expect(shown()).toEqual([A101, A102])
    expect([slotOf(A101), slotOf(A102)]).toEqual([0, 1])

    // the preset's health check at 300 s removes .101
    for (const r of host.handle({ type: 'seek', toMs: 301_000 })) onReply(r)
    frame()
    expect(useLab.getState().nowMs).toBeGreaterThanOrEqual(301_000)
    expect(shown()).toEqual([A102])
    expect(slotOf(A102)).toBe(1)

    // a rewind brings .101 back, with its colour
    for (const r of host.handle({ type: 'seek', toMs: 0 })) onReply(r)
    frame()
    expect(shown()).toEqual([A101, A102])
    expect([slotOf(A101), slotOf(A102)]).toEqual([0, 1])

    // another scenario starts afresh: its servers in address order from the first slot
    for (const r of host.handle({ type: 'load', scenario: scenario('classroom-ppc.json'), name: 'y' })) onReply(r)
    frame()
    const ppc = [...new Set(shown())].sort((a, b) => a - b)
    expect(ppc.map(slotOf)).toEqual(ppc.map((_, i) => i % RS_COLOR_SLOTS))
  })

  it("an IPv6 server's colour follows its address: kept when it is removed and added again", () => {
    const host = new Host({ now: () => 0 })
    let wall = 0
    const onReply: (r: Reply) => void = connectSender((req: Request) => {
      for (const r of host.handle(req)) onReply(r)
    })
    const frame = () => {
      wall += 1000 / 60
      for (const r of host.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '' })) onReply(r)
    }
    const run = (line: string) => {
      for (const r of host.handle({ type: 'run', id: 1, line })) onReply(r)
      frame()
    }
    const slots = () =>
      useLab.getState().rs.map((r) => [addrText(r.addr), rsSlot(useLab.getState().rsColors, addrOf(r.addr))])
    for (const r of host.handle({ type: 'load', scenario: scenario('preset-ipv6-pcc.json'), name: 'v6' })) onReply(r)
    frame()
    expect(slots()).toEqual([
      ['2001:db8:8::101', 0],
      ['2001:db8:8::102', 1],
    ])
    run('ipvsadm -d -t [2001:db8::10]:0 -r 2001:db8:8::101')
    expect(slots()).toEqual([['2001:db8:8::102', 1]])
    run('ipvsadm -a -t [2001:db8::10]:0 -r 2001:db8:8::103 -g')
    run('ipvsadm -a -t [2001:db8::10]:0 -r 2001:db8:8::101 -g')
    expect(slots()).toEqual([
      ['2001:db8:8::101', 0],
      ['2001:db8:8::102', 1],
      ['2001:db8:8::103', 2],
    ])
  })
})
