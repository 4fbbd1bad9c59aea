import { describe, expect, it } from 'vitest'
import { type Scenario, Simulator, validateScenario } from '../engine/index'
import { applyLines, CommandJournal, foldJournal, journalLinesOf } from './journal'

describe('the command journal', () => {
  it('typing after a rewind starts a new history from there', () => {
    const j = new CommandJournal()
    j.append({ atMs: 1000, kind: 'run', text: 'a' })
    j.append({ atMs: 5000, kind: 'run', text: 'b' })
    j.append({ atMs: 3000, kind: 'run', text: 'c' })
    expect(j.entries.map((e) => e.text)).toEqual(['a', 'c'])
    expect(j.between(null, 1000).map((e) => e.text)).toEqual(['a'])
    expect(j.between(1000, 9000).map((e) => e.text)).toEqual(['c'])
  })

  it('folds into midCommands at their times, a script with the old configuration cleared first', () => {
    const check = validateScenario({ commands: [], midCommands: [{ at: 2, cmd: 'ipvsadm -Ln' }], until: 10 })
    if (!check.ok) throw new Error(check.error)
    const sc: Scenario = foldJournal(check.scenario, [
      { atMs: 2000, kind: 'run', text: 'ipvsadm -C' },
      { atMs: 1000, kind: 'apply', text: '-A -t 10.0.0.1:80 -s rr\n' },
    ])
    expect(sc.midCommands).toEqual([
      { at: 1, cmd: 'ipvsadm -C' },
      { at: 1, cmd: 'iptables -t mangle -F' },
      { at: 1, cmd: 'iptables -t mangle -X' },
      { at: 1, cmd: 'ipvsadm -A -t 10.0.0.1:80 -s rr' },
      { at: 2, cmd: 'ipvsadm -Ln' },
      { at: 2, cmd: 'ipvsadm -C' },
    ])
  })

  it('applying lines stops at the first failure and names its line', () => {
    const sim = new Simulator()
    const bad = applyLines(sim, [
      { n: 1, text: 'ipvsadm -A -t 10.0.0.1:80 -s rr' },
      { n: 4, text: 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.999' },
    ])
    expect(bad?.line).toBe(4)
    expect(applyLines(sim, [{ n: 1, text: 'ipvsadm -A -t 10.0.0.1:80 -s rr' }])).toBeNull()
  })

  it('reads back from storage only well-formed lines', () => {
    expect(
      journalLinesOf([
        { atMs: 1, kind: 'run', text: 'a' },
        { atMs: 'x', kind: 'run', text: 'b' },
        { atMs: 2, kind: 'rm', text: 'c' },
        null,
      ]),
    ).toEqual([{ atMs: 1, kind: 'run', text: 'a' }])
    expect(journalLinesOf('nope')).toEqual([])
  })
})
