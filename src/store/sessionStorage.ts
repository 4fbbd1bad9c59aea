/**
 * Where a session is kept in localStorage. The scenario's text can be megabytes (65,535 real
 * servers: ~4 MB), and one setItem of that holds the page ~40 ms; it is written in pieces of
 * 512 kB, one task each, under a new generation, and the small record naming that generation is
 * written last — so a reload always finds a whole scenario, the new one or the one before.
 */

/** The small record: where, when, which generation of pieces holds the scenario. */
export const SESSION_KEY = 'lab.session'
/** Pieces are `lab.session.scenario.GEN.I`; older saves kept the whole text at the bare key. */
const PIECE_PREFIX = 'lab.session.scenario'
const PIECE_CHARS = 512 * 1024

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
}

const pieceKey = (gen: string, i: number) => `${PIECE_PREFIX}.${gen}.${i}`
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** The saved session, or null when there is none or it cannot be read whole. */
export function readStoredSession(): (StoredWhere & { scenario: unknown }) | null {
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
    return {
      scenario,
      atMs: Number(r.atMs) || 0,
      name: String(r.name ?? ''),
      presetId: String(r.presetId ?? ''),
      savedAt: Number(r.savedAt) || 0,
    }
  } catch {
    return null
  }
}

/** The generation of pieces the record names now (null: none written by this page yet). */
let current: { gen: string; pieces: number } | null = null

/**
 * Write the record; with `text`, first the scenario in pieces of a new generation (one task
 * each), then drop the older pieces. Throws what localStorage throws (quota).
 */
export async function writeStoredSession(where: StoredWhere, text: string | null): Promise<void> {
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
    current = { gen, pieces }
  }
  const record: StoredRecord = { ...where, ...(current ?? {}) }
  localStorage.setItem(SESSION_KEY, JSON.stringify(record))
  if (text !== null && current) {
    const keep = `${PIECE_PREFIX}.${current.gen}.`
    removePieces((key) => key.startsWith(PIECE_PREFIX) && !key.startsWith(keep))
  }
}

/** Forget the session: the record and every piece. */
export function clearStoredSession(): void {
  current = null
  try {
    localStorage.removeItem(SESSION_KEY)
    removePieces((key) => key.startsWith(PIECE_PREFIX))
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
