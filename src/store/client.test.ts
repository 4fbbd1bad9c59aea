// @vitest-environment happy-dom
/**
 * The frame loop sleeps while the lab is paused and idle: no animation frame, no frame request but
 * the watchdog's heartbeat; anything sent, a change of the store or playing wakes it; a worker that
 * stops answering while paused is still replaced. Animation frames, timers and performance.now()
 * are vitest's fake ones (a frame every 16 ms of the fake clock).
 */

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Host } from '../worker/host'
import type { Reply, Request } from '../worker/protocol'
import { labActions } from './actions'
import { connectWorker, HEARTBEAT_MS } from './client'
import { useLab } from './state'

/**
 * The engine's lab host behind a Worker's interface: requests queue as messages do, and the test
 * delivers them (`pump`); a hung worker answers nothing.
 */
class HostWorker {
  onmessage: ((ev: MessageEvent<Reply>) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  readonly host = new Host({ now: () => performance.now() })
  queue: Request[] = []
  hung = false
  terminated = false
  postMessage(r: Request): void {
    this.queue.push(r)
  }
  terminate(): void {
    this.terminated = true
  }
  /** Answer what was asked; returns how many frame requests there were. */
  pump(): number {
    let frames = 0
    while (!this.hung && this.queue.length) {
      const r = this.queue.shift() as Request
      if (r.type === 'frame') frames++
      for (const reply of this.host.handle(r)) this.onmessage?.({ data: reply } as MessageEvent<Reply>)
    }
    return frames
  }
}

const scenario = JSON.parse(readFileSync(join(process.cwd(), 'public/scenarios/classroom-ppc.json'), 'utf8')) as unknown

/** Let `ms` of the fake clock pass, a frame (16 ms) at a time, the worker answering as it goes; frame requests answered. */
function run(w: HostWorker, ms: number): number {
  let asked = 0
  for (let t = 0; t < ms; t += 16) {
    vi.advanceTimersByTime(16)
    asked += w.pump()
  }
  return asked
}

let disconnect: () => void = () => {}
let rafCalls = 0

beforeEach(() => {
  vi.useFakeTimers({
    toFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'performance',
    ],
  })
  rafCalls = 0
  const raf = globalThis.requestAnimationFrame
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => {
    rafCalls++
    return raf(cb)
  })
  useLab.setState({ playing: false, busy: null, seekTarget: null, notice: null, error: null })
})

afterEach(() => {
  disconnect()
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

/** Connect to a fresh host with the classroom scenario loaded, played for a second and paused: asleep. */
function pausedLab(w: HostWorker): void {
  disconnect = connectWorker(w as unknown as Worker)
  labActions.load(scenario, 'ppc', 'classroom-ppc.json')
  run(w, 100)
  labActions.play()
  run(w, 1000)
  labActions.pause()
  run(w, 200)
  expect(useLab.getState().playing).toBe(false)
  expect(useLab.getState().nowMs).toBeGreaterThan(0)
}

describe('the frame loop, paused', () => {
  it('asks for no animation frame and no frame but the heartbeat; play and a command wake it', () => {
    const w = new HostWorker()
    pausedLab(w)
    // asleep: over 10 s, no animation frame; a frame request only every HEARTBEAT_MS
    const built = w.host.framesBuilt
    rafCalls = 0
    expect(run(w, 10_000)).toBe(Math.floor(10_000 / HEARTBEAT_MS))
    expect(rafCalls).toBe(0)
    expect(w.host.framesBuilt).toBe(built)

    // play: a frame request on every animation frame, and the clock moves
    const at = useLab.getState().nowMs
    labActions.play()
    expect(run(w, 160)).toBe(10)
    expect(useLab.getState().nowMs).toBeGreaterThan(at)
    labActions.pause()
    run(w, 200)
    rafCalls = 0
    run(w, HEARTBEAT_MS - 200)
    expect(rafCalls).toBe(0)

    // a command typed while paused: its frame is asked for on the next animation frame
    labActions.run('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0')
    expect(w.pump()).toBe(0)
    vi.advanceTimersByTime(16)
    expect(w.pump()).toBe(1)
    expect(useLab.getState().rs.find((r) => r.label.startsWith('192.168.8.101'))?.weight).toBe(0)
    // and asleep again once the worker has nothing new
    run(w, 200)
    rafCalls = 0
    run(w, 1000)
    expect(rafCalls).toBe(0)
  })

  it('a listing asked for while paused is asked of the worker', () => {
    const w = new HostWorker()
    pausedLab(w)
    labActions.setListing('ipvsadm -Ln --stats')
    vi.advanceTimersByTime(16)
    const asked = w.queue.filter((r) => r.type === 'frame')
    expect(asked).toEqual([expect.objectContaining({ listing: 'ipvsadm -Ln --stats' })])
    w.pump()
    expect(useLab.getState().listing).not.toBeNull()
    labActions.setListing('ipvsadm -Lnc')
  })

  it('a worker that stops answering while paused is replaced (its heartbeat goes unanswered)', () => {
    const first = new HostWorker()
    const next = new HostWorker()
    disconnect = connectWorker(first as unknown as Worker, () => next as unknown as Worker)
    labActions.load(scenario, 'ppc', 'classroom-ppc.json')
    run(first, 200)
    // the worker hangs: nothing answers from now on
    first.hung = true
    vi.advanceTimersByTime(HEARTBEAT_MS)
    expect(first.queue.map((r) => r.type)).toEqual(['frame'])
    expect(first.terminated).toBe(false)
    vi.advanceTimersByTime(5001)
    expect(first.terminated).toBe(true)
    expect(useLab.getState().notice).toMatchObject({ key: 'session.hung' })
  })
})
