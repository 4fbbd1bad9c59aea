/**
 * coreutils 9.1 head: -n N, -n -N (all but the last N), -c N, -c -N, the old form -N (first
 * argument only: `head -3`), -q, -v, several files with `==> name <==` headers.
 */
import { getopt, isFailure, type LongOption, usageError } from './getopt'
import type { CommandResult, Program } from './shell'
import { bytesOf, eachWithHeaders, parseCount, type ReadFile, readInputs, splitLines, textOf } from './textInput'

const LONGS: LongOption[] = [
  { name: 'bytes', val: 'c', arg: true },
  { name: 'lines', val: 'n', arg: true },
  { name: 'quiet', val: 'q', arg: false },
  { name: 'silent', val: 'q', arg: false },
  { name: 'verbose', val: 'v', arg: false },
  { name: 'zero-terminated', val: 'z', arg: false },
]

/** What to keep of one input: `count` lines or bytes from the start, or all but the last `count`. */
export interface HeadCut {
  unit: 'lines' | 'bytes'
  count: number
  allBut: boolean
}

export function headOf(text: string, cut: HeadCut): string {
  if (cut.unit === 'lines') {
    const lines = splitLines(text)
    return (cut.allBut ? lines.slice(0, Math.max(0, lines.length - cut.count)) : lines.slice(0, cut.count)).join('')
  }
  const b = bytesOf(text)
  return textOf(cut.allBut ? b.slice(0, Math.max(0, b.length - cut.count)) : b.slice(0, cut.count))
}

export const head =
  (readFile: ReadFile): Program =>
  (argv, stdin): CommandResult => {
    let args = [...argv]
    let cut: HeadCut = { unit: 'lines', count: 10, allBut: false }
    let headers: boolean | null = null
    // the old form `-N[bkm][cl][qv]`, as the first argument only
    const old = args.length > 0 ? /^-(\d+)([bkm]?)([cl]?)([qv]?)$/.exec(args[0]) : null
    if (old) {
      const mult = old[2] === 'b' ? 512 : old[2] === 'k' ? 1024 : old[2] === 'm' ? 1024 * 1024 : 1
      cut = { unit: old[3] === 'c' ? 'bytes' : 'lines', count: Number(old[1]) * mult, allBut: false }
      if (old[4]) headers = old[4] === 'v'
      args = args.slice(1)
    }
    const parsed = getopt('head', args, 'c:n:qv0123456789', LONGS, 1, 'z')
    if (isFailure(parsed)) return parsed
    for (const { opt, arg } of parsed.options) {
      if (opt === 'c' || opt === 'n') {
        const unit = opt === 'c' ? 'bytes' : 'lines'
        const raw = arg ?? ''
        const allBut = raw.startsWith('-')
        const n = parseCount(allBut ? raw.slice(1) : raw, `invalid number of ${unit}`)
        if (typeof n === 'string') return { stdout: '', stderr: `head: ${n}\n`, exit: 1 }
        cut = { unit, count: n, allBut }
      } else if (opt === 'q') headers = false
      else if (opt === 'v') headers = true
      else return usageError('head', `invalid trailing option -- ${opt}`)
    }
    const inputs = readInputs(parsed.operands, stdin, readFile)
    return eachWithHeaders('head', inputs, headers ?? inputs.length > 1, (text) => headOf(text, cut))
  }
