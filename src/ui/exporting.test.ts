import { describe, expect, it } from 'vitest'
import { FIGURE, type LegendEntry, tickAnchor, timelineFigureLayout, toCsv } from './exporting'

describe('CSV', () => {
  it('RFC 4180: cells with commas, quotes or line ends are quoted, lines end CRLF', () => {
    expect(
      toCsv([
        ['a', 'b,c'],
        [1, 'say "hi"'],
      ]),
    ).toBe('a,"b,c"\r\n1,"say ""hi"""\r\n')
  })
})

describe('time ticks of an exported drawing', () => {
  it('the last tick near the right edge ends at its tick; the first near the left starts at it; others centre', () => {
    expect(tickAnchor(795, 0, 800, 14)).toBe('end')
    expect(tickAnchor(3, 0, 800, 14)).toBe('start')
    expect(tickAnchor(400, 0, 800, 14)).toBe('middle')
    // a label ending at its tick stays inside the drawing
    for (const x of [781, 790, 799, 800]) expect(tickAnchor(x, 0, 800, 20)).toBe('end')
  })
})

describe("the exported timeline's page", () => {
  const legend = (n: number): LegendEntry[] =>
    Array.from({ length: n }, (_, i) => ({ label: `entry number ${i}`, swatch: 'solid', color: '#000' }))
  const measure = (s: string) => s.length * 7

  it('puts a title and the time axis above the drawing and the legend below it: taller than the drawing', () => {
    const l = timelineFigureLayout(1000, 300, legend(3), measure)
    expect(l.title.y).toBeLessThan(l.axis.top)
    expect(l.axis.top + l.axis.height).toBeLessThanOrEqual(l.image.top)
    expect(l.image.height).toBe(300)
    expect(l.height).toBeGreaterThan(300 + FIGURE.titleH + FIGURE.axisH)
    for (const e of l.legend) expect(e.y).toBeGreaterThanOrEqual(l.image.top + l.image.height)
    expect(l.legend.at(-1)?.y ?? 0).toBeLessThan(l.height)
  })

  it('wraps the legend into rows that stay within the width, in order', () => {
    const l = timelineFigureLayout(400, 300, legend(12), measure)
    const rows = new Set(l.legend.map((e) => e.y))
    expect(rows.size).toBeGreaterThan(1)
    for (const e of l.legend) {
      expect(e.x).toBeGreaterThanOrEqual(FIGURE.pad)
      expect(e.x + FIGURE.swatchW + 6 + measure(e.entry.label)).toBeLessThanOrEqual(400 - FIGURE.pad)
    }
    expect(l.legend.map((e) => e.entry.label)).toEqual(legend(12).map((e) => e.label))
    // a longer legend makes a taller page
    expect(l.height).toBeGreaterThan(timelineFigureLayout(400, 300, legend(2), measure).height)
  })
})
