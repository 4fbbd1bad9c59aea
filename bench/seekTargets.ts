/**
 * The 20 rewinds both seek benchmarks time (`bench/app.ts` in Chromium, `bench/seek.ts` in Node):
 * whole seconds drawn by a fixed pseudo-random sequence (mulberry32, seed 13), so every run and
 * both benchmarks seek to the same times.
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` seek targets in [0, endMs), in milliseconds, each a whole simulated second. */
export function seekTargets(endMs: number, count: number): number[] {
  const next = mulberry32(13)
  return Array.from({ length: count }, () => Math.floor((next() * endMs) / 1000) * 1000)
}
