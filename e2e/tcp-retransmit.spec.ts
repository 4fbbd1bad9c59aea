import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const SCENARIO = '/?scenario=fin-retransmit-rs-readded.json'

test('a FIN dropped while .102 was deleted: ESTABLISHED at 16 s, FIN_WAIT once a retransmission reached it after the re-add', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open(SCENARIO)
  await expect(page.getByTestId('description')).toContainText("A client's FIN is dropped")
  await lab.seek(16_000)
  await lab.type('ipvsadm -Lnc')
  await expect(lab.outputOf('ipvsadm -Lnc')).toContainText('ESTABLISHED 10.0.0.1:40001')
  // the client's FIN goes again at 22.6 s: .102 is back since 20 s, and the entry turns FIN_WAIT
  await lab.seek(24_000)
  await lab.type('ipvsadm -Lnc')
  await expect(lab.outputOf('ipvsadm -Lnc')).toContainText('TCP 01:58  FIN_WAIT    10.0.0.1:40001')
  // 90 s after the client closed, still listed
  await lab.seek(101_000)
  await lab.type('ipvsadm -Lnc')
  await expect(lab.outputOf('ipvsadm -Lnc')).toContainText('TCP 00:41  FIN_WAIT    10.0.0.1:40001')
})

for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    test(`screenshot: fin-retransmit-rs-readded at 24 s (${w}×${h}${presenter ? ' presenter' : ''}, ${locale})`, async ({
      page,
    }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(150_000)
      await page.setViewportSize({ width: w, height: h })
      const lab = new LabPage(page)
      await lab.open(SCENARIO)
      await page.getByTestId('locale').selectOption(locale)
      if (presenter) await page.getByTestId('presenter').click()
      await lab.seek(24_000)
      mkdirSync('/tmp/shots-tcp', { recursive: true })
      const name = `/tmp/shots-tcp/${w}x${h}${presenter ? '-presenter' : ''}-${locale}`
      await page.screenshot({ path: `${name}.png` })
      if (presenter) return
      await lab.type('ipvsadm -Lnc')
      await lab.consoleLog().scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${name}-console.png` })
    })
