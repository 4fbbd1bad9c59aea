/**
 * coreutils 9.1 sort, in the C.UTF-8 locale (code-point order, `.` as the decimal point, no
 * thousands separator): -n, -r, -u, -s, -b, -f, -t SEP, -k POS1[,POS2] with per-key options
 * (b, f, n, r). Fields and keys as sort.c's begfield()/limfield() cut them (without -t a field
 * starts at the blanks before it); keys with no option of their own take the global ones; lines
 * equal by their keys are ordered by the whole line (reversed by a global -r) unless -s or -u.
 */
import { getopt, isFailure, type LongOption, usageError } from './getopt'
import type { CommandResult, Program } from './shell'
import { type ReadFile, readInputs, splitLines } from './textInput'

const LONGS: LongOption[] = [
  { name: 'ignore-leading-blanks', val: 'b', arg: false },
  { name: 'ignore-case', val: 'f', arg: false },
  { name: 'numeric-sort', val: 'n', arg: false },
  { name: 'reverse', val: 'r', arg: false },
  { name: 'stable', val: 's', arg: false },
  { name: 'unique', val: 'u', arg: false },
  { name: 'key', val: 'k', arg: true },
  { name: 'field-separator', val: 't', arg: true },
  { name: 'check', val: 'c', arg: false },
  { name: 'output', val: 'o', arg: true },
  { name: 'dictionary-order', val: 'd', arg: false },
  { name: 'general-numeric-sort', val: 'g', arg: false },
  { name: 'human-numeric-sort', val: 'h', arg: false },
  { name: 'ignore-nonprinting', val: 'i', arg: false },
  { name: 'month-sort', val: 'M', arg: false },
  { name: 'random-sort', val: 'R', arg: false },
  { name: 'version-sort', val: 'V', arg: false },
  { name: 'merge', val: 'm', arg: false },
  { name: 'zero-terminated', val: 'z', arg: false },
]

export interface KeyOptions {
  /** Skip blanks at the key's start (b on POS1) and before its end character (b on POS2). */
  skipStartBlanks: boolean
  skipEndBlanks: boolean
  foldCase: boolean
  numeric: boolean
  reverse: boolean
}

export interface SortKey extends KeyOptions {
  /** 0-based field and character of the start. */
  sword: number
  schar: number
  /** 0-based end field (Infinity: the line's end) and end character (0: the end of that field). */
  eword: number
  echar: number
}

export interface SortOptions extends KeyOptions {
  keys: SortKey[]
  /** The field separator; null: a blank-to-non-blank transition. */
  tab: string | null
  unique: boolean
  stable: boolean
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t'

function begfield(line: string, key: SortKey, tab: string | null): number {
  const lim = line.length
  let p = 0
  let sword = key.sword
  if (tab !== null)
    while (p < lim && sword-- > 0) {
      while (p < lim && line[p] !== tab) p++
      if (p < lim) p++
    }
  else
    while (p < lim && sword-- > 0) {
      while (p < lim && isBlank(line[p])) p++
      while (p < lim && !isBlank(line[p])) p++
    }
  if (key.skipStartBlanks) while (p < lim && isBlank(line[p])) p++
  return Math.min(lim, p + key.schar)
}

function limfield(line: string, key: SortKey, tab: string | null): number {
  const lim = line.length
  if (!Number.isFinite(key.eword)) return lim
  let p = 0
  let eword = key.echar === 0 ? key.eword + 1 : key.eword
  if (tab !== null)
    while (p < lim && eword-- > 0) {
      while (p < lim && line[p] !== tab) p++
      if (p < lim && (eword > 0 || key.echar > 0)) p++
    }
  else
    while (p < lim && eword-- > 0) {
      while (p < lim && isBlank(line[p])) p++
      while (p < lim && !isBlank(line[p])) p++
    }
  if (key.echar !== 0) {
    if (key.skipEndBlanks) while (p < lim && isBlank(line[p])) p++
    p = Math.min(lim, p + key.echar)
  }
  return p
}

/** A number as numcompare() reads it: blanks, an optional `-`, digits, `.` and digits; anything else is 0. */
function numberParts(s: string): { neg: boolean; int: string; frac: string } {
  const m = /^[ \t]*(-?)(\d*)(?:\.(\d*))?/.exec(s) as RegExpExecArray
  const int = m[2].replace(/^0+/, '')
  const frac = (m[3] ?? '').replace(/0+$/, '')
  return { neg: m[1] === '-' && (int !== '' || frac !== ''), int, frac }
}

function compareNumbers(a: string, b: string): number {
  const x = numberParts(a)
  const y = numberParts(b)
  if (x.neg !== y.neg) return x.neg ? -1 : 1
  let d = x.int.length - y.int.length
  if (d === 0) d = x.int < y.int ? -1 : x.int > y.int ? 1 : 0
  if (d === 0) {
    const w = Math.max(x.frac.length, y.frac.length)
    const fa = x.frac.padEnd(w, '0')
    const fb = y.frac.padEnd(w, '0')
    d = fa < fb ? -1 : fa > fb ? 1 : 0
  }
  return Math.sign(d) * (x.neg ? -1 : 1)
}

/** Code-point order (C.UTF-8's collation; for the text here, UTF-16 order is the same). */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export function compareLines(a: string, b: string, o: SortOptions): number {
  for (const key of o.keys) {
    const ta = a.slice(begfield(a, key, o.tab), Math.max(begfield(a, key, o.tab), limfield(a, key, o.tab)))
    const tb = b.slice(begfield(b, key, o.tab), Math.max(begfield(b, key, o.tab), limfield(b, key, o.tab)))
    let d = key.numeric
      ? compareNumbers(ta, tb)
      : key.foldCase
        ? compareText(ta.toUpperCase(), tb.toUpperCase())
        : compareText(ta, tb)
    if (key.reverse) d = -d
    if (d !== 0) return d
  }
  if (o.keys.length > 0 && (o.unique || o.stable)) return 0
  const d = compareText(a, b)
  return o.reverse ? -d : d
}

/** The lines of `text` sorted (and made unique with -u), each ending in a newline. */
export function sortText(text: string, o: SortOptions): string {
  const lines = splitLines(text).map((l) => (l.endsWith('\n') ? l.slice(0, -1) : l))
  const sorted = lines.sort((a, b) => compareLines(a, b, o))
  const out = o.unique ? sorted.filter((l, i) => i === 0 || compareLines(sorted[i - 1], l, o) !== 0) : sorted
  return out.map((l) => `${l}\n`).join('')
}

const KEY_LETTERS = 'bfnr'
const UNSUPPORTED_KEY_LETTERS = 'dgiMhRV'

/** `-k POS1[,POS2]` as sort.c's key parser reads it, with its messages. */
function parseKey(spec: string): SortKey | string {
  const bad = (why: string) => `${why}: invalid field specification ‘${spec}’`
  const count = (s: string, i: number, after: string): { n: number; i: number } | string => {
    const m = /^\d+/.exec(s.slice(i))
    if (!m) return `${after}: invalid count at start of ‘${s.slice(i)}’`
    return { n: Number(m[0]), i: i + m[0].length }
  }
  const key: SortKey = {
    sword: 0,
    schar: 0,
    eword: Number.POSITIVE_INFINITY,
    echar: 0,
    skipStartBlanks: false,
    skipEndBlanks: false,
    foldCase: false,
    numeric: false,
    reverse: false,
  }
  const letters = (i: number, end: boolean): number | string => {
    for (; i < spec.length && spec[i] !== ','; i++) {
      const c = spec[i]
      if (UNSUPPORTED_KEY_LETTERS.includes(c)) return `option not supported in this lab -- '${c}'`
      if (!KEY_LETTERS.includes(c)) return bad('stray character in field spec')
      if (c === 'b') {
        if (end) key.skipEndBlanks = true
        else key.skipStartBlanks = true
      } else if (c === 'f') key.foldCase = true
      else if (c === 'n') key.numeric = true
      else key.reverse = true
    }
    return i
  }
  const f = count(spec, 0, 'invalid number at field start')
  if (typeof f === 'string') return f
  if (f.n === 0) return bad('field number is zero')
  key.sword = f.n - 1
  let i = f.i
  if (spec[i] === '.') {
    const c = count(spec, i + 1, "invalid number after '.'")
    if (typeof c === 'string') return c
    if (c.n === 0) return bad('character offset is zero')
    key.schar = c.n - 1
    i = c.i
  }
  const j = letters(i, false)
  if (typeof j === 'string') return j
  i = j
  if (spec[i] === ',') {
    const e = count(spec, i + 1, "invalid number after ','")
    if (typeof e === 'string') return e
    if (e.n === 0) return bad('field number is zero')
    key.eword = e.n - 1
    i = e.i
    if (spec[i] === '.') {
      const c = count(spec, i + 1, "invalid number after '.'")
      if (typeof c === 'string') return c
      key.echar = c.n
      i = c.i
    }
    const k = letters(i, true)
    if (typeof k === 'string') return k
    if (k < spec.length) return bad('stray character in field spec')
  }
  return key
}

const hasOwnOptions = (k: KeyOptions) => k.skipStartBlanks || k.skipEndBlanks || k.foldCase || k.numeric || k.reverse

export const sort =
  (readFile: ReadFile): Program =>
  (args, stdin): CommandResult => {
    const err = (text: string): CommandResult => ({ stdout: '', stderr: `sort: ${text}\n`, exit: 2 })
    const parsed = getopt('sort', args, 'bcCdfghik:mMno:rRsS:t:T:uVy:z', LONGS, 2, 'cCdghimMoRSTVyz')
    if (isFailure(parsed)) return parsed
    const o: SortOptions = {
      keys: [],
      tab: null,
      unique: false,
      stable: false,
      skipStartBlanks: false,
      skipEndBlanks: false,
      foldCase: false,
      numeric: false,
      reverse: false,
    }
    for (const { opt, arg } of parsed.options) {
      if (opt === 'b') o.skipStartBlanks = o.skipEndBlanks = true
      else if (opt === 'f') o.foldCase = true
      else if (opt === 'n') o.numeric = true
      else if (opt === 'r') o.reverse = true
      else if (opt === 's') o.stable = true
      else if (opt === 'u') o.unique = true
      else if (opt === 'k') {
        const key = parseKey(arg ?? '')
        if (typeof key === 'string') return err(key)
        o.keys.push(key)
      } else if (opt === 't') {
        const t = arg ?? ''
        if (t === '') return err('empty tab')
        const tab = t === '\\0' ? '\0' : t
        if ([...tab].length > 1) return err(`multi-character tab ‘${t}’`)
        if (o.tab !== null && o.tab !== tab) return err('incompatible tabs')
        o.tab = tab
      } else return usageError('sort', `option not supported in this lab -- '${opt}'`, 2)
    }
    // keys without options of their own take the global ones; no key: the whole line, if any is set
    const globals: KeyOptions = {
      skipStartBlanks: o.skipStartBlanks,
      skipEndBlanks: o.skipEndBlanks,
      foldCase: o.foldCase,
      numeric: o.numeric,
      reverse: o.reverse,
    }
    o.keys = o.keys.map((k) => (hasOwnOptions(k) ? k : { ...k, ...globals }))
    if (o.keys.length === 0 && hasOwnOptions(globals))
      o.keys.push({ sword: 0, schar: 0, eword: Number.POSITIVE_INFINITY, echar: 0, ...globals })
    let text = ''
    for (const input of readInputs(parsed.operands, stdin, readFile)) {
      if (input.text === null) return err(`cannot read: ${input.name}: No such file or directory`)
      text += input.text !== '' && !input.text.endsWith('\n') ? `${input.text}\n` : input.text
    }
    return { stdout: sortText(text, o), stderr: '', exit: 0 }
  }
