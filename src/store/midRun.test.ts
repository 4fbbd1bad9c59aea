// @vitest-environment happy-dom
/**
 * Commands run mid-run reach the console: the store driven by a real worker host (no Worker, the
 * same requests and replies), the frames asked for by hand.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { Host } from '../worker/host'
import { MID_RUN_SHOWN, type Reply } from '../worker/protocol'
import { actions, type ConsoleLine, connectSender, midKey, undoneByRewind, useLab } from './index'

const DEL = 'ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.101'
const DOWN = 'ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.102:0'
const scenario = JSON.parse(
  readFileSync(join(process.cwd(), 'public/scenarios/preset-rs-failure.json'), 'utf8'),
) as unknown

let host: Host
let deliver: (r: Reply) => void = () => {}
let wall = 0
function frame(): void {
  wall += 16
  for (const r of host.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '' })) deliver(r)
}
function seek(toMs: number): void {
  actions.seek(toMs)
  frame()
  expect(useLab.getState().nowMs).toBe(toMs)
}
const commands = (text: string) => useLab.getState().console.filter((l) => l.kind === 'cmd' && l.text === text)
function undone(l: ConsoleLine): boolean {
  const { midRun } = useLab.getState()
  return undoneByRewind(l, new Set(midRun.map(midKey)), midRun, midRun.length < MID_RUN_SHOWN)
}

beforeEach(() => {
  host = new Host({ now: () => 0 })
  deliver = connectSender((req) => {
    for (const r of host.handle(req)) deliver(r)
  })
  actions.load(scenario, 'failure', 'rs-failure')
  frame()
})

describe('commands run mid-run, in the console', () => {
  it("a scenario's command is shown once it ran, with its time and its label; not before", () => {
    seek(299_000)
    expect(commands(DEL)).toEqual([])
    expect(useLab.getState().midRun.map((m) => m.atMs)).toEqual([120_000, 240_000])
    seek(300_000)
    const [line] = commands(DEL)
    expect(line).toMatchObject({ kind: 'cmd', atMs: 300_000, by: 'scenario' })
    expect(undone(line)).toBe(false)
    // its place: after the earlier mid commands, in time order
    const cmds = useLab.getState().console.filter((l) => l.kind === 'cmd' && l.by === 'scenario')
    expect(cmds.map((l) => l.atMs)).toEqual([120_000, 240_000, 300_000])
  })

  it("a button's command takes the worker's time; a rewind marks it and the scenario's as not run yet, without showing them twice", () => {
    seek(300_000)
    actions.run(DOWN, 'button')
    const [down] = commands(DOWN)
    expect(down).toMatchObject({ by: 'button', atMs: 300_000, mid: midKey({ atMs: 300_000, by: 'button', cmd: DOWN }) })
    frame()
    expect(undone(commands(DOWN)[0])).toBe(false)
    seek(200_000)
    expect(undone(commands(DEL)[0])).toBe(true)
    expect(undone(commands(DOWN)[0])).toBe(true)
    expect(undone(useLab.getState().console.find((l) => l.kind === 'cmd' && l.atMs === 120_000) as ConsoleLine)).toBe(
      false,
    )
    // played again past them (the journal replays the button's): shown as run, once each
    seek(310_000)
    expect(commands(DEL)).toHaveLength(1)
    expect(commands(DOWN)).toHaveLength(1)
    expect(undone(commands(DEL)[0])).toBe(false)
    expect(undone(commands(DOWN)[0])).toBe(false)
  })

  it('a failing command shows what the tool printed after it, under the same key', () => {
    seek(300_000)
    actions.run(DEL, 'lesson')
    const lines = useLab.getState().console
    const i = lines.findIndex((l) => l.kind === 'cmd' && l.by === 'lesson')
    expect(lines[i + 1]).toMatchObject({ kind: 'err', mid: midKey({ atMs: 300_000, by: 'lesson', cmd: DEL }) })
    expect((lines[i + 1] as { text: string }).text).toMatch(/\S/)
  })

  it('clearing the console does not bring old commands back', () => {
    seek(250_000)
    actions.clearConsole()
    seek(300_000)
    expect(
      useLab
        .getState()
        .console.filter((l) => l.kind === 'cmd')
        .map((l) => l.atMs),
    ).toEqual([300_000])
  })
})
