/**
 * coreutils 9.1 uniq: adjacent equal lines once; -c (`%7d ` before each), -d (only repeated),
 * -u (only unique), -i, -f N (skip fields), -s N (skip characters), -w N (compare at most N).
 * Input from standard input or one file; an output file is not written (the director's files
 * are read-only here).
 */
import { getopt, isFailure, type LongOption, usageError } from './getopt'
import type { CommandResult, Program } from './shell'
import { type ReadFile, readInputs, splitLines } from './textInput'

const LONGS: LongOption[] = [
  { name: 'count', val: 'c', arg: false },
  { name: 'repeated', val: 'd', arg: false },
  { name: 'unique', val: 'u', arg: false },
  { name: 'ignore-case', val: 'i', arg: false },
  { name: 'skip-fields', val: 'f', arg: true },
  { name: 'skip-chars', val: 's', arg: true },
  { name: 'check-chars', val: 'w', arg: true },
  { name: 'all-repeated', val: 'D', arg: false },
  { name: 'group', val: 'group', arg: false },
  { name: 'zero-terminated', val: 'z', arg: false },
]

export interface UniqOptions {
  count: boolean
  repeated: boolean
  unique: boolean
  ignoreCase: boolean
  skipFields: number
  skipChars: number
  checkChars: number
}

/** The part of a line uniq compares (find_field(): blanks then non-blanks per field, then characters). */
function compared(line: string, o: UniqOptions): string {
  let i = 0
  for (let f = 0; f < o.skipFields && i < line.length; f++) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++
  }
  let s = line.slice(Math.min(line.length, i + o.skipChars))
  if (Number.isFinite(o.checkChars)) s = s.slice(0, o.checkChars)
  return o.ignoreCase ? s.toUpperCase() : s
}

export function uniqOf(text: string, o: UniqOptions): string {
  const lines = splitLines(text).map((l) => (l.endsWith('\n') ? l.slice(0, -1) : l))
  let out = ''
  for (let i = 0; i < lines.length; ) {
    const key = compared(lines[i], o)
    let j = i + 1
    while (j < lines.length && compared(lines[j], o) === key) j++
    const n = j - i
    const show =
      (!o.repeated && !o.unique) || (o.repeated && n > 1 && !o.unique) || (o.unique && n === 1 && !o.repeated)
    if (show) out += o.count ? `${String(n).padStart(7)} ${lines[i]}\n` : `${lines[i]}\n`
    i = j
  }
  return out
}

export const uniq =
  (readFile: ReadFile): Program =>
  (args, stdin): CommandResult => {
    const parsed = getopt('uniq', args, 'cdDf:is:uw:z', LONGS, 1, 'Dz')
    if (isFailure(parsed)) return parsed
    const o: UniqOptions = {
      count: false,
      repeated: false,
      unique: false,
      ignoreCase: false,
      skipFields: 0,
      skipChars: 0,
      checkChars: Number.POSITIVE_INFINITY,
    }
    for (const { opt, arg } of parsed.options) {
      if (opt === 'c') o.count = true
      else if (opt === 'd') o.repeated = true
      else if (opt === 'u') o.unique = true
      else if (opt === 'i') o.ignoreCase = true
      else if (opt === 'f' || opt === 's' || opt === 'w') {
        const what =
          opt === 'f'
            ? 'invalid number of fields to skip'
            : opt === 's'
              ? 'invalid number of bytes to skip'
              : 'invalid number of bytes to compare'
        const n = /^\d+$/.test(arg ?? '') ? Number(arg) : null
        if (n === null) return { stdout: '', stderr: `uniq: ${arg}: ${what}\n`, exit: 1 }
        if (opt === 'f') o.skipFields = n
        else if (opt === 's') o.skipChars = n
        else o.checkChars = n
      } else return usageError('uniq', `option not supported in this lab -- '${opt}'`)
    }
    if (parsed.operands.length > 2) return usageError('uniq', `extra operand ‘${parsed.operands[2]}’`)
    if (parsed.operands.length === 2 && parsed.operands[1] !== '-')
      return { stdout: '', stderr: `uniq: ${parsed.operands[1]}: Read-only file system\n`, exit: 1 }
    const [input] = readInputs(parsed.operands.slice(0, 1), stdin, readFile)
    if (input.text === null) return { stdout: '', stderr: `uniq: ${input.name}: No such file or directory\n`, exit: 1 }
    return { stdout: uniqOf(input.text, o), stderr: '', exit: 0 }
  }
