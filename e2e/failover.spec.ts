import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/** Two directors (docs/two-directors.md): VRRP, the sync daemon, the master losing power. */
const seek = (lab: LabPage, ms: number) => lab.seek(ms)

test('the failover preset: the master holds the VIP, then loses power and the backup takes over', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('failover')
  const pair = page.getByTestId('pair')
  await seek(lab, 60_000)
  // VRRP elected the director (priority 150); the sync daemons run as keepalived started them
  await expect(page.getByTestId('pair-director-state')).toHaveText('MASTER 150')
  await expect(page.getByTestId('pair-backup-state')).toHaveText('BACKUP 100')
  await expect(page.getByTestId('pair-director')).toContainText('holds the VIP')
  await expect(page.getByTestId('pair-director')).toContainText('sync daemon: master')
  await expect(page.getByTestId('pair-backup')).toContainText('sync daemon: backup')
  await expect(page.getByTestId('pair-last-move')).toContainText('sync messages')
  // the scenario's fault at 240 s; the backup's master-down timer runs out at 243.025 s
  await seek(lab, 250_000)
  await expect(page.getByTestId('pair-director-state')).toHaveText('lost power')
  await expect(page.getByTestId('pair-backup-state')).toHaveText('MASTER 100')
  await expect(page.getByTestId('pair-backup')).toContainText('holds the VIP')
  await expect(page.getByTestId('pair-last-move')).toHaveText(
    '243.0 s: the VIP moved to the backup (VRRP, gratuitous ARP)',
  )
  // the real servers' counters are the VIP holder's table, as the figures are
  await expect(page.getByTestId('servers-whose')).toHaveText('on the backup')
  // back before the fault: the strip follows a seek
  await seek(lab, 120_000)
  await expect(page.getByTestId('pair-director-state')).toHaveText('MASTER 150')
  await expect(pair).toBeVisible()
  await expect(page.getByTestId('servers-whose')).toHaveText('on the director')
})

test('the button fails the VIP’s holder: a journaled lab-fault line, and the backup takes over', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('failoverNoSync')
  await seek(lab, 60_000)
  await expect(page.getByTestId('pair-director')).toContainText('no sync daemon')
  await page.getByTestId('pair-fail').click()
  await expect(lab.consoleLog()).toContainText('lab-fault director crash')
  await expect(page.getByTestId('pair-director-state')).toHaveText('lost power')
  // the backup's VRRP waits 3 × advert_int + skew after the last advert it heard
  await seek(lab, 65_000)
  await expect(page.getByTestId('pair-backup-state')).toHaveText('MASTER 100')
  await expect(page.getByTestId('pair-last-move')).toContainText('the VIP moved to the backup')
  // a rewind replays the journaled line: before it, the director is master again
  await seek(lab, 30_000)
  await expect(page.getByTestId('pair-director-state')).toHaveText('MASTER 150')
  await seek(lab, 70_000)
  await expect(page.getByTestId('pair-backup-state')).toHaveText('MASTER 100')
})

test('the backup’s table beside the director’s: ssh backup ipvsadm -Lnc in the listings and the console', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('failover')
  await seek(lab, 120_000)
  const tab = page.getByRole('tab', { name: 'ssh backup -Lnc' })
  await tab.click()
  // the templates the sync daemon sent: each a line with the client's port 0, origin the master
  await expect(page.getByTestId('listing')).toContainText(
    /TCP +\d\d:\d\d +(ASSURED|NONE) +10\.0\.\d+\.\d+:0 +192\.168\.100\.100:80/,
  )
  await lab.type('ssh backup ipvsadm -L --daemon')
  await expect(lab.outputOf('ssh backup ipvsadm -L --daemon')).toContainText(
    'backup sync daemon (mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)',
  )
  await lab.type('ssh backup2 true')
  await expect(lab.outputOf('ssh backup2 true')).toContainText(
    'ssh: Could not resolve hostname backup2: Name or service not known',
  )
})

test('both directors’ templates on one timeline: the backup’s are the synced ones; after the failover the director’s stop', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('failover')
  await seek(lab, 120_000)
  const timeline = page.getByTestId('timeline')
  // the director's table and the backup's, each under its heading
  await expect(timeline).toHaveAttribute(
    'aria-label',
    /^Template timeline with \d+ templates: [1-9]\d* in the director's table, [1-9]\d* in the backup's$/,
  )
  const groups = /: (\d+) in the director's table, (\d+) in the backup's$/.exec(
    (await timeline.getAttribute('aria-label')) ?? '',
  )
  const director = Number(groups?.[1])
  // ↓ passes over the headings: one more than the director's rows reaches the backup's first row
  await timeline.focus()
  for (let i = 0; i <= director; i++) await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('why')).toContainText('on the backup director by its sync daemon')
  // without sync the backup's table is empty until the failover
  await lab.preset('failoverNoSync')
  await seek(lab, 120_000)
  await expect(timeline).toHaveAttribute('aria-label', /in the director's table, 0 in the backup's$/)
  await seek(lab, 300_000)
  await expect(timeline).toHaveAttribute('aria-label', /in the director's table, [1-9]\d* in the backup's$/)
})

test('one director: no pair strip', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('ppc80')
  await expect(page.getByTestId('play')).toBeEnabled()
  await expect(page.getByTestId('pair')).toHaveCount(0)
})

type Shot = { w: number; h: number; presenter: boolean; locale: 'en' | 'zh-CN'; theme: 'light' | 'dark' }
const SHOTS: Shot[] = []
for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const) SHOTS.push({ w, h, presenter, locale, theme })

/** The two presets after their failover: every size, language and theme with sync, two without. */
for (const [preset, atMs, prefix, shots] of [
  ['failover', 250_000, '', SHOTS],
  ['failoverNoSync', 300_000, 'nosync-', [SHOTS[0], SHOTS[7]]],
] as const)
  for (const { w, h, presenter, locale, theme } of shots)
    test(`screenshot: ${preset} after the failover (${w}×${h}${presenter ? ' presenter' : ''}, ${locale}, ${theme})`, async ({
      page,
    }) => {
      test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
      test.setTimeout(150_000)
      await page.setViewportSize({ width: w, height: h })
      const lab = new LabPage(page)
      await lab.prefer({ locale, theme })
      await lab.open()
      if (presenter) await page.getByTestId('presenter').click()
      await lab.preset(preset)
      await seek(lab, atMs)
      await expect(page.getByTestId('pair-backup-state')).toHaveText('MASTER 100')
      mkdirSync('/tmp/shots-pair', { recursive: true })
      const name = `${prefix}${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}`
      await page.screenshot({ path: `/tmp/shots-pair/${name}.png` })
      if (presenter || prefix) return
      // below the stage: the backup's table in the listings
      await page.getByRole('tab', { name: 'ssh backup -Lnc' }).click()
      await expect(page.getByTestId('listing')).toContainText('192.168.100.100:80')
      await page.getByTestId('listing').scrollIntoViewIfNeeded()
      await page.screenshot({ path: `/tmp/shots-pair/${name}-listing.png` })
    })
