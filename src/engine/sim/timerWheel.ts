/**
 * How late the kernel's timer wheel fires a timer (kernel/time/timer.c, calc_wheel_index()).
 * A timer armed `delay` ahead lands in level L, the first whose range holds it; level L buckets are
 * 8^L jiffies wide and a timer fires at the first bucket boundary after its expiry. With HZ=250
 * (Debian's kernels): < 0.25 s → 4 ms steps, < 2 s → 32 ms, < 16 s → 256 ms, < 129 s → 2.048 s,
 * < 17 min → 16.4 s, < 2.3 h → 131 s, < 18 h → 17.5 min, beyond → 2.3 h.
 * The boundaries' phase depends on the machine's uptime, so it cannot be known from a scenario.
 * The model: timers shorter than 16 s (levels 0–2, at most 256 ms late — below what a listing
 * read a moment later can tell) fire at their expiry; longer ones fire half a bucket late, the
 * expected lateness (a 60 s template re-arm ≈ 1 s, a 300 s template ≈ 8 s). Meanwhile
 * `/proc/net/ip_vs_conn` shows the requested expiry — 00:00 — and the entry is still found and used.
 * Golden check: rearm-60s-open-connection (the re-armed template still listed at 00:00 at t=70).
 */
export const JIFFY_MS = 4
const LVL_CLK_SHIFT = 3
const LVL_BITS = 6
const LVL_SIZE = 1 << LVL_BITS
const LVL_DEPTH = 9

/** First jiffy delta of level n (LVL_START). */
const lvlStart = (n: number): number => (LVL_SIZE - 1) * 2 ** ((n - 1) * LVL_CLK_SHIFT)

/** The wheel level a timer armed `delayMs` ahead goes to. */
export function wheelLevel(delayMs: number): number {
  const delta = Math.ceil(delayMs / JIFFY_MS)
  for (let n = 1; n < LVL_DEPTH; n++) if (delta < lvlStart(n)) return n - 1
  return LVL_DEPTH - 1
}

/** The width of a level's buckets, in ms. */
export const wheelGranularityMs = (level: number): number => JIFFY_MS * 2 ** (level * LVL_CLK_SHIFT)

/** Delays (ms) from which each level starts, precomputed for the hot path. */
const LEVEL_START_MS = Array.from({ length: LVL_DEPTH }, (_, n) => (n === 0 ? 0 : lvlStart(n) * JIFFY_MS))

/** Per level from 3: the longest delay (ms) still filed there, and half its bucket width. */
const LATE_LEVEL_LIMIT_MS = LEVEL_START_MS.slice(4).map((start) => start - JIFFY_MS)
const LATE_LEVEL_HALF_MS = Array.from({ length: LVL_DEPTH - 3 }, (_, k) => wheelGranularityMs(k + 3) / 2)
const LEVEL3_FROM_MS = LEVEL_START_MS[3] - JIFFY_MS

/** The lateness the model gives a timer armed `delayMs` ahead (see above). */
export function wheelLatenessMs(delayMs: number): number {
  if (delayMs <= LEVEL3_FROM_MS) return 0
  let k = 0
  while (k < LATE_LEVEL_LIMIT_MS.length && delayMs > LATE_LEVEL_LIMIT_MS[k]) k++
  return LATE_LEVEL_HALF_MS[k]
}
