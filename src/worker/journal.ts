/**
 * The command journal: every command typed and every script applied since the scenario was
 * loaded, at its simulated time. A rewind replays it (the same run again); typing after a rewind
 * starts a new history from there. It is what a saved session keeps beside the saved scenario
 * (one line per typed command), and what the exported scenario folds into its midCommands.
 */
import { type Scenario, type ScenarioPlayer, type Simulator, scriptLines } from '../engine/index'
import { type JournalLine, PAGE_SOURCES } from './protocol'

type CommandRecord = ReturnType<ScenarioPlayer['record']>

/** What applying a script runs first: the configuration it replaces goes. */
const APPLY_PREAMBLE = ['ipvsadm -C', 'iptables -t mangle -F', 'iptables -t mangle -X'] as const

export class CommandJournal {
  private lines: JournalLine[] = []

  get entries(): readonly JournalLine[] {
    return this.lines
  }

  clear(): void {
    this.lines = []
  }

  /** A command typed (or a script applied) at `line.atMs`: what was journaled after that time goes. */
  append(line: JournalLine): void {
    this.lines = this.lines.filter((j) => j.atMs <= line.atMs)
    this.lines.push(line)
  }

  /** The lines after `fromMs` (exclusive, null: from the start) up to `toMs` (inclusive), in order. */
  between(fromMs: number | null, toMs: number): JournalLine[] {
    const out: JournalLine[] = []
    for (const j of this.lines) {
      if (fromMs !== null && j.atMs <= fromMs) continue
      if (j.atMs > toMs) break
      out.push(j)
    }
    return out
  }
}

/**
 * Run one journal line on a simulator, as it ran when typed (a script: all of it, the old
 * configuration gone first); a command's output (a script: null).
 */
export function replayLine(p: ScenarioPlayer, j: JournalLine): CommandRecord | null {
  if (j.kind === 'run') return p.record(j.text)
  applyLines(p.sim, scriptLines(j.text))
  return null
}

/** Clear IPVS and the mangle table, then run the lines; the first failure, if any. */
export function applyLines(
  sim: Simulator,
  lines: { n: number; text: string }[],
): { message: string; line: number } | null {
  for (const cmd of APPLY_PREAMBLE) sim.run(cmd)
  for (const l of lines) {
    const r = sim.run(l.text)
    if (r.exit !== 0) return { message: (r.stderr || r.stdout).trim(), line: l.n }
  }
  return null
}

/**
 * `sc` with the journal folded into its `midCommands` at their times (a script: its lines, the
 * old configuration cleared first) — the same run again as a plain scenario. At the same time,
 * the scenario's own commands come first.
 */
export function foldJournal(sc: Scenario, lines: readonly JournalLine[]): Scenario {
  const typed = lines.flatMap((j) =>
    j.kind === 'run'
      ? [{ at: j.atMs / 1000, cmd: j.text }]
      : [...APPLY_PREAMBLE, ...scriptLines(j.text).map((l) => l.text)].map((cmd) => ({ at: j.atMs / 1000, cmd })),
  )
  // stable merge by time
  const mid = [...sc.midCommands.map((m, i) => ({ m, k: 0, i })), ...typed.map((m, i) => ({ m, k: 1, i }))]
    .sort((a, b) => a.m.at - b.m.at || a.k - b.k || a.i - b.i)
    .map((x) => x.m)
  return { ...sc, midCommands: mid }
}

/** Journal lines as they come back from storage: only well-formed ones. */
export function journalLinesOf(x: unknown): JournalLine[] {
  if (!Array.isArray(x)) return []
  return x.filter(
    (j): j is JournalLine =>
      typeof j === 'object' &&
      j !== null &&
      Number.isFinite((j as JournalLine).atMs) &&
      ((j as JournalLine).kind === 'run' || (j as JournalLine).kind === 'apply') &&
      typeof (j as JournalLine).text === 'string' &&
      ((j as JournalLine).by === undefined || PAGE_SOURCES.includes((j as JournalLine).by as string)),
  )
}
