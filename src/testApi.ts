import { actions, addrText, live, testHooks, useLab } from './store/index'
import { resolvedPalette, rsIndexNow } from './ui/colors'

/**
 * A small read-only window into the page's store for the end-to-end tests (docs/style.md §8): what the
 * panels draw, as numbers. It changes nothing.
 */
export interface LabTestApi {
  nowMs(): number
  /** Templates, each with the colour the timeline draws its row in (the palette resolved now). */
  templates(): { id: number; client: string; rs: string; createdAt: number; expiredAt: number; color: string }[]
  attempts(): { at: number; client: string; rs: string | null; how: number }[]
  rs(): { label: string; weight: number; activeConns: number; inactConns: number; persistConns: number }[]
  /** Stop the worker as a crash would (the page must recover). */
  killWorker?(): void
  /** Go to a simulated time exactly (the slider moves in whole seconds). */
  seekForTest?(ms: number): void
}

/** An address number as ipvsadm -n prints the address (IPv4 or IPv6). */
const ip = (a: number) => addrText(a)

declare global {
  interface Window {
    lab?: LabTestApi
  }
}

export function installTestApi(): void {
  window.lab = {
    nowMs: () => useLab.getState().nowMs,
    templates: () => {
      const palette = resolvedPalette()
      return [...live.templates.values()].map((r) => ({
        id: r.id,
        client: ip(r.client),
        rs: ip(r.rsAddr),
        createdAt: r.createdAt,
        expiredAt: r.expiredAt,
        color: palette.rs[rsIndexNow(r.rsAddr)],
      }))
    },
    attempts: () =>
      live.attempts.map((a) => ({
        at: a.at,
        client: ip(a.client),
        rs: a.rsAddr >= 0 ? ip(a.rsAddr) : null,
        how: a.how,
      })),
    seekForTest: (ms: number) => actions.seek(ms),
    killWorker: () => testHooks.killWorker?.(),
    rs: () =>
      useLab.getState().rs.map((r) => ({
        label: r.label,
        weight: r.weight,
        activeConns: r.activeConns,
        inactConns: r.inactConns,
        persistConns: r.persistConns,
      })),
  }
}
