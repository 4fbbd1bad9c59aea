import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/**
 * The lesson "Failover: what the backup director knows (with and without sync)" as a class goes
 * through it (docs/lessons.md, docs/two-directors.md): the strip under the director's title shows
 * both directors; each question's answer is the engine's.
 */
async function next(page: Page, step: number, of = 15) {
  await page.getByTestId('lesson-next').click()
  await expect(page.getByTestId('lesson')).toContainText(`Step ${step} of ${of}`)
}

/** Opens the lesson and walks it to the reveal of its second question (sessions broken without sync). */
async function toBrokenWithoutSync(lab: LabPage, locale: 'en' | 'zh-CN' = 'en') {
  const page = lab.page
  await page.getByTestId('view-lessons').click()
  await page.getByTestId('lesson-failover').click()
  const stepOf = locale === 'en' ? 'Step 1 of 15' : '第 1 / 15 步'
  await expect(page.getByTestId('lesson')).toContainText(stepOf)
  await page.getByTestId('lesson-next').click() // play to 120 s
  await lab.finishPlayStep(120_000)
  await page.getByTestId('lesson-next').click() // when do the packets reach a director again?
  await page.getByTestId('choice-1').click()
  await expect(page.getByTestId('verdict')).toContainText('243.0')
  await page.getByTestId('lesson-next').click() // play past the failover
  await lab.finishPlayStep(250_000)
  await page.getByTestId('lesson-next').click() // how many sessions break?
  await page.getByTestId('choice-1').click()
  await expect(page.getByTestId('verdict')).toContainText('12')
}

test('the failover lesson: without sync the backup knows nothing and 12 sessions break; with sync none, but an open connection meets RST', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('view-lessons').click()
  await page.getByTestId('lesson-failover').click()
  const lesson = page.getByTestId('lesson')
  await expect(lesson).toContainText('13. Failover: what the backup director knows (with and without sync)')
  await expect(lesson).toContainText('Step 1 of 15')
  // the toolbar describes the scenario with the lesson's words, never the file's (it tells the answer)
  await expect(page.getByTestId('pair')).toBeVisible()

  // without sync: the backup waits with an empty table
  await next(page, 2)
  await lab.finishPlayStep(120_000)
  await expect(page.getByTestId('pair-director-state')).toHaveText('MASTER 150')
  await expect(page.getByTestId('pair-backup-state')).toHaveText('BACKUP 100')
  await expect(page.getByTestId('pair-director')).toContainText('holds the VIP')
  await expect(page.getByTestId('pair-backup')).toContainText('no sync daemon · 0 connections · 0 templates')

  await next(page, 3)
  await expect(lesson).toContainText('When do the clients’ packets reach a director again?')
  await page.getByTestId('choice-0').click() // "at once"
  await expect(page.getByTestId('verdict')).toContainText('Not quite. The engine’s answer: 243.0.')
  await expect(page.getByTestId('reveal')).toContainText('At 243.0 s.')
  await expect(page.getByTestId('reveal')).toContainText('3 × advert_int + (256 − 100)/256 = 3.61 s')

  await next(page, 4)
  await lab.finishPlayStep(250_000)
  await expect(page.getByTestId('pair-director-state')).toHaveText('lost power')
  await expect(page.getByTestId('pair-backup-state')).toHaveText('MASTER 100')
  await expect(page.getByTestId('pair-backup')).toContainText('holds the VIP')
  await expect(page.getByTestId('pair-last-move')).toHaveText(
    '243.0 s: the VIP moved to the backup (VRRP, gratuitous ARP)',
  )

  await next(page, 5)
  await page.getByTestId('choice-1').click() // "some (1–50)"
  await expect(page.getByTestId('verdict')).toContainText('Right!')
  await expect(page.getByTestId('reveal')).toContainText('12 sessions broken by the failover')

  await next(page, 6)
  await lab.finishPlayStep(480_000)

  // with sync: the backup's card counts what the director's master daemon sent
  await next(page, 7)
  await expect(page.getByTestId('clock')).toHaveText('0.0 s')
  await next(page, 8)
  await lab.finishPlayStep(120_000)
  await expect(page.getByTestId('pair-director')).toContainText('sync daemon: master ·')
  await expect(page.getByTestId('pair-backup')).toContainText('sync daemon: backup')
  await expect(page.getByTestId('pair-backup')).not.toContainText('· 0 templates')

  await next(page, 9)
  await expect(page.getByTestId('lesson-output')).toContainText('master sync daemon (mcast=eth0, syncid=51')

  await next(page, 10)
  await page.getByTestId('choice-2').click() // about as many as the director
  await expect(page.getByTestId('verdict')).toContainText('Right!')
  await expect(page.getByTestId('reveal')).toContainText('99, against the director’s 100.')

  await next(page, 11)
  await page.getByTestId('choice-0').click() // none
  await expect(page.getByTestId('verdict')).toContainText('Right!')

  await next(page, 12)
  await page.getByTestId('choice-0').click() // "yes", as a synced pair suggests
  await expect(page.getByTestId('verdict')).toContainText('The engine’s answer: no (1).')
  await expect(page.getByTestId('reveal')).toContainText('No: 1 connection reset by the failover')

  await next(page, 13)
  await lab.finishPlayStep(270_000)
  await expect(page.getByTestId('pair-backup-state')).toHaveText('MASTER 100')

  await next(page, 14)
  await next(page, 15)
  await page.getByTestId('choice-0').click() // yes
  await expect(page.getByTestId('verdict')).toContainText('Right!')
  await expect(page.getByTestId('reveal')).toContainText('Yes: 0 connections reset by the failover')
})

for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshot: the failover lesson's reveals (${w}×${h}${presenter ? ' presenter' : ''}, ${locale}, ${theme})`, async ({
        page,
      }) => {
        test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
        test.setTimeout(180_000)
        await page.setViewportSize({ width: w, height: h })
        const lab = new LabPage(page)
        await lab.open()
        await page.getByTestId('locale').selectOption(locale)
        if (theme === 'dark') await page.getByTestId('theme').click()
        if (presenter) await page.getByTestId('presenter').click()
        await toBrokenWithoutSync(lab, locale)
        const name = `${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}`
        mkdirSync('/tmp/shots-folesson', { recursive: true })
        await page.screenshot({ path: `/tmp/shots-folesson/${name}-1-without-sync.png` })
        // on to the backup's templates with sync
        await page.getByTestId('lesson-next').click() // play to 480 s
        await lab.finishPlayStep(480_000)
        await page.getByTestId('lesson-next').click() // load with sync
        await page.getByTestId('lesson-next').click() // play to 120 s
        await lab.finishPlayStep(120_000)
        await page.getByTestId('lesson-next').click() // ipvsadm -L --daemon
        await page.getByTestId('lesson-next').click() // the backup's templates at 239 s
        await page.getByTestId('choice-2').click()
        await expect(page.getByTestId('reveal')).toContainText('99')
        await page.screenshot({ path: `/tmp/shots-folesson/${name}-2-with-sync.png` })
      })
