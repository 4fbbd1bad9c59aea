import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

test('compare four configurations on the same traffic and read the summary table', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('view-compare').click()
  await expect(page.getByRole('heading', { name: 'Compare configurations' })).toBeVisible()
  await lab.speed(1000)
  await lab.play()
  await expect(page.getByText('At the end of the run.')).toBeVisible({ timeout: 30_000 })
  const rows = page.getByTestId('summary').locator('tbody tr')
  await expect(rows).toHaveCount(4)
  const table = new Map<string, number>()
  for (const row of await rows.all())
    table.set((await row.locator('th').textContent()) ?? '', Number(await row.locator('td').nth(1).textContent()))
  const broken = (label: string) => table.get(label) ?? Number.NaN
  const none = broken('No persistence')
  const ppc = broken('PPC (:80 and :443)')
  const fwmark = broken('fwmark 80 (HTTP + HTTPS)')
  const shared = broken('No persistence + shared sessions (Redis)')
  expect(none).toBeGreaterThan(ppc)
  expect(ppc).toBeGreaterThan(fwmark)
  expect(fwmark).toBe(0)
  expect(shared).toBe(0)
  await lab.shot('compare')
  // back to the lab, which kept its scenario
  await page.getByTestId('view-lab').click()
  await expect(page.getByRole('heading', { name: 'Template timeline' })).toBeVisible()
})

test.describe('on a slow network', () => {
  // held requests must reach the network: no service worker answering from its cache
  test.use({ serviceWorkers: 'block' })

  test('a speed and a play pressed while compare mode still loads its files wait for it, and then apply', async ({
    page,
  }) => {
    const lab = new LabPage(page)
    await lab.open()
    const release = await lab.holdRequests('**/scenarios/classroom-*.json')
    await page.getByTestId('view-compare').click()
    await lab.speed(1000)
    await expect(page.getByTestId('play')).toBeDisabled()
    // the keyboard's play is held too: nothing may start the lab behind the comparison
    await page.keyboard.press(' ')
    expect(await lab.nowMs()).toBe(0)
    release()
    await lab.play()
    // played at the speed chosen before the engines existed: 1000× runs ten minutes in seconds
    await expect(page.getByText('At the end of the run.')).toBeVisible({ timeout: 15_000 })
    await expect(page.getByTestId('summary').locator('tbody tr')).toHaveCount(4)
  })
})
