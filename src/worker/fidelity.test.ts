import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fidelity } from './fidelity'

const golden = (dir: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../test/golden/${dir}/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >

describe('the fidelity replay', () => {
  it('replays a real-kernel recording and lays every compared field out, matched', () => {
    const r = fidelity(golden('scenarios', 'all-weights-zero'), golden('recordings', 'all-weights-zero'))
    if (!r.ok) throw new Error(r.error)
    expect(r.name).toBe('all-weights-zero')
    expect(r.kernel).toMatch(/^6\.1\./)
    expect(r.fields.length).toBeGreaterThan(3)
    expect(r.fields.filter((f) => !f.ok)).toEqual([])
    expect(r.fields.some((f) => f.path.startsWith('connections['))).toBe(true)
  })

  it('a changed output is a mismatch, with what the kernel printed and what the engine did', () => {
    const rec = golden('recordings', 'all-weights-zero') as { final: { outputs: { stdout: string }[] } }
    const i = rec.final.outputs.findIndex((c) => c.stdout.length > 0)
    rec.final.outputs[i].stdout = `${rec.final.outputs[i].stdout}an extra line\n`
    const r = fidelity(golden('scenarios', 'all-weights-zero'), rec)
    if (!r.ok) throw new Error(r.error)
    const bad = r.fields.filter((f) => !f.ok)
    expect(bad.map((f) => f.path)).toEqual([`final.outputs[${i}]`])
    expect(bad[0].expected).toContain('an extra line')
    expect(bad[0].actual).not.toContain('an extra line')
  })

  it('refuses what is not a recording, or a broken scenario', () => {
    expect(fidelity(golden('scenarios', 'all-weights-zero'), { hello: 1 })).toEqual({
      ok: false,
      error: 'not a recording',
    })
    expect(fidelity({ commands: 3 }, golden('recordings', 'all-weights-zero')).ok).toBe(false)
  })
})
