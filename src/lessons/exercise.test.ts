import { describe, expect, it } from 'vitest'
import { validateScenario } from '../engine/index'
import { generateExercise } from './exercise'

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
})
