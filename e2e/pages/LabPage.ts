import { expect, type Locator, type Page } from '@playwright/test'

/** The page as a user drives it: toolbar, console, real servers, timeline (a page object: docs/style.md §8). */
export class LabPage {
  readonly page: Page
  constructor(page: Page) {
    this.page = page
  }

  /**
   * The interface's language and theme from the first load on, as a returning user's stored
   * preferences (call before `open`).
   */
  async prefer({ locale, theme }: { locale?: 'en' | 'zh-CN'; theme?: 'light' | 'dark' }): Promise<void> {
    await this.page.addInitScript(
      ([l, th]) => {
        if (l) localStorage.setItem('lab.locale', l)
        if (th) localStorage.setItem('lab.theme', th)
      },
      [locale, theme] as const,
    )
  }

  /** `url`: the lab's address (default the test server's root; a sub-path or another server's). */
  async open(url = '/'): Promise<void> {
    await this.page.goto(url)
    await expect(this.page.getByTestId('play')).toBeEnabled()
    await expect(this.page.getByTestId('console-log')).toContainText('ipvsadm -A')
  }

  async preset(id: string): Promise<void> {
    await this.page.getByTestId('preset').selectOption(id)
    // play waits for the new scenario to be loaded
    await expect(this.page.getByTestId('play')).toBeEnabled()
    await expect(this.page.getByTestId('clock')).toHaveText('0.0 s')
  }

  /**
   * Hold back the requests for `url` (a glob), as a slow network or a busy machine would; they go
   * on when the returned function is called. A request the service worker answers from its cache
   * never reaches the network: a test that holds requests blocks the service worker
   * (`test.use({ serviceWorkers: 'block' })`).
   */
  async holdRequests(url: string): Promise<() => void> {
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    await this.page.route(url, async (route) => {
      await held
      await route.continue()
    })
    return release
  }

  async speed(x: number): Promise<void> {
    await this.page.getByTestId('speed').selectOption(String(x))
  }

  async play(): Promise<void> {
    await this.page.getByRole('button', { name: /Play|播放/ }).click()
  }

  async pause(): Promise<void> {
    await this.page.getByRole('button', { name: /Pause|暂停/ }).click()
  }

  async nowMs(): Promise<number> {
    return this.page.evaluate(() => window.lab?.nowMs() ?? -1)
  }

  /**
   * Seek to `ms` through the test API and wait until the clock reads it (never a snapshot's time:
   * its commands take 0.12 s each and move the clock on). A seek far into a run replays up to
   * it, which on a loaded machine takes seconds: the wait is the clock's, up to 30 s.
   */
  async seek(ms: number): Promise<void> {
    await this.page.evaluate((t) => window.lab?.seekForTest?.(t), ms)
    await expect.poll(() => this.nowMs(), { timeout: 30_000 }).toBe(ms)
  }

  /** Play until the simulated clock passes `ms`. */
  /**
   * The clicker's key (PageDown) until the lesson card shows step `n` of `of`, in either language:
   * a press while a step loads is ignored (stepClock.ts onPress), so a loaded machine may need a
   * second one; a press that took is never repeated.
   */
  async lessonStep(n: number, of: number): Promise<void> {
    const lesson = this.page.getByTestId('lesson')
    const says = new RegExp(`Step ${n} of ${of}\\b|第 ${n} / ${of} 步`)
    await expect(async () => {
      if (!says.test((await lesson.textContent()) ?? '')) await this.page.locator('body').press('PageDown')
      await expect(lesson).toContainText(says, { timeout: 1000 })
    }).toPass({ timeout: 30_000 })
  }

  /**
   * A lesson's play step just begun: Next jumps its clock to the step's time `ms`, as the clicker
   * does in class (src/lessons/stepClock.ts onPress), and the step stays; then the clock is there.
   * For tests about what a step shows, not about playing (lessons.spec.ts "a play step owns the
   * clock" plays one out). A press while the lab is busy is ignored and the play runs on.
   */
  async finishPlayStep(ms: number): Promise<void> {
    if ((await this.nowMs()) !== ms) await this.page.getByTestId('lesson-next').click()
    await expect.poll(() => this.nowMs(), { timeout: 60_000 }).toBe(ms)
  }

  async playUntil(ms: number): Promise<void> {
    await this.play()
    await expect.poll(() => this.nowMs(), { timeout: 30_000 }).toBeGreaterThan(ms)
    await this.pause()
  }

  async type(line: string): Promise<void> {
    const input = this.page.getByRole('textbox', { name: /^(Console|控制台)$/ })
    await input.fill(line)
    await input.press('Enter')
  }

  consoleLog() {
    return this.page.getByTestId('console-log')
  }

  /** The output printed right after the last console line that ran `cmd`. */
  outputOf(cmd: string): Locator {
    return this.consoleLog()
      .locator('div.cmd')
      .filter({ hasText: new RegExp(`# ${cmd.replace(/[|.*+?^${}()[\]\\]/g, '\\$&')}$`) })
      .last()
      .locator('xpath=following-sibling::div[1]')
  }

  /**
   * A full-page screenshot as a reader scrolling down would see it: panels draw only while on
   * screen (the timeline's canvas, the listings), so each is brought into view once first.
   */
  async shot(name: string): Promise<void> {
    const page = this.page
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    const step = page.viewportSize()?.height ?? 720
    for (let y = 0; y < height; y += step) {
      await page.evaluate((top) => window.scrollTo(0, top), y)
      // two animation frames and a listing refresh (four a second)
      await page.waitForTimeout(300)
    }
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: `reports/screenshots/${name}.png`, fullPage: true })
  }
}
