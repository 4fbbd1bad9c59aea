/**
 * coreutils 9.1 tail: -n N, -n +N (from line N on), -c N, -c +N, the old forms -N and +N (as the
 * only option), -q, -v, several files with `==> name <==` headers. -f / -F on standard input (a
 * pipe) is ignored, as tail does; following a file is refused in words that say so.
 */
import { getopt, isFailure, type LongOption, usageError } from './getopt'
import type { CommandResult, Program } from './shell'
import { bytesOf, eachWithHeaders, parseCount, type ReadFile, readInputs, splitLines, textOf } from './textInput'

const LONGS: LongOption[] = [
  { name: 'bytes', val: 'c', arg: true },
  { name: 'lines', val: 'n', arg: true },
  { name: 'follow', val: 'f', arg: false },
  { name: 'quiet', val: 'q', arg: false },
  { name: 'silent', val: 'q', arg: false },
  { name: 'verbose', val: 'v', arg: false },
  { name: 'zero-terminated', val: 'z', arg: false },
  { name: 'sleep-interval', val: 's', arg: true },
  { name: 'pid', val: 'pid', arg: true },
  { name: 'retry', val: 'retry', arg: false },
  { name: 'max-unchanged-stats', val: 'mus', arg: true },
]

/** What to keep of one input: the last `count` lines or bytes, or from the `count`th on (+N). */
export interface TailCut {
  unit: 'lines' | 'bytes'
  count: number
  fromStart: boolean
}

export function tailOf(text: string, cut: TailCut): string {
  if (cut.unit === 'lines') {
    const lines = splitLines(text)
    if (cut.fromStart) return lines.slice(Math.max(0, cut.count - 1)).join('')
    return cut.count === 0 ? '' : lines.slice(-Math.min(cut.count, lines.length)).join('')
  }
  const b = bytesOf(text)
  if (cut.fromStart) return textOf(b.slice(Math.max(0, cut.count - 1)))
  return cut.count === 0 ? '' : textOf(b.slice(-Math.min(cut.count, b.length)))
}

export const tail =
  (readFile: ReadFile): Program =>
  (argv, stdin): CommandResult => {
    let args = [...argv]
    let cut: TailCut = { unit: 'lines', count: 10, fromStart: false }
    let headers: boolean | null = null
    // the old form: `-N[bcl]` or `+N[bcl]` as the only option, before at most one file
    const old = args.length > 0 ? /^([-+])(\d*)([bcl]?)$/.exec(args[0]) : null
    if (
      old &&
      // `-c` alone wants its argument: only `-l`, `-b`, `-5c`… are the old form
      (old[2] !== '' || (old[3] !== '' && !(old[1] === '-' && old[3] === 'c'))) &&
      (args.length === 1 || (args.length === 2 && !(args[1].startsWith('-') && args[1].length > 1)))
    ) {
      const n = old[2] === '' ? 10 : Number(old[2])
      cut = {
        unit: old[3] === 'c' || old[3] === 'b' ? 'bytes' : 'lines',
        count: old[3] === 'b' ? n * 512 : n,
        fromStart: old[1] === '+',
      }
      args = args.slice(1)
    }
    const parsed = getopt('tail', args, 'c:n:fFqv0123456789', LONGS, 1, 'sz')
    if (isFailure(parsed)) return parsed
    let follow = false
    for (const { opt, arg } of parsed.options) {
      if (opt === 'f' || opt === 'F') follow = true
      else if (opt === 'c' || opt === 'n') {
        const unit = opt === 'c' ? 'bytes' : 'lines'
        let raw = arg ?? ''
        const fromStart = raw.startsWith('+')
        if (raw.startsWith('-')) raw = raw.slice(1)
        const n = parseCount(raw, `invalid number of ${unit}`)
        if (typeof n === 'string') return { stdout: '', stderr: `tail: ${n}\n`, exit: 1 }
        cut = { unit, count: n, fromStart }
      } else if (opt === 'q') headers = false
      else if (opt === 'v') headers = true
      else if (/^\d$/.test(opt))
        return { stdout: '', stderr: `tail: option used in invalid context -- ${opt}\n`, exit: 1 }
      else return usageError('tail', `option not supported in this lab -- '${opt}'`)
    }
    if (follow && parsed.operands.some((o) => o !== '-'))
      return usageError('tail', `option not supported in this lab -- 'f'`)
    const inputs = readInputs(parsed.operands, stdin, readFile)
    return eachWithHeaders('tail', inputs, headers ?? inputs.length > 1, (text) => tailOf(text, cut))
  }
