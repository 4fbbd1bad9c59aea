/** Exports: drawings as PNG and SVG, figures as CSV — files made in the page, nothing sent anywhere. */

export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** RFC 4180 CSV: quoted when needed, CRLF line ends. */
export function toCsv(rows: (string | number)[][]): string {
  const cell = (v: string | number) => {
    const s = String(v)
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`
}

export function saveCsv(name: string, rows: (string | number)[][]): void {
  saveBlob(name, new Blob([toCsv(rows)], { type: 'text/csv' }))
}

const PAINT = ['fill', 'stroke', 'color', 'stop-color'] as const

/**
 * A standalone SVG of an element on the page: CSS variables and classes resolved into plain
 * attributes, so the file looks the same anywhere.
 */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement
  const src = [svg, ...svg.querySelectorAll('*')]
  const dst = [clone, ...clone.querySelectorAll('*')]
  src.forEach((el, i) => {
    const cs = getComputedStyle(el)
    const out = dst[i] as SVGElement
    for (const p of PAINT) {
      const v = cs.getPropertyValue(p)
      if (v && v !== 'none') out.setAttribute(p, v)
    }
    if (el instanceof SVGTextElement) {
      out.setAttribute('font-family', cs.fontFamily)
      out.setAttribute('font-size', cs.fontSize)
    }
    out.removeAttribute('class')
  })
  const box = svg.viewBox.baseVal
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  clone.setAttribute('width', String(box?.width || svg.clientWidth))
  clone.setAttribute('height', String(box?.height || svg.clientHeight))
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#fff'
  return `<?xml version="1.0" encoding="UTF-8"?>\n${clone.outerHTML.replace('>', `><rect width="100%" height="100%" fill="${bg}"/>`)}`
}

/** A PNG of an SVG drawn on a canvas at twice its size. */
export async function svgPng(svg: SVGSVGElement): Promise<Blob> {
  const text = svgText(svg)
  const box = svg.viewBox.baseVal
  const w = (box?.width || svg.clientWidth) * 2
  const h = (box?.height || svg.clientHeight) * 2
  const img = new Image()
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }))
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve()
      img.onerror = () => reject(new Error('the drawing could not be rendered'))
      img.src = url
    })
    const canvas = document.createElement('canvas')
    canvas.width = w
    canvas.height = h
    canvas.getContext('2d')?.drawImage(img, 0, 0, w, h)
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'),
    )
  } finally {
    URL.revokeObjectURL(url)
  }
}

export async function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'),
  )
}

/** Several CSV files, one table each, downloaded one after the other (named for what they hold). */
export function saveCsvFiles(files: { name: string; rows: (string | number)[][] }[]): void {
  files.forEach((f, i) => {
    // one download a task: browsers take a burst of clicks in one task as one
    setTimeout(() => saveCsv(f.name, f.rows), i * 250)
  })
}

/**
 * Where a time tick's label sits so that it stays inside `[left, right]`: centred on its tick, or
 * starting at it near the left edge, or ending at it near the right edge (the last tick of a drawing
 * is not cut in half). `halfWidth`: half the label's width, as drawn.
 */
export function tickAnchor(x: number, left: number, right: number, halfWidth: number): 'start' | 'middle' | 'end' {
  if (x + halfWidth > right) return 'end'
  if (x - halfWidth < left) return 'start'
  return 'middle'
}

/** What the legend of an exported drawing shows: a swatch (its kind and colour) and its words. */
export interface LegendEntry {
  label: string
  swatch: 'solid' | 'kept' | 'dashed' | 'tick' | 'dotted'
  color: string
}

/** Where each part of an exported timeline goes, in CSS pixels. */
export interface TimelineFigureLayout {
  width: number
  height: number
  title: { x: number; y: number }
  axis: { top: number; height: number }
  image: { top: number; height: number }
  legend: { x: number; y: number; entry: LegendEntry }[]
}

export const FIGURE = { pad: 12, titleH: 30, axisH: 24, legendRow: 22, swatchW: 22, gap: 18, font: 13 } as const

/**
 * The exported timeline's page: its title on top, then the time axis, the drawing itself, and the
 * legend in rows that wrap within the width. `measure` gives a label's width as it will be drawn.
 */
export function timelineFigureLayout(
  width: number,
  imageHeight: number,
  legend: LegendEntry[],
  measure: (text: string) => number,
): TimelineFigureLayout {
  const { pad, titleH, axisH, legendRow, swatchW, gap } = FIGURE
  const axisTop = pad + titleH
  const imageTop = axisTop + axisH
  const placed: TimelineFigureLayout['legend'] = []
  let x = pad
  let y = imageTop + imageHeight + pad
  for (const entry of legend) {
    const w = swatchW + 6 + Math.min(measure(entry.label), width - 2 * pad - swatchW - 6)
    if (x > pad && x + w > width - pad) {
      x = pad
      y += legendRow
    }
    placed.push({ x, y, entry })
    x += w + gap
  }
  const height = (legend.length > 0 ? y + legendRow : imageTop + imageHeight) + pad
  return {
    width,
    height,
    title: { x: pad, y: pad + 18 },
    axis: { top: axisTop, height: axisH },
    image: { top: imageTop, height: imageHeight },
    legend: placed,
  }
}

/**
 * The timeline as a PNG a teacher can put on a slide: the drawing as on screen (`canvas`, CSS
 * `width` × `height`), under a title and the time axis (`ticks`, x in the drawing's pixels), with
 * the legend below it.
 */
export async function timelinePng(
  canvas: HTMLCanvasElement,
  fig: { title: string; subtitle: string; ticks: { x: number; label: string }[]; legend: LegendEntry[] },
  colors: { panel: string; ink: string; muted: string; line: string },
): Promise<Blob> {
  const width = canvas.clientWidth || canvas.width
  const height = canvas.clientHeight || canvas.height
  const dpr = canvas.width / width || 1
  const out = document.createElement('canvas')
  const probe = out.getContext('2d')
  if (!probe) throw new Error('no canvas')
  const font = `${FIGURE.font}px system-ui, sans-serif`
  probe.font = font
  const layout = timelineFigureLayout(width, height, fig.legend, (s) => probe.measureText(s).width)
  out.width = Math.round(layout.width * dpr)
  out.height = Math.round(layout.height * dpr)
  const ctx = out.getContext('2d')
  if (!ctx) throw new Error('no canvas')
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  ctx.fillStyle = colors.panel
  ctx.fillRect(0, 0, layout.width, layout.height)
  // title
  ctx.textBaseline = 'alphabetic'
  ctx.font = `bold 16px system-ui, sans-serif`
  ctx.fillStyle = colors.ink
  ctx.textAlign = 'left'
  ctx.fillText(fig.title, layout.title.x, layout.title.y)
  const titleW = ctx.measureText(fig.title).width
  ctx.font = font
  ctx.fillStyle = colors.muted
  ctx.fillText(fig.subtitle, layout.title.x + titleW + 10, layout.title.y)
  // time axis
  const { top, height: axisH } = layout.axis
  ctx.strokeStyle = colors.line
  ctx.beginPath()
  ctx.moveTo(0, top + axisH - 0.5)
  ctx.lineTo(layout.width, top + axisH - 0.5)
  ctx.stroke()
  for (const tk of fig.ticks) {
    const half = ctx.measureText(tk.label).width / 2
    ctx.textAlign =
      tickAnchor(tk.x, 0, layout.width, half) === 'middle'
        ? 'center'
        : tickAnchor(tk.x, 0, layout.width, half) === 'end'
          ? 'right'
          : 'left'
    ctx.fillText(tk.label, tk.x, top + 14)
    ctx.beginPath()
    ctx.moveTo(Math.round(tk.x) + 0.5, top + axisH - 6)
    ctx.lineTo(Math.round(tk.x) + 0.5, top + axisH)
    ctx.stroke()
  }
  // the drawing
  ctx.drawImage(canvas, 0, layout.image.top, width, height)
  // legend
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  for (const { x, y, entry } of layout.legend) {
    const mid = y + FIGURE.legendRow / 2
    const sw = FIGURE.swatchW
    ctx.fillStyle = entry.color
    ctx.strokeStyle = entry.color
    ctx.setLineDash([])
    ctx.globalAlpha = 1
    if (entry.swatch === 'solid') ctx.fillRect(x, mid - 5, sw, 10)
    else if (entry.swatch === 'kept') {
      ctx.globalAlpha = 0.35
      ctx.fillRect(x, mid - 5, sw, 10)
      ctx.globalAlpha = 1
      ctx.strokeRect(x + 0.5, mid - 4.5, sw - 1, 9)
    } else if (entry.swatch === 'dashed') {
      ctx.setLineDash([3, 3])
      ctx.strokeRect(x + 0.5, mid - 4.5, sw - 1, 9)
      ctx.setLineDash([])
    } else {
      if (entry.swatch === 'dotted') ctx.setLineDash([2, 2])
      ctx.lineWidth = 2
      ctx.beginPath()
      ctx.moveTo(x + sw / 2, mid - 7)
      ctx.lineTo(x + sw / 2, mid + 7)
      ctx.stroke()
      ctx.setLineDash([])
      ctx.lineWidth = 1
    }
    ctx.fillStyle = colors.ink
    ctx.fillText(entry.label, x + sw + 6, mid, layout.width - x - sw - 6 - FIGURE.pad)
  }
  return canvasPng(out)
}
