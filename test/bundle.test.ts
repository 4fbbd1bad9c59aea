/**
 * What ships: the product build (`vite build`, what `npm run build` makes) carries no test hook,
 * and the recordings "Check against Linux" replays are in it as copies of test/golden. Both
 * builds are made fresh here, into temporary folders, so an old dist/ is never what is checked —
 * unless `npm test` has just made them (LAB_FRESH_BUILDS=1: its build step empties and rebuilds
 * dist/ and dist-e2e/ before this runs, scripts/test-all.sh), when these are what is checked; the
 * test build (`--mode e2e`, what the end-to-end tests serve) shows the same search finds the hooks
 * when they are there.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goldenSkipReason } from '../src/engine/index'

const root = join(import.meta.dirname, '..')
const vite = join(root, 'node_modules', '.bin', 'vite')
const golden = join(root, 'test', 'golden')
const tmp = mkdtempSync(join(tmpdir(), 'lvs-bundle-'))

/** The test hooks, as they appear in built code: the install of `window.lab` and the hooks' names. */
const HOOKS = [/\bwindow\.lab\s*=/, /\bseekForTest\b/, /\bkillWorker\b/]

function build(mode: 'production' | 'e2e'): string {
  const out = join(tmp, mode)
  // without vitest's NODE_ENV=test, as `npm run build` runs it (else React's and Workbox's
  // development builds would be what is checked)
  const { NODE_ENV: _, ...env } = process.env
  execFileSync(vite, ['build', '--mode', mode, '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  return out
}
const scripts = (dir: string) =>
  readdirSync(join(dir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, 'assets', f), 'utf8'))
    .join('\n')

const fresh = process.env.LAB_FRESH_BUILDS === '1'
let product = ''
let testBuild = ''
beforeAll(() => {
  product = fresh ? join(root, 'dist') : build('production')
  testBuild = fresh ? join(root, 'dist-e2e') : build('e2e')
}, 180_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('the product build', () => {
  it('carries no test hook (window.lab, seekForTest, killWorker)', () => {
    const code = scripts(product)
    for (const hook of HOOKS) expect(code, String(hook)).not.toMatch(hook)
  })

  it('while the test build (--mode e2e) carries each of them', () => {
    const code = scripts(testBuild)
    for (const hook of HOOKS) expect(code, String(hook)).toMatch(hook)
  })

  it('ships every replayable recording and its scenario as a byte-identical copy of test/golden', () => {
    const all = readdirSync(join(golden, 'recordings'))
      .filter((f) => f.endsWith('.json'))
      .sort()
    const replayable = all.filter((f) => goldenSkipReason(readFileSync(join(golden, 'scenarios', f), 'utf8')) === null)
    expect(replayable.length).toBeGreaterThan(0)
    for (const kind of ['scenarios', 'recordings']) {
      expect(readdirSync(join(product, 'golden', kind)).sort(), kind).toEqual(replayable)
      for (const f of replayable)
        expect(readFileSync(join(product, 'golden', kind, f)).equals(readFileSync(join(golden, kind, f))), f).toBe(true)
    }
    // and lists them for the panel (a minifier may join the names into one string), skipping what
    // the golden test skips
    const code = scripts(product)
    for (const f of all) {
      const listed = new RegExp(`(?<![\\w-])${f.slice(0, -'.json'.length)}(?![\\w-])`).test(code)
      expect(listed, f).toBe(replayable.includes(f))
    }
  })
})

describe('the product build, hosted anywhere', () => {
  it('refers to its own files relatively, so that it works under any sub-path', () => {
    const html = readFileSync(join(product, 'index.html'), 'utf8')
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(refs.length).toBeGreaterThan(2)
    for (const ref of refs) expect(ref, ref).toMatch(/^\.\//)
  })

  it("precaches every file of the build in its service worker (the page, the engine's worker, scenarios, recordings)", () => {
    const sw = readFileSync(join(product, 'sw.js'), 'utf8')
    const precached = new Set([...sw.matchAll(/url:\s*"([^"]+)"/g)].map((m) => m[1]))
    const files = (dir: string, rel = ''): string[] =>
      readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`],
      )
    const shipped = files(product).filter((f) => f !== 'sw.js' && !/^workbox-.*\.js$/.test(f))
    expect(shipped).toContain('scenarios/classroom-pcc.json')
    expect(shipped.some((f) => /^assets\/worker-.*\.js$/.test(f))).toBe(true)
    for (const f of shipped) expect(precached.has(f), f).toBe(true)
  })
})
