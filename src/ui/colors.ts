import { addrOf, rsSlot, RS_COLOR_SLOTS as SLOTS, useLab } from '../store/index'

/**
 * Each real server keeps one colour from the colour-blind-safe palette for the whole session: the
 * slot its address got when first seen (the store's registry), whoever else comes or goes. `addr`
 * is an address number (protocol.ts V6_ADDR_BASE); the registry keys the address itself.
 */
export function useRsColorIndex(): (addr: number) => number {
  const reg = useLab((s) => s.rsColors)
  return (addr: number) => rsSlot(reg, addrOf(addr))
}

/**
 * The session's colour slot of an address, outside React (for canvas loops): a removed server's
 * past rows and flights keep its colour.
 */
export const rsIndexNow = (addr: number): number => rsSlot(useLab.getState().rsColors, addrOf(addr))

export const rsVar = (i: number): string => `var(--rs-${i})`

/**
 * The compared configurations' own line styles — not the servers' colours — fixed per
 * configuration, so a configuration keeps its colour and dash whichever others are compared.
 */
export const SERIES_STYLE = {
  none: { color: 'var(--series-0)', dash: undefined },
  ppc: { color: 'var(--series-1)', dash: '6 3' },
  pcc: { color: 'var(--series-2)', dash: '2 3' },
  fwmark: { color: 'var(--series-3)', dash: '8 3 2 3' },
  shared: { color: 'var(--series-4)', dash: '1 2' },
} as const satisfies Record<string, { color: string; dash: string | undefined }>

/** A configuration's line style by its id (an unknown id: a plain muted line). */
export function seriesStyle(id: string): { color: string; dash: string | undefined } {
  return (
    (SERIES_STYLE as Record<string, { color: string; dash: string | undefined }>)[id] ?? {
      color: 'var(--muted)',
      dash: undefined,
    }
  )
}

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
