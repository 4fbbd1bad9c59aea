/**
 * Session persistence: the scenario as it stands (typed commands folded in) and the simulated
 * time, saved to this browser after each command and load and every few seconds while playing
 * (sessionStorage.ts writes it in pieces). The last save is also kept in memory: a worker that
 * crashes is restarted from it (client.ts).
 */
import { labActions } from './actions'
import { clearStoredSession, readStoredSession, writeStoredSession } from './sessionStorage'
import { msg, type SavedSession, useLab } from './state'

/** The last consistent state, also kept in memory: a crashed worker is restarted from it. */
let lastSession: SavedSession | null = null
/** The worker's version of lastSession's scenario (null: unknown, ask for the text)… */
let sessionVersion: string | null = null
/** …and of the scenario text last written to storage. */
let writtenVersion: string | null = null
/** Saves run one after the other (a scenario is written over several tasks). */
let saving: Promise<void> = Promise.resolve()

export function savedSession(): SavedSession | null {
  return readStoredSession()
}

/** The session a restarted worker goes back to (null: none saved yet). */
export function lastSavedSession(): SavedSession | null {
  return lastSession
}

/** The page opens on a saved session: it is the state a crash goes back to until the next save. */
export function resumeSession(saved: SavedSession): void {
  lastSession = saved
  sessionVersion = null
  labActions.load(saved.scenario, saved.presetId, saved.name, saved.atMs, saved.journal)
}

export function forgetSession(): void {
  sessionVersion = null
  writtenVersion = null
  clearStoredSession()
}

/** The paused time last saved (or being saved): a paused lab is saved once per time it stops at. */
let pausedSavedAt: number | null = null

/**
 * The lab is paused (or sought to) at `atMs`: saved once, so that a reload comes back to this
 * very time, not to the last save while it played.
 */
export function savePausedAt(atMs: number): void {
  if (pausedSavedAt === atMs || lastSession === null || lastSession.atMs === atMs) return
  pausedSavedAt = atMs
  void saveSession()
}

/** Save the session now (after a command, a load, every few seconds while playing). */
export function saveSession(): Promise<void> {
  saving = saving.then(saveSessionNow, saveSessionNow)
  return saving
}

async function saveSessionNow(): Promise<void> {
  const s = useLab.getState()
  if (!s.ready || s.view === 'compare') return
  // megabytes (thousands of real servers) travel only when the configuration changed
  const known = lastSession !== null && sessionVersion !== null ? sessionVersion : undefined
  const { scenario, version, atMs, journal = [] } = await labActions.exportScenario(known, true)
  const text = scenario ?? (version === sessionVersion ? lastSession?.scenario : null)
  if (typeof text !== 'string') return
  sessionVersion = version
  lastSession = { scenario: text, journal, atMs, name: s.scenarioName, presetId: s.presetId, savedAt: Date.now() }
  const { scenario: _text, journal: _journal, ...where } = lastSession
  try {
    await writeStoredSession(where, writtenVersion === version ? null : text, journal)
    writtenVersion = version
  } catch {
    // storage full or refused: say so once, keep the copy in memory
    if (!useLab.getState().storageWarned) useLab.setState({ storageWarned: true, notice: msg('session.storageFull') })
  }
}

export const sessionActions = {
  /** The page came back to the saved session: say so, and offer to start fresh. */
  sessionRestored(saved: SavedSession): void {
    useLab.setState({
      notice: msg('session.restored', { name: saved.name || '—', t: Math.round(saved.atMs / 1000) }),
      restoredSession: true,
    })
  },
  /** Forget the saved session and its notice (the page then loads the default lab). */
  startFresh(): void {
    forgetSession()
    useLab.setState({ notice: null, restoredSession: false, consoleHistory: [] })
  },
}
