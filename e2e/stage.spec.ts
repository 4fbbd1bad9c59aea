import { mkdirSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/** The projector (Presenter mode) and a student's laptop (the lab): the stage must fit both. */
const SIZES = [
  { width: 1280, height: 720, presenter: true },
  { width: 1366, height: 768, presenter: false },
] as const

interface Box {
  x: number
  y: number
  width: number
  height: number
}

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox()
  expect(b, `${l.toString()} has a box`).not.toBeNull()
  return b as Box
}

/** Wholly inside the window (a pixel of rounding allowed). */
function expectInViewport(page: Page, b: Box, what: string): void {
  const v = page.viewportSize() ?? { width: 0, height: 0 }
  expect(b.x, `${what}: left edge`).toBeGreaterThanOrEqual(-1)
  expect(b.y, `${what}: top edge`).toBeGreaterThanOrEqual(-1)
  expect(b.x + b.width, `${what}: right edge`).toBeLessThanOrEqual(v.width + 1)
  expect(b.y + b.height, `${what}: bottom edge`).toBeLessThanOrEqual(v.height + 1)
}

/** Wholly inside `outer` (its scrolling panel: not scrolled out of view). */
function expectWithin(inner: Box, outer: Box, what: string): void {
  expect(inner.y, `${what}: inside its panel (top)`).toBeGreaterThanOrEqual(outer.y - 1)
  expect(inner.y + inner.height, `${what}: inside its panel (bottom)`).toBeLessThanOrEqual(outer.y + outer.height + 1)
}

/** The director, the first two real servers' bars, six rows of the timeline, the clock and Play: all in the window at once. */
async function expectStageOnScreen(page: Page): Promise<void> {
  expectInViewport(page, await box(page.getByTestId('director-svg')), 'the director')
  const servers = await box(page.locator('section.area-servers'))
  const rows = page.locator('[data-testid^="rs-192."]')
  expect(await rows.count()).toBeGreaterThanOrEqual(2)
  // the first two servers (the default lab's two; a lesson's four scroll in their panel after them)
  for (const bars of (await rows.locator('.bars').all()).slice(0, 2)) {
    const b = await box(bars)
    expectInViewport(page, b, 'a real server’s bars')
    expectWithin(b, servers, 'a real server’s bars')
  }
  const canvas = page.getByTestId('timeline-canvas')
  const rowH = Number(await canvas.getAttribute('data-row-height'))
  expect(rowH).toBeGreaterThan(0)
  const viewport = page.getByTestId('timeline')
  expectInViewport(page, await box(viewport), 'the timeline’s rows')
  const inner = await viewport.evaluate((e) => e.clientHeight)
  expect(Math.floor(inner / rowH), 'timeline rows on screen').toBeGreaterThanOrEqual(6)
  expectInViewport(page, await box(page.getByTestId('clock')), 'the clock')
  expectInViewport(page, await box(page.getByTestId('play')), 'the play button')
}

async function openAt(page: Page, width: number, height: number, presenter: boolean): Promise<LabPage> {
  await page.setViewportSize({ width, height })
  const lab = new LabPage(page)
  await lab.open()
  if (presenter) {
    await page.getByTestId('presenter').click()
    await expect(page.locator('html')).toHaveAttribute('data-presenter', '')
  }
  return lab
}

for (const { width, height, presenter } of SIZES) {
  const where = `${width}×${height}${presenter ? ', Presenter' : ', lab'}`

  test(`the director, the real servers' bars, six timeline rows, the clock and Play are on screen together while it plays (${where})`, async ({
    page,
  }) => {
    const lab = await openAt(page, width, height, presenter)
    await lab.speed(10)
    await lab.play()
    await expect
      .poll(() => page.evaluate(() => window.lab?.templates().length ?? 0), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(6)
    await expect(page.getByTestId('play')).toHaveText(/Pause/)
    await expectStageOnScreen(page)
    // six rows are there to show (the run has made them), and the canvas drew them
    expect(await page.evaluate(() => window.lab?.templates().length ?? 0)).toBeGreaterThanOrEqual(6)
    // scrolled down to the console, the clock and Play stay in view (the bar is sticky)
    if (!presenter) {
      await lab.consoleLog().scrollIntoViewIfNeeded()
      expectInViewport(page, await box(page.getByTestId('clock')), 'the clock, scrolled down')
      expectInViewport(page, await box(page.getByTestId('play')), 'the play button, scrolled down')
    }
  })

  test(`a lesson's card docks beside the stage, and the stage stays on screen (${where})`, async ({ page }) => {
    const lab = await openAt(page, width, height, presenter)
    await page.getByTestId('view-lessons').click()
    // lesson 1: a class's worth of clients; its second step asks a question
    await page.getByTestId('lesson-why').click()
    const card = page.getByTestId('lesson')
    await expect(card).toBeVisible()
    await expect(lab.consoleLog()).toContainText('— classroom-none —')
    await page.getByTestId('lesson-next').click()
    await lab.speed(10)
    await lab.play()
    await expect.poll(() => lab.nowMs(), { timeout: 30_000 }).toBeGreaterThan(20_000)
    const c = await box(card)
    expectInViewport(page, c, 'the lesson card')
    // beside: side by side with the director and the timeline, not above or below them
    for (const id of ['director-svg', 'timeline']) {
      const b = await box(page.getByTestId(id))
      expect(c.x >= b.x + b.width - 1 || c.x + c.width <= b.x + 1, `the card is beside ${id}`).toBe(true)
      expect(c.y < b.y + b.height && b.y < c.y + c.height, `the card sits at ${id}'s height`).toBe(true)
    }
    await expectStageOnScreen(page)
  })

  test(`Space plays and pauses, also after a click left focus on a toolbar button (${where})`, async ({ page }) => {
    await openAt(page, width, height, presenter)
    // focus is where the last click left it (on the Presenter button in Presenter mode)
    await page.keyboard.press('Space')
    await expect(page.getByTestId('play')).toHaveText(/Pause/)
    // the click's button (Presenter) was not pressed again
    if (presenter) await expect(page.locator('html')).toHaveAttribute('data-presenter', '')
    else await expect(page.locator('html')).not.toHaveAttribute('data-presenter', '')
    await page.keyboard.press('Space')
    await expect(page.getByTestId('play')).toHaveText(/Play/)
    // typing in the console is typing: Space there is a space
    const input = page.getByRole('textbox', { name: /^(Console|控制台)$/ })
    if (!presenter) {
      await input.fill('ipvsadm')
      await input.press('Space')
      await expect(input).toHaveValue('ipvsadm ')
      await expect(page.getByTestId('play')).toHaveText(/Play/)
    }
  })
}

test('in a lesson, Space is the lesson’s Next in the lab too (not play/pause), and the clock waits for a play step', async ({
  page,
}) => {
  const lab = await openAt(page, 1366, 768, false)
  await page.getByTestId('view-lessons').click()
  await page.getByTestId('lesson-why').click()
  const card = page.getByTestId('lesson')
  await expect(card).toContainText('Step 1 of 6')
  await expect(lab.consoleLog()).toContainText('— classroom-none —')
  await page.keyboard.press('Space') // the question
  await expect(card).toContainText('Step 2 of 6')
  await expect(page.getByTestId('play')).toHaveText(/Play/)
  await page.keyboard.press('Space') // the play step: it plays toward 120 s
  await expect(card).toContainText('Step 3 of 6')
  await expect(page.getByTestId('lesson-clock')).toBeVisible()
  // Space while it plays: the clock goes to the step's time, the lesson stays on its step
  await page.keyboard.press('Space')
  await expect.poll(() => lab.nowMs()).toBe(120_000)
  await expect(card).toContainText('Step 3 of 6')
})

test("Presenter draws its text at 16 px or more at 1280 wide: the director's labels, the timeline's rows and its axis", async ({
  page,
}) => {
  const lab = await openAt(page, 1280, 720, true)
  await lab.speed(10)
  await lab.playUntil(20_000)
  // the director's SVG text as it lands on screen (its size times the picture's scale)
  const sizes = await page.getByTestId('director-svg').evaluate((svg) => {
    const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width
    return [...svg.querySelectorAll('text')].map((t) => Number.parseFloat(getComputedStyle(t).fontSize) * scale)
  })
  expect(sizes.length).toBeGreaterThan(5)
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(16)
  // the timeline's canvas: its rows' font and height, drawn at the device's pixel ratio
  const canvas = page.getByTestId('timeline-canvas')
  expect(Number(await canvas.getAttribute('data-font-px'))).toBeGreaterThanOrEqual(16)
  expect(Number(await canvas.getAttribute('data-row-height'))).toBeGreaterThanOrEqual(24)
  const { backing, css, dpr } = await canvas.evaluate((c) => ({
    backing: (c as HTMLCanvasElement).width,
    css: c.getBoundingClientRect().width,
    dpr: window.devicePixelRatio,
  }))
  expect(Math.abs(backing - Math.round(css * dpr))).toBeLessThanOrEqual(1)
  // the time axis's ticks
  const ticks = await page
    .locator('.timeline .axis text')
    .evaluateAll((ts) => ts.map((t) => Number.parseFloat(getComputedStyle(t).fontSize)))
  expect(ticks.length).toBeGreaterThan(1)
  expect(Math.min(...ticks)).toBeGreaterThanOrEqual(16)
  // and the lab's own sizes are smaller (Presenter is what grows them)
  await page.getByTestId('presenter').click()
  await expect(canvas).toHaveAttribute('data-font-px', '12')
})

test('the clock shows now and the end in one format; an edit away from the preset says so instead of its name and words', async ({
  page,
}) => {
  const lab = await openAt(page, 1366, 768, false)
  await expect(page.getByTestId('clock')).toHaveText('0.0 s')
  await expect(page.getByTestId('clock-end')).toHaveText('/ 600.0 s')
  await expect(page.getByTestId('description')).toContainText('150 users browsing')
  // a listing changes nothing
  await lab.type('ipvsadm -Ln')
  await expect(page.getByTestId('description')).toContainText('150 users browsing')
  await lab.type('ipvsadm -E -t 192.168.100.100:80 -s wlc -p 300')
  await expect(page.getByTestId('description')).toHaveText('Edited from the preset: its description no longer applies.')
  await expect(page.getByTestId('preset').locator('option:checked')).toHaveText(
    'custom (edited from PPC on :80 — the classic textbook example)',
  )
})

test("the quiescent pill stays on one line, beside the server's address", async ({ page }) => {
  const lab = await openAt(page, 1280, 720, true)
  await page.getByTestId('weight-192.168.8.101:80').fill('0')
  await page.getByTestId('weight-192.168.8.101:80').press('Enter')
  const pill = page.getByTestId('rs-192.168.8.101:80').locator('.badge.quiescent')
  await expect(pill).toBeVisible()
  const b = await box(pill)
  const lineHeight = await pill.evaluate((e) => Number.parseFloat(getComputedStyle(e).fontSize) * 1.6)
  expect(b.height).toBeLessThanOrEqual(lineHeight)
  void lab
})

// ---------------------------------------------------------------- screenshots (SHOTS=1)

for (const { width, height, presenter } of SIZES)
  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshot: the stage while it plays (${width}×${height}${presenter ? ' presenter' : ''}, ${locale}, ${theme})`, async ({
        page,
      }) => {
        test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
        test.setTimeout(120_000)
        const lab = await openAt(page, width, height, false)
        await page.getByTestId('locale').selectOption(locale)
        if (theme === 'dark') await page.getByTestId('theme').click()
        if (presenter) await page.getByTestId('presenter').click()
        await lab.speed(10)
        await lab.play()
        await expect.poll(() => lab.nowMs(), { timeout: 30_000 }).toBeGreaterThan(60_000)
        mkdirSync('/tmp/shots-stage', { recursive: true })
        await page.screenshot({
          path: `/tmp/shots-stage/${width}x${height}${presenter ? '-presenter' : ''}-${locale}-${theme}.png`,
        })
      })

for (const { width, height, presenter } of SIZES)
  for (const locale of ['en', 'zh-CN'] as const)
    test(`screenshot: a lesson docked beside the stage (${width}×${height}${presenter ? ' presenter' : ''}, ${locale})`, async ({
      page,
    }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(120_000)
      const lab = await openAt(page, width, height, false)
      await page.getByTestId('locale').selectOption(locale)
      if (presenter) await page.getByTestId('presenter').click()
      await page.getByTestId('view-lessons').click()
      await page.getByTestId('lesson-why').click()
      await expect(lab.consoleLog()).toContainText('— classroom-none —')
      await page.getByTestId('lesson-next').click()
      await lab.speed(10)
      await lab.play()
      await expect.poll(() => lab.nowMs(), { timeout: 30_000 }).toBeGreaterThan(60_000)
      mkdirSync('/tmp/shots-stage', { recursive: true })
      await page.screenshot({
        path: `/tmp/shots-stage/${width}x${height}${presenter ? '-presenter' : ''}-${locale}-lesson.png`,
      })
    })

for (const { width, height, presenter } of SIZES)
  test(`screenshot: -M (clients grouped by netmask) on the stage (${width}×${height}${presenter ? ' presenter' : ''})`, async ({
    page,
  }) => {
    test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
    test.setTimeout(120_000)
    const lab = await openAt(page, width, height, presenter)
    await lab.preset('megaproxyM')
    await lab.speed(10)
    await lab.playUntil(90_000)
    mkdirSync('/tmp/shots-stage', { recursive: true })
    await page.screenshot({
      path: `/tmp/shots-stage/${width}x${height}${presenter ? '-presenter' : ''}-megaproxyM.png`,
    })
  })

test("screenshot: the README's pictures (the lab at 1366×768 while it plays, and the whole page)", async ({ page }) => {
  test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
  test.setTimeout(120_000)
  const lab = await openAt(page, 1366, 768, false)
  await lab.speed(10)
  await lab.play()
  await expect.poll(() => lab.nowMs(), { timeout: 30_000 }).toBeGreaterThan(90_000)
  await lab.pause()
  mkdirSync('/tmp/shots-stage', { recursive: true })
  await page.screenshot({ path: '/tmp/shots-stage/docs-screenshot.png' })
  // panels below the fold draw once on screen: bring each into view first
  await page.getByTestId('listing').scrollIntoViewIfNeeded()
  await expect(page.getByTestId('listing')).toContainText('IPVS connection entries')
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.waitForTimeout(300)
  await page.screenshot({ path: '/tmp/shots-stage/docs-screenshot-full.png', fullPage: true })
})

test('screenshot: Compare in Presenter at 1280×720 (its chart ticks)', async ({ page }) => {
  test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
  test.setTimeout(120_000)
  const lab = await openAt(page, 1280, 720, true)
  await page.getByTestId('view-compare').click()
  await lab.play()
  await page.waitForTimeout(4000)
  const ticks = await page
    .locator('.chart svg')
    .first()
    .evaluate((svg) => {
      const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width
      return [...svg.querySelectorAll('.tick')].map((t) => Number.parseFloat(getComputedStyle(t).fontSize) * scale)
    })
  console.log('compare ticks (px on screen):', ticks.join(', '))
  mkdirSync('/tmp/shots-stage', { recursive: true })
  await page.screenshot({ path: '/tmp/shots-stage/1280x720-presenter-compare.png', fullPage: true })
})
