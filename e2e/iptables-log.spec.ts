import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

test('a teacher logs the clients’ SYNs with -j LOG and reads them with dmesg and journalctl -k', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.type(
    'iptables -t mangle -A PREROUTING -p tcp --syn -m comment --comment "web farm" -m state --state NEW -j LOG --log-prefix "syn: "',
  )
  await lab.type('iptables -t mangle -S PREROUTING')
  await expect(lab.outputOf('iptables -t mangle -S PREROUTING')).toHaveText(
    '-P PREROUTING ACCEPT\n-A PREROUTING -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m comment --comment "web farm" -m state --state NEW -j LOG --log-prefix "syn: "',
  )
  await lab.speed(10)
  await lab.playUntil(5_000)
  await lab.type('dmesg | head -1')
  await expect(lab.outputOf('dmesg | head -1')).toHaveText(
    /^\[ +\d+\.\d{6}\] syn: IN=eth0 OUT= MAC=52:54:00:12:34:56:02:00(:[0-9a-f]{2}){4}:08:00 SRC=[\d.]+ DST=[\d.]+ LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=\d+ DF PROTO=TCP SPT=\d+ DPT=\d+ WINDOW=64240 RES=0x00 SYN URGP=0 ?$/,
  )
  await lab.type('journalctl -k -n 1 -o cat')
  await expect(lab.outputOf('journalctl -k -n 1 -o cat')).toHaveText(/^syn: IN=eth0 OUT= /)
  // an option dmesg has but the lab does not model: said so, where it was typed
  await lab.type('dmesg -T')
  await expect(lab.consoleLog().locator('div.err').last()).toContainText(
    "dmesg: option not supported in this lab -- 'T'",
  )
})

for (const locale of ['en', 'zh-CN'] as const)
  test(`screenshot: dmesg after -j LOG in the console (1366×768, ${locale})`, async ({ page }) => {
    test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
    await page.setViewportSize({ width: 1366, height: 768 })
    const lab = new LabPage(page)
    await lab.open()
    await page.getByTestId('locale').selectOption(locale)
    await lab.type('iptables -t mangle -A PREROUTING -p tcp --syn -j LOG --log-prefix "syn: "')
    await lab.speed(10)
    await lab.playUntil(3_000)
    await lab.type('dmesg | tail -3')
    await expect(lab.outputOf('dmesg | tail -3')).toContainText('syn: IN=eth0')
    await lab.consoleLog().scrollIntoViewIfNeeded()
    const { mkdirSync } = await import('node:fs')
    mkdirSync('/tmp/shots-xt', { recursive: true })
    await page.screenshot({ path: `/tmp/shots-xt/dmesg-1366x768-${locale}.png` })
    await lab.consoleLog().screenshot({ path: `/tmp/shots-xt/dmesg-console-${locale}.png` })
  })
