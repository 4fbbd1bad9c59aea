// Prints the closing lines of `npm test`: per-suite counts and `total: N passed, N failed`.
import { existsSync, readFileSync } from 'node:fs'

const read = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null)
const unit = read('reports/unit.json')
const e2e = read('reports/e2e.json')
const steps = existsSync('reports/steps.txt')
  ? readFileSync('reports/steps.txt', 'utf8').trim().split('\n').filter(Boolean)
  : []
const stepOk = (name) => steps.includes(`${name} passed`)
// a suite that failed without a failing test (its server did not start, it crashed) still failed
const atLeastOne = (name, failed) => (steps.includes(`${name} failed`) && failed === 0 ? 1 : failed)

const up = unit ? unit.numPassedTests : 0
const uf = atLeastOne('unit', unit ? unit.numFailedTests : 1)
const us = unit ? unit.numPendingTests + unit.numTodoTests : 0
const ep = e2e ? e2e.stats.expected + e2e.stats.flaky : 0
const ef = atLeastOne('e2e', e2e ? e2e.stats.unexpected : 1)
const es = e2e ? e2e.stats.skipped : 0
// lint and build count as one check each
const checks = ['lint', 'build']
const cp = checks.filter(stepOk).length
const cf = checks.length - cp

console.log(`unit: ${up} passed, ${uf} failed, ${us} skipped`)
console.log(`e2e: ${ep} passed, ${ef} failed, ${es} skipped`)
console.log(`checks (lint, build): ${cp} passed, ${cf} failed`)
console.log(`total: ${up + ep + cp} passed, ${uf + ef + cf} failed`)
