import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

// Debian's ipvsadm takes -w up to 2147483647 (INT_MAX), not the man page's 65535
test('a weight of 2147483647 typed in the servers panel is taken and listed as ipvsadm prints it', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  const weight = page.getByTestId('weight-192.168.8.101:80')
  await weight.fill('2147483647')
  await weight.press('Enter')
  await expect(lab.consoleLog()).toContainText('-w 2147483647')
  await lab.type('ipvsadm -Ln')
  // %-6d is a minimum: the wide weight pushes ActiveConn right
  await expect(lab.consoleLog()).toContainText('Route   2147483647 0')
  await lab.type('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2147483648')
  await expect(lab.consoleLog()).toContainText('illegal weight specified')
  if (!process.env.SHOTS) return
  for (const [w, h] of [
    [1280, 720],
    [1366, 768],
  ] as const) {
    await page.setViewportSize({ width: w, height: h })
    await page.getByTestId('weight-192.168.8.101:80').scrollIntoViewIfNeeded()
    mkdirSync('/tmp/shots-limits', { recursive: true })
    await page.screenshot({ path: `/tmp/shots-limits/weight-int-max-${w}x${h}.png` })
  }
})
