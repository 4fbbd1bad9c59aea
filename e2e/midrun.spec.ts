import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const DEL = 'ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.101'
const DOWN = 'ipvsadm -d -t 192.168.100.100:0 -r 192.168.8.102:0'

test("the scenario's removal of .101 at 300 s is in the console and on the timeline's axis; a rewind undoes it", async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('failure')
  await lab.seek(310_000)
  await expect(lab.consoleLog()).toContainText(`[300.0 s] scenario: ${DEL}`)
  await expect(lab.consoleLog()).toContainText(
    `[120.0 s] scenario: ipvsadm -e -t 192.168.100.100:0 -r 192.168.8.102 -g -w 0`,
  )
  // the marker: its name is the command, and hovering shows it
  const mark = page.locator(`[data-testid="timeline-mark"][aria-label*="${DEL}"]`)
  await expect(mark).toHaveCount(1)
  await expect(mark).toHaveAttribute('aria-label', `300.0 s scenario: ${DEL}`)
  await mark.hover()
  await expect(page.getByTestId('timeline-mark-tooltip')).toHaveText(`300.0 s scenario: ${DEL}`)

  // the Real servers panel's Down button: its command, at the time it ran
  await page.getByTestId('rs-192.168.8.102:0').getByRole('button', { name: 'Down' }).click()
  await expect(lab.consoleLog()).toContainText(`[310.0 s] button: ${DOWN}`)
  await expect(page.locator(`[data-testid="timeline-mark"][aria-label*="${DOWN}"]`)).toHaveCount(1)

  // back to 200 s: the removal has not happened yet — struck through in the console, off the axis
  await lab.seek(200_000)
  const delLine = lab.consoleLog().locator('div.cmd', { hasText: DEL }).first()
  await expect(delLine).toHaveClass(/undone/)
  await expect(delLine).toContainText('not run yet')
  await expect(page.locator(`[data-testid="timeline-mark"][aria-label*="${DEL}"]`)).toHaveCount(0)
  await expect(page.locator(`[data-testid="timeline-mark"][aria-label*="${DOWN}"]`)).toHaveCount(0)
  await expect(page.locator('[data-testid="timeline-mark"][aria-label*="120.0 s"]')).toHaveCount(1)
  // forward again: run again (the button's from the journal), shown once each
  await lab.seek(320_000)
  await expect(lab.consoleLog().locator('div.cmd', { hasText: DEL })).toHaveCount(1)
  await expect(lab.consoleLog().locator('div.cmd', { hasText: DEL })).not.toHaveClass(/undone/)
  await expect(lab.consoleLog().locator('div.cmd', { hasText: DOWN })).not.toHaveClass(/undone/)
})

for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    test(`screenshot: the removal at 300 s, its marker hovered (${w}×${h}${presenter ? ' presenter' : ''}, ${locale})`, async ({
      page,
    }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(150_000)
      await page.setViewportSize({ width: w, height: h })
      const lab = new LabPage(page)
      await lab.open()
      await page.getByTestId('locale').selectOption(locale)
      if (presenter) await page.getByTestId('presenter').click()
      await lab.preset('failure')
      await lab.seek(310_000)
      // the timeline draws (its axis and markers too) only while on screen
      await page.getByTestId('timeline').scrollIntoViewIfNeeded()
      const mark = page.locator(`[data-testid="timeline-mark"][aria-label*="${DEL}"]`)
      await mark.scrollIntoViewIfNeeded()
      await mark.hover()
      await expect(page.getByTestId('timeline-mark-tooltip')).toContainText(DEL)
      mkdirSync('/tmp/shots-c13c', { recursive: true })
      const name = `/tmp/shots-c13c/${w}x${h}${presenter ? '-presenter' : ''}-${locale}`
      await page.screenshot({ path: `${name}-timeline.png` })
      // presenter mode hides the console: the axis's markers are what the room sees
      if (presenter) return
      await lab.consoleLog().scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${name}-console.png` })
    })
