/** The headless CLI as a user runs it: `npm run --silent sim -- FILE.json`. */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../src/engine/index'

const root = join(import.meta.dirname, '..')
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const sim = (...args: string[]) => spawnSync(tsx, ['scripts/sim.ts', ...args], { cwd: root, encoding: 'utf8' })
const tmp = mkdtempSync(join(tmpdir(), 'lvs-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const p = join(tmp, name)
  writeFileSync(p, text)
  return p
}

describe('sim CLI', () => {
  it('prints a recording-shaped JSON document and exits 0', () => {
    const out = execFileSync(tsx, ['scripts/sim.ts', 'test/golden/scenarios/seed-ppc.json'], {
      cwd: root,
      encoding: 'utf8',
    })
    const run = JSON.parse(out) as RunResult
    expect(run.connections.map((c) => c.rs)).toEqual([
      '192.168.8.102:80',
      '192.168.8.101:80',
      '192.168.8.102:80',
      '192.168.8.102:80',
      '192.168.8.102:80',
    ])
    expect(run.final.outputs.map((o) => o.cmd)).toEqual(['ipvsadm -Ln', 'ipvsadm -Lnc'])
  })

  it.each([
    ['not JSON', '{"until": ', /not valid JSON/],
    ['wrong type', '{"until": "soon"}', /^.*: until: expected a number of seconds/],
    ['unknown field', '{"until": 5, "colour": "red"}', /colour: unknown field/],
    [
      'bad nested field',
      '{"until": 5, "connections": [{"at": 0, "client": "10.0.0.1", "clientPort": 1, "proto": "sctp", "vip": "1.1.1.1", "vport": 80, "hold": 1}]}',
      /connections\[0\]\.proto: expected "tcp" or "udp"/,
    ],
    [
      'times out of order',
      '{"until": 5, "snapshots": [{"at": 3, "cmds": []}, {"at": 1, "cmds": []}]}',
      /snapshots\[1\]\.at: times out of order/,
    ],
  ])('exits 2 with a one-line reason for a file that is %s', (_what, text, pattern) => {
    const r = sim(file('bad.json', text))
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(pattern)
  })

  it("runs a snapshot's pipes through head, wc, sort and uniq as a director's shell does", () => {
    const seed = JSON.parse(readFileSync(join(root, 'test/golden/scenarios/seed-ppc.json'), 'utf8')) as {
      snapshots: { at: number; cmds: string[] }[]
    }
    const cmds = ['ipvsadm -Lnc', 'ipvsadm -Lnc | wc -l', 'ipvsadm -Lnc | sort -k5 | uniq -c', 'ipvsadm -Ln | head -3']
    seed.snapshots = [{ at: 2.5, cmds }]
    const out = execFileSync(tsx, ['scripts/sim.ts', file('pipes.json', JSON.stringify(seed))], {
      cwd: root,
      encoding: 'utf8',
    })
    const [lnc, wcL, counted, head3] = (JSON.parse(out) as RunResult).snapshots[0].outputs
    expect(lnc.stdout.split('\n').length).toBeGreaterThan(4)
    expect(wcL.stdout).toBe(`${lnc.stdout.split('\n').length - 1}\n`)
    // uniq -c: `%7d ` then the line; sort -k5: by the source column on
    for (const line of counted.stdout.trimEnd().split('\n')) expect(line).toMatch(/^ {6}[1-9] \S/)
    expect(counted.stdout.split('\n')).toHaveLength(lnc.stdout.split('\n').length)
    expect(head3.stdout.split('\n').slice(0, 2)).toEqual([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
    ])
    expect(head3.stdout.split('\n')).toHaveLength(4)
  })

  it("replays fin-retransmit-rs-readded: the client's FIN, dropped while .102 was deleted, reaches it once re-added", () => {
    // tcp_retransmit_timer(): the FIN sent at 10 s goes again at 10.2, 10.6, 11.4, 13.0, 16.2, 22.6 s …;
    // .102 is back at 20 s, so the one at 22.6 s passes and the entry is FIN_WAIT from then for 120 s
    const r = sim('public/scenarios/fin-retransmit-rs-readded.json', '--metrics')
    expect(r.status).toBe(0)
    const run = JSON.parse(r.stdout) as RunResult
    expect(run.connections.map((c) => [c.rs, c.status])).toEqual([
      ['192.168.8.102:80', 'connected'],
      ['192.168.8.101:80', 'connected'],
    ])
    const lnc = (at: number) =>
      run.snapshots
        .find((s) => s.at === at)
        ?.outputs.find((o) => o.cmd === 'ipvsadm -Lnc')
        ?.stdout.split('\n')
        .filter((l) => l.startsWith('TCP'))
        .sort() // by the expire column
    // dropped packets do not touch the entry: still ESTABLISHED, its timer counting from the ACK at 0 s
    expect(lnc(15)).toEqual([
      'TCP 01:54  FIN_WAIT    10.0.0.2:40002     192.168.100.100:80 192.168.8.101:80',
      'TCP 14:44  ESTABLISHED 10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80',
    ])
    expect(lnc(21)?.[1]).toContain('ESTABLISHED 10.0.0.1:40001')
    expect(lnc(23)).toEqual([
      'TCP 01:46  FIN_WAIT    10.0.0.2:40002     192.168.100.100:80 192.168.8.101:80',
      'TCP 01:59  FIN_WAIT    10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80',
    ])
    // 90 s after the client closed, its entry is still listed, 12.6 s behind its neighbour's
    expect(lnc(100)).toEqual([
      'TCP 00:30  FIN_WAIT    10.0.0.2:40002     192.168.100.100:80 192.168.8.101:80',
      'TCP 00:42  FIN_WAIT    10.0.0.1:40001     192.168.100.100:80 192.168.8.102:80',
    ])
    // --stats: the retransmitted FIN that passed (and the ACK after it) are packets; the dropped ones are not
    const stats = run.snapshots.find((s) => s.at === 23)?.outputs.find((o) => o.cmd === 'ipvsadm -Ln --stats')
    expect(stats?.stdout).toContain('  -> 192.168.8.102:80                    1        4        0      216        0')
    // the FIN got through: no client gave up
    expect(run.metrics?.timedOut).toBeUndefined()
    expect(run.final.outputs[1].stdout.split('\n').filter((l) => l.startsWith('TCP'))).toEqual([])
  })

  it('exits 2 for a missing file', () => {
    const r = sim(join(tmp, 'nope.json'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/cannot read: ENOENT/)
  })
})
