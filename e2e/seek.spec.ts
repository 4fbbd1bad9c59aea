import { type Page, test as plain } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/**
 * Rewinding as a class does it: the clock follows the slider's thumb while it is dragged, a
 * reload comes back to the very time the lab was paused at, and a wrong address says so.
 */

test('while the slider is dragged, the clock follows the thumb (backwards too)', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(100)
  await lab.playUntil(300_000)
  const slider = page.getByTestId('seek')
  const box = await slider.boundingBox()
  if (!box) throw new Error('no slider')
  const endMs = Number(await slider.getAttribute('max'))
  const xAt = (ms: number) => box.x + 8 + ((box.width - 16) * ms) / endMs
  const y = box.y + box.height / 2
  const clockMs = async () => {
    const text = (await page.getByTestId('clock').textContent()) ?? ''
    const m = /^([\d.]+) s$/.exec(text) ?? /^(\d+):(\d\d)$/.exec(text)
    if (!m) return Number.NaN
    return m.length === 3 ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : Number(m[1]) * 1000
  }
  const now = await lab.nowMs()
  await page.mouse.move(xAt(now), y)
  await page.mouse.down()
  // drag back to the start in steps, the button held: the clock reads where the thumb is
  const seen: number[] = []
  let x = xAt(now)
  for (const ms of [250_000, 200_000, 150_000, 100_000, 50_000]) {
    // a hand's drag: one pointer event per displayed frame, not four in one burst
    for (let k = 1; k <= 4; k++) {
      await page.mouse.move(x + ((xAt(ms) - x) * k) / 4, y)
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)))
    }
    x = xAt(ms)
    await expect.poll(clockMs, { timeout: 10_000 }).toBeLessThan(ms + 8_000)
    seen.push(await clockMs())
  }
  await page.mouse.up()
  // every position on the way was shown (within the slider's pixel), before the button was released
  expect(seen).toHaveLength(5)
  for (const [i, ms] of [250_000, 200_000, 150_000, 100_000, 50_000].entries())
    expect(Math.abs(seen[i] - ms)).toBeLessThan(8_000)
  // and the panels are those of that time: the timeline has no template born after it
  const t = await lab.nowMs()
  const born = await page.evaluate(() => (window.lab?.templates() ?? []).map((r) => r.createdAt))
  expect(born.length).toBeGreaterThan(0)
  expect(Math.max(...born)).toBeLessThanOrEqual(t)
})

test('a reload comes back to the exact time the lab was sought to, with the same panels', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.evaluate(() => window.lab?.seekForTest?.(187_300))
  await expect(page.getByTestId('clock')).toHaveText('187.3 s')
  await expect(page.getByTestId('play')).toBeEnabled()
  const panels = async () =>
    page.evaluate(() => ({
      rs: window.lab?.rs(),
      templates: (window.lab?.templates() ?? []).map((r) => `${r.client} ${r.rs} ${r.createdAt} ${r.expiredAt}`).sort(),
    }))
  const before = await panels()
  expect(before.templates.length).toBeGreaterThan(0)
  // saved once paused there
  await expect
    .poll(() =>
      page.evaluate(() => (JSON.parse(localStorage.getItem('lab.session') ?? '{}') as { atMs?: number }).atMs),
    )
    .toBe(187_300)
  await page.reload()
  await expect(page.getByTestId('notice')).toContainText('Your last session is back')
  await expect(page.getByTestId('clock')).toHaveText('187.3 s', { timeout: 20_000 })
  await expect(page.getByTestId('play')).toBeEnabled()
  await expect.poll(panels).toEqual(before)
})

// plain Playwright: the missing file's 404, which the browser logs, is what the test is about —
// any other console error still fails it
for (const [query, words] of [
  ['?scenario=nope.json', 'no scenario named nope.json'],
  ['?preset=nope', 'no preset named nope'],
] as const)
  plain(`a wrong address (${query}) says so in words and opens the default lab`, ({ page }) =>
    wrongAddress(page, query, words, 'en'),
  )

plain.describe('in 中文', () => {
  plain.use({ locale: 'zh-CN' })
  for (const [query, words] of [
    ['?scenario=nope.json', '没有名为 nope.json 的场景'],
    ['?preset=nope', '没有名为 nope 的预设'],
  ] as const)
    plain(`a wrong address (${query}) says so in 中文 and opens the default lab`, ({ page }) =>
      wrongAddress(page, query, words, 'zh'),
    )
})

/** Open the lab at a wrong address: the notice says so in `words`, the default lab opens, nothing else fails. */
async function wrongAddress(page: Page, query: string, words: string, lang: string): Promise<void> {
  const errors = pageErrors(page)
  await page.goto(`/${query}`)
  await expect(page.getByTestId('notice')).toContainText(words)
  await expect(page.getByTestId('play')).toBeEnabled()
  await expect(page.getByTestId('console-log')).toContainText('ipvsadm -A -t 192.168.100.100:80')
  expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([])
  if (process.env.SHOTS) await page.screenshot({ path: `/tmp/shots-seek/wrong-${query.slice(1, 8)}-${lang}.png` })
}

function pageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  return errors
}
