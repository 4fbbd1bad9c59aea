import { describe, expect, it } from 'vitest'
import {
  ATTEMPT_FIELDS,
  AttemptField,
  AttemptHow,
  decodeAttempt,
  decodeAttempts,
  decodePairs,
  decodeRsCounters,
  decodeTemplates,
  encodeAttempt,
  encodeTemplates,
  pushRsCounters,
  RS_COUNTER_FIELDS,
  RsCounterField,
  TEMPLATE_FIELDS,
  TemplateField,
} from './protocol'

const offsets = (o: Record<string, number>) => Object.values(o).sort((a, b) => a - b)

describe('the frame layout', () => {
  it('names every field of a row once, at offsets 0 … stride − 1', () => {
    expect(offsets(AttemptField)).toEqual([...Array(ATTEMPT_FIELDS).keys()])
    expect(offsets(TemplateField)).toEqual([...Array(TEMPLATE_FIELDS).keys()])
    expect(offsets(RsCounterField)).toEqual([...Array(RS_COUNTER_FIELDS).keys()])
  })

  it('an attempt decodes as it was encoded, in its own row', () => {
    const a = {
      at: 1234,
      client: 167772167,
      clientPort: 40001,
      vip: 3232261220,
      vport: 80,
      rsAddr: -1,
      how: AttemptHow.REFUSED,
      templateId: 0,
    }
    const b = { ...a, at: 1300, rsAddr: 3232237669, how: AttemptHow.TEMPLATE_HIT, templateId: 7 }
    const rows = new Float64Array(2 * ATTEMPT_FIELDS)
    encodeAttempt(rows, 0, a)
    encodeAttempt(rows, ATTEMPT_FIELDS, b)
    expect(decodeAttempts(rows)).toEqual([a, b])
    expect(decodeAttempt(rows, 1).how).toBe(AttemptHow.TEMPLATE_HIT)
    expect(rows[ATTEMPT_FIELDS + AttemptField.TEMPLATE_ID]).toBe(7)
  })

  it('templates, counters and pairs decode as they were encoded', () => {
    const t = {
      id: 3,
      client: 1,
      vaddrOrMark: 2,
      vport: 80,
      rsAddr: 4,
      rsPort: 80,
      createdAt: 5,
      expiresAt: 6,
      firstRearmAt: -1,
      expiredAt: -1,
      director: 0,
    }
    const u = { ...t, id: 4, expiredAt: 9, director: 1 }
    const rows = encodeTemplates([t, u])
    expect(rows.length).toBe(2 * TEMPLATE_FIELDS)
    expect(decodeTemplates(rows)).toEqual([t, u])
    const counters: number[] = []
    pushRsCounters(counters, { activeConns: 1, inactConns: 2, persistConns: 3, conns: 4, weight: 5 })
    pushRsCounters(counters, { activeConns: 6, inactConns: 7, persistConns: 8, conns: 9, weight: 0 })
    const c = Float64Array.from(counters)
    expect(decodeRsCounters(c, 1)).toEqual({ activeConns: 6, inactConns: 7, persistConns: 8, conns: 9, weight: 0 })
    expect(decodeRsCounters(c, 2)).toBeNull()
    expect(decodePairs(Float64Array.from([1, 10, 2, 20]))).toEqual([
      [1, 10],
      [2, 20],
    ])
  })
})
