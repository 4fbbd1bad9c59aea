/**
 * Where a session is kept in localStorage. The scenario's text can be megabytes (65,535 real
 * servers: ~4 MB), and one setItem of that holds the page ~40 ms; it is written in pieces of
 * 512 kB, one task each, under a new generation, and the small record naming that generation is
 * written last — so a reload always finds a whole scenario, the new one or the one before.
 *
 * A typed command does not write the scenario again: the commands typed since it was loaded are
 * a journal beside it, one key per line (`lab.session.journal.GEN.I`, JSON of a JournalLine),
 * and the record counts the lines that belong to its generation. A command typed appends one
 * line, then rewrites the small record. Restoring is the scenario and the journal replayed (the
 * worker folds the lines in at their times). Records written before the journal have none.
 */
import type { Scenario } from '../engine/index'
import { foldJournal } from '../worker/journal'
import type { JournalLine } from '../worker/protocol'

/** The small record: where, when, which generation of pieces holds the scenario. */
export const SESSION_KEY = 'lab.session'
/** Pieces are `lab.session.scenario.GEN.I`; older saves kept the whole text at the bare key. */
const PIECE_PREFIX = 'lab.session.scenario'
const PIECE_CHARS = 512 * 1024
/** Journal lines are `lab.session.journal.GEN.I`. */
const JOURNAL_PREFIX = 'lab.session.journal'

export interface StoredWhere {
  atMs: number
  name: string
  presetId: string
  savedAt: number
}

interface StoredRecord extends StoredWhere {
  gen?: string
  pieces?: number
  /** Sessions saved before pieces kept the parsed scenario here. */
  scenario?: unknown
  /** How many journal lines of generation `gen` belong to the session (older records: none). */
  journal?: number
}

const pieceKey = (gen: string, i: number) => `${PIECE_PREFIX}.${gen}.${i}`
const journalKey = (gen: string, i: number) => `${JOURNAL_PREFIX}.${gen}.${i}`
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** The saved session, or null when there is none or it cannot be read whole. */
export function readStoredSession(): (StoredWhere & { scenario: unknown; journal?: JournalLine[] }) | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY)
    if (!raw) return null
    const r = JSON.parse(raw) as StoredRecord
    if (!r || typeof r !== 'object') return null
    let scenario: unknown = r.scenario
    if (scenario === undefined && typeof r.gen === 'string' && Number.isInteger(r.pieces)) {
      const parts: string[] = []
      for (let i = 0; i < (r.pieces as number); i++) {
        const part = localStorage.getItem(pieceKey(r.gen, i))
        if (part === null) return null
        parts.push(part)
      }
      scenario = parts.join('')
    }
    if (scenario === undefined) scenario = localStorage.getItem(PIECE_PREFIX)
    if (scenario === null || scenario === undefined) return null
    let journal: JournalLine[] | undefined
    if (typeof r.gen === 'string' && Number.isInteger(r.journal) && (r.journal as number) > 0) {
      journal = []
      for (let i = 0; i < (r.journal as number); i++) {
        const line = localStorage.getItem(journalKey(r.gen, i))
        if (line === null) return null
        journal.push(JSON.parse(line) as JournalLine)
      }
    }
    return {
      scenario,
      ...(journal ? { journal } : {}),
      atMs: Number(r.atMs) || 0,
      name: String(r.name ?? ''),
      presetId: String(r.presetId ?? ''),
      savedAt: Number(r.savedAt) || 0,
    }
  } catch {
    return null
  }
}

/** The generation of pieces the record names now, and its journal lines as stored (null: none written by this page yet). */
let current: { gen: string; pieces: number; journal: string[] } | null = null

/**
 * Write the record; with `text`, first the scenario in pieces of a new generation (one task
 * each), then drop the older pieces. With `journal`, the commands typed since that scenario: only
 * the lines not stored yet are written (a command typed: one line). Throws what localStorage
 * throws (quota).
 */
export async function writeStoredSession(
  where: StoredWhere,
  text: string | null,
  journal: readonly JournalLine[] = [],
): Promise<void> {
  if (text !== null) {
    const gen = Date.now().toString(36) + Math.random().toString(36).slice(2, 6)
    const pieces = Math.max(1, Math.ceil(text.length / PIECE_CHARS))
    try {
      for (let i = 0; i < pieces; i++) {
        if (i > 0) await nextTask()
        localStorage.setItem(pieceKey(gen, i), text.slice(i * PIECE_CHARS, (i + 1) * PIECE_CHARS))
      }
    } catch (e) {
      removePieces((key) => key.startsWith(`${PIECE_PREFIX}.${gen}.`))
      throw e
    }
    current = { gen, pieces, journal: [] }
  }
  const lines = current ? appendJournal(current, journal) : 0
  const record: StoredRecord = current
    ? { ...where, gen: current.gen, pieces: current.pieces, journal: lines }
    : { ...where }
  localStorage.setItem(SESSION_KEY, JSON.stringify(record))
  if (current) {
    const keep = `${PIECE_PREFIX}.${current.gen}.`
    if (text !== null) removePieces((key) => key.startsWith(PIECE_PREFIX) && !key.startsWith(keep))
    // lines of older generations, and lines a rewind dropped
    const stale = current.journal.length
    const ours = `${JOURNAL_PREFIX}.${current.gen}.`
    removePieces(
      (key) =>
        key.startsWith(`${JOURNAL_PREFIX}.`) && (!key.startsWith(ours) || Number(key.slice(ours.length)) >= stale),
    )
  }
}

/**
 * Store the lines of `journal` that differ from what is stored for this generation (after a
 * rewind the journal forgets its later lines: those from the first difference on are written).
 * Returns how many lines belong to the session now.
 */
function appendJournal(gen: { gen: string; journal: string[] }, journal: readonly JournalLine[]): number {
  const next = journal.map((j) => JSON.stringify({ atMs: j.atMs, kind: j.kind, text: j.text }))
  let same = 0
  while (same < next.length && same < gen.journal.length && next[same] === gen.journal[same]) same++
  for (let i = same; i < next.length; i++) localStorage.setItem(journalKey(gen.gen, i), next[i])
  gen.journal = next
  return next.length
}

/** Forget the session: the record and every piece, and the console's history. */
export function clearStoredSession(): void {
  current = null
  try {
    localStorage.removeItem(SESSION_KEY)
    localStorage.removeItem(HISTORY_KEY)
    removePieces((key) => key.startsWith(PIECE_PREFIX) || key.startsWith(JOURNAL_PREFIX))
  } catch {
    // nothing kept
  }
}

function removePieces(which: (key: string) => boolean): void {
  const keys: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)
    if (key !== null && which(key)) keys.push(key)
  }
  for (const key of keys) localStorage.removeItem(key)
}

/**
 * A session as one scenario text: its journal folded into the scenario's midCommands at their
 * times, as the worker exports it (what a session that cannot be restored is offered as).
 */
export function withJournalFolded<S extends { scenario: unknown; journal?: JournalLine[] }>(saved: S): S {
  const { journal, ...rest } = saved
  if (!journal?.length) return saved
  const sc = (typeof saved.scenario === 'string' ? JSON.parse(saved.scenario) : saved.scenario) as Scenario
  return { ...rest, scenario: JSON.stringify(foldJournal(sc, journal)) } as S
}

/** The console's history (the lines typed, oldest first) is kept beside the session: `lab.session.history`. */
const HISTORY_KEY = 'lab.session.history'
/** How many typed lines are kept (bash's HISTSIZE default is 500). */
export const HISTORY_LINES = 500

/** The console's history as stored (none, or unreadable: empty). */
export function readConsoleHistory(): string[] {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(HISTORY_KEY)
    const lines: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string').slice(-HISTORY_LINES) : []
  } catch {
    return []
  }
}

/** Store the console's history; storage that refuses (quota, privacy mode) keeps it for this page only. */
export function writeConsoleHistory(lines: readonly string[]): void {
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(lines.slice(-HISTORY_LINES)))
  } catch {
    // kept in memory
  }
}
