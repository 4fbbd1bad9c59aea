/**
 * What GNU coreutils 9.1 printed (Debian 12, LC_ALL=C.UTF-8) for head, tail, wc, sort and uniq:
 * textutils.recorded.json, written by scripts/record-textutils.py from the real /usr/bin tools.
 * Each command's test replays its cases byte for byte (stdout, stderr, exit status).
 */
import { describe, expect, it } from 'vitest'
import type { Program } from './shell'
import recorded from './textutils.recorded.json'

interface RecordedCase {
  args: string[]
  stdin: string
  stdout: string
  stderr: string
  exit: number
}

/** Run every recorded case of `cmd` through `program` (no file exists but standard input, as when recorded). */
export function replayRecorded(cmd: 'head' | 'tail' | 'wc' | 'sort' | 'uniq', program: Program): void {
  const cases = (recorded.cases as Record<string, RecordedCase[]>)[cmd]
  describe(`${cmd} as ${recorded.recorded_with} printed it`, () => {
    it('has recorded cases', () => expect(cases.length).toBeGreaterThan(10))
    for (const c of cases)
      it(`${cmd} ${c.args.map((a) => JSON.stringify(a)).join(' ')} < ${JSON.stringify(c.stdin.slice(0, 24))}`, () => {
        expect(program(c.args, c.stdin)).toEqual({ stdout: c.stdout, stderr: c.stderr, exit: c.exit })
      })
  })
}
