import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { probe } from './probe'
import type { Probe } from './protocol'
import { lessonOnline } from './testScenarios'

/** The same client to a DR, a NAT (-m, port 8080 → 80) and a TUN service of one VIP. */
const roads = {
  name: 'roads',
  commands: [
    'ipvsadm -A -t 192.168.100.100:80 -s rr',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
    'ipvsadm -A -t 192.168.100.100:8080 -s rr',
    'ipvsadm -a -t 192.168.100.100:8080 -r 192.168.8.102:80 -m',
    'ipvsadm -A -t 192.168.100.100:443 -s rr',
    'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.103 -i',
  ],
  connections: [80, 8080, 443].map((vport, i) => ({
    at: i + 1,
    client: '10.0.0.1',
    clientPort: 40001 + i,
    proto: 'tcp',
    vip: '192.168.100.100',
    vport,
    hold: 2,
  })),
  until: 10,
}

describe('probes', () => {
  it('the reply a connection’s client sees, on the engine’s Wire: from the VIP always; sent by the real server (DR, TUN) or the director (NAT)', () => {
    const reply = (index: number, what: 'source' | 'sender') => probe(roads, { kind: 'reply', index, what })
    for (const i of [0, 1, 2]) expect(reply(i, 'source')).toEqual({ ok: true, value: '192.168.100.100' })
    expect([0, 1, 2].map((i) => reply(i, 'sender'))).toEqual([
      { ok: true, value: 'real-server' },
      { ok: true, value: 'director' },
      { ok: true, value: 'real-server' },
    ])
    // a NAT real server whose gateway is not the director answers from its own address, round the director
    const wrong = { ...roads, topology: { realServers: { '192.168.8.102': { gateway: '192.168.8.254' } } } }
    expect(probe(wrong, { kind: 'reply', index: 1, what: 'source' })).toEqual({ ok: true, value: '192.168.8.102' })
    expect(probe(roads, { kind: 'reply', index: 7, what: 'source' })).toEqual({ ok: false, error: 'no connection 7' })
  })

  it('answer on a scratch copy: a template kept past its timeout is live at 20 s, gone by 300 s', () => {
    const sc = { ...lessonOnline, until: 400 }
    expect(probe(sc, { kind: 'template-live', client: '10.0.0.7', atMs: 20_000 })).toEqual({ ok: true, value: true })
    expect(probe(sc, { kind: 'template-live', client: '10.0.0.7', atMs: 300_000 })).toEqual({ ok: true, value: false })
    expect(probe(sc, { kind: 'template-live', client: '10.0.0.8', atMs: 20_000 })).toEqual({ ok: true, value: false })
    expect(probe(sc, { kind: 'template-live', client: 'ten', atMs: 0 })).toEqual({
      ok: false,
      error: 'ten: not an address',
    })
  })

  it('which real server a connection reached, and a figure of the run', () => {
    const first = probe(lessonOnline, { kind: 'connection-rs', index: 0 })
    expect(first).toMatchObject({ ok: true, value: '192.168.8.102' })
    // the same client within its template: the same real server
    expect(probe(lessonOnline, { kind: 'connection-rs', index: 1 })).toMatchObject({ ok: true, value: '192.168.8.102' })
    expect(probe(lessonOnline, { kind: 'connection-rs', index: 9 })).toEqual({ ok: false, error: 'no connection 9' })
    expect(probe(lessonOnline, { kind: 'metric', name: 'templatesLive', atMs: 1000 })).toMatchObject({
      ok: true,
      value: 1,
    })
    expect(probe(null, { kind: 'metric', name: 'refused', atMs: 0 }).ok).toBe(false)
  })

  it('a connection\'s answer carries the engine\'s decision in words, as "Why?" gives it: a new template, then a hit', () => {
    const keys = (i: number) => {
      const a = probe(lessonOnline, { kind: 'connection-rs', index: i })
      return a.ok ? (a.why ?? []).map((s) => s.key) : []
    }
    expect(keys(0)).toEqual(['why.attempt.arrives', 'why.attempt.service', 'why.attempt.new', 'why.attempt.sent'])
    expect(keys(1)).toEqual(['why.attempt.arrives', 'why.attempt.service', 'why.attempt.hit', 'why.attempt.sentHit'])
    const a = probe(lessonOnline, { kind: 'connection-rs', index: 1 })
    const c = lessonOnline.connections[1]
    expect(a.ok && a.why?.[0].values.client).toBe(`${c.client}:${c.clientPort}`)
    expect(a.ok && a.why?.[2].values.rs).toBe('192.168.8.102')
  })

  it('the count of live templates carries each template of the run then: live, or expired when', () => {
    const sc = { ...lessonOnline, until: 400 }
    const early = probe(sc, { kind: 'metric', name: 'templatesLive', atMs: 20_000 })
    expect(early).toMatchObject({ ok: true, value: 1 })
    expect(early.ok && early.why?.map((w) => w.key)).toEqual(['why.count.live'])
    expect(early.ok && early.why?.[0].values.client).toBe('10.0.0.7')
    const late = probe(sc, { kind: 'metric', name: 'templatesLive', atMs: 300_000 })
    expect(late).toMatchObject({ ok: true, value: 0 })
    expect(late.ok && late.why?.map((w) => w.key)).toEqual(['why.count.expired'])
  })

  it('two directors (docs/two-directors.md): who holds the VIP, VRRP states, the backup’s entries, when the VIP moved, the failover figures', () => {
    const pair = (name: string) =>
      JSON.parse(readFileSync(new URL(`../../public/scenarios/${name}`, import.meta.url), 'utf8')) as unknown
    const sync = pair('failover-with-sync.json')
    const none = pair('failover-without-sync.json')
    const at = (sc: unknown, what: Extract<Probe, { kind: 'pair' }>['what'], s: number, of?: 'director' | 'backup') =>
      probe(sc, { kind: 'pair', what, of, atMs: s * 1000 })
    expect(at(sync, 'vip-holder', 120)).toEqual({ ok: true, value: 'director' })
    // the director lost power at 240 s; the backup's master-down timer runs out at 243.025 s
    expect(at(sync, 'vip-holder', 241)).toEqual({ ok: true, value: null })
    expect(at(sync, 'vip-holder', 250)).toEqual({ ok: true, value: 'backup' })
    expect(at(sync, 'vrrp-state', 120, 'backup')).toEqual({ ok: true, value: 'BACKUP' })
    expect(at(sync, 'vrrp-state', 250, 'backup')).toEqual({ ok: true, value: 'MASTER' })
    expect(at(sync, 'vrrp-state', 250, 'director')).toEqual({ ok: true, value: 'down' })
    // VRRP made the director MASTER at 3.414 s, but the packets already went there: no move until the failover
    expect(at(sync, 'vip-moved-at', 240)).toEqual({ ok: true, value: null })
    expect(at(sync, 'vip-moved-at', 250)).toEqual({ ok: true, value: 243.025 })
    expect(at(sync, 'master-down-interval', 0, 'backup')).toEqual({ ok: true, value: 3.609375 })
    // what the backup knows at 239 s: with sync about what the director holds, without it nothing
    expect(at(sync, 'templates', 239, 'director')).toEqual({ ok: true, value: 99 })
    expect(at(sync, 'templates', 239, 'backup')).toEqual({ ok: true, value: 98 })
    expect(at(none, 'templates', 239, 'backup')).toEqual({ ok: true, value: 0 })
    expect(at(none, 'connections', 239, 'backup')).toEqual({ ok: true, value: 0 })
    // with sync every template the backup holds sends its client where the director's does; without,
    // the backup's own choices after the failover part from the director's table for some clients
    expect(at(sync, 'templates-elsewhere', 120, 'backup')).toEqual({ ok: true, value: 0 })
    const elsewhere = at(none, 'templates-elsewhere', 300, 'backup')
    expect(elsewhere.ok && typeof elsewhere.value === 'number' && elsewhere.value > 0).toBe(true)
    // the director's, seen from the backup's side: it has templates the backup does not
    const mine = at(none, 'templates-elsewhere', 120, 'director')
    expect(mine).toEqual(at(none, 'templates', 120, 'director'))
    const broken = (sc: unknown) => probe(sc, { kind: 'metric', name: 'brokenSessionsByFailover', atMs: 480_000 })
    expect([broken(sync), broken(none)]).toEqual([
      { ok: true, value: 0 },
      { ok: true, value: 12 },
    ])
    expect(probe(sync, { kind: 'metric', name: 'connectionsResetByFailover', atMs: 480_000 })).toEqual({
      ok: true,
      value: 0,
    })
    // one director: no pair to ask, no failover figure
    expect(at(lessonOnline, 'vip-holder', 1)).toEqual({ ok: false, error: 'the scenario has no backup director' })
    expect(probe(lessonOnline, { kind: 'metric', name: 'brokenSessionsByFailover', atMs: 1000 })).toEqual({
      ok: false,
      error: 'brokenSessionsByFailover: the scenario has no backup director',
    })
  })
})
