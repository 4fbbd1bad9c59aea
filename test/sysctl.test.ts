import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../src/engine/host/simulator'

/**
 * What the real sysctl (procps 2:4.0.2-3, Debian 12) printed for 134 command lines, each on a
 * fresh /proc/sys that holds the director's net/ipv4/vs keys at their defaults
 * (scripts/sysctl-record.sh). The engine must print the same, byte for byte, with the same exit
 * status. Writes the kernel would refuse are not here (the recorder's files are plain files):
 * src/engine/ipvs/sysctl.test.ts pins those against ip_vs_ctl.c.
 */
interface Recorded {
  recordedWith: string
  commands: { cmd: string; stdout: string; stderr: string; exit: number }[]
}
const fixture: Recorded = JSON.parse(readFileSync(new URL('./sysctl/real-procps-4.0.2.json', import.meta.url), 'utf8'))

describe(`sysctl as ${fixture.recordedWith} printed it`, () => {
  for (const want of fixture.commands) {
    it(want.cmd, () => {
      const got = new Simulator().run(want.cmd)
      expect({ cmd: want.cmd, ...got }).toEqual(want)
    })
  }
})
