import { describe, expect, it } from 'vitest'
import { readDirector, ScenarioPlayer, type SimMs, validateScenario } from '../engine/index'
import { decodePairs, decodeTemplates, INVALIDATED_VPORT } from './protocol'
import { TemplateLog } from './templateLog'
import { lessonOnline } from './testScenarios'

function logged(scenario: unknown, memory = 100, explained = true) {
  const check = validateScenario(scenario)
  if (!check.ok) throw new Error(check.error)
  const player = new ScenarioPlayer(check.scenario)
  const api = readDirector(player.sim.director)
  const log = new TemplateLog(memory, explained)
  player.setListener({ director: (e) => log.onEvent(e, api, player.now) })
  return { player, log }
}

describe('the template log', () => {
  it('sends a template when it changes, once per frame, and its refreshes as pairs', () => {
    const { player, log } = logged(lessonOnline)
    player.advanceTo(1000 as SimMs)
    const first = log.take()
    const [t] = decodeTemplates(first.templates)
    expect(t).toMatchObject({
      client: 0x0a000007,
      vport: 80,
      createdAt: 0,
      expiresAt: 10_000,
      firstRearmAt: -1,
      expiredAt: -1,
    })
    // nothing changed: nothing sent
    expect(log.take().templates.length).toBe(0)
    // at 10 s the long download keeps it: re-armed for 60 s
    player.advanceTo(11_000 as SimMs)
    const [rearmed] = decodeTemplates(log.take().templates)
    expect(rearmed).toMatchObject({ id: t.id, firstRearmAt: 10_000, expiredAt: -1 })
    // the client's second connection at 40 s refreshes it
    player.advanceTo(41_000 as SimMs)
    const { refreshes } = log.take()
    expect(decodePairs(refreshes)).toEqual([[t.id, 40_000]])
  })

  it('explains a template: born, re-armed, expired', () => {
    // kept past its timeout by the download, then controlled by the last connection: gone at ~223 s
    const { player, log } = logged({ ...lessonOnline, until: 400 })
    player.advanceTo(400_000 as SimMs)
    const [t] = decodeTemplates(log.take().templates)
    const steps = log.why(t.id, player.now)?.map((s) => s.key)
    expect(steps).toEqual([
      'why.template.created',
      'why.template.refreshed',
      'why.template.rearmed',
      'why.template.expired',
    ])
    expect(log.why(t.id + 1000, player.now)).toBeNull()
  })

  it('keeps at most `memory` templates, forgetting the oldest expired first', () => {
    const { player, log } = logged(
      {
        ...lessonOnline,
        until: 400,
        connections: [0, 1, 2, 300, 301].map((at, i) => ({
          at,
          client: `10.0.0.${i + 1}`,
          clientPort: 40000,
          proto: 'tcp',
          vip: '192.168.100.100',
          vport: 80,
          hold: 1,
        })),
      },
      3,
    )
    player.advanceTo(10_000 as SimMs)
    const early = decodeTemplates(log.take().templates).map((t) => t.id)
    expect(early).toHaveLength(3)
    player.advanceTo(310_000 as SimMs)
    const ids = [...early, ...decodeTemplates(log.take().templates).map((t) => t.id)].filter(
      (id, i, all) => all.indexOf(id) === i,
    )
    expect(ids).toHaveLength(5)
    // the first three expired long before 300 s; the last two made room by forgetting the oldest two
    expect(log.get(ids[0])).toBeUndefined()
    expect(log.get(ids[1])).toBeUndefined()
    expect(ids.slice(2).every((id) => log.get(id))).toBe(true)
  })

  it('an invalidated template travels with port 65535 only where invalidation is shown', () => {
    const scenario = {
      ...lessonOnline,
      midCommands: [
        { at: 5, cmd: 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101' },
        { at: 5, cmd: 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102' },
      ],
      connections: [
        { at: 0, client: '10.0.0.7', clientPort: 40001, proto: 'tcp', vip: '192.168.100.100', vport: 80, hold: 1 },
        { at: 6, client: '10.0.0.7', clientPort: 40002, proto: 'tcp', vip: '192.168.100.100', vport: 80, hold: 1 },
      ],
    }
    const shown = logged(scenario, 100, true)
    const hidden = logged(scenario, 100, false)
    for (const { player } of [shown, hidden]) player.advanceTo(8000 as SimMs)
    const ports = (l: TemplateLog) => decodeTemplates(l.take().templates).map((t) => t.vport)
    const s = ports(shown.log)
    const h = ports(hidden.log)
    // the real servers went while the client's template lived: its next connection invalidated it
    expect(s).toEqual([INVALIDATED_VPORT])
    expect(h).toEqual([80])
  })
})
