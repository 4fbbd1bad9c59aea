/** The commands run mid-run, grouped into markers on a time axis (what `CommandMarks` draws). */
import type { MidRunCommand } from '../worker/protocol'

/** Commands closer than this on the axis (px) share one marker. */
const MARK_MERGE_PX = 5

/** A marker on the time axis: the commands run mid-run at (about) one place of the visible window. */
export interface AxisMark {
  x: number
  commands: MidRunCommand[]
}

/** The mid-run commands in the visible window, as markers (x ascending). */
export function axisMarks(
  midRun: readonly MidRunCommand[],
  x: (ms: number) => number,
  left: number,
  width: number,
): AxisMark[] {
  const marks: AxisMark[] = []
  for (const m of midRun) {
    const at = x(m.atMs)
    if (at < left || at > width) continue
    const last = marks[marks.length - 1]
    if (last && at - last.x < MARK_MERGE_PX) last.commands.push(m)
    else marks.push({ x: at, commands: [m] })
  }
  return marks
}
