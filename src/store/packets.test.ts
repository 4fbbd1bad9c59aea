// @vitest-environment happy-dom
/**
 * The Packets view's questions through the store: an attempt the page shows names its connection,
 * and the worker (a real host, no Worker) answers with that connection's packets.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Host } from '../worker/host'
import { V6_ADDR_BASE } from '../worker/protocol'
import { actions, askPackets, attemptOf, connectSender, live, useLab, wantedOfAttempt } from './index'

const scenario = JSON.parse(readFileSync(join(process.cwd(), 'public/scenarios/three-methods.json'), 'utf8'))

describe('packets of a connection, from the store', () => {
  it('an attempt of the frames names its connection; the answer is its packets hop by hop', async () => {
    const host = new Host({ now: () => 0 })
    let wall = 0
    const deliver = connectSender((req) => {
      for (const r of host.handle(req)) deliver(r)
    })
    actions.load(scenario, 'three-methods', 'three-methods')
    const frame = () => {
      wall += 16
      for (const r of host.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '' })) deliver(r)
    }
    frame()
    actions.seek(5000)
    frame()
    expect(useLab.getState().nowMs).toBe(5000)
    const nat = live.attempts.find((a) => a.vport === 8080)
    expect(nat).toBeDefined()
    const a = attemptOf(nat?.seq ?? -1)
    expect(a).not.toBeNull()
    const wanted = wantedOfAttempt(a as NonNullable<typeof a>)
    expect(wanted?.conn).toEqual({ client: '10.0.0.2:40002', virtual: '192.168.100.100:8080', atMs: 2000 })
    const answer = await askPackets(wanted as NonNullable<typeof wanted>, true)
    if (!answer.ok) throw new Error(answer.error)
    expect(answer.packets.map((p) => p.hop).slice(0, 4)).toEqual([
      'client→director',
      'director→real-server',
      'real-server→director',
      'director→client',
    ])
    expect(answer.pcap?.length).toBeGreaterThan(24)
  })

  it('an IPv6 connection has no packets drawn yet', () => {
    const v6 = { at: 0, client: V6_ADDR_BASE, clientPort: 1, vip: 1, vport: 80, rsAddr: -1, how: 0, templateId: 0 }
    expect(wantedOfAttempt(v6)).toBeNull()
  })
})
