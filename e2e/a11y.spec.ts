import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/** WCAG 2.0 and 2.1, levels A and AA: what axe-core checks for them, nothing excluded. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** axe's findings as lines a reader can act on: rule, impact, what it says, and each node with its fix. */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(TAGS).analyze()
  return r.violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${v.id} (${v.impact}): ${v.help}\n    at ${n.target.join(' ')}\n    ${n.failureSummary?.replace(/\n/g, '\n    ')}`,
    ),
  )
}

for (const locale of ['en', 'zh-CN'] as const)
  for (const theme of ['light', 'dark'] as const)
    test(`axe finds no WCAG 2.1 A/AA violation: Lab playing, Lessons, Compare (${locale}, ${theme})`, async ({
      page,
    }) => {
      test.setTimeout(240_000)
      const lab = new LabPage(page)
      await lab.prefer({ locale, theme })
      await lab.open()
      await expect(page.locator('html')).toHaveAttribute('lang', locale)
      // the lab while it plays: every panel mounted and drawing (at 10×: 20 simulated seconds in 2 s)
      await lab.speed(10)
      await lab.play()
      await expect.poll(() => lab.nowMs(), { timeout: 30_000 }).toBeGreaterThan(20_000)
      await page.getByTestId('console-input').scrollIntoViewIfNeeded()
      const found: Record<string, string[]> = {}
      found.lab = await violations(page)
      await lab.pause()
      await page.getByTestId('view-lessons').click()
      await expect(page.getByTestId('view-lessons')).toHaveAttribute('aria-selected', 'true')
      found.lessons = await violations(page)
      // a lesson started from the Lessons view: its card beside the lab
      await page.getByTestId('lesson-why').click()
      await expect(page.getByTestId('lesson')).toBeVisible()
      found.lesson = await violations(page)
      await page.getByTestId('view-compare').click()
      await expect(page.getByTestId('view-compare')).toHaveAttribute('aria-selected', 'true')
      // compare while it plays: the runs, the charts and the summary drawn
      await expect(page.getByTestId('summary').locator('tbody tr')).toHaveCount(4, { timeout: 30_000 })
      await lab.speed(10)
      await lab.play()
      await expect(page.getByTestId('clock')).not.toHaveText('0.0 s')
      found.compare = await violations(page)
      const report = Object.entries(found)
        .filter(([, v]) => v.length > 0)
        .map(([view, v]) => `${view} view (${locale}, ${theme}):\n  ${v.join('\n  ')}`)
        .join('\n\n')
      expect(report, report).toBe('')
    })
