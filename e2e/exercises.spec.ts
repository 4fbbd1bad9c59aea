import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

for (const locale of ['en', 'zh-CN'] as const)
  test(`a count exercise's reveal lists every template of the run at that time, live or expired (${locale})`, async ({
    page,
  }) => {
    const lab = new LabPage(page)
    await lab.open()
    await page.getByTestId('locale').selectOption(locale)
    await page.getByTestId('view-lessons').click()
    // seed 5 asks how many templates are live
    await page.getByTestId('exercise-seed').fill('5')
    const load = page.getByTestId('exercise-load')
    await load.click()
    await expect(load).toBeEnabled()
    await expect(page.getByTestId('exercise')).toContainText(
      locale === 'en' ? 'How many persistence templates' : '模板',
    )
    await page.getByTestId('exercise-answer').fill('0')
    await page.getByTestId('exercise-check').click()
    const why = page.getByTestId('exercise-why')
    await expect(why).toContainText(locale === 'en' ? 'The template of client 10.0.' : '的模板')
    await expect(why).toContainText(locale === 'en' ? 'is live' : '仍存活')
    if (process.env.SHOTS) {
      await page.getByTestId('exercise-result').scrollIntoViewIfNeeded()
      await page.screenshot({ path: `/tmp/shots-offline/exercise-count-${locale}.png` })
    }
  })
