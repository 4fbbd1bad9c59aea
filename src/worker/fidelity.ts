/**
 * The fidelity replay: a real-kernel recording's scenario run again, and the comparison laid out
 * field by field with the rules the golden tests use (connection listings as sets, expiry within
 * 2 s, counters by layout).
 */
import { compareWithRecording, type RecordingLike, runScenario, validateScenario } from '../engine/index'
import type { FidelityResult } from './protocol'

export function fidelity(scenarioJson: unknown, recordingJson: unknown): FidelityResult {
  const check = validateScenario(scenarioJson)
  if (!check.ok) return { ok: false, error: check.error }
  const rec = recordingJson as RecordingLike & { kernel?: string; name?: string }
  if (!rec || !Array.isArray(rec.commands) || !Array.isArray(rec.connections))
    return { ok: false, error: 'not a recording' }
  const run = runScenario(check.scenario)
  const mismatches = compareWithRecording(rec, run)
  const bad = (path: string) =>
    mismatches.find((m) => m.path === path || m.path.startsWith(`${path}.`) || m.path.startsWith(`${path}[`))
  const text = (x: unknown) => (x === undefined ? '' : typeof x === 'string' ? x : JSON.stringify(x))
  const fields: Extract<FidelityResult, { ok: true }>['fields'] = []
  const outputs = (
    label: string,
    exp: readonly { cmd: string; stdout: string; stderr: string; exit: number }[],
    act: readonly { stdout: string; stderr: string; exit: number }[],
  ): void => {
    for (const [i, e] of exp.entries()) {
      const path = `${label}[${i}]`
      const m = bad(path)
      const a = act[i]
      fields.push({
        path,
        cmd: e.cmd,
        ok: !m,
        expected: `${e.stdout}${e.stderr}(exit ${e.exit})`,
        actual: a ? `${a.stdout}${a.stderr}(exit ${a.exit})` : '',
        detail: m ? (m.detail ?? m.path) : null,
      })
    }
  }
  outputs('commands', rec.commands, run.commands)
  for (const [i, s] of rec.snapshots.entries())
    outputs(`snapshots[${i}].outputs`, s.outputs, run.snapshots[i]?.outputs ?? [])
  outputs('final.outputs', rec.final.outputs, run.final.outputs)
  rec.connections.forEach((c, i) => {
    const path = `connections[${i}]`
    const m = bad(path)
    const r = run.connections[i]
    fields.push({
      path,
      cmd: null,
      ok: !m,
      expected: text(c.rs ?? null),
      actual: text(r?.rs ?? null),
      detail: m?.detail ?? null,
    })
  })
  return { ok: true, name: rec.name ?? check.scenario.name ?? '', kernel: rec.kernel ?? '', fields }
}
