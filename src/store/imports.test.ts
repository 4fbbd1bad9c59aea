/**
 * The import rules of the store, the interface and the translations, checked on the sources with
 * the layer checker (scripts/layerCheck.ts, which test/layers.test.ts runs over the whole app): no
 * runtime import cycle among src/store, src/i18n and src/ui; the store never imports the
 * interface; src/i18n imports neither the store nor React (the `useT` hook lives in src/ui).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkLayers, collectEdges, cyclesOf, importsOf } from '../../scripts/layerCheck'

const root = resolve(import.meta.dirname, '../..')
const { files, edges } = collectEdges(root)
const runtime = edges.filter((e) => !e.typeOnly)
const inArea = (f: string) => /^src\/(store|i18n|ui)\//.test(f)

describe('imports of the store, the interface and the translations', () => {
  it('finds the imports it checks (the scan is not empty)', () => {
    expect(runtime).toContainEqual({ from: 'src/ui/useT.ts', to: 'src/store/index.ts', typeOnly: false })
    expect(runtime).toContainEqual({ from: 'src/store/index.ts', to: 'src/store/actions.ts', typeOnly: false })
    // a type-only import is no runtime edge
    expect(runtime.some((e) => e.from === 'src/store/state.ts' && e.to === 'src/i18n/index.ts')).toBe(false)
  })

  it('has no runtime import cycle among src/store, src/i18n and src/ui', () => {
    expect(cyclesOf(files, runtime).filter((c) => c.some(inArea))).toEqual([])
  })

  it('the store never imports the interface, nor src/i18n the store (arrows against the layers)', () => {
    const against = checkLayers(root).against.filter((e) => inArea(e.from))
    expect(against).toEqual([])
  })

  it('src/i18n imports neither the store nor React', () => {
    const dir = join(root, 'src/i18n')
    const bad = readdirSync(dir)
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
      .flatMap((f) =>
        importsOf(readFileSync(join(dir, f), 'utf8'), f)
          .filter((i) => !i.typeOnly && (/^react(-dom)?(\/|$)/.test(i.spec) || i.spec.includes('store')))
          .map((i) => `src/i18n/${f} → ${i.spec}`),
      )
    expect(bad).toEqual([])
  })
})
