import { readFileSync } from 'node:fs'
import type { Download } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

test('a share link opens the same scenario, at the same time, in the same language', async ({ page, browser }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(30_000)
  await lab.type('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.102 -g -w 0')
  await page.getByTestId('locale').selectOption('zh-CN')
  const at = await lab.nowMs()
  await page.getByTestId('share-link').click()
  const url = await page.getByTestId('share-url').inputValue()
  expect(url).toMatch(/#s=[A-Za-z0-9_-]+$/)
  await lab.shot('share-link')

  const other = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  await other.goto(url)
  await expect.poll(() => other.evaluate(() => window.lab?.nowMs() ?? -1), { timeout: 20_000 }).toBe(at)
  await expect(other.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(other.getByTestId('rs-192.168.8.102:80')).toContainText('静默')
  await other.screenshot({ path: 'reports/screenshots/share-opened.png', fullPage: true })
  await other.close()
})

test('a damaged or hostile link is refused with a sentence, and the lab still opens', async ({ page }) => {
  await page.goto('/#s=not!!base64')
  await expect(page.getByRole('alert')).toContainText('This link cannot be opened')
  await expect(page.getByTestId('play')).toBeEnabled()
})

test('a scenario saved and opened again gives the same run', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(20_000)
  await lab.type('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 1')
  await lab.playUntil(45_000)
  const at = await lab.nowMs()
  await lab.type('ipvsadm -Ln --stats')
  const before = await page.evaluate(() => window.lab?.rs() ?? [])
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Save scenario' }).click()
  const file = await (await download).path()
  const json = readFileSync(file, 'utf8')
  const mids = (JSON.parse(json) as { midCommands: { cmd: string }[] }).midCommands.map((m) => m.cmd)
  expect(mids).toContain('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 1')

  await page
    .getByTestId('open-file')
    .setInputFiles({ name: 'saved.json', mimeType: 'application/json', buffer: Buffer.from(json) })
  await expect(page.getByTestId('clock')).toHaveText('0.0 s')
  await page.getByTestId('seek').focus()
  await page.evaluate((t) => window.lab?.seekForTest?.(t), at)
  await expect.poll(() => lab.nowMs()).toBe(at)
  const after = await page.evaluate(() => window.lab?.rs() ?? [])
  expect(after).toEqual(before)
})

test('the timeline exports as SVG and the figures as CSV', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(40_000)
  const svgDownload = page.waitForEvent('download')
  await page.getByTestId('timeline-svg').click()
  const svg = readFileSync(await (await svgDownload).path(), 'utf8')
  expect(svg).toMatch(/^<\?xml/)
  expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"')
  expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(3)
  // two files, one table each: the figures over time, then the real servers now
  const csvDownloads: Download[] = []
  page.on('download', (d) => csvDownloads.push(d))
  await page.getByTestId('figures-csv').click()
  await expect.poll(() => csvDownloads.length).toBe(2)
  const [overTime, servers] = csvDownloads
  expect(overTime.suggestedFilename()).toBe('figures-over-time.csv')
  expect(servers.suggestedFilename()).toBe('real-servers.csv')
  const csv = readFileSync(await overTime.path(), 'utf8')
  const lines = csv.split('\r\n')
  expect(lines[0]).toBe('t_s,imbalance,current_imbalance,templates_live,connections,broken_sessions')
  // one row per simulated second, from 0 to where the clock stopped
  const seconds = lines.slice(1, lines.indexOf('')).map((l) => Number(l.split(',')[0]))
  expect(seconds.length).toBeGreaterThan(40)
  expect(seconds).toEqual(seconds.map((_, i) => i))
  expect(readFileSync(await servers.path(), 'utf8')).toContain('192.168.8.101:80,TCP 192.168.100.100:80,2,')
})
