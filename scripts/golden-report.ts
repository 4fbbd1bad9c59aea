/**
 * Replay every real-kernel recording (test/golden by default) through the engine and report
 * mismatches: `npx tsx scripts/golden-report.ts [DIR] [-v] [NAME…]`. The test suite does the same
 * (test/golden.test.ts); this is the readable view for working on the engine.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compareWithRecording, goldenSkipReason, parseScenario, runScenario } from '../src/engine/index'

const args = process.argv.slice(2)
const verbose = args.includes('-v')
const positional = args.filter((a) => !a.startsWith('-'))
const dir = positional[0]?.includes('/') ? (positional.shift() as string) : 'test/golden'
const only = new Set(positional)
let pass = 0
let fail = 0
let skip = 0
for (const f of readdirSync(join(dir, 'recordings'))
  .filter((n) => n.endsWith('.json'))
  .sort()) {
  const name = f.replace(/\.json$/, '')
  if (only.size && !only.has(name)) continue
  const scenarioText = readFileSync(join(dir, 'scenarios', f), 'utf8')
  const recording = JSON.parse(readFileSync(join(dir, 'recordings', f), 'utf8'))
  const why = goldenSkipReason(scenarioText)
  if (why) {
    console.log(`skip ${name}: ${why}`)
    skip++
    continue
  }
  const parsed = parseScenario(scenarioText)
  if (!parsed.ok) {
    console.log(`INVALID ${name}: ${parsed.error}`)
    fail++
    continue
  }
  const mismatches = compareWithRecording(recording, runScenario(parsed.scenario))
  if (mismatches.length === 0) {
    pass++
    console.log(`ok   ${name}`)
    continue
  }
  fail++
  console.log(`FAIL ${name}: ${mismatches.length} mismatch(es)`)
  for (const m of mismatches.slice(0, verbose ? 50 : 3)) {
    console.log(`  ${m.path}${m.detail ? ` (${m.detail})` : ''}`)
    if (verbose) {
      console.log(`    expected: ${JSON.stringify(m.expected)}`)
      console.log(`    actual:   ${JSON.stringify(m.actual)}`)
    }
  }
}
console.log(`golden: ${pass} passed, ${fail} failed, ${skip} skipped`)
