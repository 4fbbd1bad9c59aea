import { defineConfig, devices } from '@playwright/test'

// A port of the tests' own (not `npm run preview`'s 4173), and never a server the tests did not
// start: E2E_PORT lets parallel checkouts each use their own.
const PORT = Number(process.env.E2E_PORT ?? 4391)
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Playwright wipes outputDir (test-results/) at start: machine-readable reports go to reports/.
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // a trace of every test costs about a fifth of the suite's time (measured: 115 s → 91–96 s for
    // lessons + a11y); a failure keeps its screenshot and error context, and `--trace on` re-runs it
    // with one
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 720 },
  },
  projects: [
    {
      name: 'debian-chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 720 },
        launchOptions: {
          executablePath: chromiumPath,
          // Stop Chromium's own DNS look-ups on this closed network.
          args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'],
        },
      },
    },
  ],
  // The test build (`--mode e2e`: the product plus window.lab, see vite.config.ts), made fresh into
  // dist-e2e/ on every run, so an old build is never what is tested — by `npm test`'s build step
  // just before (LAB_FRESH_BUILDS=1, scripts/test-all.sh), else here.
  webServer: {
    command: `${process.env.LAB_FRESH_BUILDS === '1' ? '' : 'node_modules/.bin/vite build --mode e2e --logLevel warn && '}node_modules/.bin/vite preview --mode e2e --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
})
