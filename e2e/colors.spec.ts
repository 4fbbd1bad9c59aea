import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const RS101 = '192.168.8.101'
const RS102 = '192.168.8.102'

/** The colours a real server wears: its swatch in Real servers, its box in the director's drawing. */
async function colours(page: Page, addr: string, port: number): Promise<{ swatch: string; director: string }> {
  const swatch = await page
    .getByTestId(`rs-${addr}:${port}`)
    .locator('.swatch')
    .evaluate((e) => getComputedStyle(e).backgroundColor)
  const director = await page
    .getByRole('button', { name: `Explain ${addr}` })
    .locator('rect')
    .first()
    .evaluate((e) => getComputedStyle(e).fill)
  return { swatch, director }
}

/** The colour the timeline draws each server's template rows in, by server (every row of a server alike). */
async function timelineColours(page: Page): Promise<Map<string, string[]>> {
  const rows = await page.evaluate(() => window.lab?.templates() ?? [])
  const by = new Map<string, string[]>()
  for (const r of rows) by.set(r.rs, [...new Set([...(by.get(r.rs) ?? []), r.color])])
  return by
}

test('a real server keeps its colour when another is removed (rs-failure preset at 300 s)', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('failure')
  await page.evaluate(() => window.lab?.seekForTest?.(280_000))
  await expect.poll(() => lab.nowMs(), { timeout: 30_000 }).toBeGreaterThanOrEqual(280_000)
  await expect(page.getByTestId(`rs-${RS101}:0`)).toBeVisible()
  const before = await colours(page, RS102, 0)
  const other = await colours(page, RS101, 0)
  // two servers, two colours; the swatch and the drawing agree
  expect(before.swatch).toBe(before.director)
  expect(other.swatch).not.toBe(before.swatch)
  const rowsBefore = await timelineColours(page)
  expect(rowsBefore.get(RS102)).toHaveLength(1)
  expect(rowsBefore.get(RS101)).toHaveLength(1)

  // the health check at 300 s removes .101
  await lab.speed(10)
  await lab.playUntil(302_000)
  await expect(page.getByTestId(`rs-${RS101}:0`)).toHaveCount(0)
  const after = await colours(page, RS102, 0)
  expect(after).toEqual(before)
  const rowsAfter = await timelineColours(page)
  // .102's rows, old and new, and .101's past rows keep their colours
  expect(rowsAfter.get(RS102)).toEqual(rowsBefore.get(RS102))
  expect(rowsAfter.get(RS101)).toEqual(rowsBefore.get(RS101))

  // a rewind brings .101 back in its own colour
  await page.evaluate(() => window.lab?.seekForTest?.(10_000))
  await expect(page.getByTestId(`rs-${RS101}:0`)).toBeVisible()
  await expect.poll(() => colours(page, RS101, 0)).toEqual(other)
  expect(await colours(page, RS102, 0)).toEqual(before)
})

test('"Down" on one real server leaves the other’s colour, and "Up again" gives it back its own', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  const down = await colours(page, RS101, 80)
  const stays = await colours(page, RS102, 80)
  await page.getByTestId(`rs-${RS101}:80`).getByRole('button', { name: 'Down' }).click()
  await expect(page.getByTestId(`rs-${RS101}:80`)).toHaveCount(0)
  expect(await colours(page, RS102, 80)).toEqual(stays)
  await page.getByRole('button', { name: 'Up again' }).click()
  await expect(page.getByTestId(`rs-${RS101}:80`)).toBeVisible()
  await expect.poll(() => colours(page, RS101, 80)).toEqual(down)
  expect(await colours(page, RS102, 80)).toEqual(stays)
})

test('a compared configuration keeps its colour when others are added or left out', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('view-compare').click()
  const legend = (id: string) =>
    page
      .getByTestId(`legend-${id}`)
      .locator('line')
      .evaluate((e) => `${getComputedStyle(e).stroke} ${e.getAttribute('stroke-dasharray') ?? ''}`)
  await expect(page.getByTestId('legend-fwmark')).toBeVisible({ timeout: 30_000 })
  const fwmark = await legend('fwmark')
  const shared = await legend('shared')
  expect(fwmark).not.toBe(shared)
  // not a real server's colour either
  const serverColours = await page.evaluate(() =>
    Array.from({ length: 8 }, (_, i) => {
      const probe = document.createElement('span')
      probe.style.color = `var(--rs-${i})`
      document.body.append(probe)
      const c = getComputedStyle(probe).color
      probe.remove()
      return c
    }),
  )
  expect(serverColours).not.toContain(fwmark.split(' ').slice(0, 3).join(' '))
  // leave out "No persistence" and "PPC", add "PCC": fwmark and shared keep their lines
  await page.getByRole('checkbox', { name: 'No persistence', exact: true }).uncheck()
  await page.getByRole('checkbox', { name: 'PPC (:80 and :443)' }).uncheck()
  await page.getByRole('checkbox', { name: /^PCC/ }).check()
  await page.getByRole('button', { name: 'Run the comparison' }).click()
  await expect(page.getByTestId('legend-pcc')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('legend-none')).toHaveCount(0)
  expect(await legend('fwmark')).toBe(fwmark)
  expect(await legend('shared')).toBe(shared)
})
