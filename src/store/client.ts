/**
 * The worker client's connection: the frame loop (one request per animation frame, one in
 * flight; none while paused and idle), the watchdog that notices a hung worker (a frame request
 * unanswered too long: every request wakes the loop, so a paused lab's worker is checked whenever
 * it is asked something), and the restart that replaces a crashed or hung worker and restores the
 * last saved session — unless it stopped twice within a minute.
 */
import type { Reply } from '../worker/protocol'
import { labActions } from './actions'
import { client, resetChannel, type Send, send, setSender } from './channel'
import { frameLoop } from './frameLoop'
import { onReply } from './replies'
import { lastSavedSession, saveSession } from './session'
import { withJournalFolded } from './sessionStorage'
import { msg, useLab } from './state'

/** Two restarts this close together (ms): the session is what stops the worker; it is not restored again. */
const CRASH_LOOP_MS = 60_000

/** No answer to a frame for this long (ms) means the worker hangs; seeks and loads get longer. */
const WATCHDOG_MS = 5000
const WATCHDOG_BUSY_MS = 60_000
/**
 * While the frame loop sleeps (paused, idle), a frame request this often (ms) is the watchdog's
 * heartbeat: one message each way and two timers, far below 1 ms of CPU a second, and no
 * animation frame. A worker that hangs or is gone while paused is noticed within this plus
 * WATCHDOG_MS, as when playing.
 */
export const HEARTBEAT_MS = 2000

/**
 * Start the worker and the frame loop (one request per animation frame, one in flight; asleep
 * while the lab is paused and the worker answered `idle`, woken by any change — frameLoop.ts). A
 * worker that crashes or stops answering a request is replaced and the last saved session restored.
 */
export function connectWorker(first: Worker, create?: () => Worker, fallback?: () => void): () => void {
  let worker = first
  let lastRestartAt = Number.NEGATIVE_INFINITY
  let sentAt = 0
  let lastSave = 0
  const attach = (w: Worker) => {
    w.onmessage = (ev: MessageEvent<Reply>) => {
      onReply(ev.data)
      // the heartbeat was answered (`idle`: nothing changed, the loop sleeps on): the next in a while
      if (asleep && !client.frameInFlight) beatLater()
    }
    w.onerror = () => restart('crashed')
    setSender((r) => w.postMessage(r))
  }
  const restart = (why: 'crashed' | 'hung') => {
    if (!create) {
      // nothing to replace it with: the lab says so once and asks nothing more
      frames.stop()
      stopBeating()
      useLab.setState({ error: msg('session.stopped'), playing: false })
      return
    }
    worker.terminate()
    worker = create()
    attach(worker)
    resetChannel()
    const s = useLab.getState()
    const lastSession = lastSavedSession()
    // a second stop within a minute: the session itself stops the worker; restoring it again would loop
    const now = performance.now()
    const looping = now - lastRestartAt < CRASH_LOOP_MS
    lastRestartAt = now
    if (looping) {
      useLab.setState({
        playing: false,
        busy: null,
        seekTarget: null,
        view: s.view === 'compare' ? 'lab' : s.view,
        unrestoredSession: lastSession && withJournalFolded(lastSession),
        notice: msg('session.loop', { name: lastSession?.name || '—', t: Math.round((lastSession?.atMs ?? 0) / 1000) }),
      })
      fallback?.()
      return
    }
    const restore = lastSession
    useLab.setState({
      unrestoredSession: null,
      playing: false,
      busy: null,
      seekTarget: null,
      view: s.view === 'compare' ? 'lab' : s.view,
      notice: msg(why === 'crashed' ? 'session.crashed' : 'session.hung', {
        t: Math.round((restore?.atMs ?? 0) / 1000),
      }),
    })
    if (restore) labActions.load(restore.scenario, restore.presetId, restore.name, restore.atMs, restore.journal)
    else fallback?.()
  }
  attach(worker)
  performance.mark('lab:worker-connected')
  // what the last frame request asked the worker to list (a change asks again, paused or not)
  let askedListing = ''
  const askFrame = (now: number) => {
    const s = useLab.getState()
    const listing = client.listingVisible ? s.listingCmd : null
    client.frameInFlight = true
    sentAt = now
    askedListing = `${listing}\n${s.listingFilter}\n${s.logOpen}`
    send({ type: 'frame', wallMs: now, listing, listingFilter: s.listingFilter, log: s.logOpen })
  }
  const hung = () =>
    performance.now() - sentAt >
    (useLab.getState().busy !== null || client.engineBehind ? WATCHDOG_BUSY_MS : WATCHDOG_MS)

  // asleep: the heartbeat (a timer, then a frame request on its own, then a timer for its answer)
  let asleep = false
  let beatTimer: ReturnType<typeof setTimeout> | undefined
  let answerTimer: ReturnType<typeof setTimeout> | undefined
  const stopBeating = () => {
    clearTimeout(beatTimer)
    clearTimeout(answerTimer)
  }
  const beatLater = () => {
    stopBeating()
    beatTimer = setTimeout(() => {
      if (!asleep || client.frameInFlight) return
      askFrame(performance.now())
      answerTimer = setTimeout(() => {
        if (asleep && client.frameInFlight && hung()) restart('hung')
      }, WATCHDOG_MS + 1)
    }, HEARTBEAT_MS)
  }

  const frames = frameLoop(() => {
    if (asleep) {
      asleep = false
      stopBeating()
    }
    const now = performance.now()
    if (client.frameInFlight) {
      // the watchdog: frames until the answer comes, so a hang is noticed
      if (hung()) restart('hung')
      return true
    }
    const s = useLab.getState()
    const asking = `${client.listingVisible ? s.listingCmd : null}\n${s.listingFilter}\n${s.logOpen}`
    // paused, nothing under way, and the worker said nothing changed: sleep until something does
    if (client.idle && asking === askedListing && !s.playing && s.busy === null && client.seekId === null) {
      asleep = true
      beatLater()
      return false
    }
    askFrame(now)
    // while playing, the session is saved every few seconds (what was typed is saved at once)
    if (s.playing && now - lastSave > 5000) {
      lastSave = now
      void saveSession()
    }
    return true
  })
  if (import.meta.env.MODE === 'e2e') testHooks.killWorker = () => worker.terminate()
  return () => {
    frames.stop()
    stopBeating()
    worker.terminate()
  }
}

/** For the end-to-end tests only (set in the `e2e` build mode): stop the worker as a crash would. */
export const testHooks: { killWorker?: () => void } = {}

/** For tests and headless use: a sender that is not a Worker. */
export function connectSender(sender: Send): (r: Reply) => void {
  setSender(sender)
  return onReply
}
