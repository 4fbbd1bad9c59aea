import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JournalLine } from '../worker/protocol'
import {
  clearStoredSession,
  HISTORY_LINES,
  readConsoleHistory,
  readStoredSession,
  SESSION_KEY,
  withJournalFolded,
  writeConsoleHistory,
  writeStoredSession,
} from './sessionStorage'

/** localStorage as the browser keeps it, with a quota in characters. */
class MemoryStorage {
  private readonly items = new Map<string, string>()
  quota = Number.POSITIVE_INFINITY
  get length() {
    return this.items.size
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null
  }
  getItem(k: string) {
    return this.items.get(k) ?? null
  }
  setItem(k: string, v: string) {
    const used = [...this.items].reduce((n, [key, val]) => n + (key === k ? 0 : val.length), 0)
    if (used + v.length > this.quota) throw new DOMException('full', 'QuotaExceededError')
    this.items.set(k, String(v))
  }
  removeItem(k: string) {
    this.items.delete(k)
  }
  keys() {
    return [...this.items.keys()]
  }
}

const where = (atMs: number) => ({ atMs, name: 'big', presetId: '', savedAt: 1 })
let store: MemoryStorage

beforeEach(() => {
  store = new MemoryStorage()
  ;(globalThis as { localStorage?: unknown }).localStorage = store
})
afterEach(() => {
  clearStoredSession()
  delete (globalThis as { localStorage?: unknown }).localStorage
})

describe('the session in localStorage', () => {
  const big = `{"commands":[${'"ipvsadm -a -t 192.168.100.100:80 -r 10.1.2.3:80 -g",'.repeat(60_000)}""]}`

  it('a scenario of megabytes is written in pieces and read back whole', async () => {
    await writeStoredSession(where(5000), big)
    const pieces = store.keys().filter((k) => k.startsWith('lab.session.scenario.'))
    expect(pieces.length).toBe(Math.ceil(big.length / (512 * 1024)))
    expect(readStoredSession()).toEqual({ ...where(5000), scenario: big })
  })

  it('only the record is rewritten when the scenario did not change; a new scenario drops the old pieces', async () => {
    await writeStoredSession(where(1000), big)
    const before = store.keys()
    await writeStoredSession(where(9000), null)
    expect(store.keys()).toEqual(before)
    expect(readStoredSession()?.atMs).toBe(9000)
    await writeStoredSession(where(9500), '{"commands":[]}')
    expect(store.keys().filter((k) => k.startsWith('lab.session.scenario.'))).toHaveLength(1)
    expect(readStoredSession()?.scenario).toBe('{"commands":[]}')
  })

  it('a full storage keeps the previous session whole and says so', async () => {
    await writeStoredSession(where(1000), '{"commands":["ipvsadm -C"]}')
    store.quota = big.length / 2
    await expect(writeStoredSession(where(2000), big)).rejects.toThrow('full')
    expect(readStoredSession()).toEqual({ ...where(1000), scenario: '{"commands":["ipvsadm -C"]}' })
    expect(store.keys().filter((k) => k.startsWith('lab.session.scenario.'))).toHaveLength(1)
  })

  it('sessions saved by earlier versions still open; a missing piece means no session, not half a one', async () => {
    store.setItem(SESSION_KEY, JSON.stringify({ ...where(3000), scenario: { commands: [] } }))
    expect(readStoredSession()?.scenario).toEqual({ commands: [] })
    store.setItem(SESSION_KEY, JSON.stringify(where(4000)))
    store.setItem('lab.session.scenario', '{"commands":[]}')
    expect(readStoredSession()?.scenario).toBe('{"commands":[]}')
    clearStoredSession()
    await writeStoredSession(where(5000), big)
    store.removeItem(store.keys().find((k) => k.endsWith('.1')) as string)
    expect(readStoredSession()).toBeNull()
    clearStoredSession()
    expect(store.keys()).toEqual([])
  })

  describe('a typed command saves only itself', () => {
    const line = (atMs: number, text: string): JournalLine => ({ atMs, kind: 'run', text })
    /** Every setItem, by key. */
    const writes = (): string[] => {
      const seen: string[] = []
      const set = store.setItem.bind(store)
      store.setItem = (k: string, v: string) => {
        seen.push(k)
        set(k, v)
      }
      return seen
    }

    it('appends one journal line and rewrites the small record, never the scenario', async () => {
      await writeStoredSession(where(1000), big)
      const seen = writes()
      await writeStoredSession(where(2000), null, [line(1500, 'ipvsadm -Ln')])
      await writeStoredSession(where(3000), null, [line(1500, 'ipvsadm -Ln'), line(2500, 'ipvsadm -C')])
      expect(seen.filter((k) => k.startsWith('lab.session.scenario'))).toEqual([])
      expect(seen.filter((k) => k.startsWith('lab.session.journal.'))).toHaveLength(2)
      expect(seen.filter((k) => k === SESSION_KEY)).toHaveLength(2)
      expect(readStoredSession()).toEqual({
        ...where(3000),
        scenario: big,
        journal: [line(1500, 'ipvsadm -Ln'), line(2500, 'ipvsadm -C')],
      })
    })

    it('after a rewind the journal from the first change on is written again, and the dropped lines go', async () => {
      await writeStoredSession(where(0), '{"commands":[]}', [line(1, 'a'), line(2, 'b'), line(3, 'c')])
      const seen = writes()
      await writeStoredSession(where(2), null, [line(1, 'a'), line(2, 'x')])
      expect(seen.filter((k) => k.startsWith('lab.session.journal.'))).toHaveLength(1)
      expect(store.keys().filter((k) => k.startsWith('lab.session.journal.'))).toHaveLength(2)
      expect(readStoredSession()?.journal).toEqual([line(1, 'a'), line(2, 'x')])
    })

    it('a new scenario starts a new journal; sessions saved without one still open; forgetting drops it all', async () => {
      await writeStoredSession(where(0), '{"commands":[]}', [line(1, 'a')])
      await writeStoredSession(where(0), '{"commands":["ipvsadm -C"]}')
      expect(store.keys().filter((k) => k.startsWith('lab.session.journal.'))).toEqual([])
      expect(readStoredSession()?.journal).toBeUndefined()
      await writeStoredSession(where(0), null, [line(5, 'z')])
      store.removeItem(store.keys().find((k) => k.startsWith('lab.session.journal.')) as string)
      expect(readStoredSession()).toBeNull()
      clearStoredSession()
      expect(store.keys()).toEqual([])
    })

    it('folded, a session is one scenario text with the typed commands at their times', () => {
      const saved = {
        scenario: '{"commands":["ipvsadm -A -t 10.0.0.1:80"],"midCommands":[{"at":2,"cmd":"ipvsadm -L"}],"seed":3}',
        journal: [line(1000, 'ipvsadm -e -t 10.0.0.1:80 -s wrr'), line(2000, 'ipvsadm -Ln')],
        atMs: 0,
      }
      expect(JSON.parse(withJournalFolded(saved).scenario)).toEqual({
        commands: ['ipvsadm -A -t 10.0.0.1:80'],
        midCommands: [
          { at: 1, cmd: 'ipvsadm -e -t 10.0.0.1:80 -s wrr' },
          { at: 2, cmd: 'ipvsadm -L' },
          { at: 2, cmd: 'ipvsadm -Ln' },
        ],
        seed: 3,
      })
      expect(withJournalFolded(saved).journal).toBeUndefined()
      expect(withJournalFolded({ scenario: 'x' })).toEqual({ scenario: 'x' })
    })
  })
})

describe("the console's history beside the session", () => {
  it('is read back in order, bounded, and forgotten with the session', async () => {
    expect(readConsoleHistory()).toEqual([])
    writeConsoleHistory(['ipvsadm -Ln', 'ipvsadm -Lnc | wc -l'])
    expect(readConsoleHistory()).toEqual(['ipvsadm -Ln', 'ipvsadm -Lnc | wc -l'])
    // a new save of the session keeps it
    await writeStoredSession(where(1000), '{"until": 5}')
    expect(readConsoleHistory()).toEqual(['ipvsadm -Ln', 'ipvsadm -Lnc | wc -l'])
    const many = Array.from({ length: HISTORY_LINES + 20 }, (_, i) => `echo ${i}`)
    writeConsoleHistory(many)
    expect(readConsoleHistory()).toEqual(many.slice(-HISTORY_LINES))
    clearStoredSession()
    expect(readConsoleHistory()).toEqual([])
  })
  it('unreadable or refused storage: an empty history, and the page goes on', () => {
    store.setItem('lab.session.history', '{not json')
    expect(readConsoleHistory()).toEqual([])
    store.setItem('lab.session.history', '[1, "ipvsadm -Ln", null]')
    expect(readConsoleHistory()).toEqual(['ipvsadm -Ln'])
    store.quota = 0
    expect(() => writeConsoleHistory(['ipvsadm -Ln'])).not.toThrow()
  })
})
