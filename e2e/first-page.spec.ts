import { expect, test } from './fixtures'

test('the first page shows the engine’s ipvsadm -Ln for the seed PPC case', async ({ page }, testInfo) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'LVS Persistence Lab' })).toBeVisible()
  const ln = page.getByTestId('output-ipvsadm -Ln')
  await expect(ln).toContainText('TCP  192.168.100.100:80 rr persistent 300')
  await expect(ln).toContainText('  -> 192.168.8.102:80             Route   2      0          4')
  await expect(page.getByTestId('output-ipvsadm -Lnc')).toContainText(
    'ASSURED     10.0.0.1:0         192.168.100.100:80 192.168.8.102:80',
  )
  await page.screenshot({ path: testInfo.outputPath('first-page.png'), fullPage: true })
})
