/**
 * Headless CLI: `npm run --silent sim -- FILE.json` runs a scenario and prints one JSON document
 * shaped like a real-kernel recording. Exit 0 when the file ran; 2 with a one-line reason when the
 * file itself is invalid.
 */
import { readFileSync } from 'node:fs'
import { parseScenario, runScenario } from '../src/engine/index'

function main(argv: string[]): number {
  const args = argv.filter((a) => !a.startsWith('--'))
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--metrics')
  if (unknown.length > 0 || args.length !== 1) {
    process.stderr.write(
      `usage: npm run --silent sim -- FILE.json [--metrics]${unknown.length ? ` (unknown option ${unknown[0]})` : ''}\n`,
    )
    return 2
  }
  const file = args[0]
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    process.stderr.write(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`)
    return 2
  }
  const parsed = parseScenario(text)
  if (!parsed.ok) {
    process.stderr.write(`${file}: ${parsed.error}\n`)
    return 2
  }
  const result = runScenario(parsed.scenario, { metrics: argv.includes('--metrics') })
  process.stdout.write(`${JSON.stringify(result, null, 1)}\n`)
  return 0
}

process.exitCode = main(process.argv.slice(2))
