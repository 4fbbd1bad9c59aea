import { describe, expect, it } from 'vitest'
import { clockPair } from './clockText'

describe("the toolbar's clock", () => {
  it('shows both halves in seconds for a run under 1,000 s (the default 600 s presets)', () => {
    expect(clockPair(0, 600_000)).toEqual(['0.0 s', '600.0 s'])
    expect(clockPair(74_512, 600_000)).toEqual(['74.5 s', '600.0 s'])
  })
  it('shows both halves as minutes for a longer run (bench-10k: 40 minutes)', () => {
    expect(clockPair(125_000, 2_400_000)).toEqual(['2:05.0', '40:00.0'])
    expect(clockPair(0, 2_400_000)).toEqual(['0:00.0', '40:00.0'])
    expect(clockPair(59_960, 2_400_000)).toEqual(['1:00.0', '40:00.0'])
  })
  it('shows hours, minutes and seconds for a run of ten hours or more (a jump of years)', () => {
    const tenYears = 10 * 365 * 86400 * 1000
    expect(clockPair(0, tenYears)).toEqual(['0:00:00', '87600:00:00'])
    expect(clockPair(3_723_400, tenYears)).toEqual(['1:02:03', '87600:00:00'])
  })
})
