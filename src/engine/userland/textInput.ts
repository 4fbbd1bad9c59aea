/**
 * What the text utilities (head, tail, wc, sort, uniq) share: their inputs (standard input as
 * `-` or no operand, else the files the host can read) and coreutils' counts with their suffixes.
 */
import type { CommandResult } from './shell'

/** A file's text, or null when there is no such file. */
export type ReadFile = (path: string) => string | null

export interface Input {
  name: string
  /** null: it could not be opened. */
  text: string | null
}

/** The operands as inputs: none means standard input; standard input is read once (a second `-` is empty). */
export function readInputs(operands: readonly string[], stdin: string, readFile: ReadFile): Input[] {
  let stdinLeft: string | null = stdin
  return (operands.length === 0 ? ['-'] : operands).map((name) => {
    if (name === '-') {
      const text = stdinLeft ?? ''
      stdinLeft = ''
      return { name, text }
    }
    return { name, text: readFile(name) }
  })
}

/**
 * head's and tail's output: each input's part, under a `==> name <==` header when there is more
 * than one input or -v (coreutils' write_header(), the same in head.c and tail.c); an input that
 * cannot be opened is reported and the others go on.
 */
export function eachWithHeaders(
  prog: string,
  inputs: readonly Input[],
  withHeaders: boolean,
  part: (text: string) => string,
): CommandResult {
  let stdout = ''
  let stderr = ''
  let exit = 0
  let first = true
  for (const input of inputs) {
    if (input.text === null) {
      stderr += `${prog}: cannot open '${input.name}' for reading: No such file or directory\n`
      exit = 1
      continue
    }
    if (withHeaders) {
      stdout += `${first ? '' : '\n'}==> ${input.name === '-' ? 'standard input' : input.name} <==\n`
      first = false
    }
    stdout += part(input.text)
  }
  return { stdout, stderr, exit }
}

/** Lines with their terminators; a last line without one is a line too. */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g)
  return lines ?? []
}

/** A text's UTF-8 bytes (the engine runs without the DOM's TextEncoder). */
export function bytesOf(s: string): Uint8Array {
  const out: number[] = []
  for (const ch of s) {
    const c = ch.codePointAt(0) as number
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return Uint8Array.from(out)
}

/** UTF-8 bytes as text; a sequence cut short (head -c in the middle of a character) shows as U+FFFD. */
export function textOf(b: Uint8Array): string {
  let out = ''
  for (let i = 0; i < b.length; ) {
    const x = b[i]
    const n = x < 0x80 ? 1 : x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : x >= 0xc0 ? 2 : 0
    let ok = n > 0 && i + n <= b.length
    for (let k = 1; ok && k < n; k++) ok = (b[i + k] & 0xc0) === 0x80
    if (!ok) {
      out += '\ufffd'
      i++
      continue
    }
    let c = n === 1 ? x : x & (0xff >> (n + 1))
    for (let k = 1; k < n; k++) c = (c << 6) | (b[i + k] & 63)
    out += String.fromCodePoint(c)
    i += n
  }
  return out
}

/** Multipliers of xstrtoumax's suffixes "bkKmMGTPEZYRQ0": b=512, k/K=KiB, then powers of 1024 (B: of 1000). */
const POWERS = 'KMGTPEZYRQ'

/**
 * A count as coreutils' xdectoumax() reads it: decimal digits, an optional `+`, an optional
 * suffix. Returns the number (Infinity beyond what a JS number holds exactly), or the error text
 * (`invalid number of lines: ‘x’`, with `: Value too large for defined data type` past 2^64 − 1).
 */
export function parseCount(s: string, what: string): number | string {
  const m = /^\s*\+?(\d+)([bkKmMGTPEZYRQ](?:B|iB)?)?$/.exec(s)
  if (!m) return `${what}: ‘${s}’`
  let n = BigInt(m[1])
  const suf = m[2]
  if (suf) {
    if (suf === 'b') n *= 512n
    else if (suf.startsWith('b')) return `${what}: ‘${s}’`
    else {
      const base = suf.endsWith('B') && !suf.endsWith('iB') ? 1000n : 1024n
      n *= base ** BigInt(POWERS.indexOf(suf[0].toUpperCase()) + 1)
    }
  }
  if (n > 0xffff_ffff_ffff_ffffn) return `${what}: ‘${s}’: Value too large for defined data type`
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(n)
}

/** A failure of the whole command: `prog: text`, exit 1. */
export const fail = (prog: string, text: string): CommandResult => ({
  stdout: '',
  stderr: `${prog}: ${text}\n`,
  exit: 1,
})
