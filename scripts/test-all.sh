#!/usr/bin/env bash
# Every test of the project, in one command (`npm test`): the production and test builds, the unit,
# property, golden, CLI and bundle tests (Vitest), then the end-to-end tests (Playwright on Debian's
# Chromium) with the static checks beside them. The end-to-end tests serve the test build
# (`vite build --mode e2e`, into dist-e2e/, made afresh by the build step) on a port of their own
# (E2E_PORT, default 4391), never `npm run preview`'s 4173, so both can run at once. Every step
# runs even if an earlier one fails; the last line is the summary `total: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ ! -d node_modules ]; then
  echo "== npm ci (node_modules missing)"
  npm ci --loglevel=error || { echo "npm ci failed"; echo "total: 0 passed, 1 failed"; exit 1; }
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ] && [ "$(id -u)" = 0 ]; then
  echo "== apt-get install chromium (needed by the end-to-end tests)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium fonts-liberation >/dev/null
fi

rm -rf reports && mkdir -p reports
: >reports/steps.txt
rc=0
step() {
  local name=$1
  shift
  echo "== $name: $*"
  if "$@"; then echo "$name passed" >>reports/steps.txt; else
    echo "== $name FAILED"
    echo "$name failed" >>reports/steps.txt
    rc=1
  fi
}

# Both builds once, fresh (an old one is never what is tested): the product (`vite build`, dist/)
# and the test build (`--mode e2e`, dist-e2e/). LAB_FRESH_BUILDS tells the two later users that
# they were just made: test/bundle.test.ts checks these instead of building its own pair, and
# Playwright serves dist-e2e/ instead of building it again.
rm -rf dist dist-e2e
step build bash -c 'npx vite build && npx vite build --mode e2e --logLevel warn'
export LAB_FRESH_BUILDS=1

step unit npx vitest run --reporter=default --reporter=json --outputFile.json=reports/unit.json
# The end-to-end tests mostly wait (the lab plays at a wall clock's pace), so the static checks run
# beside them at the lowest CPU priority (nice 19), their output printed after. (The unit tests
# beside them as well slowed the end-to-end tests by about a fifth on 2 cores and became the
# longest step themselves: nothing gained.)
( step lint nice -n 19 npm run --silent lint ) >reports/lint.log 2>&1 &
checks=$!
step e2e npx playwright test
wait "$checks"
echo "== lint (run beside the end-to-end tests)"
cat reports/lint.log
# the step run in the background recorded its verdict in steps.txt, not in rc
grep -q '^lint failed$' reports/steps.txt && rc=1
node scripts/test-summary.mjs
exit $rc
