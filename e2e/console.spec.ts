import { mkdirSync, readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

type Catalogue = { presets: Record<string, string> }
const catalogue = (name: string) =>
  JSON.parse(readFileSync(new URL(`../src/i18n/${name}.json`, import.meta.url), 'utf8')) as Catalogue
const en = catalogue('en')
const zh = catalogue('zh-CN')

const input = (page: Page) => page.getByTestId('console-input')
/** What the page has focused: its data-tab-order (see below), its test id, or its tag. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return el?.dataset.tabOrder ?? el?.dataset.testid ?? el?.tagName ?? null
  })

test('Tab completes only where there is something to complete, else moves on; Shift+Tab goes back; Esc leaves', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  const box = input(page)
  const run = page.getByRole('button', { name: 'Run', exact: true })

  // empty prompt: Tab moves on to Run, Shift+Tab comes back
  await box.focus()
  await page.keyboard.press('Tab')
  await expect(run).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await expect(box).toBeFocused()

  // a service to complete: Tab completes it and stays
  await box.fill('ipvsadm -E -t ')
  await page.keyboard.press('Tab')
  await expect(box).toHaveValue('ipvsadm -E -t 192.168.100.100:80 ')
  await expect(box).toBeFocused()
  // two schedulers fit: the first Tab lists them, the second (nothing new) moves on
  await box.pressSequentially('-s w')
  await page.keyboard.press('Tab')
  await expect(box).toBeFocused()
  await expect(page.getByTestId('console-hint')).toHaveText('wlc  wrr')
  await page.keyboard.press('Tab')
  await expect(run).toBeFocused()
  await expect(box).toHaveValue('ipvsadm -E -t 192.168.100.100:80 -s w')
  // a pipe's command, then a word where nothing fits (a number): Tab moves on
  await box.fill('ipvsadm -Lnc | so')
  await box.press('Tab')
  await expect(box).toHaveValue('ipvsadm -Lnc | sort ')
  await box.pressSequentially('-k5 | uniq -c -w 3')
  await box.press('Tab')
  await expect(run).toBeFocused()

  // Esc leaves the prompt for the console's output (which scrolls by keyboard)
  await box.focus()
  await page.keyboard.press('Escape')
  await expect(lab.consoleLog()).toBeFocused()
  await expect(box).toHaveValue('ipvsadm -Lnc | sort -k5 | uniq -c -w 3')
})

test('forward Tab from the console reaches every control below it, in order; Shift+Tab walks back', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  // a few connections, so that the Why? panel lists some to click
  await lab.speed(10)
  await lab.playUntil(5_000)
  // every control after the prompt, in document order, that the keyboard should reach — counted once
  // the page has settled (the Why? panel and the listing fill in a frame or two after the pause)
  const count = () =>
    page.evaluate(() => {
      const prompt = document.getElementById('console-input') as HTMLElement
      const all = [
        ...document.querySelectorAll<HTMLElement | SVGElement>(
          'a[href], button, input, select, textarea, summary, [tabindex]',
        ),
      ]
      const reachable = all.filter(
        (el) =>
          el.tabIndex >= 0 &&
          !(el as HTMLButtonElement).disabled &&
          el.checkVisibility({ visibilityProperty: true }) &&
          el.closest('[inert]') === null &&
          (prompt.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
      )
      reachable.forEach((el, i) => {
        el.dataset.tabOrder = String(i)
      })
      return reachable.length
    })
  let n = await count()
  for (let settled = 0; settled < 2; ) {
    await page.waitForTimeout(500)
    const again = await count()
    settled = again === n ? settled + 1 : 0
    n = again
  }
  // the Run button, the script editor, the listings' tabs and filter, the listing, the Why? panel…
  expect(n).toBeGreaterThanOrEqual(8)
  await input(page).focus()
  const forward: (string | null)[] = []
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab')
    forward.push(await focused(page))
  }
  expect(forward).toEqual(Array.from({ length: n }, (_, i) => String(i)))
  const back: (string | null)[] = []
  for (let i = n - 2; i >= 0; i--) {
    await page.keyboard.press('Shift+Tab')
    back.push(await focused(page))
  }
  expect(back).toEqual(Array.from({ length: n - 1 }, (_, i) => String(n - 2 - i)))
  await page.keyboard.press('Shift+Tab')
  await expect(input(page)).toBeFocused()
})

test('head, tail, wc, sort and uniq in pipes print what coreutils prints', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(10)
  await lab.playUntil(20_000)
  // paused: every command below sees the same tables
  await lab.type('ipvsadm -Lnc')
  const lnc = (await lab.outputOf('ipvsadm -Lnc').textContent()) ?? ''
  const lines = lnc.split('\n')
  expect(lines.length).toBeGreaterThan(3)
  await lab.type('ipvsadm -Lnc | wc -l')
  await expect(lab.outputOf('ipvsadm -Lnc | wc -l')).toHaveText(String(lines.length))
  await lab.type('ipvsadm -Lnc | sort -k5 | uniq -c')
  const counted = ((await lab.outputOf('ipvsadm -Lnc | sort -k5 | uniq -c').textContent()) ?? '').split('\n')
  // `%7d ` then the line; as many lines in all as -Lnc printed
  for (const l of counted) expect(l).toMatch(/^ {0,6}\d+ \S/)
  expect(counted.reduce((sum, l) => sum + Number(l.slice(0, 7)), 0)).toBe(lines.length)
  await lab.type('ipvsadm -Ln | head -3')
  await expect(lab.outputOf('ipvsadm -Ln | head -3')).toHaveText(
    [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    ].join('\n'),
  )
  await lab.type('ipvsadm -Lnc | tail -n +3 | wc -l')
  await expect(lab.outputOf('ipvsadm -Lnc | tail -n +3 | wc -l')).toHaveText(String(lines.length - 2))
  // an error in coreutils' own words, where it was typed
  await lab.type('ipvsadm -Ln | head -n x')
  await expect(lab.consoleLog().locator('div.err').last()).toHaveText('head: invalid number of lines: ‘x’')
})

test('the console history survives switching views and a reload, in order', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  const typed = ['ipvsadm -Ln', 'ipvsadm -Lnc | wc -l', 'sysctl net.ipv4.vs.expire_nodest_conn']
  for (const c of typed) await lab.type(c)
  const recall = async () => {
    const box = input(page)
    await box.focus()
    for (const c of [...typed].reverse()) {
      await box.press('ArrowUp')
      await expect(box).toHaveValue(c)
    }
    // the oldest stays; Down walks forward again, then back to an empty prompt
    await box.press('ArrowUp')
    await expect(box).toHaveValue(typed[0])
    for (const c of typed.slice(1)) {
      await box.press('ArrowDown')
      await expect(box).toHaveValue(c)
    }
    await box.press('ArrowDown')
    await expect(box).toHaveValue('')
  }
  await page.getByTestId('view-lessons').click()
  await expect(input(page)).toHaveCount(0)
  await page.getByTestId('view-compare').click()
  await page.getByTestId('view-lab').click()
  await recall()
  await page.reload()
  await expect(page.getByTestId('play')).toBeEnabled()
  await recall()
})

test("the console's banner is in the interface's language", async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('banner-test')) {
      sessionStorage.setItem('banner-test', '1')
      localStorage.setItem('lab.locale', 'zh-CN')
    }
  })
  const lab = new LabPage(page)
  await lab.open()
  const first = lab.consoleLog().locator('div.note').first()
  await expect(first).toHaveText(`— ${zh.presets.ppc80} —`)
  await page.getByTestId('locale').selectOption('en')
  await expect(first).toHaveText(`— ${en.presets.ppc80} —`)
  // a preset chosen later: its name too
  await lab.preset('failure')
  await expect(lab.consoleLog().locator('div.note').first()).toHaveText(`— ${en.presets.failure} —`)
})

// Presenter mode hides the console (a lesson's card shows a step's output): the console at both sizes without it
for (const [w, h, presenter] of [
  [1280, 720, false],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    test(`screenshot: the console with pipes and a completion hint (${w}×${h}${presenter ? ' presenter' : ''}, ${locale})`, async ({
      page,
    }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(120_000)
      await page.setViewportSize({ width: w, height: h })
      await page.addInitScript((l) => localStorage.setItem('lab.locale', l), locale)
      const lab = new LabPage(page)
      await lab.open()
      if (presenter) await page.getByTestId('presenter').click()
      await lab.speed(10)
      await lab.playUntil(20_000)
      await lab.type('ipvsadm -Lnc | sort -k5 | uniq -c')
      await lab.type('ipvsadm -Ln | head -3')
      await lab.type('ipvsadm -Lnc | wc -l')
      await input(page).fill('ipvsadm -E -t 192.168.100.100:80 -s w')
      await input(page).press('Tab')
      await input(page).scrollIntoViewIfNeeded()
      mkdirSync('/tmp/shots-console', { recursive: true })
      await page.screenshot({
        path: `/tmp/shots-console/console-${w}x${h}${presenter ? '-presenter' : ''}-${locale}.png`,
      })
      // its first lines: the banner
      await lab.consoleLog().evaluate((el) => {
        el.scrollTop = 0
      })
      await lab.consoleLog().screenshot({ path: `/tmp/shots-console/console-banner-${w}x${h}-${locale}.png` })
    })
