import type { CommandResult, Program } from './shell'

const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exit: 0 })

/** Backslash escapes of printf's format and of %b / echo -e. */
function decodeEscapes(s: string): { text: string; stop: boolean } {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c !== '\\' || i + 1 >= s.length) {
      out += c
      continue
    }
    const n = s[++i]
    switch (n) {
      case 'n':
        out += '\n'
        break
      case 't':
        out += '\t'
        break
      case 'r':
        out += '\r'
        break
      case 'a':
        out += '\x07'
        break
      case 'b':
        out += '\b'
        break
      case 'f':
        out += '\f'
        break
      case 'v':
        out += '\v'
        break
      case 'e':
        out += '\x1b'
        break
      case '\\':
        out += '\\'
        break
      case 'c':
        return { text: out, stop: true }
      case '0': {
        const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))?.[0] ?? ''
        out += String.fromCharCode(Number.parseInt(m || '0', 8))
        i += m.length
        break
      }
      default:
        out += `\\${n}`
    }
  }
  return { text: out, stop: false }
}

/** bash's builtin printf: %s %d %i %u %x %o %c %b %%, with the format reused while arguments remain. */
export const printf: Program = (args) => {
  let a = args
  if (a[0] === '--') a = a.slice(1)
  if (a.length === 0)
    return { stdout: '', stderr: 'bash: line 1: printf: usage: printf [-v var] format [arguments]\n', exit: 2 }
  const [format, ...rest] = a
  let out = ''
  let stderr = ''
  let exit = 0
  let argi = 0
  do {
    let consumed = false
    for (let i = 0; i < format.length; i++) {
      const c = format[i]
      if (c === '\\') {
        const m = /^\\(?:0[0-7]{0,3}|.)/.exec(format.slice(i))?.[0] ?? '\\'
        const u = decodeEscapes(m)
        out += u.text
        if (u.stop) return { stdout: out, stderr, exit }
        i += m.length - 1
        continue
      }
      if (c !== '%') {
        out += c
        continue
      }
      const spec = /^%([-+ #0]*)(\d*)(?:\.(\d+))?([sdiuxXocb%])/.exec(format.slice(i))
      if (!spec) {
        out += c
        continue
      }
      i += spec[0].length - 1
      const [, flags, width, precision, conv] = spec
      if (conv === '%') {
        out += '%'
        continue
      }
      const arg = argi < rest.length ? rest[argi++] : undefined
      consumed = consumed || arg !== undefined
      let text: string
      if (conv === 's' || conv === 'b') {
        text = arg ?? ''
        if (conv === 'b') {
          const u = decodeEscapes(text)
          text = u.text
        }
        if (precision !== undefined) text = text.slice(0, Number(precision))
      } else if (conv === 'c') text = (arg ?? '').slice(0, 1)
      else {
        const raw = arg ?? '0'
        let n = Number.parseInt(raw, /^[+-]?0x/i.test(raw) ? 16 : /^[+-]?0\d/.test(raw) ? 8 : 10)
        if (Number.isNaN(n) || !/^\s*[+-]?(0x[0-9a-f]+|\d+)\s*$/i.test(raw)) {
          stderr += `bash: line 1: printf: ${raw}: invalid number\n`
          exit = 1
          if (Number.isNaN(n)) n = 0
        }
        text =
          conv === 'x'
            ? (n >>> 0).toString(16)
            : conv === 'X'
              ? (n >>> 0).toString(16).toUpperCase()
              : conv === 'o'
                ? (n >>> 0).toString(8)
                : String(conv === 'u' ? n >>> 0 : n)
      }
      const w = Number(width || 0)
      if (text.length < w)
        text = flags.includes('-') ? text.padEnd(w) : text.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ')
      out += text
    }
    if (!consumed) break
  } while (argi < rest.length)
  return { stdout: out, stderr, exit }
}

/** bash's builtin echo: -n, -e, -E. */
export const echo: Program = (args) => {
  let newline = true
  let escapes = false
  let i = 0
  for (; i < args.length && /^-[neE]+$/.test(args[i]); i++) {
    for (const f of args[i].slice(1)) {
      if (f === 'n') newline = false
      else if (f === 'e') escapes = true
      else escapes = false
    }
  }
  let text = args.slice(i).join(' ')
  if (escapes) {
    const u = decodeEscapes(text)
    text = u.text
    if (u.stop) return ok(text)
  }
  return ok(newline ? `${text}\n` : text)
}

/** A POSIX basic regular expression (GNU flavour) as a JS RegExp source. */
function breToRegExp(p: string): string {
  let out = ''
  for (let i = 0; i < p.length; i++) {
    const c = p[i]
    if (c === '\\' && i + 1 < p.length) {
      const n = p[++i]
      if ('(){}|+?'.includes(n)) out += n
      else if (/[a-zA-Z0-9<>]/.test(n)) out += n === '<' || n === '>' ? '\\b' : `\\${n}`
      else out += `\\${n}`
      continue
    }
    if (c === '[') {
      const end = p.indexOf(']', i + (p[i + 1] === '^' ? 3 : 2) - 1)
      if (end > i) {
        out += p.slice(i, end + 1).replace(/\\/g, '\\\\')
        i = end
        continue
      }
    }
    if ('(){}|+?/'.includes(c)) out += `\\${c}`
    else if (c === '*' && (out === '' || out === '^')) out += '\\*'
    else out += c
  }
  return out
}

/** grep with -v -c -i -x -q -E -F over standard input. */
export const grep: Program = (args, stdin) => {
  let invert = false
  let count = false
  let ignoreCase = false
  let whole = false
  let quiet = false
  let mode: 'basic' | 'extended' | 'fixed' = 'basic'
  let pattern: string | null = null
  const files: string[] = []
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i]
    if (a === '--') {
      i++
      break
    }
    if (a === '-e' && i + 1 < args.length) {
      pattern = args[++i]
      continue
    }
    if (/^-[vcixqEFs]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === 'v') invert = true
        else if (f === 'c') count = true
        else if (f === 'i') ignoreCase = true
        else if (f === 'x') whole = true
        else if (f === 'q') quiet = true
        else if (f === 'E') mode = 'extended'
        else if (f === 'F') mode = 'fixed'
      }
      continue
    }
    if (a.startsWith('-') && a.length > 1)
      return {
        stdout: '',
        stderr: `grep: invalid option -- '${a[1]}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`,
        exit: 2,
      }
    break
  }
  const restArgs = args.slice(i)
  if (pattern === null) pattern = restArgs.shift() ?? null
  for (const a of restArgs) files.push(a)
  if (pattern === null)
    return {
      stdout: '',
      stderr: "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
      exit: 2,
    }
  if (files.length > 0) return { stdout: '', stderr: `grep: ${files[0]}: No such file or directory\n`, exit: 2 }
  let re: RegExp
  try {
    const src =
      mode === 'fixed'
        ? pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
        : mode === 'extended'
          ? pattern
          : breToRegExp(pattern)
    re = new RegExp(whole ? `^(?:${src})$` : src, ignoreCase ? 'i' : '')
  } catch {
    return { stdout: '', stderr: 'grep: Invalid regular expression\n', exit: 2 }
  }
  const lines = stdin.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const selected = lines.filter((l) => re.test(l) !== invert)
  if (quiet) return { stdout: '', stderr: '', exit: selected.length > 0 ? 0 : 1 }
  const stdout = count ? `${selected.length}\n` : selected.map((l) => `${l}\n`).join('')
  return { stdout, stderr: '', exit: selected.length > 0 ? 0 : 1 }
}

export const cat =
  (readFile: (path: string) => string | null): Program =>
  (args, stdin) => {
    if (args.length === 0 || (args.length === 1 && args[0] === '-')) return ok(stdin)
    let out = ''
    let stderr = ''
    let exit = 0
    for (const f of args) {
      const data = f === '-' ? stdin : readFile(f)
      if (data === null) {
        stderr += `cat: ${f}: No such file or directory\n`
        exit = 1
      } else out += data
    }
    return { stdout: out, stderr, exit }
  }

export const trueProgram: Program = () => ok()
export const falseProgram: Program = () => ({ stdout: '', stderr: '', exit: 1 })
