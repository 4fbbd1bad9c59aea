// Bundles a benchmark the way the app's worker ships the engine (one module, no per-file loader),
// so `npm run bench` times the code users run: `node bench/build.mjs bench/run.ts` writes
// node_modules/.tmp/bench/run.mjs.
import { build } from 'esbuild'

const entry = process.argv[2] ?? 'bench/run.ts'
const out = `node_modules/.tmp/bench/${entry.replace(/^.*\//, '').replace(/\.ts$/, '.mjs')}`
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: out,
  logLevel: 'warning',
})
