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
import {
  actions,
  addrText,
  askPackets,
  attemptOf,
  connectionsOf,
  connectSender,
  live,
  useLab,
  wantedOfAttempt,
  wantedOfListingLine,
} from './index'

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

  it('a template, a real server, a line of ipvsadm -Lnc and no selection each open the view on their newest connection', () => {
    // the run of the test above, at 5 s: the page's attempts are its frames'
    const newest = live.attempts[live.attempts.length - 1]
    expect(actions.openPackets(null)).toBe(true)
    expect(useLab.getState().packets?.wanted).toEqual(wantedOfAttempt(newest))

    // :80 is persistent (-p 60): its connections have a template
    const withTemplate = [...live.attempts].reverse().find((a) => a.templateId > 0)
    expect(withTemplate?.vport).toBe(80)
    const templateId = withTemplate?.templateId ?? -1
    const target = { kind: 'template' as const, templateId }
    expect(connectionsOf(target).every((a) => a.templateId === templateId)).toBe(true)
    expect(actions.openPackets(target)).toBe(true)
    expect(useLab.getState().packets?.wanted).toEqual(wantedOfAttempt(withTemplate as NonNullable<typeof withTemplate>))

    const nat = [...live.attempts].reverse().find((a) => a.vport === 8080) as NonNullable<(typeof live.attempts)[0]>
    const rs = { kind: 'rs' as const, addr: nat.rsAddr, port: 0 }
    const ofRs = connectionsOf(rs)
    expect(ofRs.length).toBeGreaterThan(0)
    expect(ofRs.every((a) => a.rsAddr === nat.rsAddr)).toBe(true)
    // newest first
    expect(ofRs.map((a) => a.seq)).toEqual([...ofRs.map((a) => a.seq)].sort((x, y) => y - x))
    expect(actions.openPackets(rs)).toBe(true)
    expect(useLab.getState().packets?.wanted).toEqual(wantedOfAttempt(ofRs[0]))
    actions.choosePackets(wantedOfAttempt(nat) as NonNullable<ReturnType<typeof wantedOfAttempt>>)
    expect(useLab.getState().packets?.wanted.conn?.client).toBe('10.0.0.2:40002')

    // a connection's line, and a template's line (client port 0): the newest connection it names
    const line = `TCP 00:57  SYN_RECV    10.0.0.2:40002     192.168.100.100:8080 ${addrText(nat.rsAddr)}:80`
    expect(wantedOfListingLine(line)).toEqual(wantedOfAttempt(nat))
    expect(wantedOfListingLine(line.replace('40002', '0'))?.conn?.client).toBe('10.0.0.2:40002')
    // a line the page has no attempt of: its start unknown (0), the worker replays the run for it
    expect(wantedOfListingLine(line.replace('40002', '41234'))).toEqual({
      conn: { client: '10.0.0.2:41234', virtual: '192.168.100.100:8080', atMs: 0 },
    })
    expect(wantedOfListingLine('IPVS connection entries')).toBeNull()
    expect(wantedOfListingLine('pro expire state       source             virtual            destination')).toBeNull()

    actions.closePackets()
    expect(useLab.getState().packets).toBeNull()
    expect(actions.openPackets({ kind: 'rs', addr: 12345, port: 0 })).toBe(false)
    expect(useLab.getState().packets).toBeNull()
  })

  it('an IPv6 connection has no packets drawn yet', () => {
    const v6 = { at: 0, client: V6_ADDR_BASE, clientPort: 1, vip: 1, vport: 80, rsAddr: -1, how: 0, templateId: 0 }
    expect(wantedOfAttempt(v6)).toBeNull()
  })
})
