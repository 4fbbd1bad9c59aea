import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

test('the page opens on the classic textbook example (PPC on :80), ready to play, with no console errors', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await expect(page.getByRole('heading', { name: 'LVS Persistence Lab' })).toBeVisible()
  await expect(page.getByTestId('preset')).toHaveValue('ppc80')
  await expect(page.getByTestId('clock')).toHaveText('0.0 s')
  for (const h of ['Director', 'Real servers', 'Template timeline', 'Console', 'Listings', 'Why?'])
    await expect(page.getByRole('heading', { name: h, exact: true })).toBeVisible()
  await expect(page.getByTestId('rs-192.168.8.101:80')).toBeVisible()
  await expect(page.getByTestId('rs-192.168.8.102:80')).toBeVisible()
  // the worker computes a listing only while the panel is on screen (below the fold at 720 px)
  await page.getByTestId('listing').scrollIntoViewIfNeeded()
  await expect(page.getByTestId('listing')).toContainText('IPVS connection entries')
  await lab.shot('first-page')
})
