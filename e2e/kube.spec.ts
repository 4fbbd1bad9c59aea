import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const WEIGHT0 = 'ipvsadm -e -t 10.0.255.254:30080 -r 10.244.3.9:8080 -m -w 0'

test("kube-proxy's lines in the console and on the timeline; kubectl in the director's shell", async ({ page }) => {
  const lab = new LabPage(page)
  await page.goto('/?scenario=kube-pod-terminates.json')
  await expect(page.getByTestId('play')).toBeEnabled()
  // what kube-proxy did when the scenario started it and applied the manifest, said to be kube-proxy's
  await expect(lab.consoleLog()).toContainText('kube-proxy: sysctl -w net.ipv4.vs.expire_quiescent_template=1')
  await expect(lab.consoleLog()).toContainText('kube-proxy: ipvsadm -A -t 10.0.255.254:30080 -s rr -p 10800')
  // the pod leaves at 300 s: weight 0 where it still has connections
  await page.evaluate((t) => window.lab?.seekForTest?.(t), 310_000)
  await expect.poll(() => lab.nowMs()).toBe(310_000)
  await expect(lab.consoleLog()).toContainText(`kube-proxy: ${WEIGHT0}`)
  const mark = page.locator(`[data-testid="timeline-mark"][aria-label*="${WEIGHT0}"]`)
  await expect(mark).toHaveCount(1)
  // one marker for the instant: the scenario's kubectl, then what kube-proxy did about it
  await expect(mark).toHaveAttribute(
    'aria-label',
    new RegExp(
      `^300\\.0 s scenario: kubectl apply -f web-scaled-down\\.yaml; .*300\\.0 s kube-proxy: ${WEIGHT0.replaceAll('.', '\\.')}`,
    ),
  )
  await lab.type('ipvsadm -Ln -t 10.0.255.254:30080')
  await expect(lab.outputOf('ipvsadm -Ln -t 10.0.255.254:30080')).toContainText(/10\.244\.3\.9:8080 +Masq +0 /)
  // kubectl answers as kubectl; a wrong manifest in the API server's words, nothing changed
  await lab.type('kubectl apply -f web.yaml')
  await expect(lab.outputOf('kubectl apply -f web.yaml')).toContainText('service/web unchanged')
  await lab.type(
    "printf 'apiVersion: v1\\nkind: Service\\nmetadata: {name: web}\\nspec:\\n  ports: [{port: 0}]\\n' > /root/bad.yaml",
  )
  await lab.type('kubectl apply -f bad.yaml')
  await expect(lab.outputOf('kubectl apply -f bad.yaml')).toContainText(
    'The Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  )
  if (process.env.SHOTS) {
    await page.setViewportSize({ width: 1366, height: 768 })
    await lab.consoleLog().scrollIntoViewIfNeeded()
    await page.screenshot({ path: '/tmp/shots-kube/kube-console-1366x768-en.png' })
  }
})
