import { describe, expect, it } from 'vitest'
import { validateScenario } from './schema'

describe('the scenario schema', () => {
  it('takes a description per locale, and refuses a key that is no locale', () => {
    const ok = validateScenario({ until: 10, description: 'two servers', descriptions: { 'zh-CN': '两台服务器' } })
    expect(ok.ok && ok.scenario.descriptions).toEqual({ 'zh-CN': '两台服务器' })
    const bad = validateScenario({ until: 10, descriptions: { 'Chinese please': '两台服务器' } })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.error).toMatch(/expected a locale such as zh-CN/)
  })
})
