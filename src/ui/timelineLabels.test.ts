import { describe, expect, it } from 'vitest'
import { foldAddrBook } from '../store/addresses'
import type { TemplateRow } from '../store/index'
import { V6_ADDR_BASE } from '../worker/protocol'
import { MONO_EM, rowLabels } from './timelineLabels'

const row = (client: number, vaddrOrMark: number, vport: number, rsAddr: number): TemplateRow => ({
  id: 1,
  client,
  vaddrOrMark,
  vport,
  rsAddr,
  rsPort: 0,
  createdAt: 0,
  expiresAt: 300_000,
  firstRearmAt: -1,
  expiredAt: -1,
  director: 0,
  refreshes: [],
})

describe("the template timeline's row labels", () => {
  foldAddrBook({
    from: 0,
    list: [
      '2001:db8:8::102',
      '2001:db8:a:1::',
      '2001:db8::10',
      '2001:db8:a:2:7747:5b55:0:1',
      '2001:db8:a:2:9f01:5b55:0:1',
      '2001:db8:a:2:7747:aa23:0:1',
    ],
  })
  const v6 = (i: number) => V6_ADDR_BASE + i
  // the lab's label column: 220 px of 12 px monospace
  const max = Math.floor(220 / (MONO_EM * 12))

  it('IPv4 as before: the client, the port or fwmark, the real server by its last octet', () => {
    expect(rowLabels([row(0x0a000007, 0xc0a86464, 80, 0xc0a80866), row(0x0a000007, 80, 0, 0xc0a80866)], max)).toEqual([
      '10.0.0.7 :80 → .102',
      '10.0.0.7 fwm 80 → .102',
    ])
  })

  it("IPv6: the template's /64 client whole, the real server by its tail", () => {
    expect(rowLabels([row(v6(1), v6(2), 0, v6(0))], max)).toEqual(['2001:db8:a:1:: :0 → …::102'])
  })

  it('a client too long for the column is cut in the middle, the rows drawn together never alike', () => {
    const labels = rowLabels(
      [row(v6(3), v6(2), 0, v6(0)), row(v6(4), v6(2), 0, v6(0)), row(v6(5), v6(2), 0, v6(0))],
      max,
    )
    for (const l of labels) expect(l.length).toBeLessThanOrEqual(max)
    expect(new Set(labels).size).toBe(3)
    // its distinguishing tail kept whole (:5b55:0:1 is also another row's end)
    expect(labels[0]).toBe('…:7747:5b55:0:1 :0 → …::102')
  })
})
