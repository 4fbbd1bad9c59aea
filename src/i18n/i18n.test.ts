import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import en from './en.json'
import zh from './zh-CN.json'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

const interpolations = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()

describe('the message catalogues', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort())
  })

  it('every translation keeps the values its English text interpolates', () => {
    const get = (o: object, path: string) =>
      path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o)
    for (const k of keys(en))
      expect(interpolations(get(zh, k) as string), k).toEqual(interpolations(get(en, k) as string))
  })

  it('every key the interface and the worker use exists', () => {
    const dirs = ['src/ui', 'src/worker']
    const used = new Set<string>()
    for (const d of dirs)
      for (const f of readdirSync(d)) {
        if (!/\.tsx?$/.test(f) || f.endsWith('.test.ts')) continue
        const text = readFileSync(`${d}/${f}`, 'utf8')
        for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1])
        for (const m of text.matchAll(
          /'((?:why|presets|lessons|compare|share|exercise|fidelity|presenter|toolbar)\.[a-zA-Z0-9_.]+)'/g,
        ))
          used.add(m[1])
      }
    const all = new Set(keys(en))
    // file names ('compare.csv') look like keys but are not
    const missing = [...used].filter(
      (k) => !/\.(csv|json|svg|png|sh)$/.test(k) && !all.has(k) && !keys(en).some((x) => x.startsWith(`${k}.`)),
    )
    expect(missing).toEqual([])
  })
})
