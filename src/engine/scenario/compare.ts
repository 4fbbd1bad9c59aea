import { parseIpvsadm } from '../userland/ipvsadm/parse'
import type { RunResult } from './run'

/**
 * Compare a simulation with a real-kernel recording field by field, by the rules of
 * test/golden/README.md: outputs byte-identical, except connection listings (a set, expire
 * within 2 s), `--stats` (Conns exact, other counters by layout) and `--rate` (layout only);
 * the real server of every connection and datagram, and no connection or datagram the recording
 * lacks.
 */

export interface Mismatch {
  /** Where: `commands[3].stdout`, `snapshots[1].outputs[0].stdout`, `connections[4].rs`… */
  path: string
  expected: unknown
  actual: unknown
  detail?: string
}

interface OutputLike {
  cmd: string
  stdout: string
  stderr: string
  exit: number
}

/** A recording as read from JSON: only the compared fields are typed. */
export interface RecordingLike {
  commands: OutputLike[]
  connections: { rs: string | null; datagrams?: { k: number; rs: string | null }[] }[]
  snapshots: { at: number; outputs: OutputLike[] }[]
  final: { outputs: OutputLike[] }
}

type ListingKind = 'connections' | 'stats' | 'rate' | 'plain'

/** What kind of listing a command prints (only plain `ipvsadm …` lines get special rules). */
export function listingKind(cmd: string): ListingKind {
  const words = cmd.trim().split(/\s+/)
  if (words[0] !== 'ipvsadm' || /[|;&<>'"]/.test(cmd)) return 'plain'
  const parsed = parseIpvsadm(words.slice(1))
  if (parsed.kind !== 'command' || parsed.entry.cmd !== 'list') return 'plain'
  const e = parsed.entry
  if (e.options.has(1)) return 'connections'
  if (e.format.stats) return 'stats'
  if (e.format.rate) return 'rate'
  return 'plain'
}

const EXPIRE_TOLERANCE_S = 2

function parseConnLine(line: string): { key: string; expire: number } | null {
  const m = /^(\S+)\s+(\d+):(\d\d)\s+(.*)$/.exec(line)
  if (!m) return null
  return { key: `${m[1]} ${m[4].replace(/\s+/g, ' ').trim()}`, expire: Number(m[2]) * 60 + Number(m[3]) }
}

function compareConnectionListing(expected: string, actual: string): string | null {
  const e = expected.split('\n')
  const a = actual.split('\n')
  if (e.slice(0, 2).join('\n') !== a.slice(0, 2).join('\n')) return 'header differs'
  const eRows = e.slice(2).filter((l) => l !== '')
  const aRows = a.slice(2).filter((l) => l !== '')
  const used = new Array<boolean>(aRows.length).fill(false)
  const unmatched: string[] = []
  for (const row of eRows) {
    const pe = parseConnLine(row)
    let found = -1
    for (let i = 0; i < aRows.length && found < 0; i++) {
      if (used[i]) continue
      if (aRows[i] === row) found = i
      else if (pe) {
        const pa = parseConnLine(aRows[i])
        if (
          pa &&
          pa.key === pe.key &&
          Math.abs(pa.expire - pe.expire) <= EXPIRE_TOLERANCE_S &&
          layoutMatches(row, aRows[i])
        )
          found = i
      }
    }
    if (found >= 0) used[found] = true
    else unmatched.push(row)
  }
  // An entry listed at 00:00 on one side only: its timer was due within the 2 s tolerance, and
  // whether it had fired when the listing was read is a matter of the timer wheel's phase.
  const due = (row: string) => parseConnLine(row)?.expire === 0
  const missing = unmatched.filter((r) => !due(r))
  if (missing.length > 0) return `no entry like: ${missing[0]}`
  const extra = aRows.filter((r, i) => !used[i] && !due(r))
  if (extra.length > 0) return `unexpected entry: ${extra[0]}`
  return null
}

/** Where each whitespace-separated column of a line starts and ends. */
function columnSpans(line: string): string {
  return [...line.matchAll(/\S+/g)].map((m) => `${m.index}-${m.index + m[0].length}`).join(' ')
}

/** Same columns: every column starts and ends at the same offsets (values may differ). */
function layoutMatches(expected: string, actual: string): boolean {
  return columnSpans(expected) === columnSpans(actual)
}

/** --stats / --rate: names exact; number columns right-aligned in the same places; Conns exact for --stats. */
function compareCounterListing(expected: string, actual: string, connsExact: boolean): string | null {
  const e = expected.split('\n')
  const a = actual.split('\n')
  if (e.length !== a.length) return `${a.length} lines, expected ${e.length}`
  for (let i = 0; i < e.length; i++) {
    const el = e[i]
    const al = a[i]
    if (el === al) continue
    const isRow = /^(TCP|UDP|SCTP|FWM| {2}->)/.test(el) && !el.startsWith('  -> RemoteAddress')
    if (!isRow) return `line ${i + 1} differs: ${al}`
    const nameWidth = 33
    if (el.slice(0, nameWidth) !== al.slice(0, nameWidth)) return `line ${i + 1}: name differs: ${al}`
    const ef = el.slice(nameWidth).match(/\s*\d+[KMGT]?/g) ?? []
    const af = al.slice(nameWidth).match(/\s*\d+[KMGT]?/g) ?? []
    if (ef.length !== af.length || ef.join('').length !== af.join('').length)
      return `line ${i + 1}: columns differ: ${al}`
    if (ef.some((f, k) => f.length !== af[k].length)) return `line ${i + 1}: column widths differ: ${al}`
    const [eConns = '', aConns = ''] = [ef[0], af[0]]
    if (connsExact && eConns.trim() !== aConns.trim())
      return `line ${i + 1}: Conns ${aConns.trim()}, expected ${eConns.trim()}`
  }
  return null
}

function compareOutput(path: string, e: OutputLike, a: OutputLike | undefined, out: Mismatch[]): void {
  if (!a) {
    out.push({ path, expected: e.cmd, actual: undefined, detail: 'missing' })
    return
  }
  if (e.cmd !== a.cmd) out.push({ path: `${path}.cmd`, expected: e.cmd, actual: a.cmd })
  if (e.exit !== a.exit) out.push({ path: `${path}.exit`, expected: e.exit, actual: a.exit })
  if (e.stderr !== a.stderr) out.push({ path: `${path}.stderr`, expected: e.stderr, actual: a.stderr })
  if (e.stdout === a.stdout) return
  const kind = listingKind(e.cmd)
  const problem =
    kind === 'connections'
      ? compareConnectionListing(e.stdout, a.stdout)
      : kind === 'stats'
        ? compareCounterListing(e.stdout, a.stdout, true)
        : kind === 'rate'
          ? compareCounterListing(e.stdout, a.stdout, false)
          : 'differs'
  if (problem) out.push({ path: `${path}.stdout`, expected: e.stdout, actual: a.stdout, detail: problem })
}

export function compareWithRecording(recording: RecordingLike, run: RunResult): Mismatch[] {
  const out: Mismatch[] = []
  const outputs = (label: string, e: OutputLike[], a: OutputLike[]) => {
    for (const [i, x] of e.entries()) {
      compareOutput(`${label}[${i}]`, x, a[i], out)
    }
    if (a.length > e.length) out.push({ path: label, expected: e.length, actual: a.length, detail: 'extra outputs' })
  }
  outputs('commands', recording.commands, run.commands)
  for (const [i, s] of recording.snapshots.entries()) {
    outputs(`snapshots[${i}].outputs`, s.outputs, run.snapshots[i]?.outputs ?? [])
  }
  if (run.snapshots.length !== recording.snapshots.length)
    out.push({ path: 'snapshots', expected: recording.snapshots.length, actual: run.snapshots.length })
  outputs('final.outputs', recording.final.outputs, run.final.outputs)
  recording.connections.forEach((c, i) => {
    const r = run.connections[i]
    if (!r) {
      out.push({ path: `connections[${i}]`, expected: c.rs, actual: undefined })
      return
    }
    if ((c.rs ?? null) !== r.rs) out.push({ path: `connections[${i}].rs`, expected: c.rs ?? null, actual: r.rs })
    c.datagrams?.forEach((d, k) => {
      const rd = r.datagrams?.[k]
      if ((d.rs ?? null) !== (rd?.rs ?? null))
        out.push({ path: `connections[${i}].datagrams[${k}].rs`, expected: d.rs, actual: rd?.rs })
    })
    const recorded = c.datagrams?.length ?? 0
    const ran = r.datagrams?.length ?? 0
    if (ran > recorded)
      out.push({ path: `connections[${i}].datagrams`, expected: recorded, actual: ran, detail: 'extra datagrams' })
  })
  if (run.connections.length > recording.connections.length)
    out.push({
      path: 'connections',
      expected: recording.connections.length,
      actual: run.connections.length,
      detail: 'extra connections',
    })
  return out
}
