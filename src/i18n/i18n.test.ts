import { readdirSync, readFileSync } from 'node:fs'
import i18next from 'i18next'
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
    // a plural is there as key_one, key_other (i18next picks one by `count`)
    const all = new Set(keys(en).flatMap((k) => [k, k.replace(/_(one|other)$/, '')]))
    // file names ('compare.csv') look like keys but are not
    const missing = [...used].filter(
      (k) => !/\.(csv|json|svg|png|sh)$/.test(k) && !all.has(k) && !keys(en).some((x) => x.startsWith(`${k}.`)),
    )
    expect(missing).toEqual([])
  })

  it('a count picks the plural form: 1 template, 2 templates; Chinese has one form', () => {
    const i18n = i18next.createInstance()
    void i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zh } },
      lng: 'en',
      initAsync: false,
    })
    const t = (lng: string, n: number) => i18n.getFixedT(lng)('timeline.count', { count: n, n })
    expect([t('en', 0), t('en', 1), t('en', 2)]).toEqual(['0 templates', '1 template', '2 templates'])
    expect([t('zh-CN', 1), t('zh-CN', 2)]).toEqual(['1 个模板', '2 个模板'])
    for (const k of keys(en).filter((x) => x.endsWith('_one')))
      expect(keys(en), k).toContain(k.replace(/_one$/, '_other'))
  })
})
