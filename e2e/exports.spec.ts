/**
 * Every export downloaded and read back: the timeline PNG carries its title, time axis and legend
 * (read with a small PNG decoder), the SVG's last time tick lies inside its drawing, and each CSV
 * file is one table (a header line, every row as wide).
 */
import { readFileSync } from 'node:fs'
import { inflateSync } from 'node:zlib'
import type { Download, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

/** A PNG's size and RGBA pixels (8-bit RGB or RGBA, not interlaced: what a canvas encodes). */
function decodePng(buf: Buffer): { width: number; height: number; pixel: (x: number, y: number) => number[] } {
  expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG')
  let pos = 8
  let width = 0
  let height = 0
  let channels = 4
  const idat: Buffer[] = []
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos)
    const type = buf.subarray(pos + 4, pos + 8).toString('latin1')
    const data = buf.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      expect(data[8]).toBe(8)
      channels = data[9] === 6 ? 4 : 3
    } else if (type === 'IDAT') idat.push(data)
    pos += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const out = Buffer.alloc(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    for (let i = 0; i < stride; i++) {
      const v = raw[y * (stride + 1) + 1 + i]
      const a = i >= channels ? out[y * stride + i - channels] : 0
      const b = y > 0 ? out[(y - 1) * stride + i] : 0
      const c = i >= channels && y > 0 ? out[(y - 1) * stride + i - channels] : 0
      const paeth = () => {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      const pred = [0, a, b, (a + b) >> 1, paeth()][filter] ?? 0
      out[y * stride + i] = (v + pred) & 255
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => [...out.subarray(y * stride + x * channels, y * stride + x * channels + channels)],
  }
}

/** The rows between y0 and y1 hold something drawn (a pixel unlike the page's background). */
function drawnBetween(png: ReturnType<typeof decodePng>, y0: number, y1: number): boolean {
  const bg = png.pixel(0, 0).join()
  for (let y = y0; y < y1; y++) for (let x = 0; x < png.width; x += 2) if (png.pixel(x, y).join() !== bg) return true
  return false
}

/** The files one click downloads (several for the CSVs: one table each). */
async function downloads(page: Page, click: () => Promise<void>, n: number): Promise<Download[]> {
  const got: Download[] = []
  const all = new Promise<void>((resolve) => {
    const on = (d: Download) => {
      got.push(d)
      if (got.length === n) {
        page.off('download', on)
        resolve()
      }
    }
    page.on('download', on)
  })
  await click()
  await all
  return got
}

/** One table: a header line of names, then rows as wide as it. */
function oneTable(text: string): string[][] {
  const lines = text.trimEnd().split('\r\n')
  const rows = lines.map((l) => l.split(','))
  expect(rows.length).toBeGreaterThan(1)
  expect(rows[0].every((h) => /^[A-Za-z_]+$/.test(h))).toBe(true)
  for (const r of rows) expect(r.length, r.join(',')).toBe(rows[0].length)
  return rows
}

test('the timeline PNG carries its title, time axis and legend; the SVG keeps its last tick inside', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(90_000)
  await page.getByTestId('timeline').scrollIntoViewIfNeeded()
  const canvas = await page
    .getByTestId('timeline')
    .locator('canvas')
    .first()
    .evaluate((c: HTMLCanvasElement) => ({ w: c.width, h: c.height }))
  const [png] = await downloads(page, () => page.getByTestId('timeline-png').click(), 1)
  expect(png.suggestedFilename()).toBe('template-timeline.png')
  if (process.env.SHOTS) await png.saveAs('/tmp/shots-offline/template-timeline-export.png')
  const img = decodePng(readFileSync(await png.path()))
  expect(img.width).toBe(canvas.w)
  // the title and the axis above the drawing, the legend below it
  expect(img.height).toBeGreaterThan(canvas.h + 60)
  expect(drawnBetween(img, 0, 40)).toBe(true)
  expect(drawnBetween(img, img.height - 30, img.height - 8)).toBe(true)

  const [svg] = await downloads(page, () => page.getByTestId('timeline-svg').click(), 1)
  expect(svg.suggestedFilename()).toBe('template-timeline.svg')
  const text = readFileSync(await svg.path(), 'utf8')
  const check = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml')
    const el = document.importNode(doc.documentElement, true) as unknown as SVGSVGElement
    document.body.append(el)
    const box = el.viewBox.baseVal
    // the time ticks: the texts of the axis row (y above the first template row)
    const ticks = [...el.querySelectorAll('text')].filter((t) => t.textContent?.endsWith(' s'))
    const boxes = ticks.map((t) => t.getBBox())
    el.remove()
    const last = boxes.reduce((a, b) => (b.x > a.x ? b : a))
    return {
      count: boxes.length,
      right: last.x + last.width,
      left: Math.min(...boxes.map((b) => b.x)),
      width: box.width,
    }
  }, text)
  expect(check.count).toBeGreaterThan(2)
  expect(check.right).toBeLessThanOrEqual(check.width)
  expect(check.left).toBeGreaterThanOrEqual(0)
})

test('the figures CSV is one table per file: the figures over time, the real servers now', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.speed(30)
  await lab.playUntil(20_000)
  const files = await downloads(page, () => page.getByTestId('figures-csv').click(), 2)
  const byName = new Map(files.map((d) => [d.suggestedFilename(), d]))
  expect([...byName.keys()].sort()).toEqual(['figures-over-time.csv', 'real-servers.csv'])
  const over = oneTable(readFileSync(await (byName.get('figures-over-time.csv') as Download).path(), 'utf8'))
  expect(over[0][0]).toBe('t_s')
  expect(over.length).toBeGreaterThan(10)
  const servers = oneTable(readFileSync(await (byName.get('real-servers.csv') as Download).path(), 'utf8'))
  expect(servers.slice(1).map((r) => r[0])).toEqual(['192.168.8.101:80', '192.168.8.102:80'])
})

test("compare's CSV is one table per file: the summary, the figures over time", async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await page.getByTestId('view-compare').click()
  await lab.speed(1000)
  await lab.play()
  await expect(page.getByText('At the end of the run.')).toBeVisible({ timeout: 60_000 })
  const files = await downloads(page, () => page.getByTestId('compare-csv').click(), 2)
  const byName = new Map(files.map((d) => [d.suggestedFilename(), d]))
  expect([...byName.keys()].sort()).toEqual(['compare-over-time.csv', 'compare-summary.csv'])
  const summary = oneTable(readFileSync(await (byName.get('compare-summary.csv') as Download).path(), 'utf8'))
  expect(summary).toHaveLength(1 + 4)
  const over = oneTable(readFileSync(await (byName.get('compare-over-time.csv') as Download).path(), 'utf8'))
  expect(over[0].slice(0, 2)).toEqual(['configuration', 't_s'])
})

test('the script for a real director rebuilds the configuration, then says what each real server needs for its method', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open('/?scenario=three-methods.json')
  const [sh] = await downloads(
    page,
    () => page.getByRole('button', { name: 'Script for a real director (.sh)' }).click(),
    1,
  )
  expect(sh.suggestedFilename()).toBe('lvs-lab-director.sh')
  const text = readFileSync(await sh.path(), 'utf8')
  expect(text).toContain('ipvsadm -C\n')
  expect(text).toContain('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 1\n')
  // the real servers' side, as comments (they run on the real servers, not here)
  expect(text).toContain(
    '# 192.168.8.101 — DR (Route) for 192.168.100.100\n#   ip addr add 192.168.100.100/32 dev lo\n',
  )
  expect(text).toContain('# 192.168.8.102 — NAT (Masq)\n#   ip route replace default via 192.168.8.1\n')
  expect(text).toContain(
    '#   ip addr add 192.168.100.100/32 dev tunl0\n#   sysctl -w net.ipv4.conf.tunl0.rp_filter=0\n',
  )
  const afterConfig = text.slice(text.indexOf('# On each real server'))
  expect(afterConfig.split('\n').every((l) => l === '' || l.startsWith('#'))).toBe(true)
})
