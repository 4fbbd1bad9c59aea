/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { goldenAssets } from './scripts/golden-assets.ts'

/**
 * `vite build` is the product. `vite build --mode e2e` is the build the end-to-end tests and the
 * app benchmark serve (into dist-e2e/): only there is `import.meta.env.MODE === 'e2e'`, so the
 * test hooks (src/testApi.ts's `window.lab`, the store's `killWorker`) are compiled into it and
 * dropped from the product as dead code (test/bundle.test.ts checks).
 */
export default defineConfig(({ mode }) => ({
  plugins: [react(), goldenAssets('test/golden')],
  worker: { format: 'es' },
  build: { outDir: mode === 'e2e' ? 'dist-e2e' : 'dist' },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    environment: 'node',
    typecheck: { tsconfig: './tsconfig.app.json' },
    // tests assert behaviour, never speed: a loaded 2-core machine may take several seconds for a
    // whole-run test (compare mode, the estimator's idle years), more than vitest's 5 s default
    testTimeout: 30_000,
  },
}))
