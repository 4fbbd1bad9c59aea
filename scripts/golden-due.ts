/**
 * `npx tsx scripts/golden-due.ts [DIR] [-v]`: what the real-kernel recordings show of timer
 * lateness (docs/adr/0001-timer-wheel-lateness.md). For every connection listing (`-Lnc`) of every
 * recording the engine replays, each entry is paired with the engine's entry of the same
 * protocol, state and addresses, and the script counts:
 *   - paired entries by how far the expire columns are apart (recording − engine, in seconds);
 *   - entries listed at 00:00: on both sides, in the recording only, in the engine only;
 *   - entries on one side only at any other expire (a real difference: the golden test fails).
 * `-v` prints each entry at 00:00 that only one side lists, with the listing's time. Last, how
 * long after the scenario's time the recorder really read its snapshot listings (`actualAt`).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { goldenSkipReason, parseScenario, runScenario } from '../src/engine/index'

interface Output {
  cmd: string
  stdout: string
  /** Recordings only: the real second the command ran at. */
  actualAt?: number
}
interface Listed {
  key: string
  expireS: number
  line: string
}

const args = process.argv.slice(2)
const verbose = args.includes('-v')
const dir = args.find((a) => !a.startsWith('-')) ?? 'test/golden'

/** The entries of a connection listing (`IPVS connection entries` …), or null for any other output. */
function entries(stdout: string): Listed[] | null {
  const lines = stdout.split('\n')
  if (lines[0] !== 'IPVS connection entries') return null
  return lines
    .slice(2)
    .map((line) => ({ line, m: /^(\S+)\s+(\d+):(\d\d)\s+(.*)$/.exec(line) }))
    .filter((x): x is { line: string; m: RegExpExecArray } => x.m !== null)
    .map(({ line, m }) => ({ key: `${m[1]} ${m[4].replace(/\s+/g, ' ').trim()}`, expireS: +m[2] * 60 + +m[3], line }))
}

/** Every output with the simulated second it was read at: commands, snapshots, final. */
function outputs(r: {
  commands: Output[]
  snapshots: { at: number; outputs: Output[] }[]
  final: { at?: number; outputs: Output[] }
}): { at: string; lateS?: number; out: Output }[] {
  return [
    ...r.commands.map((out) => ({ at: 'commands', out })),
    ...r.snapshots.flatMap((s) =>
      s.outputs.map((out) => ({
        at: `t=${s.at}`,
        lateS: out.actualAt === undefined ? undefined : out.actualAt - s.at,
        out,
      })),
    ),
    ...r.final.outputs.map((out) => ({ at: 'final', out })),
  ]
}

const readLateS: number[] = []
const total = { listings: 0, paired: 0, delta: new Map<number, number>(), dueBoth: 0, dueRec: 0, dueEng: 0, other: 0 }
const rows: string[] = []
for (const f of readdirSync(join(dir, 'recordings'))
  .filter((n) => n.endsWith('.json'))
  .sort()) {
  const name = f.slice(0, -'.json'.length)
  const text = readFileSync(join(dir, 'scenarios', f), 'utf8')
  const parsed = parseScenario(text)
  if (goldenSkipReason(text) !== null || !parsed.ok) continue
  const rec = outputs(JSON.parse(readFileSync(join(dir, 'recordings', f), 'utf8')))
  const eng = outputs(runScenario(parsed.scenario))
  const mine = { listings: 0, paired: 0, off: 0, dueBoth: 0, dueRec: 0, dueEng: 0, other: 0 }
  for (const [i, { at, lateS, out }] of rec.entries()) {
    const e = entries(out.stdout)
    const a = eng[i] ? entries(eng[i].out.stdout) : null
    if (!e || !a) continue
    mine.listings++
    if (lateS !== undefined) readLateS.push(lateS)
    const left = [...a]
    for (const x of e.sort((p, q) => p.expireS - q.expireS)) {
      const j = left.findIndex((y) => y.key === x.key && Math.abs(y.expireS - x.expireS) <= 2)
      if (j >= 0) {
        const [y] = left.splice(j, 1)
        const d = x.expireS - y.expireS
        total.delta.set(d, (total.delta.get(d) ?? 0) + 1)
        mine.paired++
        if (d !== 0) mine.off++
        if (x.expireS === 0 && y.expireS === 0) mine.dueBoth++
      } else if (x.expireS === 0) {
        mine.dueRec++
        if (verbose)
          console.log(
            `${name} ${at}${lateS === undefined ? '' : ` (read ${lateS.toFixed(2)} s later)`}: recording only: ${x.line}`,
          )
      } else mine.other++
    }
    for (const y of left) {
      if (y.expireS === 0) {
        mine.dueEng++
        if (verbose) console.log(`${name} ${at}: engine only: ${y.line}`)
      } else mine.other++
    }
  }
  if (mine.listings === 0) continue
  total.listings += mine.listings
  total.paired += mine.paired
  total.dueBoth += mine.dueBoth
  total.dueRec += mine.dueRec
  total.dueEng += mine.dueEng
  total.other += mine.other
  rows.push(
    [name.padEnd(36), mine.listings, mine.paired, mine.off, mine.dueBoth, mine.dueRec, mine.dueEng, mine.other]
      .map((v, k) => (k === 0 ? v : String(v).padStart(8)))
      .join(''),
  )
}
console.log(
  ['recording'.padEnd(36), 'lists', 'paired', 'Δ≠0', '0:0both', '0:0rec', '0:0eng', 'other']
    .map((v, k) => (k === 0 ? v : v.padStart(8)))
    .join(''),
)
for (const r of rows) console.log(r)
const deltas = [...total.delta.entries()].sort((p, q) => p[0] - q[0]).map(([d, n]) => `${d > 0 ? '+' : ''}${d} s: ${n}`)
console.log(
  `\n${rows.length} recordings, ${total.listings} connection listings, ${total.paired} entries paired ` +
    `(expire, recording − engine: ${deltas.join(', ')})\n` +
    `listed at 00:00: ${total.dueBoth} on both sides, ${total.dueRec} in the recording only, ${total.dueEng} in the engine only; ` +
    `${total.other} other entries on one side only\n` +
    `the recordings read their snapshot listings ${Math.min(...readLateS).toFixed(2)}–${Math.max(...readLateS).toFixed(2)} s after the scenario's time`,
)
