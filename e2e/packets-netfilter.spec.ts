/**
 * The director's netfilter path in the Packets view (issue 15 §2): for a client's packet to a
 * fwmark service, each hook in priority order, the rule that matched (its number and `-A` text),
 * the mark it set and the FWM service that took it — in English and 中文. And the ARP-problem
 * scenario's connections as the view draws them (the router, the real server reached without
 * the director). Screenshots with SHOTS=1, to /tmp/shots-arp/.
 */
import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/** Open the Packets view of a connection to `:vport` listed under Why? and choose packet `row`. */
async function openPackets(lab: LabPage, vport: number, row: number, which: 'first' | 'last' = 'first') {
  const page = lab.page
  const listed = page.getByTestId('recent').getByRole('button', { name: new RegExp(`→ :${vport} `) })
  await (which === 'first' ? listed.first() : listed.last()).click()
  await page.getByTestId('why-packets').click()
  const rows = page.getByTestId('packets-list').locator('button')
  await expect(rows.first()).toBeVisible()
  await rows.nth(row).click()
}

test('a packet to :443 shows the mangle rule that marked it (rule 2), mark 0x50 and FWM 80, in both languages', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open('/?scenario=preset-fwmark.json')
  await lab.seek(30_000)
  await openPackets(lab, 443, 0)
  const nf = page.getByTestId('packets-netfilter')
  await expect(nf).toContainText('raw PREROUTING (-300): no rules')
  await expect(nf).toContainText('mangle PREROUTING (-150): policy ACCEPT, mark 0x50')
  await expect(nf).toContainText(
    'rule 2 matched: -A PREROUTING -d 192.168.100.100/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x50/0xffffffff',
  )
  await expect(nf).toContainText('IPVS (ip_vs_in_hook, 99): FWM 80 took it')
  // only the client's packet carries the path: the director's own packet to the real server does not
  await page.getByTestId('packets-list').locator('button').nth(1).click()
  await expect(page.getByTestId('packets-netfilter')).toHaveCount(0)
  await page.getByTestId('packets-list').locator('button').nth(0).click()
  await page.getByTestId('locale').selectOption('zh-CN')
  await expect(nf).toContainText('匹配规则 2：-A PREROUTING -d 192.168.100.100/32')
  await expect(nf).toContainText('由 FWM 80')
})

test('the ARP problem: a later connection goes from the router straight to the real server', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open('/?scenario=dr-rs-answers-arp.json')
  await lab.seek(7000)
  // the newest: 10.0.0.4 at 4 s, after the router's entry for the VIP flipped to 192.168.8.101
  await openPackets(lab, 80, 0, 'first')
  const hops = await page
    .getByTestId('packets-list')
    .locator('button')
    .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-hop')))
  expect(hops.slice(0, 3)).toEqual(['client→real-server', 'real-server→client', 'client→real-server'])
  await expect(page.getByTestId('packets-detail')).not.toContainText('ip_vs_')
})

const SHOTS = [
  { name: 'fwmark-netfilter', url: '/?scenario=preset-fwmark.json', atMs: 30_000, vport: 443, row: 0, which: 'first' },
  { name: 'arp-bypass', url: '/?scenario=dr-rs-answers-arp.json', atMs: 7000, vport: 80, row: 0, which: 'first' },
  { name: 'arp-reset', url: '/?scenario=dr-rs-answers-arp.json', atMs: 7000, vport: 80, row: 6, which: 'last' },
] as const
for (const s of SHOTS)
  for (const [w, h, presenter] of [
    [1280, 720, true],
    [1366, 768, false],
  ] as const)
    for (const locale of ['en', 'zh-CN'] as const)
      test(`screenshot: ${s.name} (${w}×${h}${presenter ? ' presenter' : ''}, ${locale})`, async ({ page }) => {
        test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
        test.setTimeout(120_000)
        await page.setViewportSize({ width: w, height: h })
        const lab = new LabPage(page)
        await lab.open(s.url)
        await page.getByTestId('locale').selectOption(locale)
        await lab.seek(s.atMs)
        await openPackets(lab, s.vport, s.row, s.which)
        if (presenter) {
          await page.getByTestId('presenter').dispatchEvent('click')
          await expect(page.locator(':root[data-presenter]')).toHaveCount(1)
        }
        mkdirSync('/tmp/shots-arp', { recursive: true })
        await page.screenshot({
          path: `/tmp/shots-arp/${s.name}-${w}x${h}${presenter ? '-presenter' : ''}-${locale}.png`,
        })
      })

for (const locale of ['en', 'zh-CN'] as const)
  test(`the lesson "The ARP problem" (${locale}): predict where 10.0.0.3 goes, the engine reveals 101`, async ({
    page,
  }) => {
    const lab = new LabPage(page)
    await lab.open()
    await page.getByTestId('locale').selectOption(locale)
    await page.getByTestId('view-lessons').click()
    await page.getByTestId('lesson-arp').click()
    await expect(page.getByTestId('lesson')).toContainText(locale === 'en' ? '10. The ARP problem' : '10. ARP 问题')
    await page.getByTestId('lesson-next').click() // the question
    await page.getByTestId('choice-1').click() // 102: where the director would have balanced it
    await expect(page.getByTestId('verdict')).toContainText('192.168.8.101')
    await expect(page.getByTestId('reveal')).toContainText(locale === 'en' ? 'neigh_event_ns()' : '覆盖原条目')
    if (process.env.SHOTS) {
      await page.setViewportSize({ width: 1280, height: 720 })
      mkdirSync('/tmp/shots-arp', { recursive: true })
      await page.screenshot({ path: `/tmp/shots-arp/lesson-arp-1280x720-${locale}.png` })
    }
  })
