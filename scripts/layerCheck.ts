/**
 * The app's layers, measured: every .ts/.tsx file under src/ is placed in a layer (bottom-up
 * below), its import statements are read with the TypeScript parser, and two things are counted
 * over the runtime imports (`import type`, and imports whose every name is `type`, are left out):
 * arrows from a lower layer to a higher one, and import cycles (strongly connected components).
 * Used by scripts/layers.ts (the command) and test/layers.test.ts (CI).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/**
 * Bottom-up. A file may import from its own layer or any layer below it at runtime. Within the
 * engine: shared leaves, the clock, the kernel (ipvs and netfilter side by side), the programs
 * of the director's userland, what drives and measures traffic, the host that wires them all,
 * scenarios, and the public surface. Above the engine: worker ← i18n ← store ← lessons ← ui ← entry.
 */
export const LAYERS: readonly { name: string; paths: readonly string[] }[] = [
  {
    name: 'engine/base',
    paths: ['src/engine/capabilities.ts', 'src/engine/data/', 'src/engine/lib/', 'src/engine/net/'],
  },
  { name: 'engine/sim', paths: ['src/engine/sim/'] },
  { name: 'engine/kernel', paths: ['src/engine/ipvs/', 'src/engine/netfilter/'] },
  { name: 'engine/userland', paths: ['src/engine/userland/', 'src/engine/keepalived/', 'src/engine/kube/'] },
  { name: 'engine/traffic+metrics', paths: ['src/engine/traffic/', 'src/engine/metrics/'] },
  { name: 'engine/wire', paths: ['src/engine/wire/'] },
  { name: 'engine/host', paths: ['src/engine/host/'] },
  { name: 'engine/scenario', paths: ['src/engine/scenario/'] },
  { name: 'engine/surface', paths: ['src/engine/'] },
  { name: 'worker', paths: ['src/worker/'] },
  { name: 'i18n', paths: ['src/i18n/'] },
  { name: 'store', paths: ['src/store/'] },
  { name: 'lessons', paths: ['src/lessons/'] },
  { name: 'ui', paths: ['src/ui/'] },
  { name: 'entry', paths: ['src/'] },
  /** Tests (and the engine's testkit) exercise a layer through everything above it: they sit on top. */
  { name: 'tests', paths: [] },
]

const isTest = (file: string): boolean => /\.test\.tsx?$/.test(file) || file === 'src/engine/testkit.ts'

/** The layer of a path relative to the repository root (the longest matching prefix wins). */
export function layerOf(file: string): number {
  if (isTest(file)) return LAYERS.length - 1
  let best = -1
  let bestLen = -1
  LAYERS.forEach((l, i) => {
    for (const p of l.paths)
      if (file.startsWith(p) && p.length > bestLen) {
        best = i
        bestLen = p.length
      }
  })
  return best
}

export interface ImportEdge {
  from: string
  to: string
  typeOnly: boolean
}

const isTypeOnlyImport = (d: ts.ImportDeclaration): boolean => {
  const c = d.importClause
  if (!c) return false
  if (c.isTypeOnly) return true
  if (c.name) return false
  const b = c.namedBindings
  if (!b || ts.isNamespaceImport(b)) return false
  return b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly)
}

const isTypeOnlyExport = (d: ts.ExportDeclaration): boolean => {
  if (d.isTypeOnly) return true
  const c = d.exportClause
  return !!c && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly)
}

/** Module specifiers a file imports: static imports, re-exports and `import('…')` calls. */
export function importsOf(text: string, fileName: string): { spec: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false)
  const out: { spec: string; typeOnly: boolean }[] = []
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier))
      out.push({ spec: n.moduleSpecifier.text, typeOnly: isTypeOnlyImport(n) })
    else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier))
      out.push({ spec: n.moduleSpecifier.text, typeOnly: isTypeOnlyExport(n) })
    else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments.length === 1 &&
      ts.isStringLiteral(n.arguments[0])
    )
      out.push({ spec: n.arguments[0].text, typeOnly: false })
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return out
}

function listSources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...listSources(p))
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

function resolveSpec(root: string, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  const base = resolve(root, dirname(from), spec)
  for (const cand of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (existsSync(cand) && statSync(cand).isFile() && /\.tsx?$/.test(cand)) return relative(root, cand)
  return null
}

/** Every import between two source files under src/. */
export function collectEdges(root: string): { files: string[]; edges: ImportEdge[] } {
  const files = listSources(join(root, 'src')).map((f) => relative(root, f))
  const edges: ImportEdge[] = []
  for (const from of files)
    for (const { spec, typeOnly } of importsOf(readFileSync(join(root, from), 'utf8'), from)) {
      const to = resolveSpec(root, from, spec)
      if (to) edges.push({ from, to, typeOnly })
    }
  return { files, edges }
}

/** Strongly connected components of more than one file (or a file importing itself); Tarjan. */
export function cyclesOf(files: string[], edges: { from: string; to: string }[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]))
  for (const e of edges) next.get(e.from)?.push(e.to)
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  let counter = 0
  const strong = (v: string): void => {
    index.set(v, counter)
    low.set(v, counter)
    counter++
    stack.push(v)
    onStack.add(v)
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = []
      let w: string
      do {
        w = stack.pop() as string
        onStack.delete(w)
        comp.push(w)
      } while (w !== v)
      if (comp.length > 1 || (next.get(v) ?? []).includes(v)) out.push(comp.sort())
    }
  }
  for (const f of files) if (!index.has(f)) strong(f)
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1))
}

export interface LayerReport {
  files: number
  imports: { runtime: number; typeOnly: number }
  /** Runtime imports from a lower layer to a higher one. */
  against: { from: string; to: string; fromLayer: string; toLayer: string }[]
  /** Runtime import cycles (each a sorted list of files). */
  cycles: string[][]
  /** The same two figures restricted to src/engine (both ends inside it). */
  engine: { against: number; cycles: number }
}

const inEngine = (f: string) => f.startsWith('src/engine/')

export function checkLayers(root: string): LayerReport {
  const { files, edges } = collectEdges(root)
  const runtime = edges.filter((e) => !e.typeOnly)
  const against = runtime
    .filter((e) => layerOf(e.from) < layerOf(e.to))
    .map((e) => ({
      from: e.from,
      to: e.to,
      fromLayer: LAYERS[layerOf(e.from)].name,
      toLayer: LAYERS[layerOf(e.to)].name,
    }))
  const cycles = cyclesOf(files, runtime)
  return {
    files: files.length,
    imports: { runtime: runtime.length, typeOnly: edges.length - runtime.length },
    against,
    cycles,
    engine: {
      against: against.filter((e) => inEngine(e.from) && inEngine(e.to)).length,
      cycles: cycles.filter((c) => c.some(inEngine)).length,
    },
  }
}
