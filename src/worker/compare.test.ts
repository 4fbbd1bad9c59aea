import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runScenario } from '../engine/index'
import { CompareHost } from './compare'
import { COMPARE_SAMPLE_FIELDS, type CompareConfig, type Reply } from './protocol'

const file = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../public/scenarios/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >
const commandsOf = (name: string) => file(name).commands as string[]

const CONFIGS: CompareConfig[] = [
  { id: 'none', label: 'none', commands: commandsOf('classroom-none') },
  { id: 'ppc', label: 'PPC', commands: commandsOf('classroom-ppc') },
  { id: 'pcc', label: 'PCC', commands: commandsOf('classroom-pcc') },
  { id: 'fwmark', label: 'fwmark', commands: commandsOf('classroom-fwmark') },
]

function frameOf(rs: Reply[]) {
  const f = rs.find((r) => r.type === 'compare-frame')
  if (f?.type !== 'compare-frame') throw new Error('no frame')
  return f
}

describe('compare mode', () => {
  it('runs the same traffic through each configuration on one clock, with the figures the CLI gives', () => {
    const host = new CompareHost({ now: () => 0 })
    const [started] = host.handle({ type: 'compare-start', base: file('classroom-ppc'), configs: CONFIGS })
    expect(started).toMatchObject({ type: 'compare-started', endMs: 600_000 })
    host.handle({ type: 'seek', toMs: 600_000 })
    const f = frameOf(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
    expect(f.nowMs).toBe(600_000)
    const broken = Object.fromEntries(f.runs.map((r) => [r.id, r.metrics.brokenSessions]))
    // the same numbers as the headless CLI on the classroom files
    for (const name of ['none', 'ppc', 'pcc', 'fwmark']) {
      const cli = runScenario(JSON.parse(JSON.stringify(file(`classroom-${name}`))), { metrics: true })
      expect(broken[name], name).toBe(cli.metrics?.brokenSessions)
    }
    expect(broken.none).toBeGreaterThan(broken.ppc)
    expect(broken.ppc).toBeGreaterThan(broken.pcc)
  })

  it('session sharing keeps every session without persistence, and the balance', () => {
    const host = new CompareHost({ now: () => 0 })
    host.handle({
      type: 'compare-start',
      base: file('classroom-ppc'),
      configs: [
        CONFIGS[0],
        { id: 'shared', label: 'shared', commands: commandsOf('classroom-none'), sessionSharing: true },
      ],
    })
    host.handle({ type: 'seek', toMs: 600_000 })
    const f = frameOf(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
    const shared = f.runs.find((r) => r.id === 'shared')
    expect(shared?.metrics.brokenSessions).toBe(0)
    expect(shared?.metrics.imbalance).toBeLessThan(1.01)
  })

  it('notes the figures at every whole simulated second, the same whatever the speed and the frame rate', () => {
    /** Play 60 simulated seconds at `speed`, asking for frames every `wallStep` ms; the samples of run `ppc`. */
    const play = (speed: number, wallStep: number) => {
      const host = new CompareHost({ now: () => 0 })
      host.handle({ type: 'compare-start', base: file('classroom-ppc'), configs: CONFIGS.slice(0, 2) })
      host.handle({ type: 'speed', speed })
      host.handle({ type: 'play' })
      const samples: number[] = []
      for (let wall = 0; ; wall += wallStep) {
        const f = frameOf(host.handle({ type: 'frame', wallMs: wall, listing: null, listingFilter: '' }))
        samples.push(...(f.runs.find((r) => r.id === 'ppc')?.samples ?? []))
        if (f.nowMs >= 60_000) break
      }
      return samples.slice(0, 61 * COMPARE_SAMPLE_FIELDS)
    }
    const slow = play(10, 16)
    const fast = play(1000, 100)
    // t = 0, 1000, … 60000: one point a second, in order
    expect(slow.filter((_, k) => k % COMPARE_SAMPLE_FIELDS === 0)).toEqual(
      Array.from({ length: 61 }, (_, i) => i * 1000),
    )
    expect(fast).toEqual(slow)
    // the figures move: templates are born as users arrive
    expect(slow[60 * COMPARE_SAMPLE_FIELDS + 3]).toBeGreaterThan(0)
  })

  it('paused, answers idle until something changes (no work while nothing moves)', () => {
    const host = new CompareHost({ now: () => 0 })
    host.handle({ type: 'compare-start', base: file('classroom-ppc'), configs: CONFIGS.slice(0, 2) })
    const ask = (wallMs: number) => host.handle({ type: 'frame', wallMs, listing: null, listingFilter: '' })[0].type
    // the first frame after the start shows it; then nothing changes
    expect(ask(0)).toBe('compare-frame')
    for (let i = 1; i <= 20; i++) expect(ask(i * 16)).toBe('idle')
    host.handle({ type: 'seek', toMs: 30_000 })
    expect(ask(400)).toBe('compare-frame')
    expect(ask(416)).toBe('idle')
    host.handle({ type: 'step', unit: 'second' })
    expect(ask(432)).toBe('compare-frame')
    expect(ask(448)).toBe('idle')
    // playing, every frame is one
    host.handle({ type: 'play' })
    expect(ask(464)).toBe('compare-frame')
    expect(ask(480)).toBe('compare-frame')
    host.handle({ type: 'pause' })
    expect(ask(496)).toBe('compare-frame')
    expect(ask(512)).toBe('idle')
  })
})
