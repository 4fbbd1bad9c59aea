/**
 * Compare's charts as a class reads them: every configuration's line stays visible where lines
 * coincide (its own marker shape), 142 broken sessions stand clear of 0 beside 4,393, counts have
 * integer ticks, time ticks are round from 0, and the line under the table explains its columns.
 */
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/** The centres of a chart's markers for one configuration, in the chart's own coordinates. */
async function markers(page: import('@playwright/test').Page, series: string, id: string) {
  return page
    .getByTestId(`markers-${series}-${id}`)
    .locator('path')
    .evaluateAll((els) =>
      els.map((el) => {
        const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(el.getAttribute('transform') ?? '')
        return { x: Number(m?.[1]), y: Number(m?.[2]) }
      }),
    )
}

for (const locale of ['en', 'zh-CN'] as const) {
  test(`compare charts (${locale}): markers per configuration, 142 clear of 0, integer count ticks, round time ticks`, async ({
    page,
  }) => {
    test.setTimeout(120_000)
    const lab = new LabPage(page)
    await lab.open()
    await page.getByTestId('locale').selectOption(locale)
    await page.getByTestId('view-compare').click()
    await lab.speed(1000)
    await lab.play()
    await expect(page.getByTestId('summary').locator('tbody tr')).toHaveCount(4)
    await expect(page.getByText(locale === 'en' ? 'At the end of the run.' : /运行结束/)).toBeVisible({
      timeout: 60_000,
    })

    // broken sessions: none 4,393, PPC 142, fwmark and shared 0 — PPC's line well above the floor
    const broken = page.getByTestId('chart-brokenSessions')
    const floor = Number(await broken.locator('[data-tick="0"]').getAttribute('y')) - 4
    const ppc = await markers(page, 'brokenSessions', 'ppc')
    expect(ppc.length).toBeGreaterThanOrEqual(3)
    expect(floor - (ppc.at(-1)?.y ?? floor)).toBeGreaterThan(30)
    // fwmark and shared lie on top of each other at 0: both show markers, never at the same place
    const fw = await markers(page, 'brokenSessions', 'fwmark')
    const shared = await markers(page, 'brokenSessions', 'shared')
    expect(fw.length).toBeGreaterThanOrEqual(3)
    expect(shared.length).toBeGreaterThanOrEqual(3)
    for (const a of fw) for (const b of shared) expect(Math.abs(a.x - b.x)).toBeGreaterThan(6)
    // and their shapes differ
    const shape = async (id: string) =>
      page.getByTestId(`markers-brokenSessions-${id}`).locator('path').first().getAttribute('d')
    expect(await shape('fwmark')).not.toBe(await shape('shared'))

    // counts: integer ticks
    for (const series of ['brokenSessions', 'templatesLive']) {
      const ticks = await page
        .getByTestId(`chart-${series}`)
        .locator('[data-tick]')
        .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-tick'))))
      expect(ticks.length).toBeGreaterThanOrEqual(2)
      for (const v of ticks) expect(Number.isInteger(v), `${series}: ${v}`).toBe(true)
    }
    // time: 0, 2 min, 4 min … 10 min
    const times = await broken.locator('[data-time-tick]').allTextContents()
    expect(times).toEqual(
      locale === 'en'
        ? ['0', '2 min', '4 min', '6 min', '8 min', '10 min']
        : ['0', '2 分钟', '4 分钟', '6 分钟', '8 分钟', '10 分钟'],
    )

    // the line under the table names its columns as the table heads them
    const note = (await page.getByTestId('summary-note').textContent()) ?? ''
    const heads = await page.getByTestId('summary').locator('thead th').allTextContents()
    const stickiness = heads.find((h) => /stickiness|粘性/i.test(h)) ?? 'missing'
    const refused = heads.find((h) => /refused|被拒绝/i.test(h)) ?? 'missing'
    expect(note.toLowerCase()).toContain(stickiness.toLowerCase())
    expect(note.toLowerCase()).toContain(refused.toLowerCase())

    if (process.env.SHOTS) {
      // as a class sees it: the lab's laptop size, light then dark
      await page.setViewportSize({ width: 1366, height: 768 })
      await page.getByTestId('chart-brokenSessions').scrollIntoViewIfNeeded()
      await page.screenshot({ path: `/tmp/shots-offline/compare-charts-${locale}-1366.png` })
      await page.getByRole('button', { name: locale === 'en' ? 'Dark' : '深色' }).click()
      await page.getByTestId('chart-brokenSessions').scrollIntoViewIfNeeded()
      await page.screenshot({ path: `/tmp/shots-offline/compare-charts-${locale}-1366-dark.png` })
    }
  })
}
