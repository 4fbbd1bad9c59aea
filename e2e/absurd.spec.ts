import { writeFileSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

// Playwright's trace snapshots the whole page at each step: long tasks of its own, not the app's,
// which would swamp what the 65,535-server test records
test.use({ trace: 'off' })

/** The main thread's long tasks ([start, duration] ms), collected from the start of the page. */
async function watchLongTasks(page: import('@playwright/test').Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: [number, number][] }
    w.longTasks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push([Math.round(e.startTime), Math.round(e.duration)])
    }).observe({ type: 'longtask', buffered: true })
  })
}

const base = {
  seed: 1,
  commands: [
    'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g',
  ],
  until: 600,
}

async function openScenario(page: import('@playwright/test').Page, name: string, scenario: object): Promise<void> {
  await page
    .getByTestId('open-file')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) })
}

test('absurd traffic and ipvsadm values are refused with their reason, and the lab keeps running', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await openScenario(page, 'ten-million.json', { ...base, traffic: { users: 10_000_000 } })
  await expect(page.getByRole('alert')).toContainText('traffic.users: must be at most 1000000')
  await openScenario(page, 'billion-a-second.json', {
    ...base,
    until: 60,
    traffic: { users: 1_000_000, start: 1, duration: 0.001 },
  })
  await expect(page.getByRole('alert')).toContainText(
    'about 1,000,000 users would be online at once (1,000,000,000 arrive a second',
  )
  await openScenario(page, 'century.json', { ...base, until: 100 * 365 * 86400 })
  await expect(page.getByRole('alert')).toContainText('until: must be at most ten years')
  await lab.type('ipvsadm -A -t 192.168.100.100:81 -s rr -p 99999999')
  await expect(lab.consoleLog()).toContainText("invalid timeout value `99999999' specified")
  await lab.type('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.103 -g -w 2147483648')
  await expect(lab.consoleLog()).toContainText('illegal weight specified')
  // the lab that was open is still there and still runs
  await expect(page.getByTestId('rs-192.168.8.101:80')).toBeVisible()
  await lab.playUntil(2_000)
  await lab.shot('absurd-refused')
})

test('65,535 real servers: 16 drawn, the rest summed; the listing has them all; it plays', async ({ page }) => {
  test.setTimeout(180_000)
  await watchLongTasks(page)
  const lab = new LabPage(page)
  await lab.open()
  const rs = (i: number) => `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`
  const commands = ['ipvsadm -A -t 192.168.100.100:80 -s wlc -p 300']
  for (let i = 1; i <= 65_535; i++) commands.push(`ipvsadm -a -t 192.168.100.100:80 -r ${rs(i)}:80 -g`)
  await openScenario(page, 'rs65535.json', { ...base, commands, traffic: { users: 2000 } })
  // from here on the page's own work (the file handed to the input is the test harness's)
  const handedAt = await page.evaluate(() => performance.now())
  await expect(page.getByTestId('rs-more')).toContainText('+ 65,519 more real servers', { timeout: 60_000 })
  await expect(page.getByTestId('director-more-rs')).toContainText('65,519')
  await expect(page.getByTestId('rs-10.1.0.1:80')).toBeVisible()
  await expect(page.locator('[data-testid^="rs-10."]')).toHaveCount(16)
  await lab.type('ipvsadm -Ln | grep -c Route')
  await expect(lab.consoleLog()).toContainText('65535')
  await lab.speed(10)
  await lab.playUntil(60_000)
  // the summed row counts what the hidden servers took
  const summed = await page.getByTestId('rs-more').textContent()
  expect(summed).toMatch(/ActiveConn\s*\d+/)
  const all = await page.evaluate(() => (window as unknown as { longTasks: [number, number][] }).longTasks)
  const after = all.filter(([start]) => start >= handedAt).map(([, ms]) => ms)
  // a figure for the record (reports/), not an assertion: wall-clock times vary by machine
  writeFileSync(
    'reports/absurd-long-tasks.json',
    `${JSON.stringify({ longTasksAfterOpening: after.length, longestMs: Math.max(0, ...after) })}\n`,
  )
  // after the count: a full-page screenshot lays the whole page out again, a long task of its own
  await lab.shot('absurd-65535-rs')
})

test('a jump of years: ten years of traffic, and the time slider goes to the end and back', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  const tenYears = 10 * 365 * 86400
  await openScenario(page, 'ten-years.json', { ...base, until: tenYears, traffic: { users: 1000 } })
  await expect(page.getByTestId('clock')).toHaveText('0:00:00')
  await page.getByTestId('seek').focus()
  await page.keyboard.press('End')
  await expect.poll(() => lab.nowMs(), { timeout: 60_000 }).toBe(tenYears * 1000)
  await expect(page.getByTestId('rs-192.168.8.101:80')).toBeVisible()
  await page.keyboard.press('Home')
  await expect.poll(() => lab.nowMs(), { timeout: 60_000 }).toBe(0)
  await lab.playUntil(1_000)
})
