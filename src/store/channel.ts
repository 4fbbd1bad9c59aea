/**
 * The worker client's channel: how requests reach the worker (`send`), the answers the page
 * waits for by request id (`ask`), and the client's own bookkeeping — the frame in flight, the
 * seek being replayed, where to go once a scenario is in, whether the listing and the script
 * are wanted. The connection itself (watchdog, restart) is in client.ts; replies in replies.ts.
 */
import type { Reply, Request } from '../worker/protocol'
import { wakeLoops } from './frameLoop'

export type Send = (r: Request) => void
let sender: Send = () => {}

/**
 * Post a request to the worker (a no-op until connectWorker or connectSender). Anything but a
 * frame request may change what a frame shows: the worker's last `idle` no longer holds, and the
 * frame loop (asleep while paused) wakes to ask for the next frame.
 */
export function send(r: Request): void {
  if (r.type !== 'frame') {
    client.idle = false
    wakeLoops()
  }
  sender(r)
}
export function setSender(s: Send): void {
  sender = s
}

let nextId = 1
/** A fresh request id. */
export function newId(): number {
  return nextId++
}

/** Answers the page waits for (exports), by request id. */
export const waiting = new Map<number, (r: Reply) => void>()

/** Send a request with a fresh id and wait for its answer; `pick` reads the answer (undefined: not it). */
export function ask<T>(request: (id: number) => Request, pick: (r: Reply) => T | undefined): Promise<T> {
  const id = newId()
  return new Promise((resolve) => {
    waiting.set(id, (r) => {
      const v = pick(r)
      if (v !== undefined) resolve(v)
    })
    send(request(id))
  })
}

/** An answer the page waits for came: hand it over. */
export function answer(r: Reply & { id: number }): void {
  const w = waiting.get(r.id)
  waiting.delete(r.id)
  w?.(r)
}

/** The client's bookkeeping, shared by the actions, the replies and the connection. */
export const client = {
  /** One frame request at a time: the next goes when this one was answered. */
  frameInFlight: false,
  /**
   * The worker answered the last frame request `idle` (paused, nothing changed) and no request
   * was sent since: the frame loop sleeps until something changes.
   */
  idle: false,
  /** The listings panel is on screen: only then does the worker compute a listing. */
  listingVisible: true,
  /** Where to go once the scenario being loaded is in (a share link opens at its time). */
  openAtMs: null as number | null,
  /**
   * One seek at a time: the id of the one the worker has not answered yet (its frames carry the
   * last seek id handled); meanwhile only the latest target waits.
   */
  seekId: null as number | null,
  pendingSeek: null as number | null,
  /** The last frame came from the worker's history: its engine may take seconds to catch up (the watchdog waits longer). */
  engineBehind: false,
  /** The script editor is open: the running configuration follows every change (else it is asked for when needed). */
  scriptWanted: false,
}

/** Who waits for the running configuration's next script. */
export const scriptWaiters: ((script: { text: string; realServers: string }) => void)[] = []

export function setListingVisible(v: boolean): void {
  if (client.listingVisible === v) return
  client.listingVisible = v
  // the next frame request asks for the listing (or stops asking)
  wakeLoops()
}

export function setScriptWanted(open: boolean): void {
  client.scriptWanted = open
  if (open) send({ type: 'script' })
}

/** Ask the worker to seek to `toMs`: the frames after it carry its id. */
export function sendSeek(toMs: number): void {
  const id = newId()
  client.seekId = id
  send({ type: 'seek', toMs, id })
}

/**
 * A frame came that says which seek the worker handled last (`seekId`): the seek waited for is
 * done when it is that one (or a later one), and the latest target that waited goes next. Returns
 * the seek target the slider shows from now on. (Not the frame's epoch: an epoch also changes
 * without a seek — play from the end, the textbook switch — and a frame asked for before the seek
 * may answer after it was sent.)
 */
export function settleSeek(seekId: number, seekTarget: number | null): number | null {
  if (client.seekId === null || seekId < client.seekId) return seekTarget
  client.seekId = null
  if (client.pendingSeek === null) return null
  const next = client.pendingSeek
  client.pendingSeek = null
  sendSeek(next)
  return next
}

/** A new worker: nothing is in flight, no seek replays, no answer will come. */
export function resetChannel(): void {
  client.frameInFlight = false
  client.idle = false
  client.seekId = null
  client.pendingSeek = null
  client.engineBehind = false
  waiting.clear()
}
