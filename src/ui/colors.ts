import { useLab } from '../store/index'

const SLOTS = 8

/** Each real server keeps one colour from the colour-blind-safe palette, by address order. */
export function useRsColorIndex(): (addr: number) => number {
  const rs = useLab((s) => s.rs)
  const addrs = [...new Set(rs.map((r) => r.addr))].sort((a, b) => a - b)
  return (addr: number) => {
    const i = addrs.indexOf(addr)
    return i < 0 ? SLOTS - 1 : i % SLOTS
  }
}

export const rsVar = (i: number): string => `var(--rs-${i})`

/** The palette as canvas can use it (CSS variables resolved), re-read when the theme changes. */
export function resolvedPalette(): {
  rs: string[]
  ink: string
  muted: string
  line: string
  panel: string
  hatch: string
  err: string
  accent: string
} {
  const css = getComputedStyle(document.documentElement)
  const v = (n: string) => css.getPropertyValue(n).trim()
  return {
    rs: Array.from({ length: SLOTS }, (_, i) => v(`--rs-${i}`)),
    ink: v('--ink'),
    muted: v('--muted'),
    line: v('--line'),
    panel: v('--panel'),
    hatch: v('--hatch'),
    err: v('--err'),
    accent: v('--accent'),
  }
}

/** The colour index of an address among the real servers, outside React (for canvas loops). */
export function rsIndexOf(addrs: number[], addr: number): number {
  const i = addrs.indexOf(addr)
  return i < 0 ? SLOTS - 1 : i % SLOTS
}
