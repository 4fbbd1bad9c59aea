/**
 * `--packets` and `--pcap` as a user runs them, and the capture read back by Debian's tcpdump
 * (`tcpdump -nn -e -v -r`): the headers it prints for a DR, a NAT and a TUN connection, and every
 * checksum "correct". Skipped, saying so, only where tcpdump is not installed (`.ci/run` installs it).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunResult, WirePacket } from '../src/engine/index'

const root = join(import.meta.dirname, '..')
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const sim = (...args: string[]) => spawnSync(tsx, ['scripts/sim.ts', ...args], { cwd: root, encoding: 'utf8' })
const tmp = mkdtempSync(join(tmpdir(), 'lvs-wire-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const TCPDUMP = ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'].find((p) => existsSync(p)) ?? null

/** One TCP connection through a service whose real server is added with `rsArgs`. */
function scenario(name: string, vport: number, rsArgs: string): string {
  const p = join(tmp, `${name}.json`)
  writeFileSync(
    p,
    JSON.stringify({
      name,
      commands: [`ipvsadm -A -t 192.168.100.100:${vport} -s rr`, `ipvsadm -a -t 192.168.100.100:${vport} ${rsArgs}`],
      connections: [
        { at: 1, client: '10.0.0.1', clientPort: 40001, proto: 'tcp', vip: '192.168.100.100', vport, hold: 1 },
      ],
      until: 3,
    }),
  )
  return p
}

/** Two DR connections, at 1 s and at 5 s (each holds 1 s): a window can hold the second alone. */
function twoConnections(): string {
  const p = join(tmp, 'two.json')
  writeFileSync(
    p,
    JSON.stringify({
      name: 'two',
      commands: ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g'],
      connections: [
        { at: 1, client: '10.0.0.1', clientPort: 40001, proto: 'tcp', vip: '192.168.100.100', vport: 80, hold: 1 },
        { at: 5, client: '10.0.0.2', clientPort: 40002, proto: 'tcp', vip: '192.168.100.100', vport: 80, hold: 1 },
      ],
      until: 8,
    }),
  )
  return p
}

const cases = [
  {
    method: 'DR',
    file: () => scenario('dr', 80, '-r 192.168.8.101 -g'),
    expect: [
      // the director → RS frame: same IP packet, TTL 63, to the RS's MAC
      /52:54:00:12:34:56 > 02:00:c0:a8:08:65, ethertype IPv4 \(0x0800\), length 74: \(tos 0x0, ttl 63, id \d+, offset 0, flags \[DF\], proto TCP \(6\), length 60\)\n\s+10\.0\.0\.1\.40001 > 192\.168\.100\.100\.80: Flags \[S\], cksum 0x[0-9a-f]{4} \(correct\)/,
      // the RS answers the client itself, from the VIP
      /02:00:c0:a8:08:65 > 02:00:0a:00:00:01, .*ttl 64, id 0, .*\n\s+192\.168\.100\.100\.80 > 10\.0\.0\.1\.40001: Flags \[S\.\], cksum 0x[0-9a-f]{4} \(correct\)/,
    ],
  },
  {
    method: 'NAT',
    file: () => scenario('nat', 8080, '-r 192.168.8.102:80 -m'),
    expect: [
      /52:54:00:12:34:56 > 02:00:c0:a8:08:66, .*ttl 63.*\n\s+10\.0\.0\.1\.40001 > 192\.168\.8\.102\.80: Flags \[S\], cksum 0x[0-9a-f]{4} \(correct\)/,
      /02:00:c0:a8:08:66 > 52:54:00:12:34:56, .*ttl 64.*\n\s+192\.168\.8\.102\.80 > 10\.0\.0\.1\.40001: Flags \[S\.\], cksum 0x[0-9a-f]{4} \(correct\)/,
      /52:54:00:12:34:56 > 02:00:0a:00:00:01, .*ttl 63.*\n\s+192\.168\.100\.100\.8080 > 10\.0\.0\.1\.40001: Flags \[S\.\], cksum 0x[0-9a-f]{4} \(correct\)/,
    ],
  },
  {
    method: 'TUN',
    file: () => scenario('tun', 443, '-r 192.168.8.103 -i'),
    expect: [
      /52:54:00:12:34:56 > 02:00:c0:a8:08:67, ethertype IPv4 \(0x0800\), length 94: \(tos 0x0, ttl 63, id 0, offset 0, flags \[DF\], proto IPIP \(4\), length 80\)\n\s+192\.168\.8\.1 > 192\.168\.8\.103: \(tos 0x0, ttl 63, id \d+, offset 0, flags \[DF\], proto TCP \(6\), length 60\)\n\s+10\.0\.0\.1\.40001 > 192\.168\.100\.100\.443: Flags \[S\], cksum 0x[0-9a-f]{4} \(correct\)/,
    ],
  },
]

describe('sim CLI: --packets', () => {
  it('prints one JSON object a line, hop by hop, and nothing else', () => {
    const r = sim(cases[1].file(), '--packets')
    expect(r.status).toBe(0)
    const packets = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as WirePacket)
    expect(packets.map((p) => p.hop).slice(0, 5)).toEqual([
      'client→director',
      'director→real-server',
      'real-server→director',
      'director→client',
      'client→director',
    ])
    expect(packets.map((p) => p.n)).toEqual(packets.map((_, i) => i + 1))
  })

  it('--from/--to keep only the packets of that window of simulated seconds, numbered as in the whole run', () => {
    const all = sim(twoConnections(), '--packets')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as WirePacket)
    const r = sim(twoConnections(), '--packets', '--from', '4', '--to=7')
    expect(r.status).toBe(0)
    const some = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as WirePacket)
    expect(some.length).toBeGreaterThan(0)
    expect(some).toEqual(all.filter((p) => p.at >= 4000 && p.at <= 7000))
    expect(new Set(some.map((p) => p.conn.client))).toEqual(new Set(['10.0.0.2:40002']))
  })

  it('refuses a window that is not one, saying why', () => {
    const bad = [
      [['--packets', '--from', 'soon'], /--from needs a number of simulated seconds/],
      [['--packets', '--to', '-1'], /--to needs a number of simulated seconds/],
      [['--packets', '--from', '5', '--to', '2'], /--to is before --from/],
      [['--from', '1'], /give one of them/],
    ] as const
    for (const [args, why] of bad) {
      const r = sim(twoConnections(), ...args)
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(why)
      expect(r.stdout).toBe('')
    }
  })

  it('refuses --pcap without a file name', () => {
    const r = sim(cases[0].file(), '--pcap')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--pcap needs a file name/)
  })
})

const ARP_PROBLEM = join(root, 'public/scenarios/dr-rs-answers-arp.json')

describe('sim CLI: the ARP problem (public/scenarios/dr-rs-answers-arp.json)', () => {
  it('--packets: the ARP frames (who-has / is-at) among the packets, then clients straight to the real server', () => {
    const r = sim(ARP_PROBLEM, '--packets')
    expect(r.status).toBe(0)
    const lines = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { n: number; hop: string; fate: string; frame: { arp?: { op: number; spa: string } } },
      )
    expect(lines.map((p) => p.n)).toEqual(lines.map((_, i) => i + 1))
    const arp = lines.filter((p) => p.hop === 'arp')
    // the router's who-has, the director's and 101's is-at (ignored within locktime), 102's and 101's who-has for the router, the router's answers
    expect(arp.map((p) => `${p.frame.arp?.op} ${p.frame.arp?.spa} ${p.fate}`)).toEqual([
      '1 192.168.8.254 delivered',
      '2 192.168.100.100 neigh:created',
      '2 192.168.100.100 neigh:ignored',
      '1 192.168.8.102 neigh:created',
      '2 192.168.8.254 delivered',
      '1 192.168.100.100 neigh:changed',
      '2 192.168.8.254 delivered',
    ])
    const flip = lines.findIndex((p) => p.fate === 'neigh:changed')
    expect(lines.slice(flip).some((p) => p.hop === 'client→director')).toBe(false)
    expect(lines.slice(flip).filter((p) => p.hop === 'client→real-server').length).toBeGreaterThan(0)
  })

  it('the run: which clients bypassed the director, when the entry flipped, in the metrics', () => {
    const r = sim(ARP_PROBLEM, '--metrics')
    expect(r.status).toBe(0)
    const run = JSON.parse(r.stdout) as RunResult
    expect(run.connections.map((c) => `${c.client} ${c.rs} ${c.status}${c.bypassed ? ' bypassed' : ''}`)).toEqual([
      '10.0.0.1 192.168.8.102:80 reset',
      '10.0.0.2 192.168.8.101:80 connected',
      '10.0.0.3 192.168.8.101:80 connected bypassed',
      '10.0.0.4 192.168.8.101:80 connected bypassed',
    ])
    expect(run.arp?.flips.map((f) => `${f.at} ${f.to.role} ${f.by}`)).toEqual([
      '1000 director reply',
      '1000 real-server request',
    ])
    expect(run.metrics?.bypassed).toEqual({ connections: 2, resets: 1 })
  })
})

describe.skipIf(TCPDUMP === null)(
  `sim CLI: --pcap read back by tcpdump${TCPDUMP ? '' : ' — skipped: tcpdump is not installed (apt-get install tcpdump)'}`,
  () => {
    for (const c of cases) {
      it(`${c.method}: tcpdump prints the expected headers with correct checksums`, () => {
        const out = join(tmp, `${c.method}.pcap`)
        const r = sim(c.file(), '--pcap', out)
        expect(r.status).toBe(0)
        expect(JSON.parse(r.stdout).name).toBe(c.method.toLowerCase())
        const td = spawnSync(TCPDUMP as string, ['-nn', '-e', '-v', '-r', out], { encoding: 'utf8' })
        expect(td.status).toBe(0)
        const text = td.stdout
        expect(text).not.toMatch(/incorrect|bad cksum|truncated/)
        expect(text.match(/\(correct\)/g)?.length).toBe(text.match(/Flags \[/g)?.length)
        for (const re of c.expect) expect(text).toMatch(re)
      })
    }
    it('ARP problem: tcpdump reads the ARP frames (ethertype 0x0806) and the packets that bypass the director', () => {
      const out = join(tmp, 'arp.pcap')
      expect(sim(ARP_PROBLEM, '--pcap', out).status).toBe(0)
      const td = spawnSync(TCPDUMP as string, ['-nn', '-e', '-r', out], { encoding: 'utf8' })
      expect(td.status).toBe(0)
      const text = td.stdout
      expect(text).toContain(
        '02:00:c0:a8:08:fe > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.100.100 tell 192.168.8.254, length 28',
      )
      expect(text).toContain(
        '52:54:00:12:34:56 > 02:00:c0:a8:08:fe, ethertype ARP (0x0806), length 42: Reply 192.168.100.100 is-at 52:54:00:12:34:56, length 28',
      )
      // 101 asks for its gateway naming the VIP (arp_announce 0): the flip
      expect(text).toContain(
        '02:00:c0:a8:08:65 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.8.254 tell 192.168.100.100, length 28',
      )
      // later: from the router's MAC straight to 101's, for the VIP
      expect(text).toMatch(
        /02:00:c0:a8:08:fe > 02:00:c0:a8:08:65, ethertype IPv4 \(0x0800\), length 74: 10\.0\.0\.3\.40003 > 192\.168\.100\.100\.80: Flags \[S\]/,
      )
    })

    it('a time window (--from 4 --to 7): tcpdump reads only the frames sent in it, the second connection', () => {
      const out = join(tmp, 'window.pcap')
      const r = sim(twoConnections(), '--pcap', out, '--from', '4', '--to', '7')
      expect(r.status).toBe(0)
      const td = spawnSync(TCPDUMP as string, ['-nn', '-tt', '-r', out], { encoding: 'utf8' })
      expect(td.status).toBe(0)
      const lines = td.stdout.trim().split('\n')
      expect(lines.length).toBeGreaterThan(0)
      // timestamps are the lab's clock: 2026-01-05 09:00:00 UTC (1767603600) + simulated seconds
      for (const l of lines) {
        const sec = Number(l.split(' ')[0]) - 1767603600
        expect(sec).toBeGreaterThanOrEqual(4)
        expect(sec).toBeLessThanOrEqual(7.001)
        expect(l).toMatch(/10\.0\.0\.2\.40002/)
      }
      expect(td.stdout).not.toMatch(/10\.0\.0\.1\.40001/)
    })
  },
)
