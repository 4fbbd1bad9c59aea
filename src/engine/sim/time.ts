/** Simulated time in integer milliseconds since the scenario started. The engine never reads a clock. */
export type SimMs = number & { readonly __brand: 'SimMs' }

export const simMs = (ms: number): SimMs => Math.round(ms) as SimMs
export const secondsToSimMs = (seconds: number): SimMs => Math.round(seconds * 1000) as SimMs
export const MS_PER_SECOND = 1000

/**
 * The director's wall clock at simulated time 0 (what `iptables-save` prints in its header):
 * Monday 5 January 2026, 09:00 UTC — a fixed instant, so every run prints the same.
 */
export const WALL_CLOCK_EPOCH_MS = Date.UTC(2026, 0, 5, 9, 0, 0)
