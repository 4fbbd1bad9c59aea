import { readdirSync, readFileSync, statSync } from 'node:fs'
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import en from './en.json'
import zh from './zh-CN.json'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

/** Every source file under `dir`, in every folder (tests excepted: they may name keys that are not there). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = `${dir}/${f}`
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [path] : []
  })
}

/** A catalogue's namespaces: a quoted 'namespace.…' anywhere in the sources is a key. */
const NAMESPACES = Object.keys(en).join('|')

/** Keys the sources use: quoted 'ns.key' (t('…'), msg('…'), { key: '…' }), and `ns.prefix.${…}` as a prefix. */
function usedKeys(files: string[]): Set<string> {
  const used = new Set<string>()
  const literal = new RegExp(`'((?:${NAMESPACES})\\.[a-zA-Z0-9_.]+)'`, 'g')
  const template = new RegExp(`\`((?:${NAMESPACES})\\.[a-zA-Z0-9_.]*)\\$\\{`, 'g')
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    for (const m of text.matchAll(literal)) used.add(m[1])
    for (const m of text.matchAll(template)) used.add(`${m[1]}*`)
  }
  return used
}

/** The used keys a catalogue lacks (a plural is there as key_one, key_other; a prefix needs one key under it). */
function missingKeys(used: Set<string>, catalogue: object): string[] {
  const have = keys(catalogue)
  const all = new Set(have.flatMap((k) => [k, k.replace(/_(one|other)$/, '')]))
  return [...used]
    .filter((k) => !/\.(csv|json|svg|png|sh)$/.test(k)) // file names ('compare.csv') look like keys but are not
    .filter((k) =>
      k.endsWith('*')
        ? !have.some((x) => x.startsWith(k.slice(0, -1)))
        : !all.has(k) && !have.some((x) => x.startsWith(`${k}.`)),
    )
    .sort()
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

  it('every key used anywhere in src exists (store, interface, worker, engine, entry files)', () => {
    const used = usedKeys(sourceFiles('src'))
    // the scan sees the store's and the entry files' keys too
    expect(used.has('session.crashed')).toBe(true)
    expect(used.has('share.bad')).toBe(true)
    expect(missingKeys(used, en)).toEqual([])
  })

  it('the key check fails when a used key is missing from a catalogue', () => {
    const used = usedKeys(sourceFiles('src'))
    const without = structuredClone(en) as Record<string, Record<string, unknown>>
    delete without.session.crashed
    expect(missingKeys(used, without)).toEqual(['session.crashed'])
    // in zh-CN too: both catalogues are checked against what the sources use
    expect(missingKeys(used, zh)).toEqual([])
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
