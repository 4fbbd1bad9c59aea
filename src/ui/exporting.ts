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
