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
import type { Plugin } from 'vite'
import { goldenSkipReason } from '../src/engine/index'

export const GOLDEN_KINDS = ['scenarios', 'recordings'] as const

/** The recordings in `dir` the app replays: every one whose scenario the engine models, by name. */
export function replayableRecordings(dir: string): string[] {
  return readdirSync(join(dir, 'recordings'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((name) => goldenSkipReason(readFileSync(join(dir, 'scenarios', `${name}.json`), 'utf8')) === null)
    .sort()
}

const MODULE_ID = 'virtual:golden'
const RESOLVED_ID = `\0${MODULE_ID}`

/** `dir` is relative to the project's root. */
export function goldenAssets(dir: string): Plugin {
  let root = process.cwd()
  let base = '/'
  const names = () => replayableRecordings(resolve(root, dir))
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
    load(id) {
      if (id !== RESOLVED_ID) return undefined
      const list = names()
      for (const kind of GOLDEN_KINDS) for (const name of list) this.addWatchFile(file(kind, name))
      return `export const GOLDEN_NAMES = ${JSON.stringify(list)}\n`
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/golden\/(scenarios|recordings)\/([\w.-]+)\.json$/.exec(req.url?.slice(base.length - 1) ?? '')
        if (!m || !names().includes(m[2])) return next()
        res.setHeader('Content-Type', 'application/json')
        res.end(readFileSync(file(m[1], m[2])))
      })
    },
    generateBundle() {
      for (const kind of GOLDEN_KINDS)
        for (const name of names())
          this.emitFile({
            type: 'asset',
            fileName: `golden/${kind}/${name}.json`,
            source: readFileSync(file(kind, name)),
          })
    },
  }
}
