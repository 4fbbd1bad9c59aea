/**
 * The worker client's connection: the frame loop (one request per animation frame, one in
 * flight), the watchdog that notices a hung worker, and the restart that replaces a crashed or
 * hung worker and restores the last saved session — unless it stopped twice within a minute.
 */
import type { Reply } from '../worker/protocol'
import { labActions } from './actions'
import { client, resetChannel, type Send, send, setSender } from './channel'
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
 * Start the worker and the frame loop (one request per animation frame, one in flight). A worker
 * that crashes or stops answering is replaced and the last saved session restored.
 */
export function connectWorker(first: Worker, create?: () => Worker, fallback?: () => void): () => void {
  let worker = first
  let lastRestartAt = Number.NEGATIVE_INFINITY
  let sentAt = 0
  let lastSave = 0
  const attach = (w: Worker) => {
    w.onmessage = (ev: MessageEvent<Reply>) => onReply(ev.data)
    w.onerror = () => restart('crashed')
    setSender((r) => w.postMessage(r))
  }
  const restart = (why: 'crashed' | 'hung') => {
    if (!create) {
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
  let raf = 0
  const loop = () => {
    raf = requestAnimationFrame(loop)
    const now = performance.now()
    if (client.frameInFlight) {
      const busy = useLab.getState().busy !== null
      if (now - sentAt > (busy ? WATCHDOG_BUSY_MS : WATCHDOG_MS)) restart('hung')
      return
    }
    client.frameInFlight = true
    sentAt = now
    const s = useLab.getState()
    send({
      type: 'frame',
      wallMs: now,
      listing: client.listingVisible ? s.listingCmd : null,
      listingFilter: s.listingFilter,
    })
    // while playing, the session is saved every few seconds (what was typed is saved at once)
    if (s.playing && now - lastSave > 5000) {
      lastSave = now
      void saveSession()
    }
  }
  raf = requestAnimationFrame(loop)
  if (import.meta.env.MODE === 'e2e') testHooks.killWorker = () => worker.terminate()
  return () => {
    cancelAnimationFrame(raf)
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
