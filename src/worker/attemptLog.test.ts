import { describe, expect, it } from 'vitest'
import { readDirector, ScenarioPlayer, type SimMs, validateScenario } from '../engine/index'
import { AttemptLog, MAX_ATTEMPTS_PER_FRAME } from './attemptLog'
import { AttemptHow, decodeAttempts } from './protocol'
import { classroom, lessonOnline } from './testScenarios'

function logged(scenario: unknown, memory = 1000) {
  const check = validateScenario(scenario)
  if (!check.ok) throw new Error(check.error)
  const player = new ScenarioPlayer(check.scenario)
  const api = readDirector(player.sim.director)
  const log = new AttemptLog(memory)
  player.setListener({ director: (e) => log.onDirectorEvent(e, api), attempt: (a) => log.onAttempt(a) })
  return { player, log }
}

describe('the attempt log', () => {
  it('logs how each attempt was decided: a new template, then a hit on it', () => {
    const { player, log } = logged(lessonOnline)
    player.advanceTo(41_000 as SimMs)
    const { attempts, skipped, firstSeq } = log.take()
    const rows = decodeAttempts(attempts)
    expect(rows.map((a) => [a.at, a.clientPort, a.how])).toEqual([
      [0, 40001, AttemptHow.TEMPLATE_NEW],
      [40_000, 40002, AttemptHow.TEMPLATE_HIT],
    ])
    expect(rows[1].templateId).toBe(rows[0].templateId)
    expect(rows[1].rsAddr).toBe(rows[0].rsAddr)
    expect([skipped, firstSeq]).toEqual([0, 1])
    expect(log.take().attempts.length).toBe(0)
  })

  it('says why: the template hit names the template and its timeout; a forgotten attempt is forgotten', () => {
    const { player, log } = logged(lessonOnline, 1)
    player.advanceTo(41_000 as SimMs)
    const keys = log.why(2)?.map((s) => s.key)
    expect(keys).toEqual(['why.attempt.arrives', 'why.attempt.service', 'why.attempt.hit', 'why.attempt.sentHit'])
    // a memory of one: the first attempt is forgotten
    expect(log.why(1)).toBeNull()
  })

  it('a busy frame sends its newest attempts and counts the rest', () => {
    const { player, log } = logged(classroom('classroom-ppc'))
    player.advanceTo(600_000 as SimMs)
    const { attempts, skipped, firstSeq } = log.take()
    const rows = decodeAttempts(attempts)
    expect(rows).toHaveLength(MAX_ATTEMPTS_PER_FRAME)
    expect(skipped).toBeGreaterThan(0)
    expect(firstSeq).toBe(skipped + 1)
    // oldest first
    expect(rows.every((a, i) => i === 0 || a.at >= rows[i - 1].at)).toBe(true)
  })

  it('a client whose SYNs the director dropped until it gave up (ETIMEDOUT at 129.0 s) is logged as dropped, not as answered locally', () => {
    const { player, log } = logged({
      commands: [
        'ipvsadm -A -t 192.168.100.100:80 -s rr',
        'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
        'iptables -A INPUT -p tcp --syn -j DROP',
      ],
      connections: [
        { at: 0, client: '10.0.0.1', clientPort: 40001, proto: 'tcp', vip: '192.168.100.100', vport: 80, hold: 5 },
      ],
      until: 10,
    })
    player.advanceTo(200_000 as SimMs)
    const rows = decodeAttempts(log.take().attempts)
    expect(rows.map((a) => [a.at, a.how])).toEqual([[129_048, AttemptHow.DROPPED]])
  })
})
