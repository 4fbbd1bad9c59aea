import { describe, expect, it } from 'vitest'
import { validateScenario } from '../engine/index'
import { probe } from '../worker/probe'
import { type AnswerOf, acceptedExercise, connectionName, generateExercise, reachableAnswers } from './exercise'

/** The worker's probe, as the page reaches it. */
const answerOf: AnswerOf = (scenario, q) => Promise.resolve(probe(JSON.parse(JSON.stringify(scenario)), q))

describe('exercises from a seed', () => {
  it('the same seed gives the same exercise; another seed another one', () => {
    expect(generateExercise(42)).toEqual(generateExercise(42))
    expect(JSON.stringify(generateExercise(42))).not.toBe(JSON.stringify(generateExercise(43)))
  })

  it('every generated exercise is a valid scenario with an answerable question', () => {
    for (let seed = 0; seed < 200; seed++) {
      const ex = generateExercise(seed)
      const check = validateScenario(JSON.parse(JSON.stringify(ex.scenario)))
      expect(check.ok, `seed ${seed}: ${check.ok ? '' : check.error}`).toBe(true)
      if (ex.question.kind === 'rs') expect(ex.question.index).toBeLessThan(ex.scenario.connections.length)
    }
  })

  it("connections are named by the client's address and source port, each name once, from Linux's ephemeral range", () => {
    for (let seed = 0; seed < 200; seed++) {
      const conns = generateExercise(seed).scenario.connections
      const names = conns.map(connectionName)
      expect(new Set(names).size, `seed ${seed}`).toBe(names.length)
      for (const c of conns) {
        expect(connectionName(c)).toMatch(/^10\.0\.\d+\.\d+:\d+$/)
        expect(c.clientPort).toBeGreaterThanOrEqual(32768)
        expect(c.clientPort).toBeLessThanOrEqual(60999)
      }
    }
    // an IPv6 client is written as ipvsadm writes the endpoint, in brackets
    expect(connectionName({ client: '2001:db8:a:1::7', clientPort: 40212 })).toBe('[2001:db8:a:1::7]:40212')
  })

  it('no question whose answer the configuration forces: no count without persistence, no connection to an unserved port', () => {
    for (let seed = 0; seed < 500; seed++) {
      const ex = generateExercise(seed)
      const persistent = ex.scenario.commands[0].includes(' -p ')
      if (ex.question.kind === 'count') expect(persistent, `seed ${seed}`).toBe(true)
      else {
        const vport = ex.scenario.connections[ex.question.index].vport
        const ports = ex.scenario.commands
          .filter((c) => c.startsWith('ipvsadm -A'))
          .map((c) => Number.parseInt(c.split(':')[1], 10))
        expect(ports.includes(0) || ports.includes(vport), `seed ${seed}`).toBe(true)
      }
    }
  })

  it('every accepted question has two or more reachable answers on the engine (200 seeds); forced ones are skipped', async () => {
    const kinds = { rs: 0, count: 0 }
    let skipped = 0
    const bad: string[] = []
    for (let seed = 0; seed < 200; seed++) {
      const ex = await acceptedExercise(seed, answerOf)
      kinds[ex.question.kind]++
      if (JSON.stringify(ex) !== JSON.stringify(generateExercise(seed))) skipped++
      const answers = await reachableAnswers(ex, answerOf)
      if (answers.size < 2) bad.push(`seed ${seed}: ${[...answers].join(', ')}`)
      // and the engine answers the question itself
      expect(probe(JSON.parse(JSON.stringify(ex.scenario)), ex.question.probe).ok, `seed ${seed}`).toBe(true)
    }
    expect(bad).toEqual([])
    // both kinds of question are asked, and the engine's check did reject some first candidates
    expect(kinds.rs).toBeGreaterThan(40)
    expect(kinds.count).toBeGreaterThan(40)
    expect(skipped).toBeGreaterThan(0)
  })

  it('a first candidate whose answer no history changes is rejected (lc with every earlier connection closed)', async () => {
    // seed 213: `lc`, no persistence, every earlier connection closed before the asked one
    const first = generateExercise(213)
    expect(first.scenario.commands[0]).toContain('-s lc')
    expect((await reachableAnswers(first, answerOf)).size).toBe(1)
    const accepted = await acceptedExercise(213, answerOf)
    expect(accepted).not.toEqual(first)
    expect((await reachableAnswers(accepted, answerOf)).size).toBeGreaterThanOrEqual(2)
  })
})
