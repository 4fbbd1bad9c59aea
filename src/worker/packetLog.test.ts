import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPcap, type Scenario, validateScenario } from '../engine/index'
import { Host } from './host'
import { LabRun } from './labRun'
import { PACKETS_KEPT } from './packetLog'
import type { PacketsAnswer, PacketsWanted, Reply } from './protocol'
import { classroom } from './testScenarios'
import { TextbookShadow } from './textbook'

const threeMethods = JSON.parse(readFileSync(join(__dirname, '../../public/scenarios/three-methods.json'), 'utf8'))

function scenarioOf(x: unknown): Scenario {
  const c = validateScenario(x)
  if (!c.ok) throw new Error(c.error)
  return c.scenario
}
const frozen = () => 0
const conn = (client: string, virtual: string, atMs: number): PacketsWanted => ({
  conn: { client, virtual, atMs },
})
function ok(a: PacketsAnswer) {
  if (!a.ok) throw new Error(a.error)
  return a
}

describe('the packets of the live run', () => {
  const run = new LabRun(scenarioOf(threeMethods), 1, 0, new TextbookShadow(), () => {})
  run.advance(9000)

  it('DR: the director changes only the Ethernet addresses (ip_vs_dr_xmit); the real server answers the client', () => {
    const a = ok(run.packetsOf(conn('10.0.0.1:40001', '192.168.100.100:80', 1000), false, frozen))
    expect(a.source).toBe('kept')
    const syn = a.packets.slice(0, 3)
    expect(syn.map((p) => [p.hop, p.fn])).toEqual([
      ['client→director', 'tcp_connect'],
      ['director→real-server', 'ip_vs_dr_xmit'],
      ['real-server→client', 'tcp_v4_send_synack'],
    ])
    // ip_forward: the TTL goes down by one (and with it the checksum); the IP addresses stay
    expect(syn[1].changed).toEqual(['eth.src', 'eth.dst', 'ip.ttl', 'ip.checksum'])
    expect(syn[1].fields['ip.dst']).toBe('192.168.100.100')
    expect(syn[2].fields['ip.src']).toBe('192.168.100.100')
  })

  it('NAT with -m: the destination and port rewritten, the reply back through the director (handle_response)', () => {
    const a = ok(run.packetsOf(conn('10.0.0.2:40002', '192.168.100.100:8080', 2000), false, frozen))
    const hops = a.packets.map((p) => p.hop)
    expect(hops.slice(0, 4)).toEqual([
      'client→director',
      'director→real-server',
      'real-server→director',
      'director→client',
    ])
    const [, fwd, , back] = a.packets
    expect(fwd.fn).toBe('ip_vs_nat_xmit')
    expect(fwd.changed).toEqual(expect.arrayContaining(['ip.dst', 'tcp.dport', 'ip.ttl', 'eth.dst']))
    expect([fwd.fields['ip.dst'], fwd.fields['tcp.dport']]).toEqual(['192.168.8.102', '80'])
    expect(back.fn).toBe('handle_response')
    expect([back.fields['ip.src'], back.fields['tcp.sport']]).toEqual(['192.168.100.100', '8080'])
    expect(back.changed).toEqual(expect.arrayContaining(['ip.src', 'tcp.sport']))
  })

  it('TUN: an outer IPIP header from the DIP to the RIP, the inner packet unchanged', () => {
    const a = ok(run.packetsOf(conn('10.0.0.3:40003', '192.168.100.100:443', 3000), true, frozen))
    const fwd = a.packets[1]
    expect(fwd.fn).toBe('ip_vs_tunnel_xmit')
    expect([fwd.fields['outer.ip.src'], fwd.fields['outer.ip.dst'], fwd.fields['outer.ip.protocol']]).toEqual([
      '192.168.8.1',
      '192.168.8.103',
      '4',
    ])
    expect(fwd.changed.filter((f) => !f.startsWith('outer.') && !f.startsWith('eth.'))).toEqual([
      'ip.ttl',
      'ip.checksum',
    ])
    // the capture of it: a libpcap file with each packet
    expect(a.pcap).not.toBeNull()
    const bytes = a.pcap as Uint8Array
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)).toBe(0xa1b2c3d4)
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true)).toBe(1)
    expect(readPcap(bytes)).toHaveLength(a.packets.length)
  })

  it('the whole run from a scratch re-run: every connection (UDP too), the same packets', () => {
    const whole = ok(run.packetsOf({ conn: null }, true, frozen))
    expect(whole.source).toBe('kept')
    const again = ok(
      new LabRun(scenarioOf(threeMethods), 1, 0, new TextbookShadow(), () => {}).packetsOf(
        { conn: null, fromMs: 0, toMs: 9000 },
        false,
        frozen,
      ),
    )
    expect(new Set(whole.packets.map((p) => p.conn.virtual))).toEqual(
      new Set(['192.168.100.100:80', '192.168.100.100:8080', '192.168.100.100:443', '192.168.100.100:53']),
    )
    // a run at 0 has nothing yet: the window up to the present
    expect(again.packets).toEqual([])
  })
})

describe('bounded memory, rewinds and old connections', () => {
  const sc = scenarioOf({ ...(classroom('preset-rs-failure') as object), until: 400 })

  it(`keeps the newest ${PACKETS_KEPT} packets at most; an old connection comes from a re-run, the same packets`, () => {
    const run = new LabRun(sc, 1, 0, new TextbookShadow(), () => {})
    run.advance(300_000)
    expect(run.packets.kept.length).toBeLessThanOrEqual(PACKETS_KEPT * 1.25)
    expect(run.packets.dropped).toBe(true)
    const last = run.packets.kept[run.packets.kept.length - 1]
    const first = run.packets.kept.find((p) => p.conn.client === last.conn.client) ?? last
    const recent = conn(first.conn.client, first.conn.virtual, first.at)
    const kept = ok(run.packetsOf(recent, false, frozen))
    expect(kept.source).toBe('kept')
    const rerun = ok(run.packetsOf({ conn: { ...first.conn, atMs: 0 } }, false, frozen))
    expect(rerun.source).toBe('rerun')
    expect(rerun.complete).toBe(true)
    // the kept ones are the newest of the connection's packets the re-run gives
    expect(rerun.packets.slice(-kept.packets.length)).toEqual(kept.packets)
  })

  it('a re-run stops at its time budget and says it is incomplete', () => {
    const run = new LabRun(sc, 1, 0, new TextbookShadow(), () => {})
    run.advance(300_000)
    let t = 0
    const clock = () => {
      t += 400
      return t
    }
    const a = ok(run.packetsOf({ conn: null, fromMs: 0 }, false, clock))
    expect([a.source, a.complete]).toEqual(['rerun', false])
  })

  it('after a rewind through a checkpoint: the same packets as a replay from 0', () => {
    const rewound = new LabRun(sc, 1, 0, new TextbookShadow(), () => {}, [], { everyMs: 10_000 })
    rewound.advance(250_000)
    rewound.seek(120_000)
    rewound.advance(150_000)
    const fresh = new LabRun(sc, 1, 0, new TextbookShadow(), () => {}, [], { replayOnly: true })
    fresh.advance(150_000)
    const last = fresh.packets.kept[fresh.packets.kept.length - 1]
    const w = conn(last.conn.client, last.conn.virtual, last.at)
    const a = ok(rewound.packetsOf(w, false, frozen))
    const b = ok(fresh.packetsOf(w, false, frozen))
    expect(a.source).toBe('kept')
    expect(a.packets.length).toBeGreaterThan(0)
    expect(a.packets).toEqual(b.packets)
    expect(rewound.packets.kept.slice(-50)).toEqual(fresh.packets.kept.slice(-50))
  })
})

describe('the host answers packets requests', () => {
  it('a paused lab answers them without a frame to build; no scenario: an error', () => {
    const h = new Host({ now: frozen })
    const none = h.handle({ type: 'packets', id: 1, wanted: { conn: null }, pcap: false })
    expect(none).toEqual([{ type: 'packets', id: 1, answer: { ok: false, error: 'no scenario loaded' } }])
    h.handle({ type: 'load', scenario: threeMethods, name: 'three-methods' })
    h.handle({ type: 'seek', toMs: 5000 })
    const [r] = h.handle({
      type: 'packets',
      id: 2,
      wanted: conn('10.0.0.1:40001', '192.168.100.100:80', 1000),
      pcap: true,
    })
    const answer = (r as Extract<Reply, { type: 'packets' }>).answer
    expect(ok(answer).packets[0].fields['ip.src']).toBe('10.0.0.1')
  })
})
