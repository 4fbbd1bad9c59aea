/**
 * Animation-frame loops that sleep while nothing moves. A paused, idle lab asks the browser for no
 * frame at all: each loop (the store's frame requests, the canvases' drawings) says after every
 * frame whether it wants another, and stops when it does not. Anything that may need a frame wakes
 * them again: every change of the store (a reply of the worker, play, a seek, a command, the
 * language, the theme, a lesson step — `useLab.subscribe` below), a request sent to the worker
 * (channel.ts), and the panels' own events (a resize, a scroll, a zoom, the pointer, a panel coming
 * on screen) through their loop's `wake`.
 */
import { useLab } from './state'

export interface FrameLoop {
  /** Ask for a frame, unless one is asked for already (or the loop was stopped). */
  wake(): void
  /** Ask for no frame ever again (an effect's cleanup). */
  stop(): void
}

const sleepers = new Set<() => void>()

/** Wake every loop: something may have changed that one of them draws or sends. */
export function wakeLoops(): void {
  for (const wake of sleepers) wake()
}

/**
 * Run `tick` on animation frames from now on, for as long as it returns true (it wants another
 * frame: something moves, or work it put off for a later frame is waiting); once it returns false,
 * no frame is asked for until `wake()` or `wakeLoops()`.
 */
export function frameLoop(tick: (wallMs: number) => boolean): FrameLoop {
  let raf = 0
  let stopped = false
  const run = (wallMs: number) => {
    raf = 0
    if (stopped) return
    // a wake during the tick (a change it made) already asked for the next frame
    if (tick(wallMs) && !stopped && raf === 0) raf = requestAnimationFrame(run)
  }
  const wake = () => {
    if (!stopped && raf === 0) raf = requestAnimationFrame(run)
  }
  sleepers.add(wake)
  wake()
  return {
    wake,
    stop() {
      stopped = true
      sleepers.delete(wake)
      if (raf !== 0) cancelAnimationFrame(raf)
      raf = 0
    },
  }
}

// every change of the store may be something a loop sends or draws
useLab.subscribe(wakeLoops)

/**
 * Call `update` whenever `version()` changes, at most once every `everyMs` (labels and lists that
 * follow the per-frame data need no more): first on the next frame, then as the version moves. A
 * loop like the others: asleep while the version stands still.
 */
export function followEvery(everyMs: number, version: () => unknown, update: () => void): FrameLoop {
  let seen: unknown = {}
  let at = Number.NEGATIVE_INFINITY
  return frameLoop((wallMs) => {
    const v = version()
    if (Object.is(v, seen)) return false
    if (wallMs - at < everyMs) return true
    seen = v
    at = wallMs
    update()
    return false
  })
}
