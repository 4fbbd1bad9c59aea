/**
 * The engine's packets against a real capture: `capture-methods` (test/golden/README.md
 * "Captures") recorded every frame each host sent for one connection through DR, NAT (port
 * mapping) and TUN, and UDP through NAT. Each host's IPv4 frames, connection by connection, must
 * be the engine's, field by field — except what a real run draws at random: MAC values (compared
 * by whose they are), TCP sequence numbers (compared from each side's initial one), TCP
 * timestamps, the first IP id of each socket (ids are compared from it) and UDP's hashed ids.
 * One timing accident of the real run is normalised: when the server's application closed a
 * moment after its kernel acknowledged the client's FIN, the server sent a bare ACK then its FIN
 * (and the client's last ACK came from its TIME_WAIT socket with id 0); the engine's server
 * closes at once, with one FIN-ACK, as it did in the NAT and TUN captures.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  decodeFrame,
  encodeFrame,
  type Frame,
  type IpDatagram,
  parseScenario,
  readPcap,
  runScenario,
  Wire,
} from '../src/engine/index'

const dir = process.env.GOLDEN_DIR ?? join(import.meta.dirname, 'golden')
const recording = JSON.parse(readFileSync(join(dir, 'recordings', 'capture-methods.json'), 'utf8'))
const scenarioText = readFileSync(join(dir, 'scenarios', 'capture-methods.json'), 'utf8')
const clients: string[] = recording.topology.clients

interface Sent {
  host: string
  frame: Frame
}

/** The innermost IP datagram (inside IPIP, GUE or GRE). */
function innermost(d: IpDatagram): IpDatagram {
  const p = d.payload
  return p.kind === 'ipip' || p.kind === 'gue' || p.kind === 'gre' ? innermost(p.inner) : d
}

function ports(d: IpDatagram): [number, number] {
  const p = d.payload
  if (p.kind === 'tcp') return [p.tcp.sport, p.tcp.dport]
  if (p.kind === 'udp') return [p.udp.sport, p.udp.dport]
  return [0, 0]
}

/** The client end of the connection a frame belongs to: `10.0.0.1:40001`. */
function flowOf(f: Frame): string {
  const d = innermost(f.packet)
  const [sp, dp] = ports(d)
  return clients.includes(d.ip.src) ? `${d.ip.src}:${sp}` : `${d.ip.dst}:${dp}`
}

/** The recorded frames of each host (IPv4 only: ARP and IPv6 router solicitations are not modelled). */
function recorded(): Sent[] {
  const out: Sent[] = []
  for (const [host, b64] of Object.entries(recording.capture.pcapBase64 as Record<string, string>)) {
    for (const r of readPcap(new Uint8Array(Buffer.from(b64, 'base64')))) {
      const d = decodeFrame(r.bytes)
      if (d && d.frame.packet.ip.version === 4) out.push({ host, frame: d.frame })
    }
  }
  return out
}

function simulated(): { sent: Sent[]; wire: Wire } {
  const parsed = parseScenario(scenarioText)
  if (!parsed.ok) throw new Error(parsed.error)
  const wire = new Wire()
  runScenario(parsed.scenario, {
    setup: (sim) => {
      wire.watch(sim)
    },
  })
  const rsName = recording.topology.rsNamespaces as Record<string, string>
  const sent = wire.packets.map((p) => ({
    host: p.from.role === 'client' ? 'clients' : p.from.role === 'director' ? 'director' : rsName[p.from.addr],
    frame: p.frame,
  }))
  return { sent, wire }
}

/** Who a MAC belongs to, by role. */
function roleOfMac(sent: Sent[], macs: Record<string, string>): (mac: string) => string {
  const byMac = new Map(Object.entries(macs).map(([h, m]) => [m, h]))
  for (const s of sent) byMac.set(s.frame.eth.src, s.host)
  return (mac) => byMac.get(mac) ?? `unknown ${mac}`
}

/** Each (host, connection)'s frames with what is random on a real run taken out. */
function normalise(sent: Sent[], macs: Record<string, string>, split: Set<string>): Map<string, unknown[]> {
  const role = roleOfMac(sent, macs)
  // each connection's initial sequence numbers: the client's SYN, the server's SYN-ACK
  const isn = new Map<string, { c: number; s: number }>()
  for (const s of sent) {
    const d = innermost(s.frame.packet)
    if (d.payload.kind !== 'tcp') continue
    const k = flowOf(s.frame)
    const e = isn.get(k) ?? { c: 0, s: 0 }
    if (d.payload.tcp.flags === 'S') e.c = d.payload.tcp.seq
    if (d.payload.tcp.flags === 'S.') e.s = d.payload.tcp.seq
    isn.set(k, e)
  }
  const groups = new Map<string, Sent[]>()
  for (const s of sent) {
    const k = `${s.host} ${flowOf(s.frame)}`
    groups.set(k, [...(groups.get(k) ?? []), s])
  }
  const out = new Map<string, unknown[]>()
  for (const [k, list] of groups) {
    // the bare ACK of the client's FIN right before the server's own FIN: one FIN-ACK in the model
    const kept = list.filter((s, i) => {
      const d = innermost(s.frame.packet)
      const next = list[i + 1] ? innermost(list[i + 1].frame.packet) : null
      const bare =
        d.payload.kind === 'tcp' &&
        d.payload.tcp.flags === '.' &&
        next?.payload.kind === 'tcp' &&
        next.payload.tcp.flags === 'F.' &&
        next.payload.tcp.ack === d.payload.tcp.ack &&
        !clients.includes(d.ip.src)
      if (bare) split.add(flowOf(s.frame))
      return !bare
    })
    groups.set(k, kept)
  }
  for (const [k, list] of groups) {
    const firstId = new Map<string, number>()
    out.set(
      k,
      list.map((s, i) => {
        const flow = flowOf(s.frame)
        const { c, s: sv } = isn.get(flow) ?? { c: 0, s: 0 }
        const fromClient = (d: IpDatagram) => clients.includes(d.ip.src)
        const ipOf = (d: IpDatagram, isInner: boolean) => {
          const p = d.payload
          let id: number | string = d.ip.id
          if (isInner || p.kind === 'tcp' || p.kind === 'udp') {
            if (p.kind === 'udp') id = d.ip.id === 0 ? 'zero' : 'hashed'
            else if (d.ip.id === 0) id = 'zero'
            else {
              const key = `${d.ip.src}>${d.ip.dst}`
              if (!firstId.has(key)) firstId.set(key, d.ip.id)
              id = (d.ip.id - (firstId.get(key) ?? 0) + 0x10000) % 0x10000
            }
          }
          // the client's last ACK after a split close came from its TIME_WAIT socket (id 0)
          if (split.has(flow) && i === list.length - 1 && p.kind === 'tcp' && p.tcp.flags === '.' && fromClient(d))
            id = 'last ACK'
          return {
            src: d.ip.src,
            dst: d.ip.dst,
            tos: d.ip.tos,
            ttl: d.ip.ttl,
            df: d.ip.df,
            proto: d.ip.protocol,
            len: d.ip.length,
            id,
          }
        }
        const l4 = (d: IpDatagram): unknown => {
          const p = d.payload
          if (p.kind === 'tcp') {
            const mine = fromClient(d) ? c : sv
            const theirs = fromClient(d) ? sv : c
            return {
              sport: p.tcp.sport,
              dport: p.tcp.dport,
              flags: p.tcp.flags,
              seq: (p.tcp.seq - mine) >>> 0,
              ack: p.tcp.flags.includes('.') ? (p.tcp.ack - theirs) >>> 0 : 'none',
              win: p.tcp.window,
              options: p.tcp.options.map((o) =>
                o.kind === 'TS' ? `TS ecr${o.ecr === 0 ? '=0' : ''}` : JSON.stringify(o),
              ),
            }
          }
          if (p.kind === 'udp')
            return { sport: p.udp.sport, dport: p.udp.dport, len: p.udp.length, payloadBytes: p.payload.length }
          if (p.kind === 'ipip') return { ipip: { ip: ipOf(p.inner, true), l4: l4(p.inner) } }
          return p.kind
        }
        const d = s.frame.packet
        return {
          eth: `${role(s.frame.eth.src)} > ${role(s.frame.eth.dst)}`,
          ip: ipOf(d, false),
          l4: l4(d),
        }
      }),
    )
  }
  return out
}

describe('capture-methods: the engine puts the same frames on the wire as Linux 6.1', () => {
  // the connections whose server closed in two steps on the real run (found in the recording)
  const split = new Set<string>()
  const real = normalise(recorded(), recording.macs, split)
  const { sent, wire } = simulated()
  const ours = normalise(sent, {}, split)

  it('has the same hosts sending for the same connections', () => {
    expect([...ours.keys()].sort()).toEqual([...real.keys()].sort())
  })

  for (const key of [...real.keys()].sort()) {
    it(`${key}: frame by frame`, () => {
      expect(ours.get(key)).toEqual(real.get(key))
    })
  }

  it('writes correct IP, TCP and UDP checksums', () => {
    for (const p of wire.packets) expect(decodeFrame(encodeFrame(p.frame))?.checksumsOk).toBe(true)
  })
})
