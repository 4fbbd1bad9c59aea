import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

interface Rect {
  text: string
  x: number
  y: number
  w: number
  h: number
}

/** What the director draws, as the page lays it out: label texts and node boxes, in CSS pixels. */
async function drawn(page: Page) {
  return page.getByTestId('director-svg').evaluate((svg) => {
    const rect = (e: Element) => {
      const r = e.getBoundingClientRect()
      return { text: e.textContent ?? '', x: r.x, y: r.y, w: r.width, h: r.height }
    }
    const all = (id: string) => [...svg.querySelectorAll(`[data-testid="${id}"]`)].map(rect)
    const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width
    const sizes = [...svg.querySelectorAll('text')].map((t) => Number.parseFloat(getComputedStyle(t).fontSize) * scale)
    return {
      serviceLines: all('director-service-line'),
      rsLines: all('director-rs-line'),
      texts: [...svg.querySelectorAll('text')].map(rect),
      boxes: [...all('director-service-box'), ...all('director-rs-box')],
      sizes,
    }
  })
}

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

for (const { width, height, presenter } of [
  { width: 1280, height: 720, presenter: true },
  { width: 1366, height: 768, presenter: false },
]) {
  test(`the director shows both services' scheduler and -p, and each real server's method, without overlap (${width}×${height}${presenter ? ', Presenter' : ''})`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height })
    const lab = new LabPage(page)
    await lab.open()
    // the :80 and :443 preset: two services, -s rr -p 300, two real servers each, -g (Route)
    await lab.preset('ppc')
    if (presenter) await page.getByTestId('presenter').click()
    // some traffic, so the client groups are drawn too
    await lab.speed(10)
    await lab.playUntil(20_000)
    await expect(page.getByTestId('director-service-line')).toHaveCount(2)
    const d = await drawn(page)
    expect(d.serviceLines.map((t) => t.text)).toEqual(['rr · -p 300', 'rr · -p 300'])
    expect(d.rsLines.map((t) => t.text)).toEqual(['Route', 'Route'])
    expect(d.boxes).toHaveLength(4)
    const labels = [...d.serviceLines, ...d.rsLines]
    for (const l of labels) {
      expect(l.w).toBeGreaterThan(0)
      for (const b of d.boxes) expect(overlap(l, b), `"${l.text}" under a box`).toBe(false)
    }
    // no two texts of the picture overlap (a service's name sits inside its own box, not on a label)
    for (let i = 0; i < d.texts.length; i++)
      for (let j = i + 1; j < d.texts.length; j++)
        expect(overlap(d.texts[i], d.texts[j]), `"${d.texts[i].text}" and "${d.texts[j].text}"`).toBe(false)
    // Presenter scales what is drawn: every label at least 16 px on screen
    if (presenter) for (const s of d.sizes) expect(s).toBeGreaterThanOrEqual(16)
  })
}

test('the director shows -M when a service has a persistence netmask', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('megaproxyM')
  await expect(page.getByTestId('director-service-line')).toHaveText(['rr · -p 300', '-M 255.255.255.0'])
  const d = await drawn(page)
  for (let i = 0; i < d.texts.length; i++)
    for (let j = i + 1; j < d.texts.length; j++) expect(overlap(d.texts[i], d.texts[j])).toBe(false)
})
