/**
 * The Packets view (issue 15): opened from Why? for a DR, a NAT and a TUN connection of
 * three-methods, each hop's arrow and the fields the director changed marked; opened for the
 * same connection from a template row, a line of `ipvsadm -Lnc`, the director and in Presenter
 * mode, by mouse, keyboard and clicker; the capture (a connection, a time window, the whole run)
 * downloaded and read by Debian's tcpdump; axe on the open view, light and dark. Screenshots
 * with SHOTS=1.
 */

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
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

/** The open view's heading: "Packets on the wire · CLIENT → VIRTUAL". */
const heading = (page: LabPage['page']) => page.getByTestId('packets').locator('h2')
const DR_CONN = '10.0.0.1:40001 → 192.168.100.100:80'

test('the same view for the same connection from a template row, a line of -Lnc, the director and Presenter mode', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open(SCENARIO)
  await seek(lab, 7000)
  const view = page.getByTestId('packets')
  const expectDr = async () => {
    await expect(heading(page)).toContainText(DR_CONN)
    await expect(page.getByTestId('packets-list').locator('li').first()).toBeVisible()
    expect((await hops(page)).slice(0, 3)).toEqual(['client→director', 'director→real-server', 'real-server→client'])
  }

  // a template row (:80 is persistent): walked with ↓, its packets with P — its newest connection
  const timeline = page.getByTestId('timeline')
  // the rows are there once the frame after the seek has drawn them (↓ on none selects nothing)
  await expect(timeline).toHaveAttribute('aria-label', /with [1-9]\d* templates?$/)
  await timeline.focus()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('p')
  await expectDr()
  await page.keyboard.press('Escape')
  await expect(view).toHaveCount(0)
  // the focus comes back where it was
  await expect(timeline).toBeFocused()

  // a connection's line of ipvsadm -Lnc
  // (the worker lists only while the listing can be seen)
  await page.getByTestId('listing').scrollIntoViewIfNeeded()
  const line = page.getByTestId('listing-conn').filter({ hasText: '10.0.0.1:40001' })
  await expect(line).toBeVisible()
  await line.click()
  await expectDr()
  await page.getByTestId('packets-close').click()
  await expect(line).toBeFocused()

  // the director: a real server chosen (Enter), then its Packets button — its newest connection
  await page.getByTestId('director-rs').first().focus()
  await page.keyboard.press('Enter')
  await page.getByTestId('director-packets').click()
  await expectDr()
  // the clicker (PageDown / PageUp) and the arrows walk the packets
  const pressed = () =>
    page
      .getByTestId('packets-list')
      .locator('button')
      .evaluateAll((bs) => bs.findIndex((b) => b.getAttribute('aria-pressed') === 'true'))
  expect(await pressed()).toBe(0)
  await page.keyboard.press('PageDown')
  expect(await pressed()).toBe(1)
  await expect(page.getByTestId('packets-detail')).toContainText('ip_vs_dr_xmit')
  await page.keyboard.press('PageDown')
  await page.keyboard.press('ArrowUp')
  expect(await pressed()).toBe(1)
  await page.keyboard.press('PageUp')
  expect(await pressed()).toBe(0)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('director-packets')).toBeFocused()

  // Presenter mode hides Why?: the key P (the real server still chosen) opens the same view
  await page.getByTestId('presenter').click()
  await expect(page.locator(':root[data-presenter]')).toHaveCount(1)
  await expect(page.getByTestId('why')).toBeHidden()
  await page.locator('body').click({ position: { x: 2, y: 2 } })
  await page.keyboard.press('p')
  await expectDr()
  await page.keyboard.press('Escape')
  // and its Packets button in the director's header, by keyboard
  await page.getByTestId('director-packets').focus()
  await page.keyboard.press('Enter')
  await expectDr()
})

test('a real server with several connections: the chooser switches between them, newest first', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open(SCENARIO)
  await seek(lab, 7000)
  // 192.168.8.102 takes the NAT TCP connection (:8080) and the UDP one (:53)
  await page.getByTestId('director-rs').nth(1).focus()
  await page.keyboard.press('Enter')
  await page.getByTestId('director-packets').click()
  const choose = page.getByTestId('packets-choose')
  await expect(choose.locator('option')).toHaveCount(2)
  await expect(heading(page)).toContainText('10.0.0.4:5353 → 192.168.100.100:53')
  await expect(choose.locator('option').nth(1)).toContainText('10.0.0.2:40002')
  await choose.selectOption({ index: 1 })
  await expect(heading(page)).toContainText('10.0.0.2:40002 → 192.168.100.100:8080')
  expect((await hops(page)).slice(0, 4)).toEqual([
    'client→director',
    'director→real-server',
    'real-server→director',
    'director→client',
  ])
})

test('the capture of a time window: only the frames sent between "from" and "to"; a window that is not one says so where typed', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open(SCENARIO)
  await seek(lab, 7000)
  await openPackets(lab, 443)
  const from = page.getByTestId('packets-window-from')
  const to = page.getByTestId('packets-window-to')
  const go = page.getByTestId('packets-pcap-window')
  // offered: from the connection's second to the present
  await expect(from).toHaveValue('3')
  await expect(to).toHaveValue('7')
  await to.fill('1')
  await expect(page.getByRole('alert')).toContainText('later')
  await expect(to).toHaveAttribute('aria-invalid', 'true')
  await expect(go).toBeDisabled()
  await to.fill('')
  await expect(page.getByRole('alert')).toContainText('number')
  await from.fill('3')
  await to.fill('3.9')
  await expect(go).toBeEnabled()
  const [download] = await Promise.all([page.waitForEvent('download'), go.click()])
  expect(download.suggestedFilename()).toBe('lvs-lab-3s-3.9s.pcap')
  test.skip(!existsSync('/usr/bin/tcpdump'), 'tcpdump is not installed (/usr/bin/tcpdump): the file was not read back')
  const out = execFileSync('/usr/bin/tcpdump', ['-nn', '-tt', '-r', await download.path()], { encoding: 'utf8' })
  const lines = out.trim().split('\n')
  expect(lines.length).toBeGreaterThan(0)
  // the lab's clock: 2026-01-05 09:00:00 UTC (1767603600) + simulated seconds
  for (const l of lines) {
    const sec = Number(l.split(' ')[0]) - 1767603600
    expect(sec).toBeGreaterThanOrEqual(3)
    expect(sec).toBeLessThanOrEqual(3.9)
  }
  expect(out).toContain('10.0.0.3.40003 > 192.168.100.100.443: Flags [S]')
  expect(out).not.toContain('10.0.0.4.5353')
})

for (const theme of ['light', 'dark'] as const)
  test(`axe finds no WCAG 2.1 A/AA violation in the open Packets view (${theme})`, async ({ page }) => {
    await page.addInitScript((th) => localStorage.setItem('lab.theme', th), theme)
    const lab = new LabPage(page)
    await lab.open(SCENARIO)
    await seek(lab, 7000)
    // a real server with two connections: the chooser, the window's fields, a chosen packet
    await page.getByTestId('director-rs').nth(1).focus()
    await page.keyboard.press('Enter')
    await page.getByTestId('director-packets').click()
    await page.getByTestId('packets-list').locator('button').nth(1).click()
    await page.getByTestId('packets-window-to').fill('1')
    await expect(page.getByRole('alert')).toBeVisible()
    const r = await new AxeBuilder({ page })
      .include('[data-testid="packets"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze()
    const found = r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} at ${n.target.join(' ')}`))
    expect(found, found.join('\n')).toEqual([])
  })

/** Screenshots (SHOTS=1) to /tmp/shots-pkui: the view opened as a class would, LOOKED at before done. */
const SHOT_DIR = '/tmp/shots-pkui'
const VIEW_SHOTS: { name: string; url: string; atMs: number; vport: number; row: number }[] = [
  { name: 'nat', url: SCENARIO, atMs: 7000, vport: 8080, row: 3 },
  { name: 'tun', url: SCENARIO, atMs: 7000, vport: 443, row: 1 },
  { name: 'dr', url: SCENARIO, atMs: 7000, vport: 80, row: 1 },
]
for (const s of VIEW_SHOTS)
  for (const [w, h, presenter] of [
    [1280, 720, true],
    [1366, 768, false],
  ] as const)
    for (const locale of ['en', 'zh-CN'] as const)
      for (const theme of ['light', 'dark'] as const) {
        if (s.name !== 'nat' && theme === 'dark') continue
        test(`screenshot: Packets view ${s.name} (${w}×${h}${presenter ? ' presenter' : ''}, ${locale}, ${theme})`, async ({
          page,
        }) => {
          test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
          test.setTimeout(120_000)
          await page.setViewportSize({ width: w, height: h })
          await page.addInitScript(
            ([l, th]) => {
              localStorage.setItem('lab.locale', l)
              localStorage.setItem('lab.theme', th)
            },
            [locale, theme],
          )
          const lab = new LabPage(page)
          await lab.open(s.url)
          await seek(lab, s.atMs)
          if (presenter) {
            // Presenter hides Why?: the real server in the director, then P
            await page.getByTestId('presenter').click()
            await page
              .getByTestId('director-rs')
              .nth(s.vport === 8080 ? 1 : s.vport === 443 ? 2 : 0)
              .focus()
            await page.keyboard.press('Enter')
            await page.keyboard.press('p')
            const choose = page.getByTestId('packets-choose')
            if (s.vport === 8080) await choose.selectOption({ index: 1 })
          } else await openPackets(lab, s.vport)
          const rows = page.getByTestId('packets-list').locator('button')
          await expect(rows.first()).toBeVisible()
          await expect(heading(page)).toContainText(`:${s.vport}`)
          await rows.nth(s.row).click()
          mkdirSync(SHOT_DIR, { recursive: true })
          await page.screenshot({
            path: `${SHOT_DIR}/view-${s.name}-${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}.png`,
          })
        })
      }

/**
 * The broken labs: the connection that breaks (to 192.168.8.101), its dying packet chosen. It never
 * connects, so it is no attempt of the director's or Why?'s: its line of `ipvsadm -Lnc`
 * (SYN_RECV) opens it.
 */
const BROKEN: { name: string; url: string; atMs: number }[] = [
  { name: 'nat-rs-wrong-gateway', url: '/?scenario=nat-rs-wrong-gateway.json', atMs: 9000 },
  { name: 'tun-rs-without-tunl0', url: '/?scenario=tun-rs-without-tunl0.json', atMs: 9000 },
]
for (const s of BROKEN)
  for (const [locale, theme] of [
    ['en', 'light'],
    ['zh-CN', 'dark'],
  ] as const)
    test(`screenshot: the broken lab ${s.name} (1366×768, ${locale}, ${theme})`, async ({ page }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(120_000)
      await page.setViewportSize({ width: 1366, height: 768 })
      await page.addInitScript(
        ([l, th]) => {
          localStorage.setItem('lab.locale', l)
          localStorage.setItem('lab.theme', th)
        },
        [locale, theme],
      )
      const lab = new LabPage(page)
      await lab.open(s.url)
      await seek(lab, s.atMs)
      await page.getByTestId('listing').scrollIntoViewIfNeeded()
      await page.getByTestId('listing-conn').filter({ hasText: '192.168.8.101' }).first().click()
      const rows = page.getByTestId('packets-list').locator('button')
      await expect(rows.first()).toBeVisible()
      // the packet that dies: the client's RST, or the dropped one
      const dying = page.getByTestId('packets-list').locator('button.dropped, button:has-text("[R]")').first()
      await dying.click()
      mkdirSync(SHOT_DIR, { recursive: true })
      await page.screenshot({ path: `${SHOT_DIR}/broken-${s.name}-1366x768-${locale}-${theme}.png` })
    })

test('lesson 9, "Three roads to the real server": predict the reply source, the reveal opens its packets; the clicker walks them', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('view-lessons').click()
  await page.getByTestId('lesson-roads').click()
  await expect(page.getByTestId('lesson')).toContainText('9. Three roads to the real server')
  await page.getByTestId('lesson-next').click() // play to 5 s
  await expect.poll(() => lab.nowMs(), { timeout: 20_000 }).toBe(5000)
  await page.getByTestId('lesson-next').click() // ipvsadm -Ln
  await expect(page.getByTestId('lesson')).toContainText('Masq')
  await page.getByTestId('lesson-next').click() // DR
  await page.getByTestId('lesson-next').click() // NAT
  await expect(page.getByTestId('lesson')).toContainText('for the NAT connection (:8080)')
  await page.getByTestId('choice-1').click() // the real server's RIP, as it sent it
  await expect(page.getByTestId('verdict')).toContainText('Not quite. The engine’s answer: 192.168.100.100.')
  await expect(page.getByTestId('reveal')).toContainText('handle_response')
  await page.getByTestId('lesson-packets').click()
  await expect(heading(page)).toContainText('10.0.0.1:40002 → 192.168.100.100:8080')
  await expect(page.getByTestId('packets-list').locator('li').first()).toBeVisible()
  expect((await hops(page)).slice(0, 4)).toEqual([
    'client→director',
    'director→real-server',
    'real-server→director',
    'director→client',
  ])
  // the clicker's PageDown walks the packets while the view is open, not the lesson
  for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown')
  await expect(page.getByTestId('packets-detail')).toContainText('handle_response')
  expect(await changed(page)).toEqual(expect.arrayContaining(['ip.src', 'tcp.sport']))
  await expect(page.getByTestId('lesson')).toContainText('for the NAT connection (:8080)')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('lesson-packets')).toBeFocused()
  // closed, PageDown is the lesson's again
  await page.keyboard.press('PageDown')
  await expect(page.getByTestId('lesson')).toContainText('for the TUN connection (:443)')
})

/**
 * The director drawing each connection's real path: with reduced motion the reply paths stand
 * still (a NAT one through the service box, DR/TUN ones round it); in motion, frames while the
 * replies fly. A seek resends the three connections, which fly once.
 */
for (const [w, h, presenter, locale, theme] of [
  [1280, 720, true, 'en', 'light'],
  [1366, 768, false, 'zh-CN', 'dark'],
] as const)
  for (const motion of ['reduce', 'no-preference'] as const)
    test(`screenshot: the director, lesson 9's three roads (${w}×${h}${presenter ? ' presenter' : ''}, ${locale}, ${theme}, motion ${motion})`, async ({
      page,
    }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(120_000)
      await page.setViewportSize({ width: w, height: h })
      await page.emulateMedia({ reducedMotion: motion })
      await page.addInitScript(
        ([l, th]) => {
          localStorage.setItem('lab.locale', l)
          localStorage.setItem('lab.theme', th)
        },
        [locale, theme],
      )
      const lab = new LabPage(page)
      await lab.open()
      if (presenter) await page.getByTestId('presenter').click()
      await page.getByTestId('view-lessons').click()
      await page.getByTestId('lesson-roads').click()
      await page.getByTestId('lesson-next').click()
      await expect.poll(() => lab.nowMs(), { timeout: 20_000 }).toBe(5000)
      await seek(lab, 3500)
      mkdirSync(SHOT_DIR, { recursive: true })
      const name = `${SHOT_DIR}/director-roads-${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}`
      if (motion === 'reduce') {
        await page.screenshot({ path: `${name}-still.png` })
        return
      }
      // the requests fly in the first two thirds of the 2.1 s flight, the replies in the last
      // (a screenshot on a loaded machine takes a few hundred ms: frames as they come)
      for (let i = 1; i <= 4; i++) {
        await page.waitForTimeout(250)
        await page.screenshot({ path: `${name}-${i}.png` })
      }
    })
