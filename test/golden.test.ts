/**
 * Replays every real-kernel recording in test/golden (`npm run golden:sync` refreshes the copy;
 * GOLDEN_DIR points elsewhere) and compares field by field by its README's rules.
 * A mismatch writes NAME.json.changed beside the recording for review (never committed).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareWithRecording, goldenSkipReason, parseScenario, runScenario } from '../src/engine/index'

const dir = process.env.GOLDEN_DIR ?? join(import.meta.dirname, 'golden')
const names = readdirSync(join(dir, 'recordings'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort()

describe('golden recordings of a real Linux 6.1 kernel', () => {
  it('has recordings to replay', () => {
    expect(names.length).toBeGreaterThan(0)
  })

  for (const name of names) {
    const text = readFileSync(join(dir, 'scenarios', `${name}.json`), 'utf8')
    const parsed = parseScenario(text)
    const skip = goldenSkipReason(text)
    it.skipIf(skip !== null)(skip ? `${name} — skipped: ${skip}` : name, () => {
      if (!parsed.ok) throw new Error(`scenario ${name}: ${parsed.error}`)
      const recording = JSON.parse(readFileSync(join(dir, 'recordings', `${name}.json`), 'utf8'))
      const run = runScenario(parsed.scenario)
      const mismatches = compareWithRecording(recording, run)
      const changed = join(dir, 'recordings', `${name}.json.changed`)
      if (mismatches.length > 0) writeFileSync(changed, `${JSON.stringify(run, null, 1)}\n`)
      else if (existsSync(changed)) rmSync(changed)
      expect(mismatches.map((m) => `${m.path}${m.detail ? ` (${m.detail})` : ''}`)).toEqual([])
    })
  }
})
