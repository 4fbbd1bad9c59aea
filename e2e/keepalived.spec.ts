import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const DISABLE = 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 0'

async function openKeepalived(lab: LabPage): Promise<void> {
  await lab.page.goto('/?scenario=keepalived-inhibit-on-failure.json')
  await expect(lab.page.getByTestId('play')).toBeEnabled()
  await expect(lab.page.getByTestId('clock')).toHaveText('0.0 s')
}

async function seek(lab: LabPage, ms: number): Promise<void> {
  await lab.page.evaluate((t) => window.lab?.seekForTest?.(t), ms)
  await expect.poll(() => lab.nowMs()).toBe(ms)
}

test("keepalived's journal, its weight-0 line on the timeline and in -Ln, and a wrong keepalived.conf", async ({
  page,
}) => {
  const lab = new LabPage(page)
  await openKeepalived(lab)
  // the lines keepalived ran when the scenario started it, said to be keepalived's
  await expect(lab.consoleLog()).toContainText('keepalived: ipvsadm -A -t 192.168.100.100:80 -s rr -p 300')
  await lab.type('journalctl -u keepalived -o cat')
  await expect(lab.outputOf('journalctl -u keepalived -o cat')).toContainText(
    'Activating healthchecker for service [192.168.8.101]:tcp:80 for VS [192.168.100.100]:tcp:80',
  )
  // .101 crashes at 180 s; keepalived's TCP_CHECK gives up on it within 6 + 3 × 3 s
  await seek(lab, 300_000)
  await expect(lab.consoleLog()).toContainText(`keepalived: ${DISABLE}`)
  const mark = page.locator(`[data-testid="timeline-mark"][aria-label*="${DISABLE}"]`)
  await expect(mark).toHaveCount(1)
  await expect(mark).toHaveAttribute('aria-label', new RegExp(`^1\\d\\d\\.\\d s keepalived: ${DISABLE}$`))
  await lab.type('ipvsadm -Ln')
  await expect(lab.outputOf('ipvsadm -Ln')).toContainText(/192\.168\.8\.101:80 +Route +0 /)
  await lab.type('journalctl -u keepalived -o cat -n 2')
  await expect(lab.outputOf('journalctl -u keepalived -o cat -n 2')).toContainText(
    'Disabling service [192.168.8.101]:tcp:80 of VS [192.168.100.100]:tcp:80',
  )
  // a wrong file: keepalived's own words, with the line; a reload keeps the running configuration
  await lab.type(
    "printf 'virtual_server 192.168.100.100 80 {\\n  lb_algo rrx\\n}\\n' > /etc/keepalived/keepalived.conf",
  )
  await lab.type('keepalived -t')
  await expect(lab.outputOf('keepalived -t')).toContainText(
    "(/etc/keepalived/keepalived.conf: Line 2) Invalid lvs_scheduler 'rrx' - ignoring",
  )
  await lab.type('systemctl reload keepalived')
  await lab.type('ipvsadm -Ln | grep -c Route')
  await expect(lab.outputOf('ipvsadm -Ln | grep -c Route')).toHaveText('2')
})

for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    test(`screenshot: keepalived sets .101 to weight 0 (${w}×${h}${presenter ? ' presenter' : ''}, ${locale})`, async ({
      page,
    }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(150_000)
      await page.setViewportSize({ width: w, height: h })
      const lab = new LabPage(page)
      await openKeepalived(lab)
      await page.getByTestId('locale').selectOption(locale)
      if (presenter) await page.getByTestId('presenter').click()
      await seek(lab, 300_000)
      await page.getByTestId('timeline').scrollIntoViewIfNeeded()
      const mark = page.locator(`[data-testid="timeline-mark"][aria-label*="${DISABLE}"]`)
      await mark.scrollIntoViewIfNeeded()
      await mark.hover()
      await expect(page.getByTestId('timeline-mark-tooltip')).toContainText(DISABLE)
      mkdirSync('/tmp/shots-keepalived', { recursive: true })
      const name = `/tmp/shots-keepalived/${w}x${h}${presenter ? '-presenter' : ''}-${locale}`
      await page.screenshot({ path: `${name}-timeline.png` })
      if (presenter) return
      await lab.type('journalctl -u keepalived -n 8')
      await lab.consoleLog().scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${name}-console.png` })
    })
