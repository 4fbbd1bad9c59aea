/**
 * coreutils 9.1 wc: -l -w -m -c -L (printed in that order, lines words bytes without a flag), a
 * `total` line for several files, and wc's column width: 1 for one count of one input; else wide
 * enough for the regular files' total size, and at least 7 when an input is not a regular file
 * (standard input from a pipe). The host's files are /proc files: regular, size 0.
 */
import { getopt, isFailure, type LongOption } from './getopt'
import type { CommandResult, Program } from './shell'
import { bytesOf, type ReadFile, readInputs } from './textInput'

const LONGS: LongOption[] = [
  { name: 'bytes', val: 'c', arg: false },
  { name: 'chars', val: 'm', arg: false },
  { name: 'lines', val: 'l', arg: false },
  { name: 'words', val: 'w', arg: false },
  { name: 'max-line-length', val: 'L', arg: false },
  { name: 'files0-from', val: 'files0', arg: true },
]

export interface Counts {
  lines: number
  words: number
  chars: number
  bytes: number
  maxLine: number
}

/** One text's counts: newlines, whitespace-separated words, characters, bytes, widest line (tabs to 8). */
export function countText(text: string): Counts {
  let maxLine = 0
  for (const line of text.split('\n')) {
    let w = 0
    for (const ch of line) w = ch === '\t' ? w + 8 - (w % 8) : w + 1
    maxLine = Math.max(maxLine, w)
  }
  return {
    lines: text.match(/\n/g)?.length ?? 0,
    words: text.match(/[^\s]+/g)?.length ?? 0,
    chars: [...text].length,
    bytes: bytesOf(text).length,
    maxLine,
  }
}

const ORDER: [string, keyof Counts][] = [
  ['l', 'lines'],
  ['w', 'words'],
  ['m', 'chars'],
  ['c', 'bytes'],
  ['L', 'maxLine'],
]

export const wc =
  (readFile: ReadFile): Program =>
  (args, stdin): CommandResult => {
    const parsed = getopt('wc', args, 'clLmw', LONGS)
    if (isFailure(parsed)) return parsed
    const asked = new Set(parsed.options.map((o) => o.opt))
    if (asked.has('files0'))
      return { stdout: '', stderr: `wc: option not supported in this lab -- 'files0-from'\n`, exit: 1 }
    const shown = ORDER.filter(([f]) => asked.has(f)).map(([, k]) => k)
    const fields: (keyof Counts)[] = shown.length > 0 ? shown : ['lines', 'words', 'bytes']
    const inputs = readInputs(parsed.operands, stdin, readFile)
    // compute_number_width(): nothing is looked at for one count of one input
    let width = 1
    // a pipe (standard input) is not a regular file: at least 7; /proc files are regular, of size 0
    if (!(inputs.length === 1 && fields.length === 1) && inputs.some((i) => i.name === '-' && i.text !== null))
      width = 7
    const total: Counts = { lines: 0, words: 0, chars: 0, bytes: 0, maxLine: 0 }
    const row = (c: Counts, name: string | null) =>
      `${fields.map((f) => String(c[f]).padStart(width)).join(' ')}${name === null ? '' : ` ${name}`}\n`
    let stdout = ''
    let stderr = ''
    let exit = 0
    for (const input of inputs) {
      if (input.text === null) {
        stderr += `wc: ${input.name}: No such file or directory\n`
        exit = 1
        continue
      }
      const c = countText(input.text)
      for (const k of ['lines', 'words', 'chars', 'bytes'] as const) total[k] += c[k]
      total.maxLine = Math.max(total.maxLine, c.maxLine)
      stdout += row(c, parsed.operands.length === 0 ? null : input.name)
    }
    if (inputs.length > 1) stdout += row(total, 'total')
    return { stdout, stderr, exit }
  }
