/**
 * Issue 16's files in the app: keepalived.conf exported and read back in a fresh lab, a
 * keepalived.conf and a Kubernetes manifest imported (good and bad: the programs' own errors
 * where the text was pasted, the lab as it was), the Kubernetes preset and lesson 14.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  sessionAffinity: ClientIP
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 8080
endpoints:
- addresses: [10.244.1.5]
- addresses: [10.244.2.7]
`
const BAD_CONF = `virtual_server 192.168.100.100 80 {
    lb_algo rrx
    lb_kind DR
    protocol TCP
    real_server 192.168.8.101 80 {
        wieght 2
    }
}
`

async function exportKeepalived(page: Page): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-keepalived').click()])
  expect(dl.suggestedFilename()).toBe('keepalived.conf')
  return readFileSync(await dl.path(), 'utf8')
}

async function paste(page: Page, text: string): Promise<void> {
  await page.getByTestId('import-open').click()
  await expect(page.getByTestId('import-dialog')).toBeVisible()
  await page.getByTestId('import-text').fill(text)
}

/** The listing of `ipvsadm -Ln` without its counters (a fresh lab's are 0, a running one's not). */
const rules = (listing: string) =>
  listing
    .split('\n')
    .map((l) => l.replace(/^( {2}-> \S+ +\S+ +\d+).*$/, '$1').trimEnd())
    .join('\n')

test('keepalived.conf exported, then read back in a fresh lab: keepalived programs what ipvsadm -Ln showed', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.type('ipvsadm -Ln')
  const before = (await lab.outputOf('ipvsadm -Ln').textContent()) ?? ''
  const conf = await exportKeepalived(page)
  expect(conf).toContain(
    'virtual_server 192.168.100.100 80 {\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n    persistence_timeout 300\n',
  )
  expect(conf).toContain('    real_server 192.168.8.101 80 {\n        weight 2\n    }')
  await paste(page, conf)
  await expect(page.getByTestId('import-will')).toContainText('/etc/keepalived/keepalived.conf')
  await page.getByTestId('import-submit').click()
  await expect(page.getByTestId('import-dialog')).toBeHidden()
  await expect(page.getByTestId('play')).toBeEnabled()
  await expect(lab.consoleLog()).toContainText('keepalived: ipvsadm -A -t 192.168.100.100:80 -s rr -p 300')
  await lab.type('ipvsadm -Ln')
  const after = (await lab.outputOf('ipvsadm -Ln').textContent()) ?? ''
  expect(rules(after)).toBe(rules(before))
  await lab.type('cat /etc/keepalived/keepalived.conf')
  await expect(lab.consoleLog()).toContainText('! Exported from LVS Persistence Lab')
})

test("a keepalived.conf with errors: keepalived's messages with their lines where it was pasted, the lab kept", async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  const description = (await page.getByTestId('description').textContent()) ?? ''
  await paste(page, BAD_CONF)
  await expect(page.getByTestId('import-will')).toContainText('systemctl start keepalived')
  await page.getByTestId('import-submit').click()
  const errors = page.getByTestId('import-errors')
  await expect(errors).toContainText("(/etc/keepalived/keepalived.conf: Line 2) Invalid lvs_scheduler 'rrx' - ignoring")
  await expect(errors).toContainText("(/etc/keepalived/keepalived.conf: Line 6) Unknown keyword 'wieght'")
  await expect(page.getByTestId('import-text')).toHaveAttribute('aria-invalid', 'true')
  // nothing was loaded: the lab behind the dialog is the one it was
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('description')).toHaveText(description)
  await expect(lab.consoleLog()).toContainText('ipvsadm -A -t 192.168.100.100:80')
})

test("a Kubernetes manifest opened from a file: kube-proxy's IPVS, kube-ipvs0; a bad one in the API server's words", async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('import-open').click()
  await page.getByTestId('import-file').setInputFiles({
    name: 'web.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(MANIFEST.replace('port: 80\n', 'port: 0\n')),
  })
  await expect(page.getByTestId('import-will')).toContainText('kube-proxy --proxy-mode=ipvs')
  await page.getByTestId('import-submit').click()
  await expect(page.getByTestId('import-errors')).toContainText(
    'The Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  )
  await page.getByTestId('import-file').setInputFiles({
    name: 'web.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(MANIFEST),
  })
  await expect(page.getByTestId('import-errors')).toBeHidden()
  await page.getByTestId('import-submit').click()
  await expect(page.getByTestId('import-dialog')).toBeHidden()
  await expect(page.getByTestId('play')).toBeEnabled()
  await expect(lab.consoleLog()).toContainText('kubectl apply -f web.yaml')
  await expect(lab.consoleLog()).toContainText('kube-proxy: ipvsadm -A -t 10.96.0.10:80 -s rr -p 10800')
  await lab.type('ip -4 addr show kube-ipvs0')
  await expect(lab.consoleLog()).toContainText('inet 10.96.0.10/32 scope global kube-ipvs0')
  // its traffic reaches the pods (20 simulated seconds at 10×)
  await lab.speed(10)
  await lab.playUntil(20_000)
  await lab.type('ipvsadm -Ln')
  await expect(lab.consoleLog()).toContainText(/10\.244\.1\.5:8080 +Masq +1 /)
})

test('the preset and lesson 14: ClientIP affinity in Kubernetes', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('kubeAffinity')
  await expect(lab.consoleLog()).toContainText('kube-proxy: ipvsadm -A -t 10.96.0.20:80 -s rr -p 10800')
  await page.getByTestId('view-lessons').click()
  await page.getByTestId('lesson-kube-affinity').click()
  await expect(page.getByTestId('lesson')).toContainText('14. ClientIP affinity in Kubernetes')
  await page.getByTestId('lesson-next').click() // ipvsadm -Ln
  await expect(page.getByTestId('lesson-output')).toContainText('TCP  10.96.0.20:80 rr persistent 10800')
  await page.getByTestId('lesson-next').click() // ip addr show kube-ipvs0
  await expect(page.getByTestId('lesson-output')).toContainText('inet 10.96.0.20/32 scope global kube-ipvs0')
  await page.getByTestId('lesson-next').click() // play to 5 s
  await expect.poll(() => lab.nowMs(), { timeout: 20_000 }).toBe(5_000)
  await page.getByTestId('lesson-next').click() // the question
  await expect(page.getByTestId('lesson')).toContainText('10.0.0.7 connects again at 60 s')
  await page.getByTestId('choice-2').click() // 10.244.3.9: where it went at 1 s
  await expect(page.getByTestId('verdict')).toContainText('10.244.3.9')
  await expect(page.getByTestId('reveal')).toContainText('10.0.0.7 → 10.244.3.9')
})

const SIZES = [
  { w: 1280, h: 720, presenter: true },
  { w: 1366, h: 768, presenter: false },
] as const
for (const { w, h, presenter } of SIZES)
  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshots ${w}x${h}${presenter ? ' presenter' : ''} ${locale} ${theme}: the import dialog and lesson 14`, async ({
        page,
      }) => {
        test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
        test.setTimeout(120_000)
        await page.setViewportSize({ width: w, height: h })
        const lab = new LabPage(page)
        await lab.open()
        await page.getByTestId('locale').selectOption(locale)
        if (theme === 'dark') await page.getByTestId('theme').click()
        if (presenter) await page.getByTestId('presenter').click()
        mkdirSync('/tmp/shots-files', { recursive: true })
        const name = `/tmp/shots-files/${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}`
        await paste(page, BAD_CONF)
        await page.getByTestId('import-submit').click()
        await expect(page.getByTestId('import-errors')).toBeVisible()
        await page.screenshot({ path: `${name}-import.png` })
        await page.keyboard.press('Escape')
        await expect(page.getByTestId('import-dialog')).toBeHidden()
        await page.getByTestId('view-lessons').click()
        await page.getByTestId('lesson-kube-affinity').click()
        for (let i = 0; i < 3; i++) await page.getByTestId('lesson-next').click()
        await expect.poll(() => lab.nowMs(), { timeout: 20_000 }).toBe(5_000)
        await page.getByTestId('lesson-next').click()
        await page.getByTestId('choice-2').click()
        await expect(page.getByTestId('reveal')).toBeVisible()
        await page.screenshot({ path: `${name}-lesson.png` })
      })
