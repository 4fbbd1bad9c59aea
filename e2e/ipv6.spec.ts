import { mkdirSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { LabPage } from './pages/LabPage'

const SVC = '[2001:db8::10]:0'
const RS1 = '2001:db8:8::101'
const RS2 = '2001:db8:8::102'

/** Elements of the stage whose content is wider than their box (a label that overflows): none expected. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    for (const el of document.querySelectorAll<HTMLElement>(
      'section.area-director, section.area-servers, section.area-timeline, section.area-why, .rs, .rs .bars, .recent button',
    ))
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className}: ${el.scrollWidth} > ${el.clientWidth}`)
    // a real server's name may cut its service with an ellipsis, never its own address
    for (const name of document.querySelectorAll<HTMLElement>('.rs .name')) {
      const addr = name.querySelector('.addr')?.getBoundingClientRect()
      if (addr && addr.right > name.getBoundingClientRect().right + 1) out.push(`address cut: ${name.textContent}`)
    }
    // every text the director draws lies inside its drawing
    const svg = document.querySelector<SVGSVGElement>('[data-testid="director-svg"]')
    const vb = svg?.viewBox.baseVal
    if (svg && vb)
      for (const t of svg.querySelectorAll('text')) {
        const b = t.getBBox()
        if (b.x < vb.x - 1 || b.x + b.width > vb.x + vb.width + 1)
          out.push(`director text "${t.textContent}": ${b.x}…${b.x + b.width} outside 0…${vb.width}`)
      }
    return out
  })
}

test('the IPv6 preset: director, real servers, timeline and Why? show IPv6 addresses legibly; two clients of one /64 share a template', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('ipv6pcc')
  await expect(page.getByTestId('preset')).toHaveValue('ipv6pcc')
  await lab.seek(60_000)

  // the director: the service's VIP, its -M as a prefix length, the real servers, the clients by /64
  const director = page.getByTestId('director-svg')
  await expect(director.getByTestId('director-service')).toContainText(SVC)
  await expect(director.getByTestId('director-service-line')).toContainText(['rr · -p 300', '-M 64'])
  await expect(director.getByTestId('director-rs')).toContainText([RS1, RS2])
  await expect(director.getByRole('button', { name: new RegExp(RS1) })).toHaveCount(1)
  await expect(director).toContainText('2001:db8:a:1::/64')
  await expect(director).toContainText('2001:db8:a:2::/64')

  // the real servers' bars: named as ipvsadm -Ln names them
  const rs1 = page.getByTestId(`rs-[${RS1}]:0`)
  await expect(rs1).toContainText(`[${RS1}]:0`)
  await expect(rs1).toContainText(`TCP ${SVC}`)
  await expect(page.getByTestId(`rs-[${RS2}]:0`)).toBeVisible()

  // the timeline's templates: one client per /64 — the template's client is the prefix — on an IPv6 real server,
  // drawn in that server's colour (the same as its swatch in the Real servers panel)
  const templates = await page.evaluate(() => window.lab?.templates() ?? [])
  expect(templates.length).toBeGreaterThan(0)
  expect(new Set(templates.map((t) => t.client))).toEqual(new Set(['2001:db8:a:1::', '2001:db8:a:2::']))
  const swatch = async (rs: string) =>
    page
      .getByTestId(`rs-[${rs}]:0`)
      .locator('.swatch')
      .evaluate((e) => getComputedStyle(e).backgroundColor)
  const colour: Record<string, string> = { [RS1]: await swatch(RS1), [RS2]: await swatch(RS2) }
  expect(colour[RS1]).not.toBe(colour[RS2])
  const toRgb = (c: string) =>
    page.evaluate((css) => {
      const d = document.createElement('div')
      d.style.color = css
      document.body.append(d)
      const v = getComputedStyle(d).color
      d.remove()
      return v
    }, c)
  for (const t of templates) {
    expect([RS1, RS2]).toContain(t.rs)
    expect(await toRgb(t.color)).toBe(colour[t.rs])
  }
  // attempts: IPv6 clients of the two /64s
  const attempts = await page.evaluate(() => window.lab?.attempts() ?? [])
  for (const a of attempts) expect(a.client).toMatch(/^2001:db8:a:[12]:/)

  // Why?: the latest connections in IPv6 words, then one explained
  const why = page.locator('section.area-why')
  await why.scrollIntoViewIfNeeded()
  const recent = page.getByTestId('recent').getByRole('button')
  await expect(recent.first()).toContainText('[2001:db8:a:')
  await expect(recent.first()).toContainText(/…::10[12]/)
  await page
    .getByTestId('recent')
    .getByRole('button', { name: /template/ })
    .first()
    .click()
  await expect(page.getByTestId('why')).toContainText(
    /A template for client 2001:db8:a:[12]:: exists and points at 2001:db8:8::10[12]/,
  )
  await expect(page.getByTestId('why')).toContainText(
    /from \[2001:db8:a:[12]:[0-9a-f:]+\]:\d+ arrives for \[2001:db8::10\]:(80|443)/,
  )
  // a real server chosen in the director (from the keyboard)
  await director.getByRole('button', { name: new RegExp(RS2) }).focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('why')).toContainText(`[${RS2}]:0 serves TCP ${SVC}`)

  expect(await overflowing(page)).toEqual([])

  // the live listing: ipvsadm's own -Lnc lines, IPv6 templates in brackets; a line wider than the pane scrolls
  const listing = page.getByTestId('listing')
  await listing.scrollIntoViewIfNeeded()
  await expect(listing).toContainText(
    /TCP \d\d:\d\d +ASSURED +\[2001:db8:a:[12]::\]:0 +\[2001:db8::10\]:0 +\[2001:db8:8::10[12]\]:0/,
  )
  expect(await listing.evaluate((e) => getComputedStyle(e).overflowX)).toBe('auto')
})

test('the IPv6 preset in Presenter mode at 1280×720 and at 1366×768: no label overflows its panel', async ({
  page,
}) => {
  for (const [w, h, presenter] of [
    [1280, 720, true],
    [1366, 768, false],
  ] as const) {
    await page.setViewportSize({ width: w, height: h })
    const lab = new LabPage(page)
    await lab.open()
    if (presenter) await page.getByTestId('presenter').click()
    await lab.preset('ipv6pcc')
    await lab.seek(120_000)
    await expect(page.getByTestId('director-svg')).toContainText(RS1)
    expect(await overflowing(page), `${w}×${h}`).toEqual([])
  }
})

test('without -M, clients are grouped by address: a long IPv6 address is cut in the middle, never two alike, whole in its tooltip', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('ipv6pcc')
  await lab.type(`ipvsadm -E -t ${SVC} -s rr -p 300`)
  await lab.seek(30_000)
  const director = page.getByTestId('director-svg')
  await expect(director).toContainText('…')
  // each drawn client: its label, and the whole address its tooltip gives
  const groups = await director.locator('g:has(> title)').evaluateAll((gs) =>
    gs
      .filter((g) => g.querySelector('circle'))
      .map((g) => ({
        full: g.querySelector('title')?.textContent ?? '',
        drawn: g.querySelector('text')?.textContent ?? '',
      })),
  )
  expect(groups.length).toBeGreaterThan(1)
  for (const { full, drawn } of groups) {
    expect(full).toMatch(/^2001:db8:a:[12]:/)
    const [head, tail] = drawn.split('…')
    expect(drawn.length).toBeLessThan(full.length)
    expect(full.startsWith(head) && full.endsWith(tail)).toBe(true)
  }
  expect(new Set(groups.map((g) => g.drawn)).size).toBe(groups.length)
  await expect(director.getByTestId('director-service-line')).toHaveText(['rr · -p 300'])
  expect(await overflowing(page)).toEqual([])
})

test('the console completes IPv6 services and real servers; the Down and Up buttons speak IPv6', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.open()
  await lab.preset('ipv6pcc')
  const box = page.getByTestId('console-input')
  // after -t: the service, in brackets, even when typed without
  await box.fill('ipvsadm -L -t 2001')
  await box.press('Tab')
  await expect(box).toHaveValue(`ipvsadm -L -t ${SVC} `)
  // after -r: the real servers of that service, bare; two fit: their common part, and the hint lists them
  await box.fill(`ipvsadm -e -t ${SVC} -r 2001`)
  await box.press('Tab')
  await expect(box).toHaveValue(`ipvsadm -e -t ${SVC} -r 2001:db8:8::10`)
  await expect(page.getByTestId('console-hint')).toHaveText(`${RS1}  ${RS2}`)
  await box.pressSequentially('2')
  await box.press('Tab')
  await expect(box).toHaveValue(`ipvsadm -e -t ${SVC} -r ${RS2} `)
  await box.pressSequentially('-g -w 3')
  await box.press('Enter')
  await lab.type(`ipvsadm -Ln -t ${SVC}`)
  await expect(lab.outputOf(`ipvsadm -Ln -t ${SVC}`)).toContainText(`-> [${RS2}]:0          Route   3`)

  // the Real servers panel's Down and Up again: ipvsadm lines an IPv6 director takes
  await page.getByTestId(`rs-[${RS1}]:0`).getByRole('button', { name: 'Down' }).click()
  await expect(lab.consoleLog()).toContainText(`button: ipvsadm -d -t ${SVC} -r [${RS1}]:0`)
  await expect(page.getByTestId(`rs-[${RS1}]:0`)).toHaveCount(0)
  await page.getByRole('button', { name: 'Up again' }).click()
  await expect(lab.consoleLog()).toContainText(`button: ipvsadm -a -t ${SVC} -r [${RS1}]:0 -g -w 1`)
  await expect(page.getByTestId(`rs-[${RS1}]:0`)).toBeVisible()
  await expect(lab.consoleLog().locator('.err')).toHaveCount(0)
})

for (const [locale, theme] of [
  ['en', 'light'],
  ['zh-CN', 'dark'],
] as const)
  test(`axe finds no WCAG 2.1 A/AA violation on the IPv6 lab, a connection explained (${locale}, ${theme})`, async ({
    page,
  }) => {
    const lab = new LabPage(page)
    await lab.prefer({ locale, theme })
    await lab.open()
    await lab.preset('ipv6pcc')
    await lab.seek(60_000)
    await page.getByTestId('recent').getByRole('button').first().click()
    await expect(page.getByTestId('why').locator('li').first()).toContainText('[2001:db8::10]')
    const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
    expect(r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual([])
  })

const SHOTS = '/tmp/shots-v6ui'
for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshot: the IPv6 preset at 120 s (${w}×${h}${presenter ? ' presenter' : ''}, ${locale}, ${theme})`, async ({
        page,
      }) => {
        test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
        test.setTimeout(120_000)
        await page.setViewportSize({ width: w, height: h })
        const lab = new LabPage(page)
        await lab.prefer({ locale, theme })
        await lab.open()
        if (presenter) await page.getByTestId('presenter').click()
        await lab.preset('ipv6pcc')
        await lab.seek(120_000)
        await expect(page.getByTestId('director-svg')).toContainText(RS1)
        mkdirSync(SHOTS, { recursive: true })
        const name = `${SHOTS}/${w}x${h}${presenter ? '-presenter' : ''}-${locale}-${theme}`
        // the rows draw on their next animation frame
        await page.waitForTimeout(400)
        await page.screenshot({ path: `${name}-stage.png` })
        if (presenter) return
        // below the stage: Why? with a connection explained, and the console's completion
        await page.getByTestId('recent').getByRole('button').first().click()
        await page.locator('section.area-why').evaluate((e) => e.scrollIntoView({ block: 'end' }))
        await page.waitForTimeout(300)
        await page.screenshot({ path: `${name}-why.png` })
        await page.getByTestId('console-input').fill(`ipvsadm -e -t ${SVC} -r 2001`)
        await page.getByTestId('console-input').press('Tab')
        await page.getByTestId('console-input').evaluate((e) => e.scrollIntoView({ block: 'center' }))
        await page.waitForTimeout(300)
        await page.screenshot({ path: `${name}-console.png` })
      })

for (const [w, h, presenter] of [
  [1280, 720, true],
  [1366, 768, false],
] as const)
  test(`screenshot: the IPv6 preset without -M, clients by address (${w}×${h}${presenter ? ' presenter' : ''})`, async ({
    page,
  }) => {
    test.skip(!process.env.SHOTS, 'screenshots only when SHOTS is set')
    await page.setViewportSize({ width: w, height: h })
    const lab = new LabPage(page)
    await lab.open()
    await lab.preset('ipv6pcc')
    await lab.type(`ipvsadm -E -t ${SVC} -s rr -p 300`)
    if (presenter) await page.getByTestId('presenter').click()
    await lab.seek(60_000)
    await expect(page.getByTestId('director-svg')).toContainText('…')
    await page.getByTestId('console-input').blur()
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.waitForTimeout(400)
    mkdirSync(SHOTS, { recursive: true })
    await page.screenshot({ path: `${SHOTS}/${w}x${h}${presenter ? '-presenter' : ''}-en-light-noM-stage.png` })
  })
