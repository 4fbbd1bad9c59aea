/**
 * Hosting it for a class: after one visit the lab works with the network off (the service worker
 * precaches the whole build), and the build works from any static host under any sub-path.
 */
import { createReadStream, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/** Resolves once a service worker controls the page (it claims the page on its first visit). */
async function controlledByServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready)
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? 'none')).toBe('activated')
}

/** The lab plays: the simulated clock advances past `ms`. */
async function plays(lab: LabPage, ms: number): Promise<void> {
  await lab.speed(30)
  await lab.playUntil(ms)
}

test('after one visit the lab loads, plays and opens a preset with the network off', async ({ page, context }) => {
  const lab = new LabPage(page)
  await lab.open()
  await controlledByServiceWorker(page)
  await context.setOffline(true)
  expect(await page.evaluate(() => navigator.onLine)).toBe(false)
  await page.reload()
  await expect(page.getByTestId('play')).toBeEnabled()
  await expect(page.getByTestId('rs-192.168.8.101:80')).toBeVisible()
  await plays(lab, 5_000)
  // a scenario from the preset list is a file the page fetches: the cache answers
  await lab.preset('pcc')
  await expect(lab.consoleLog()).toContainText('— PCC on :0 (persistent client) —')
  await plays(lab, 3_000)
  await lab.type('ipvsadm -Ln')
  await expect(lab.consoleLog()).toContainText('TCP  192.168.100.100:0 rr persistent 300')
  // a link to another case opens offline too (every navigation gets the cached page)
  await page.goto('/?preset=fwmark')
  await expect(lab.consoleLog()).toContainText('ipvsadm -A -f 80')
  await expect(page.getByTestId('play')).toBeEnabled()
})

/** A static host that serves `dir` under `prefix`, as a school's web server would serve a folder. */
function staticHost(dir: string, prefix: string): Server {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
  }
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname)
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('not here')
      return
    }
    const rel = normalize(path.slice(prefix.length) || 'index.html').replace(/^(\.\.[/\\])+/, '')
    let file = join(dir, rel)
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html')
      statSync(file)
    } catch {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
}

test.describe('served from a sub-path of another static host', () => {
  let server: Server
  let base = ''
  test.beforeAll(async () => {
    // the test build the config made for this run, mounted at /lab/sub/ on a port the system picks
    server = staticHost(resolve('dist-e2e'), '/lab/sub/')
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lab/sub/`
  })
  test.afterAll(async () => {
    await new Promise((ok) => server.close(ok))
  })

  test('the lab loads and plays under /lab/sub/, its files and its worker fetched from there', async ({ page }) => {
    const outside: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) outside.push(r.url())
    })
    const lab = new LabPage(page)
    await lab.open(base)
    await plays(lab, 5_000)
    await lab.preset('pcc')
    await expect(lab.consoleLog()).toContainText('— PCC on :0 (persistent client) —')
    await plays(lab, 3_000)
    // the service worker's scope is the sub-path
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(base)
    // a share link keeps the sub-path
    await page.getByTestId('share-link').click()
    expect(await page.getByTestId('share-url').inputValue()).toMatch(new RegExp(`^${base}#s=`))
    expect(outside).toEqual([])
  })
})
