/**
 * The real-kernel recordings that "Check against Linux" replays, copied into the app at build
 * time. test/golden (refreshed by `npm run golden:sync`) is their one source; the build writes
 * `golden/scenarios/NAME.json` and `golden/recordings/NAME.json` beside index.html, the dev server
 * serves the same addresses (files of the page's own origin, as its Content-Security-Policy wants
 * for a fetch), and the module `virtual:golden` lists the names. A recording whose
 * scenario the engine cannot replay yet (`goldenSkipReason`, the golden test's rule) is left out.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import type { Plugin } from 'vite'

type SkipRule = typeof import('../src/engine/index')['goldenSkipReason']

export const GOLDEN_KINDS = ['scenarios', 'recordings'] as const

/** The recordings in `dir` the app replays: every one the rule does not skip, by name. */
export function replayableRecordings(dir: string, skip: SkipRule): string[] {
  return readdirSync(join(dir, 'recordings'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((name) => skip(readFileSync(join(dir, 'scenarios', `${name}.json`), 'utf8')) === null)
    .sort()
}

/**
 * The engine's own rule, bundled with esbuild into one module under node_modules/.tmp (as
 * bench/build.mjs does for the benchmark) and imported: the Vite config itself stays free of the
 * engine's sources.
 */
async function loadSkipRule(root: string): Promise<SkipRule> {
  const outfile = resolve(root, 'node_modules/.tmp/golden-assets/goldenSkip.mjs')
  await build({
    stdin: {
      contents: "export { goldenSkipReason } from './src/engine/index.ts'",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    // npm packages stay imports, read from node_modules when the rule runs (bundled, a CommonJS
    // one such as yaml's Node build would require('process') from inside an ES module)
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  })
  // a fresh URL each time: a dev server restarted in the same process reads the rule anew
  const rule = (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)) as { goldenSkipReason: SkipRule }
  return rule.goldenSkipReason
}

const MODULE_ID = 'virtual:golden'
const RESOLVED_ID = `\0${MODULE_ID}`

/** `dir` is relative to the project's root. */
export function goldenAssets(dir: string): Plugin {
  let root = process.cwd()
  let base = '/'
  let skip: SkipRule | null = null
  const names = async () => {
    skip ??= await loadSkipRule(root)
    return replayableRecordings(resolve(root, dir), skip)
  }
  const file = (kind: string, name: string) => resolve(root, dir, kind, `${name}.json`)
  return {
    name: 'lvs-golden-assets',
    configResolved(config) {
      root = config.root
      base = config.base
    },
    resolveId(id) {
      return id === MODULE_ID ? RESOLVED_ID : undefined
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined
      const list = await names()
      for (const kind of GOLDEN_KINDS) for (const name of list) this.addWatchFile(file(kind, name))
      return `export const GOLDEN_NAMES = ${JSON.stringify(list)}\n`
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/golden\/(scenarios|recordings)\/([\w.-]+)\.json$/.exec(req.url?.slice(base.length - 1) ?? '')
        if (!m) return next()
        names().then(
          (list) => {
            if (!list.includes(m[2])) return next()
            res.setHeader('Content-Type', 'application/json')
            res.end(readFileSync(file(m[1], m[2])))
          },
          (e: unknown) => next(e),
        )
      })
    },
    async generateBundle() {
      const list = await names()
      for (const kind of GOLDEN_KINDS)
        for (const name of list)
          this.emitFile({
            type: 'asset',
            fileName: `golden/${kind}/${name}.json`,
            source: readFileSync(file(kind, name)),
          })
    },
  }
}
