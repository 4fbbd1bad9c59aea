import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/**
 * A paused lab costs nothing: no animation frame is asked for and no interval runs while it is
 * paused and idle (the page's loops sleep, src/store/frameLoop.ts), and anything that needs a frame
 * wakes them at once. An init script counts the page's requestAnimationFrame, setInterval and
 * setTimeout calls (the page's own world: Playwright's scripts run in another).
 */

declare global {
  interface Window {
    idleCount?: { raf: number; interval: number; timeout: number }
  }
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const count = { raf: 0, interval: 0, timeout: 0 }
    window.idleCount = count
    const raf = window.requestAnimationFrame.bind(window)
    window.requestAnimationFrame = (cb) => {
      count.raf++
      return raf(cb)
    }
    const interval = window.setInterval.bind(window)
    window.setInterval = ((...a: Parameters<typeof setInterval>) => {
      count.interval++
      return interval(...a)
    }) as typeof setInterval
    const timeout = window.setTimeout.bind(window)
    window.setTimeout = ((...a: Parameters<typeof setTimeout>) => {
      count.timeout++
      return timeout(...a)
    }) as typeof setTimeout
  })
})

const counts = (page: Page) =>
  page.evaluate(() => ({ ...(window.idleCount ?? { raf: -1, interval: -1, timeout: -1 }) }))

/**
 * What the page asks for over `ms` of wall time (a wait, not an assertion on time: the counts
 * are what is checked).
 */
async function over(page: Page, ms: number) {
  const a = await counts(page)
  await page.waitForTimeout(ms)
  const b = await counts(page)
  return { raf: b.raf - a.raf, interval: b.interval - a.interval, timeout: b.timeout - a.timeout }
}

/**
 * Wait until the page has gone to sleep: the last connections have flown (1.4 s) and the
 * throttled labels caught up, so 300 ms pass without an animation frame.
 */
async function settled(page: Page) {
  await expect.poll(async () => (await over(page, 300)).raf, { timeout: 15_000 }).toBe(0)
}

/**
 * Asleep for 1 s: no animation frame, no interval (a loop awake asks ~60 frames a second). Timers:
 * the watchdog's heartbeat only (a timer every 2 s and one for its answer — src/store/client.ts
 * HEARTBEAT_MS), so 2 at most, 4 allowed for an answer late from a busy machine.
 */
async function expectAsleep(page: Page) {
  await settled(page)
  const asleep = await over(page, 1000)
  expect(asleep.raf).toBe(0)
  expect(asleep.interval).toBe(0)
  expect(asleep.timeout).toBeLessThanOrEqual(4)
}

/** Animation frames asked for from `act` until the next frame is drawn. */
async function rafsAfter(page: Page, act: () => Promise<void>) {
  const before = (await counts(page)).raf
  await act()
  // two frames drawn after the act: a loop woken by it has asked for its frame by then
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  // the two just asked for by the line above are not the page's
  return (await counts(page)).raf - before - 2
}

test('paused after playing, the lab asks for no animation frame; play wakes it within a frame', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(10)
  await lab.playUntil(20_000)
  await expect(page.getByTestId('play')).toHaveText(/Play/)
  await expectAsleep(page)

  // play: frames at once, and the clock moves
  const at = await lab.nowMs()
  expect(await rafsAfter(page, () => page.getByTestId('play').click())).toBeGreaterThanOrEqual(1)
  await expect.poll(() => lab.nowMs()).toBeGreaterThan(at)
  await lab.pause()
  await expectAsleep(page)
})

test('while paused, a command, a seek, the timeline, a resize and the language wake the lab, which sleeps again', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(10)
  await lab.playUntil(30_000)
  await expectAsleep(page)

  // a command typed: its result shows, then sleep again
  await lab.type('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0')
  await expect(page.getByTestId('rs-192.168.8.101:80')).toContainText('quiescent')
  await expectAsleep(page)

  // a seek (the slider's keys): the clock and the timeline follow
  await page.getByTestId('seek').focus()
  await page.keyboard.press('Home')
  await expect(page.getByTestId('clock')).toHaveText('0.0 s')
  await expect.poll(() => page.evaluate(() => window.lab?.templates().length ?? -1)).toBe(0)
  await expectAsleep(page)
  await page.getByTestId('seek').blur()

  // the timeline walked by keyboard and hovered: it redraws, then sleeps
  await lab.playUntil(25_000)
  await expectAsleep(page)
  const timeline = page.getByTestId('timeline')
  await timeline.focus()
  expect(await rafsAfter(page, () => timeline.press('ArrowDown'))).toBeGreaterThanOrEqual(1)
  // hovering a row asks the worker for its line (ipvsadm -Lnc's): shown, then asleep with the pointer on it
  await timeline.hover({ position: { x: 60, y: 10 } })
  await expect(timeline.locator('.tooltip')).toContainText(/TCP|expired/)
  await expectAsleep(page)
  await page.mouse.move(0, 0)

  // the window resized: the drawings follow it, then sleep
  expect(await rafsAfter(page, () => page.setViewportSize({ width: 1366, height: 768 }))).toBeGreaterThanOrEqual(1)
  await expectAsleep(page)

  // the language: the panels are drawn again in it, then sleep
  await page.getByTestId('locale').selectOption('zh-CN')
  await expect(page.getByTestId('play')).toHaveText(/播放/)
  await expectAsleep(page)
})
