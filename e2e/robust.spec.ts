import { readFileSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

test('a worker that dies is replaced and the session restored, with a notice', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(20_000)
  await lab.type('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0')
  await expect(page.getByTestId('rs-192.168.8.101:80')).toContainText('quiescent')
  const at = await lab.nowMs()
  await page.evaluate(() => window.lab?.killWorker?.())
  await expect(page.getByTestId('notice')).toContainText('restarted from your last saved state', { timeout: 20_000 })
  await expect.poll(() => lab.nowMs(), { timeout: 20_000 }).toBe(at)
  await expect(page.getByTestId('rs-192.168.8.101:80')).toContainText('quiescent')
  // and it keeps working
  await lab.playUntil(at + 5_000)
  await lab.shot('worker-restarted')
})

test('a session that stops the worker twice in a minute is not restored again, and is offered as a file', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.type('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0')
  await expect(page.getByTestId('rs-192.168.8.101:80')).toContainText('quiescent')
  await page.evaluate(() => window.lab?.killWorker?.())
  await expect(page.getByTestId('notice')).toContainText('restarted from your last saved state', { timeout: 20_000 })
  await expect(page.getByTestId('rs-192.168.8.101:80')).toContainText('quiescent')
  // the restored session has finished loading and going back to its time (while it is busy the
  // watchdog gives the worker a minute, not 5 s)
  await expect(page.getByTestId('play')).toBeEnabled()
  // the same session stops it again: no third try, the default lab instead
  await page.evaluate(() => window.lab?.killWorker?.())
  await expect(page.getByTestId('notice')).toContainText('stopped twice within a minute', { timeout: 20_000 })
  await expect(page.getByTestId('rs-192.168.8.101:80')).not.toContainText('quiescent')
  const download = page.waitForEvent('download')
  await page.getByTestId('save-unrestored').click()
  const saved = readFileSync(await (await download).path(), 'utf8')
  const { midCommands } = JSON.parse(saved) as { midCommands: { cmd: string }[] }
  expect(midCommands.map((m) => m.cmd)).toContain('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0')
})

test('a reload brings the session back; "start fresh" forgets it', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(15_000)
  await lab.type('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.102 -g -w 0')
  await expect(page.getByTestId('rs-192.168.8.102:80')).toContainText('quiescent')
  await page.reload()
  await expect(page.getByTestId('notice')).toContainText('Your last session is back')
  await expect(page.getByTestId('rs-192.168.8.102:80')).toContainText('quiescent')
  expect(await lab.nowMs()).toBeGreaterThanOrEqual(15_000)
  await page.getByTestId('start-fresh').click()
  await expect(page.getByTestId('clock')).toHaveText('0.0 s')
  await expect(page.getByTestId('rs-192.168.8.102:80')).not.toContainText('quiescent')
  // the fresh start is what a reload brings back now
  await page.reload()
  await expect(page.getByTestId('rs-192.168.8.102:80')).toBeVisible()
  await expect(page.getByTestId('rs-192.168.8.102:80')).not.toContainText('quiescent')
})

test('the page makes no request beyond its own origin, and keeps a strict Content-Security-Policy', async ({
  page,
  baseURL,
}) => {
  const own = new URL(baseURL ?? 'http://127.0.0.1').host
  const foreign: string[] = []
  const violations: string[] = []
  page.on('request', (r) => {
    const u = new URL(r.url())
    if (!['http:', 'blob:', 'data:'].includes(u.protocol) || (u.protocol === 'http:' && u.host !== own))
      foreign.push(r.url())
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { cspViolations: string[] }).cspViolations ??= []
      ;(window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  const lab = new LabPage(page)
  await lab.open()
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(csp).toContain("script-src 'self'")
  expect(csp).not.toContain('unsafe-eval')
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
  // exercise the features that create objects and fetch: play, compare, lessons, fidelity, export
  await lab.speed(100)
  await lab.playUntil(30_000)
  await page.getByTestId('view-compare').click()
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 20_000 })
  await page.getByTestId('view-lessons').click()
  await page.getByTestId('fidelity-run').click()
  await expect(page.getByTestId('fidelity-summary')).toBeVisible()
  violations.push(
    ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])),
  )
  expect(violations).toEqual([])
  expect(foreign).toEqual([])
})
