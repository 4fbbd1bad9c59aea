/**
 * Fingerprint of every scenario's output: `npm run --silent fingerprint -- OUT_DIR`.
 *
 * Runs each scenario of `test/golden/scenarios/` and `public/scenarios/` as the CLI does, with
 * `--metrics`, and with `ipvsadm -Ln`, `ipvsadm -Lnc`, `ipvsadm -Ln --stats` and
 * `ipvsadm -Ln --rate` read at the end (beside the scenario's own final commands). Writes one JSON
 * file per scenario into OUT_DIR and prints `sha256  name` lines; compare two runs with
 * `diff -r BEFORE AFTER`. Use it before and after any change to the engine: a refactoring leaves
 * every byte as it was, and a rule change explains each byte that moved.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { DEFAULT_FINAL_CMDS, parseScenario, runScenario } from '../src/engine/index'

const EXTRA = [
  'ipvsadm -Ln',
  'ipvsadm -Lnc',
  'ipvsadm -Ln --stats',
  'ipvsadm -Ln --rate',
  'ipvsadm -Ln --persistent-conn',
]

function main(argv: string[]): number {
  const out = argv[0]
  if (!out) {
    process.stderr.write('usage: npm run --silent fingerprint -- OUT_DIR\n')
    return 2
  }
  mkdirSync(out, { recursive: true })
  const dirs = ['test/golden/scenarios', 'public/scenarios']
  for (const dir of dirs) {
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const name = `${basename(dir === 'public/scenarios' ? 'public' : 'golden')}-${f}`
      const parsed = parseScenario(readFileSync(join(dir, f), 'utf8'))
      let text: string
      if (!parsed.ok) text = `invalid: ${parsed.error}\n`
      else {
        const s = parsed.scenario
        const finalCmds = [...(s.finalCmds ?? DEFAULT_FINAL_CMDS), ...EXTRA]
        try {
          text = `${JSON.stringify(runScenario({ ...s, finalCmds }, { metrics: true }), null, 1)}\n`
        } catch (e) {
          text = `threw: ${(e as Error).message}\n`
        }
      }
      writeFileSync(join(out, name), text)
      process.stdout.write(`${createHash('sha256').update(text).digest('hex').slice(0, 16)}  ${name}\n`)
    }
  }
  return 0
}

process.exitCode = main(process.argv.slice(2))
