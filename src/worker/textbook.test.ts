import { describe, expect, it } from 'vitest'
import { readDirector, ScenarioPlayer, type SimMs, validateScenario } from '../engine/index'
import { decodePairs } from './protocol'
import { TemplateLog } from './templateLog'
import { lessonOnline } from './testScenarios'
import { TextbookShadow } from './textbook'

/** The kernel's run with the shadow beside it, in lockstep. */
function both(on: boolean) {
  const check = validateScenario(lessonOnline)
  if (!check.ok) throw new Error(check.error)
  const kernel = new ScenarioPlayer(check.scenario)
  const api = readDirector(kernel.sim.director)
  const log = new TemplateLog(100, true)
  const shadow = new TextbookShadow()
  shadow.on = on
  kernel.setListener({
    director: (e) => {
      const row = log.onEvent(e, api, kernel.now)
      if (row) shadow.noteKernelTemplate(row.view)
    },
    attempt: (a) => shadow.noteKernelAttempt(a),
  })
  kernel.advanceTo(0 as SimMs)
  if (on) shadow.start(kernel.scenario, (id) => log.get(id)?.expiredAt)
  const advance = (t: number) => {
    kernel.advanceTo(t as SimMs)
    shadow.player?.advanceTo(t as SimMs)
  }
  return { kernel, log, shadow, advance }
}

describe('the textbook shadow', () => {
  it('marks the template the textbook rule drops at its timeout, which the kernel keeps', () => {
    const { log, shadow, advance } = both(true)
    advance(120_000)
    const marks = decodePairs(shadow.takeMarks())
    expect(marks).toHaveLength(1)
    const [[id, at]] = marks
    // the textbook drops it 10 s after the client's last connection (40 s); the kernel still has it
    expect(at).toBe(50_000)
    expect(log.get(id)?.expiredAt).toBe(-1)
    expect(shadow.takeMarks().length).toBe(0)
    // both rules sent the client's two connections to the same real server
    expect(shadow.divergentCount).toBe(0)
  })

  it('off, there is no shadow, no mark, and no count', () => {
    const { shadow, advance } = both(false)
    advance(120_000)
    expect(shadow.player).toBeNull()
    expect(shadow.takeMarks().length).toBe(0)
    expect(shadow.divergentCount).toBe(-1)
  })
})
