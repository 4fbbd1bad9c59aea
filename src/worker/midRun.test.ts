import { describe, expect, it } from 'vitest'
import { Host } from './host'
import type { Frame, MidRunCommand } from './protocol'
import { classroom, frameOf } from './testScenarios'

const DEL = 'ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.101'
const DOWN_102 = 'ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.102:0'

let wall = 0
const ask = (host: Host) => {
  wall += 16
  return host.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '' })
}
const seek = (host: Host, toMs: number): Frame => {
  host.handle({ type: 'seek', toMs })
  return frameOf(ask(host))
}
const brief = (list: MidRunCommand[] | null) => list?.map((m) => [m.atMs, m.by, m.cmd])

function rsFailure(): Host {
  const host = new Host({ now: () => 0 })
  host.handle({ type: 'load', scenario: classroom('preset-rs-failure'), name: 'rs-failure' })
  return host
}

describe('commands run mid-run, in the frames', () => {
  it("the scenario's midCommands are reported once they ran, at their times, and not before", () => {
    const host = rsFailure()
    expect(frameOf(ask(host)).midRun).toEqual([])
    const before = seek(host, 299_999)
    expect(brief(before.midRun)).toEqual([
      [120_000, 'scenario', 'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.102 -g -w 0'],
      [240_000, 'scenario', 'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.102 -g -w 2'],
    ])
    const after = seek(host, 300_000)
    expect(after.midRun?.[2]).toEqual({ atMs: 300_000, by: 'scenario', cmd: DEL, stdout: '', stderr: '', exit: 0 })
    // unchanged: not sent again (paused, nothing changed: no frame at all)
    expect(ask(host)[0].type).toBe('idle')
    host.handle({ type: 'step', unit: 'second' })
    expect(frameOf(ask(host)).midRun).toBeNull()
  })

  it('after a seek back before a command, it is gone; played again, it is back', () => {
    const host = rsFailure()
    seek(host, 310_000)
    expect(brief(seek(host, 200_000).midRun)).toEqual([
      [120_000, 'scenario', 'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.102 -g -w 0'],
    ])
    expect(brief(seek(host, 100_000).midRun)).toEqual([])
    expect(brief(seek(host, 300_000).midRun)?.at(-1)).toEqual([300_000, 'scenario', DEL])
  })

  it("a button's command is reported with who ran it and what the tool printed; a rewind replays it", () => {
    const host = rsFailure()
    seek(host, 50_000)
    const [ran] = host.handle({ type: 'run', id: 1, line: DOWN_102, by: 'button' })
    expect(ran).toMatchObject({ type: 'ran', atMs: 50_000, exit: 0 })
    // a command that fails: its error is reported too
    host.handle({ type: 'run', id: 2, line: DOWN_102, by: 'lesson' })
    const f = frameOf(ask(host))
    expect(f.midRun?.map((m) => [m.atMs, m.by, m.cmd, m.exit])).toEqual([
      [50_000, 'button', DOWN_102, 0],
      [50_000, 'lesson', DOWN_102, 255],
    ])
    expect(f.midRun?.[1].stderr).toMatch(/\S/)
    expect(brief(seek(host, 49_999).midRun)).toEqual([])
    expect(brief(seek(host, 130_000).midRun)).toEqual([
      [50_000, 'button', DOWN_102],
      [50_000, 'lesson', DOWN_102],
      [120_000, 'scenario', 'ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.102 -g -w 0'],
    ])
  })

  it('a restored session keeps who ran its commands; a typed one says typed', () => {
    const host = rsFailure()
    seek(host, 10_000)
    host.handle({ type: 'run', id: 1, line: DOWN_102, by: 'button' })
    host.handle({ type: 'run', id: 2, line: 'ipvsadm -Ln' })
    const saved = host.handle({ type: 'export-scenario', id: 3, journal: true })[0] as {
      scenario: string
      journal: unknown[]
    }
    const again = new Host({ now: () => 0 })
    again.handle({ type: 'load', scenario: saved.scenario, name: 'saved', journal: saved.journal as never })
    expect(brief(seek(again, 20_000).midRun)).toEqual([
      [10_000, 'button', DOWN_102],
      [10_000, 'typed', 'ipvsadm -Ln'],
    ])
  })
})

describe("keepalived's commands in the frames", () => {
  it('are reported by keepalived at their times; a seek back and forth gives the same lines', () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('keepalived-inhibit-on-failure'), name: 'ka' })
    const ka = (f: Frame) => (f.midRun ?? []).filter((m) => m.by === 'keepalived').map((m) => [m.atMs, m.cmd])
    const first = ka(seek(host, 300_000))
    expect(first.map(([, cmd]) => cmd)).toEqual(['ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 0'])
    expect(first[0][0]).toBeGreaterThan(189_000)
    seek(host, 100_000)
    expect(ka(seek(host, 300_000))).toEqual(first)
  })
})
