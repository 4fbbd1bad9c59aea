/**
 * The import rules of the store, the interface and the translations, checked on the sources:
 * no runtime import cycle among src/store, src/i18n and src/ui (type-only imports are erased, so
 * they do not count; `import { type X }` does, as verbatimModuleSyntax keeps it); the store never
 * imports the interface; src/i18n imports neither the store nor React.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [path] : []
  })
}

/** What a file imports at run time: [specifier, resolved file or null for a package]. */
function runtimeImports(file: string): { spec: string; target: string | null }[] {
  const text = readFileSync(file, 'utf8')
  const out: { spec: string; target: string | null }[] = []
  // import … from '…', export … from '…', import '…', import('…')
  const re =
    /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'|^\s*import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm
  for (const m of text.matchAll(re)) {
    if (m[2]) continue // import type … / export type …: erased
    const spec = m[4] ?? m[5] ?? m[6]
    out.push({ spec, target: spec.startsWith('.') ? resolve(file, spec) : null })
  }
  return out
}

function resolve(from: string, spec: string): string {
  const base = normalize(join(dirname(from), spec))
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (existsSync(c) && statSync(c).isFile()) return c
  return base
}

const inArea = (f: string) => /^src\/(store|i18n|ui)\//.test(f)

/** Strongly connected components of more than one file (or a file importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const on = new Set<string>()
  const found: string[][] = []
  const visit = (v: string) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    on.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number))
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = []
      let w: string
      do {
        w = stack.pop() as string
        on.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return found
}

const files = sourceFiles('src')
const imports = new Map(files.map((f) => [f, runtimeImports(f)]))

describe('imports of the store, the interface and the translations', () => {
  it('finds the imports it checks (the scan is not empty)', () => {
    expect(imports.get('src/ui/useT.ts')?.map((i) => i.target)).toContain('src/store/index.ts')
    expect(imports.get('src/store/index.ts')?.map((i) => i.target)).toContain('src/store/actions.ts')
    // a type-only import is no edge
    expect(imports.get('src/store/state.ts')?.some((i) => i.target === 'src/i18n/index.ts')).toBe(false)
  })

  it('has no runtime import cycle among src/store, src/i18n and src/ui', () => {
    const graph = new Map(
      files.map((f) => [
        f,
        (imports.get(f) ?? []).flatMap((i) => (i.target && files.includes(i.target) ? [i.target] : [])),
      ]),
    )
    expect(cycles(graph).filter((c) => c.some(inArea))).toEqual([])
  })

  it('the cycle finder sees a cycle when there is one', () => {
    const g = new Map([
      ['src/store/a.ts', ['src/ui/b.ts']],
      ['src/ui/b.ts', ['src/store/a.ts']],
      ['src/i18n/c.ts', []],
    ])
    expect(cycles(g)).toEqual([['src/store/a.ts', 'src/ui/b.ts']])
  })

  it('the store never imports the interface; src/i18n imports neither the store nor React', () => {
    const bad = files.flatMap((f) =>
      (imports.get(f) ?? [])
        .filter(
          (i) =>
            (f.startsWith('src/store/') && i.target?.startsWith('src/ui/')) ||
            (f.startsWith('src/i18n/') && (i.target?.startsWith('src/store/') || /^react(-dom)?(\/|$)/.test(i.spec))),
        )
        .map((i) => `${f} → ${i.spec}`),
    )
    expect(bad).toEqual([])
  })
})
