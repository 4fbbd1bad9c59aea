import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../src/engine/host/simulator'

/**
 * What the real iptables v1.8.9 (Debian 12's package 1.8.9-2, nf_tables and legacy) printed, each
 * group of command lines in a fresh network namespace (`tsx scripts/iptables-diff.ts --record`):
 * - real-iptables-1.8.9.json: 388 command lines over the tables, chains and the first extensions;
 * - real-iptables-1.8.9-xt.json: the comment, iprange, state, conntrack and mac matches and the LOG
 *   target, the lines of test/iptables/xt-extensions.txt.
 * The engine must print the same, byte for byte; only iptables-save's clock is normalised.
 */
interface Recorded {
  recordedWith: string
  groups: { cmd: string; stdout: string; stderr: string; exit: number }[][]
}
const normaliseDate = (s: string) => s.replace(/ on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}/g, ' on DATE')

for (const [file, what] of [
  ['real-iptables-1.8.9.json', 'iptables'],
  ['real-iptables-1.8.9-xt.json', 'iptables extensions'],
] as const) {
  const fixture: Recorded = JSON.parse(readFileSync(new URL(`./iptables/${file}`, import.meta.url), 'utf8'))
  describe(`${what} as ${fixture.recordedWith} printed them`, () => {
    fixture.groups.forEach((group, g) => {
      it(`group ${g + 1}: ${group[0].cmd}${group.length > 1 ? ` … (${group.length} commands)` : ''}`, () => {
        const sim = new Simulator()
        for (const want of group) {
          const got = sim.run(want.cmd)
          expect({ cmd: want.cmd, stdout: normaliseDate(got.stdout), stderr: got.stderr, exit: got.exit }).toEqual(want)
        }
      })
    })
  })
}
