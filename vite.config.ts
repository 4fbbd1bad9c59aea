/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { goldenAssets } from './scripts/golden-assets.ts'

/**
 * `vite build` is the product. `vite build --mode e2e` is the build the end-to-end tests and the
 * app benchmark serve (into dist-e2e/): only there is `import.meta.env.MODE === 'e2e'`, so the
 * test hooks (src/testApi.ts's `window.lab`, the store's `killWorker`) are compiled into it and
 * dropped from the product as dead code (test/bundle.test.ts checks).
 */
export default defineConfig(({ mode }) => ({
  // relative: dist/ works from any static host and under any sub-path (every fetch of the app's
  // own files is relative to the document, import.meta.env.BASE_URL is './')
  base: './',
  plugins: [
    react(),
    goldenAssets('test/golden'),
    // offline after one visit: a service worker (Workbox's generateSW) precaches the whole build —
    // the page, the engine's worker, public/scenarios/*.json, the golden recordings, icons and any
    // font — and serves index.html for every navigation (?preset=, ?scenario=, #s= included).
    // registerSW.js (a file, as the Content-Security-Policy wants: no inline script) registers it;
    // it takes charge of the page on the first visit, and a new build replaces the old one on the
    // next visit (skipWaiting + clientsClaim).
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,css,json,svg,png,ico,woff,woff2,ttf}'],
        // the largest recording or bundle must be precached too
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        navigateFallback: 'index.html',
      },
    }),
  ],
  worker: { format: 'es' },
  build: { outDir: mode === 'e2e' ? 'dist-e2e' : 'dist' },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    environment: 'node',
    typecheck: { tsconfig: './tsconfig.app.json' },
    // tests assert behaviour, never speed: a loaded 2-core machine may take several seconds for a
    // whole-run test (compare mode, the estimator's idle years), more than vitest's 5 s default
    testTimeout: 30_000,
    // one test file per core: vitest's own default for \`run\` is one fewer than the cores, which on
    // a 2-core CI machine is a single worker and leaves a core idle for the whole unit step
    maxWorkers: availableParallelism(),
  },
}))
