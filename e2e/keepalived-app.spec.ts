import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const DISABLE_102 = 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.102:80 -g -w 0'
const DISABLE_101 = 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 0'

async function openKeepalived(lab: LabPage): Promise<void> {
  await lab.page.goto('/?preset=keepalived')
  await expect(lab.page.getByTestId('play')).toBeEnabled()
  await expect(lab.page.getByTestId('clock')).toHaveText('0.0 s')
}

async function seek(lab: LabPage, ms: number): Promise<void> {
  // a seek asked while the page is still busy (a scenario loading, the language switching) is
  // asked again until the clock is there
  await expect
    .poll(async () => {
      const now = await lab.nowMs()
      if (now !== ms) await lab.page.evaluate((t) => window.lab?.seekForTest?.(t), ms)
      return now
    })
    .toBe(ms)
}

test("a fault button: keepalived's checker in its log and on the timeline, failed connections counted, a seek followed", async ({
  page,
}) => {
  test.setTimeout(120_000)
  const lab = new LabPage(page)
  await openKeepalived(lab)
  // keepalived started by the scenario: its log beside the stage, in its own words
  await page.getByTestId('log-toggle').click()
  const log = page.getByTestId('keepalived-log')
  await expect(log).toContainText(
    'Keepalived_healthcheckers[1203]: Activating healthchecker for service [192.168.8.102]:tcp:80 for VS [192.168.100.100]:tcp:80',
  )
  await expect(log.getByTestId('log-line').first()).toContainText(/^0\.0 s Jan 05 09:00:00 director /)

  // .102 crashes at 20 s: a button, journaled as the lab's own line
  await seek(lab, 20_000)
  await page.getByTestId('fault-menu-192.168.8.102:80').click()
  await page.getByTestId('fault-crash-192.168.8.102:80').click()
  await expect(page.getByTestId('fault-192.168.8.102:80')).toHaveText('crashed')
  await expect(lab.consoleLog()).toContainText('lab-fault 192.168.8.102 crash')
  await expect(page.getByTestId('description')).toContainText('Edited from the preset')

  // keepalived's TCP_CHECK gives up within 6 + 3 × 3 s and sets .102 to weight 0
  await seek(lab, 45_000)
  await expect(log).toContainText('TCP_CHECK on service [192.168.8.102]:tcp:80 failed after 3 retries.')
  await expect(log).toContainText('Disabling service [192.168.8.102]:tcp:80 of VS [192.168.100.100]:tcp:80')
  const mark = page.locator(`[data-testid="timeline-mark"][aria-label*="${DISABLE_102}"]`)
  await expect(mark).toHaveCount(1)
  await expect(mark).toHaveAttribute('aria-label', new RegExp(`^(2\\d|3[0-5])\\.\\d s keepalived: ${DISABLE_102}$`))
  await expect(page.getByTestId('rs-192.168.8.102:80')).toContainText('quiescent')
  // clients whose template points at .102 keep being sent there: refused, counted as failed
  const figure = page.getByTestId('figure-refused-failed')
  await expect(figure).toContainText(/refused · failed/)
  const [refused, failed] = ((await figure.locator('.v').textContent()) ?? '').split(' · ').map(Number)
  expect(failed).toBeGreaterThan(0)
  expect(refused).toBeGreaterThanOrEqual(failed)
  await expect(page.getByTestId('failed-192.168.8.102:80')).toHaveText(`failed ${failed}`)

  // a seek back before the button: no fault, no checker's verdict in the log
  await seek(lab, 10_000)
  await expect(log).not.toContainText('Disabling service [192.168.8.102]')
  await expect(page.getByTestId('fault-192.168.8.102:80')).toHaveCount(0)
  // and forward again: the button's line replays, keepalived acts again
  await seek(lab, 45_000)
  await expect(log).toContainText('Disabling service [192.168.8.102]:tcp:80 of VS [192.168.100.100]:tcp:80')

  // recover: the lab's line again; keepalived's next check enables it
  await page.getByTestId('recover-192.168.8.102:80').click()
  await expect(lab.consoleLog()).toContainText('lab-fault 192.168.8.102 recover')
  await expect(page.getByTestId('fault-192.168.8.102:80')).toHaveCount(0)
  await seek(lab, 60_000)
  await expect(log).toContainText('Enabling service [192.168.8.102]:tcp:80 of VS [192.168.100.100]:tcp:80')

  // bad input at the console: a clear error where it was typed
  await lab.type('lab-fault 192.168.8.102 melt')
  await expect(lab.outputOf('lab-fault 192.168.8.102 melt')).toHaveText(
    "lab-fault: unknown fault 'melt' (crash, hang, slow, http-status, recover)",
  )
})

test("the keepalived lesson: predict the failed connections, keepalived's log, then expire_quiescent_template = 1", async ({
  page,
}) => {
  test.setTimeout(150_000)
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('view-lessons').click()
  await page.getByTestId('lesson-keepalived-trap').click()
  const card = page.getByTestId('lesson')
  await expect(card).toContainText('12. keepalived’s inhibit_on_failure and the quiescent-template trap')
  await page.getByTestId('lesson-next').click() // play to 175 s
  await lab.finishPlayStep(175_000)
  await page.getByTestId('lesson-next').click() // the question
  await expect(card).toContainText('By 300 s, how many connections will have failed on .101?')
  await page.getByTestId('choice-1').click() // "a few, before keepalived acts"
  await expect(page.getByTestId('verdict')).toContainText('Not quite.')
  await expect(page.getByTestId('reveal')).toContainText(/^Many: \d+ by 300 s\. keepalived did act/)
  await page.getByTestId('lesson-next').click() // play to 300 s
  await lab.finishPlayStep(300_000)
  await page.getByTestId('lesson-next').click() // keepalived's log
  await expect(page.getByTestId('lesson-output')).toContainText(
    'Disabling service [192.168.8.101]:tcp:80 of VS [192.168.100.100]:tcp:80',
  )
  await page.getByTestId('lesson-next').click() // ipvsadm -Ln
  await expect(page.getByTestId('lesson-output')).toContainText(/192\.168\.8\.101:80 +Route +0 /)
  await page.getByTestId('lesson-next').click() // the same with expire_quiescent_template = 1
  await expect(card).toContainText('net.ipv4.vs.expire_quiescent_template = 1')
  await page.getByTestId('lesson-next').click() // the question again
  await page.getByTestId('choice-1').click()
  await expect(page.getByTestId('verdict')).toContainText('Right!')
  await expect(page.getByTestId('reveal')).toContainText(/^A few: \d+, all before keepalived set \.101 to weight 0/)
  await expect(page.getByTestId('reveal')).toContainText(/\d+ broken sessions by 300 s/)
})

for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshot: keepalived's log, a crashed server and its marker (${w}×${h}${presenter ? ' presenter' : ''}, ${locale}, ${theme})`, async ({
        page,
      }) => {
        test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
        test.setTimeout(150_000)
        await page.setViewportSize({ width: w, height: h })
        const lab = new LabPage(page)
        await openKeepalived(lab)
        await page.getByTestId('locale').selectOption(locale)
        const dark = (await page.getByTestId('theme').getAttribute('aria-pressed')) === 'true'
        if (dark !== (theme === 'dark')) await page.getByTestId('theme').click()
        if (presenter) await page.getByTestId('presenter').click()
        await page.getByTestId('log-toggle').click()
        await seek(lab, 240_000)
        await expect(page.getByTestId('keepalived-log')).toContainText('Disabling service [192.168.8.101]')
        // the marker the furthest right: its tooltip must stay on screen
        const mark = page.locator(`[data-testid="timeline-mark"][aria-label*="${DISABLE_101}"]`)
        await mark.hover()
        const tip = page.getByTestId('timeline-mark-tooltip')
        await expect(tip).toContainText(DISABLE_101)
        const box = await tip.boundingBox()
        expect(box && box.x >= 0 && box.x + box.width <= w).toBe(true)
        mkdirSync('/tmp/shots-kaapp', { recursive: true })
        await page.screenshot({
          path: `/tmp/shots-kaapp/${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}.png`,
        })
        // the fault menu open on .102
        await page.getByTestId('fault-menu-192.168.8.102:80').click()
        await page.getByTestId('rs-192.168.8.102:80').scrollIntoViewIfNeeded()
        await page.screenshot({
          path: `/tmp/shots-kaapp/${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}-faults.png`,
        })
      })
