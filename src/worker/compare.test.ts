import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runScenario } from '../engine/index'
import { CompareHost } from './compare'
import type { CompareConfig, Reply } from './protocol'

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
    const host = new CompareHost()
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
    const host = new CompareHost()
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
})
