/** The CLI runs the keepalived pair of public scenarios: `npm run --silent sim -- FILE.json --metrics`. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunResult } from '../src/engine/index'

const root = join(import.meta.dirname, '..')
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const sim = (...args: string[]) => spawnSync(tsx, ['scripts/sim.ts', ...args], { cwd: root, encoding: 'utf8' })

describe('sim CLI with keepalived', () => {
  it('reports failedConnections and brokenSessionsByFailover; -Ln shows weight 0; journalctl -u keepalived the lines', () => {
    const runs = ['keepalived-inhibit-on-failure.json', 'keepalived-inhibit-on-failure-expire.json'].map((f) => {
      const r = sim(`public/scenarios/${f}`, '--metrics')
      expect(r.status).toBe(0)
      return JSON.parse(r.stdout) as RunResult
    })
    const [trap, expire] = runs
    expect(trap.metrics?.brokenSessionsByFailover).toBe(0)
    expect(trap.metrics?.failedConnections).toBeGreaterThan(expire.metrics?.failedConnections ?? 0)
    expect(trap.snapshots[0].outputs[0].stdout).toMatch(/-> 192\.168\.8\.101:80 +Route +0 /)
    const journal = trap.final.outputs.find((o) => o.cmd === 'journalctl -u keepalived -o cat')?.stdout ?? ''
    expect(journal).toContain('TCP_CHECK on service [192.168.8.101]:tcp:80 failed after 3 retries.\n')
    expect(journal).toContain('Enabling service [192.168.8.101]:tcp:80 of VS [192.168.100.100]:tcp:80\n')
  }, 60_000)
})
