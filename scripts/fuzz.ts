/**
 * `npm run fuzz [-- CASES [SEED]]`: at least 1,000,000 fuzz cases over every parser (the test
 * suite runs 100,000 of the same on each run). Prints the count, the time and any failure with
 * its counterexample; exit 1 on a failure.
 */
import { decodeShare } from '../src/ui/share'
import { fuzzShareLinks, TARGETS } from '../test/fuzz/fuzzers'

/** A whole number from the command line, or a usage line and exit 2. */
function wholeArg(i: number, what: string, fallback: number): number {
  const text = process.argv[i]
  if (text === undefined) return fallback
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    console.error(`fuzz: ${what} must be a whole number, not '${text}'\nusage: npm run fuzz [-- CASES [SEED]]`)
    process.exit(2)
  }
  return n
}
const total = wholeArg(2, 'CASES', 1_000_000)
const seed = wholeArg(3, 'SEED', Date.now() % 2 ** 31)
const share = Math.round(total * 0.02)
const weights = TARGETS.reduce((s, t) => s + t.weight, 0)
let ran = 0
let failed = 0
const t0 = performance.now()
console.log(`fuzz: ${total} cases, seed ${seed}`)
for (const target of TARGETS) {
  const n = Math.round(((total - share) * target.weight) / weights)
  const t = performance.now()
  try {
    const k = target.run(n, seed)
    ran += k
    console.log(
      `  ${target.name.padEnd(52)} ${String(k).padStart(9)} cases  ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
  } catch (e) {
    failed++
    ran += n
    console.log(`  ${target.name}: FAILED\n${String(e)}`)
  }
}
{
  const t = performance.now()
  try {
    ran += await fuzzShareLinks(share, seed, decodeShare)
    console.log(
      `  ${'share links'.padEnd(52)} ${String(share).padStart(9)} cases  ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
  } catch (e) {
    failed++
    console.log(`  share links: FAILED\n${String(e)}`)
  }
}
// capped targets (100 kB lines) leave a remainder: more command lines make up the count
if (ran < total && !failed) {
  const rest = total - ran
  try {
    ran += TARGETS[0].run(rest, seed + 1)
    console.log(`  ${`${TARGETS[0].name} (to reach ${total})`.padEnd(52)} ${String(rest).padStart(9)} cases`)
  } catch (e) {
    failed++
    console.log(`  ${TARGETS[0].name}: FAILED\n${String(e)}`)
  }
}
console.log(`fuzz: ${ran} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${failed} targets failed`)
process.exit(failed ? 1 : 0)
