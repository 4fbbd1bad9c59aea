import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

test('a preset plays and its templates appear on the timeline, as ipvsadm -Lnc lists them', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(60_000)
  await expect(page.getByTestId('timeline-count')).not.toHaveText(/^0 templates/)
  const templates = await page.evaluate(() => window.lab?.templates() ?? [])
  expect(templates.length).toBeGreaterThan(3)
  // the same templates, in text
  await lab.type('ipvsadm -Lnc')
  const first = templates.find((t) => t.expiredAt < 0)
  expect(first).toBeDefined()
  await expect(lab.consoleLog()).toContainText(`${first?.client}:0`)
  await expect(lab.consoleLog()).toContainText('ASSURED')
  // both real servers took connections
  const rs = await page.evaluate(() => window.lab?.rs() ?? [])
  expect(rs.filter((r) => r.inactConns + r.activeConns > 0).length).toBe(2)
  await lab.shot('play-templates')
})

test('a mistyped ipvsadm line gets the real error, in place', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.type('ipvsadm -A -t 192.168.100.100:80 -s rr -p 300')
  await expect(lab.consoleLog()).toContainText('Service already exists')
  await lab.type('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.300')
  await expect(lab.consoleLog()).toContainText('illegal real server address[:port] specified')
  await lab.type('iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK')
  await expect(lab.consoleLog()).toContainText(
    'iptables v1.8.9 (nf_tables): MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required',
  )
  await lab.shot('console-errors')
})

test('a quiesced real server (weight 0) still gets its returning clients', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(40_000)
  const weight = page.getByTestId('weight-192.168.8.101:80')
  await weight.fill('0')
  await weight.press('Enter')
  await expect(page.getByTestId('rs-192.168.8.101:80')).toContainText(/quiescent/)
  const changedAt = await lab.nowMs()
  await lab.playUntil(changedAt + 60_000)
  const after = await page.evaluate((t) => (window.lab?.attempts() ?? []).filter((a) => a.at > t), changedAt)
  // new clients: never .101; clients whose template points at .101: still .101
  expect(after.some((a) => a.rs === '192.168.8.101' && a.how === 1)).toBe(true)
  expect(after.filter((a) => a.how !== 1).every((a) => a.rs !== '192.168.8.101')).toBe(true)
  await lab.shot('quiescent')
})

test('rewinding replays the same world', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(90_000)
  const at = await lab.nowMs()
  const key = (t: { client: string; rs: string; createdAt: number }) => `${t.client}>${t.rs}@${t.createdAt}`
  const before = await page.evaluate(() => window.lab?.templates() ?? [])
  // back to the start with the time slider (Home), as a teacher would
  await page.getByTestId('seek').focus()
  await page.keyboard.press('Home')
  await expect.poll(() => lab.nowMs()).toBe(0)
  await expect(page.getByTestId('timeline-count')).toHaveText(/^0 templates/)
  await lab.shot('rewind-start')
  await lab.playUntil(at)
  const again = await page.evaluate(() => window.lab?.templates() ?? [])
  const upTo = (list: typeof before) => new Set(list.filter((t) => t.createdAt <= at).map(key))
  expect(upTo(again)).toEqual(upTo(before))
  expect(upTo(before).size).toBeGreaterThan(3)
  await lab.shot('rewind')
})

test('the interface speaks 中文; tool output stays as the tools print it', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('locale').selectOption('zh-CN')
  await expect(page.getByRole('heading', { name: '模板时间线' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  // the scenario's own description, in the file's Chinese words
  await expect(page.getByTestId('description')).toContainText('观察每个客户端的模板如何出现、刷新和过期')
  await lab.type('ipvsadm -Ln')
  await expect(lab.consoleLog()).toContainText('IP Virtual Server version 1.2.1')
  await lab.shot('chinese')
})

test('keyboard: space plays and pauses, → steps', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.locator('body').press('ArrowRight')
  await expect.poll(() => lab.nowMs()).toBeGreaterThan(0)
  await page.locator('body').press('Space')
  await expect(page.getByRole('button', { name: /Pause/ })).toBeVisible()
  await page.locator('body').press('Space')
  await expect(page.getByRole('button', { name: /Play/ })).toBeVisible()
})

test.describe('on a slow network', () => {
  // held requests must reach the network: no service worker answering from its cache
  test.use({ serviceWorkers: 'block' })

  test('a preset chosen on a slow network: play waits for it, then plays the new scenario', async ({ page }) => {
    const lab = new LabPage(page)
    await lab.open()
    const release = await lab.holdRequests('**/scenarios/classroom-pcc.json')
    await page.getByTestId('preset').selectOption('pcc')
    await expect(page.getByTestId('play')).toBeDisabled()
    await page.keyboard.press(' ')
    await expect(page.getByTestId('play')).toHaveText(/Play/)
    release()
    await expect(lab.consoleLog()).toContainText('— PCC on :0 (persistent client) —')
    await expect(page.getByTestId('play')).toBeEnabled()
    await lab.playUntil(5_000)
    // the PCC service (port 0) is what plays
    await lab.type('ipvsadm -Ln')
    await expect(lab.consoleLog()).toContainText('TCP  192.168.100.100:0 rr persistent 300')
  })
})
