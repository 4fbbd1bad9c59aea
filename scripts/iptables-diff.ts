/**
 * Developer check (needs root and the real iptables 1.8.9): run command lists through the real
 * iptables inside a throw-away network namespace and through the engine, and print differences.
 *   tsx scripts/iptables-diff.ts FILE…            (one command per line; a blank line starts a new namespace)
 *   tsx scripts/iptables-diff.ts --record OUT FILE…  also write what the real iptables printed, as a test fixture
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { Simulator } from '../src/engine/host/simulator'

const args = process.argv.slice(2)
const recordTo = args[0] === '--record' ? args[1] : null
const files = recordTo ? args.slice(2) : args
const groups = files
  .flatMap((f) => readFileSync(f, 'utf8').split(/\n\s*\n/))
  .map((g) => g.split('\n').filter((l) => l.trim() && !l.startsWith('#')))
  .filter((g) => g.length)
const recorded: { cmd: string; stdout: string; stderr: string; exit: number }[][] = []

let diffs = 0
let total = 0
for (const cmds of groups) {
  const script = cmds
    .map(
      (c) =>
        `${c} >/tmp/ipd.out 2>/tmp/ipd.err; e=$?; printf '%s\\0%s\\0%s\\0' "$(cat /tmp/ipd.out; echo x)" "$(cat /tmp/ipd.err; echo x)" "$e"`,
    )
    .join('\n')
  const real = execFileSync('unshare', ['-n', 'bash', '-c', script], { encoding: 'utf8' }).split('\0')
  const sim = new Simulator()
  const group: (typeof recorded)[number] = []
  recorded.push(group)
  cmds.forEach((cmd, i) => {
    total++
    const r = sim.run(cmd)
    const out = real[i * 3].slice(0, -1)
    const err = real[i * 3 + 1].slice(0, -1)
    const exit = Number(real[i * 3 + 2])
    // iptables-save headers carry the time
    const norm = (s: string) => s.replace(/ on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}/g, ' on DATE')
    group.push({ cmd, stdout: norm(out), stderr: err, exit })
    if (norm(r.stdout) !== norm(out) || r.stderr !== err || r.exit !== exit) {
      diffs++
      console.log(`--- ${cmd}`)
      if (norm(r.stdout) !== norm(out)) console.log(`stdout real:\n${out}stdout sim:\n${r.stdout}`)
      if (r.stderr !== err) console.log(`stderr real: ${JSON.stringify(err)}\nstderr sim:  ${JSON.stringify(r.stderr)}`)
      if (r.exit !== exit) console.log(`exit real ${exit} sim ${r.exit}`)
    }
  })
}
console.log(`${total} commands, ${diffs} differ`)
if (recordTo) {
  const version = execFileSync('iptables', ['--version'], { encoding: 'utf8' }).trim()
  writeFileSync(
    recordTo,
    `${JSON.stringify({ recordedWith: version, dateNormalised: ' on DATE', groups: recorded }, null, 1)}\n`,
  )
}
