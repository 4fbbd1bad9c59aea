/**
 * The Packets view (issue 15): opened from Why? for a DR, a NAT and a TUN connection of
 * three-methods, each hop's arrow and the fields the director changed marked; the capture
 * downloaded and read by Debian's tcpdump. Screenshots with SHOTS=1.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const SCENARIO = '/?scenario=three-methods.json'

async function seek(lab: LabPage, ms: number): Promise<void> {
  await lab.page.evaluate((t) => window.lab?.seekForTest?.(t), ms)
  await expect.poll(() => lab.nowMs()).toBe(ms)
}

/** Open the Packets view of the latest connection to `:vport` listed under Why?. */
async function openPackets(lab: LabPage, vport: number): Promise<void> {
  const page = lab.page
  await page
    .getByTestId('recent')
    .getByRole('button', { name: new RegExp(`→ :${vport} `) })
    .first()
    .click()
  await page.getByTestId('why-packets').click()
  await expect(page.getByTestId('packets')).toBeVisible()
  await expect(page.getByTestId('packets-list').locator('li').first()).toBeVisible()
}

const hops = (page: LabPage['page']) =>
  page
    .getByTestId('packets-list')
    .locator('button')
    .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-hop')))
const changed = (page: LabPage['page']) =>
  page.getByTestId('packets-detail').locator('tr[data-changed] th').allTextContents()

test('the Packets view of a DR, a NAT and a TUN connection: hops and the fields the director changed', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open(SCENARIO)
  await seek(lab, 7000)

  // DR: the real server answers the client itself; the director changed only the Ethernet header (and the TTL)
  await openPackets(lab, 80)
  expect((await hops(page)).slice(0, 3)).toEqual(['client→director', 'director→real-server', 'real-server→client'])
  await page.getByTestId('packets-list').locator('button').nth(1).click()
  await expect(page.getByTestId('packets-detail')).toContainText('ip_vs_dr_xmit')
  expect(await changed(page)).toEqual(['eth.src', 'eth.dst', 'ip.ttl', 'ip.checksum'])
  // keyboard: the next packet with Tab and Enter, Escape closes
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('packets-detail')).toContainText('tcp_v4_send_synack')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('packets')).toHaveCount(0)

  // NAT with -m: the destination and port rewritten; the reply back through the director
  await openPackets(lab, 8080)
  expect((await hops(page)).slice(0, 4)).toEqual([
    'client→director',
    'director→real-server',
    'real-server→director',
    'director→client',
  ])
  await page.getByTestId('packets-list').locator('button').nth(1).click()
  expect(await changed(page)).toEqual(expect.arrayContaining(['ip.dst', 'tcp.dport']))
  await page.getByTestId('packets-list').locator('button').nth(3).click()
  await expect(page.getByTestId('packets-detail')).toContainText('handle_response')
  expect(await changed(page)).toEqual(expect.arrayContaining(['ip.src', 'tcp.sport']))
  await page.getByTestId('packets-close').click()

  // TUN: an outer IPIP header from the DIP to the real server
  await openPackets(lab, 443)
  await page.getByTestId('packets-list').locator('button').nth(1).click()
  await expect(page.getByTestId('packets-list').locator('button').nth(1)).toContainText(
    '‹IPIP 192.168.8.1 → 192.168.8.103›',
  )
  expect(await changed(page)).toEqual(expect.arrayContaining(['outer.ip.src', 'outer.ip.dst']))
})

test('the capture downloads: a libpcap file (Ethernet) that tcpdump reads with the addresses the view shows', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open(SCENARIO)
  await seek(lab, 7000)
  await openPackets(lab, 8080)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('packets-pcap').click()])
  expect(download.suggestedFilename()).toBe('10-0-0-2-40002_192-168-100-100-8080.pcap')
  const path = await download.path()
  const bytes = readFileSync(path)
  expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4)
  expect(bytes.readUInt32LE(20)).toBe(1)
  test.skip(!existsSync('/usr/bin/tcpdump'), 'tcpdump is not installed (/usr/bin/tcpdump): the file was not read back')
  const out = execFileSync('/usr/bin/tcpdump', ['-nn', '-e', '-r', path], { encoding: 'utf8' })
  expect(out).toContain('10.0.0.2.40002 > 192.168.100.100.8080: Flags [S]')
  expect(out).toContain('10.0.0.2.40002 > 192.168.8.102.80: Flags [S]')
  expect(out).toContain('192.168.100.100.8080 > 10.0.0.2.40002: Flags [S.]')
  // the whole run: every connection, UDP too
  const [whole] = await Promise.all([page.waitForEvent('download'), page.getByTestId('packets-pcap-run').click()])
  const all = execFileSync('/usr/bin/tcpdump', ['-nn', '-e', '-r', await whole.path()], { encoding: 'utf8' })
  expect(all).toContain('192.168.100.100.53')
  // TUN: tcpdump prints the outer header, then the packet it carries
  expect(all).toContain('192.168.8.1 > 192.168.8.103: 10.0.0.3.40003 > 192.168.100.100.443: Flags [S]')
})

const SHOTS: { name: string; url: string; atMs: number; vport: number; row: number; newest?: boolean }[] = [
  { name: 'dr', url: SCENARIO, atMs: 7000, vport: 80, row: 1 },
  { name: 'nat', url: SCENARIO, atMs: 7000, vport: 8080, row: 3 },
  { name: 'tun', url: SCENARIO, atMs: 7000, vport: 443, row: 1 },
  {
    name: 'nat-wrong-gateway',
    url: '/?scenario=nat-rs-wrong-gateway.json',
    atMs: 9000,
    vport: 80,
    row: 3,
    newest: true,
  },
  {
    name: 'tun-without-tunl0',
    url: '/?scenario=tun-rs-without-tunl0.json',
    atMs: 9000,
    vport: 80,
    row: 2,
    newest: true,
  },
]
for (const s of SHOTS)
  for (const [w, h, presenter] of [
    [1280, 720, true],
    [1366, 768, false],
  ] as const)
    for (const locale of ['en', 'zh-CN'] as const)
      test(`screenshot: Packets view ${s.name} (${w}×${h}${presenter ? ' presenter' : ''}, ${locale})`, async ({
        page,
      }) => {
        test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
        test.setTimeout(120_000)
        await page.setViewportSize({ width: w, height: h })
        const lab = new LabPage(page)
        await lab.open(s.url)
        await page.getByTestId('locale').selectOption(locale)
        await seek(lab, s.atMs)
        await page
          .getByTestId('recent')
          .getByRole('button', { name: new RegExp(`→ :${s.vport} `) })
          .last()
          .click()
        await page.getByTestId('why-packets').click()
        const rows = page.getByTestId('packets-list').locator('button')
        await expect(rows.first()).toBeVisible()
        await rows.nth(Math.min(s.row, (await rows.count()) - 1)).click()
        // presenter mode hides Why? (the view is opened from it): switched on with the view open
        if (presenter) {
          await page.getByTestId('presenter').dispatchEvent('click')
          await expect(page.locator(':root[data-presenter]')).toHaveCount(1)
        }
        mkdirSync('/tmp/shots-pkview', { recursive: true })
        await page.screenshot({
          path: `/tmp/shots-pkview/${s.name}-${w}x${h}${presenter ? '-presenter' : ''}-${locale}.png`,
        })
      })
