/**
 * The small shell a director's admin types: words with '…', "…" and \ quoting, `$?`, pipes,
 * `;`, `&&`, `||`, `#` comments and the redirections `>`, `>>`, `2>`, `2>&1`, `>&2`, `&>`, `>&file` (to /dev/null or
 * to the files a Host accepts). Commands come from the Host; messages are bash's (`bash -c`).
 */

/** A finished command's output, as a shell would see it. */
export interface CommandResult {
  stdout: string
  stderr: string
  exit: number
}

/** A program the shell can run: arguments and standard input in, output and exit status out. */
export type Program = (args: string[], stdin: string) => CommandResult

export interface ShellHost {
  /** Look up a program by name (null: "command not found"). */
  program(name: string): Program | null
  /** Write a file for `>`; return an error text (bash's) or null. */
  writeFile?(path: string, data: string, append: boolean): string | null
}

/** `$?` inside a word until it is expanded at run time. */
const STATUS = '\u0001'

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'op'; op: '|' | ';' | '&&' | '||' }
  | { kind: 'redir'; op: string }

class ShellSyntaxError extends Error {}

function tokenize(line: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let word: string | null = null
  const flush = () => {
    if (word !== null) tokens.push({ kind: 'word', text: word })
    word = null
  }
  while (i < line.length) {
    const c = line[i]
    if (c === ' ' || c === '\t' || c === '\n') {
      flush()
      i++
      continue
    }
    if (c === '#' && word === null) break
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''")
      word = (word ?? '') + line.slice(i + 1, end)
      i = end + 1
      continue
    }
    if (c === '"') {
      let j = i + 1
      let text = ''
      for (;;) {
        if (j >= line.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'')
        const d = line[j]
        if (d === '"') break
        if (d === '\\' && j + 1 < line.length && '$`"\\\n'.includes(line[j + 1])) {
          text += line[j + 1] === '\n' ? '' : line[j + 1]
          j += 2
          continue
        }
        if (d === '$' && line[j + 1] === '?') {
          text += STATUS
          j += 2
          continue
        }
        text += d
        j++
      }
      word = (word ?? '') + text
      i = j + 1
      continue
    }
    if (c === '\\') {
      if (i + 1 < line.length) word = (word ?? '') + (line[i + 1] === '\n' ? '' : line[i + 1])
      i += 2
      continue
    }
    if (c === '$' && line[i + 1] === '?') {
      word = (word ?? '') + STATUS
      i += 2
      continue
    }
    if (c === '|' || c === ';' || c === '&') {
      flush()
      if (c === '|' && line[i + 1] === '|') {
        tokens.push({ kind: 'op', op: '||' })
        i += 2
      } else if (c === '&' && line[i + 1] === '&') {
        tokens.push({ kind: 'op', op: '&&' })
        i += 2
      } else if (c === '&' && line[i + 1] === '>') {
        tokens.push({ kind: 'redir', op: '&>' })
        i += 2
      } else if (c === '&') throw new ShellSyntaxError('background jobs (&) are not supported here')
      else {
        tokens.push({ kind: 'op', op: c })
        i++
      }
      continue
    }
    if (c === '>' || ((c === '1' || c === '2') && word === null && line[i + 1] === '>')) {
      flush()
      let op = ''
      if (c !== '>') {
        op = c
        i++
      }
      op += '>'
      i++
      if (line[i] === '>') {
        op += '>'
        i++
      } else if (line[i] === '&') {
        // `>&1`, `2>&1`: a descriptor when the digit ends the word; otherwise `>&word` is bash's
        // `&>word` (both outputs to a file), and `N>&word` an ambiguous redirect
        const fd = line[i + 1]
        if ((fd === '1' || fd === '2') && (i + 2 >= line.length || /[\s;|&<>]/.test(line[i + 2]))) {
          op += `&${fd}`
          i += 2
        } else {
          op = op === '>' ? '&>' : `${op}&`
          i++
        }
      }
      tokens.push({ kind: 'redir', op })
      continue
    }
    if (c === '<') throw new ShellSyntaxError('input redirection (<) is not supported here')
    word = (word ?? '') + c
    i++
  }
  flush()
  return tokens
}

interface SimpleCommand {
  words: string[]
  redirs: { op: string; target: string | null }[]
}

interface Pipeline {
  commands: SimpleCommand[]
  /** How this pipeline joins the previous one. */
  joiner: ';' | '&&' | '||'
}

function parse(tokens: Token[]): Pipeline[] {
  const pipelines: Pipeline[] = []
  let current: Pipeline = { commands: [], joiner: ';' }
  let cmd: SimpleCommand = { words: [], redirs: [] }
  const endCommand = (opText: string) => {
    if (cmd.words.length === 0 && cmd.redirs.length === 0)
      throw new ShellSyntaxError(`syntax error near unexpected token \`${opText}'`)
    current.commands.push(cmd)
    cmd = { words: [], redirs: [] }
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t.kind === 'word') cmd.words.push(t.text)
    else if (t.kind === 'redir') {
      if (t.op.endsWith('&1') || t.op.endsWith('&2')) cmd.redirs.push({ op: t.op, target: null })
      else {
        const next = tokens[i + 1]
        if (next?.kind !== 'word') throw new ShellSyntaxError(`syntax error near unexpected token \`newline'`)
        cmd.redirs.push({ op: t.op, target: next.text })
        i++
      }
    } else if (t.op === '|') endCommand('|')
    else {
      endCommand(t.op)
      pipelines.push(current)
      current = { commands: [], joiner: t.op }
    }
  }
  if (cmd.words.length > 0 || cmd.redirs.length > 0) current.commands.push(cmd)
  else if (current.commands.length > 0) throw new ShellSyntaxError("syntax error near unexpected token `newline'")
  if (current.commands.length > 0) pipelines.push(current)
  else if (pipelines.length > 0 && current.joiner !== ';')
    throw new ShellSyntaxError("syntax error near unexpected token `newline'")
  return pipelines
}

/** Run one command line. Never throws: every problem is an error text and an exit status, as in bash. */
export function runShell(line: string, host: ShellHost): CommandResult {
  let pipelines: Pipeline[]
  try {
    pipelines = parse(tokenize(line))
  } catch (e) {
    if (e instanceof ShellSyntaxError) return { stdout: '', stderr: `bash: -c: line 1: ${e.message}\n`, exit: 2 }
    throw e
  }
  let stdout = ''
  let stderr = ''
  let status = 0
  for (const p of pipelines) {
    if (p.joiner === '&&' && status !== 0) continue
    if (p.joiner === '||' && status === 0) continue
    let input = ''
    for (let k = 0; k < p.commands.length; k++) {
      const c = p.commands[k]
      const words = c.words.map((w) => w.split(STATUS).join(String(status)))
      // a command of redirections only (`> file`) opens its files and runs nothing
      const program = words.length > 0 ? host.program(words[0]) : null
      let r: CommandResult =
        words.length === 0
          ? { stdout: '', stderr: '', exit: 0 }
          : program
            ? program(words.slice(1), input)
            : { stdout: '', stderr: `bash: line 1: ${words[0]}: command not found\n`, exit: 127 }
      r = applyRedirections(r, c.redirs, host)
      stderr += r.stderr
      if (k === p.commands.length - 1) {
        stdout += r.stdout
        status = r.exit
      } else input = r.stdout
    }
  }
  return { stdout, stderr, exit: status }
}

function applyRedirections(r: CommandResult, redirs: SimpleCommand['redirs'], host: ShellHost): CommandResult {
  let { stdout, stderr, exit } = r
  for (const { op, target } of redirs) {
    if (op === '2>&1') {
      stdout += stderr
      stderr = ''
      continue
    }
    if (op === '>&2' || op === '1>&2') {
      stderr += stdout
      stdout = ''
      continue
    }
    // an output to itself changes nothing
    if (op === '>&1' || op === '1>&1' || op === '2>&2') continue
    if (op.endsWith('&') || target === null) {
      stderr += `bash: line 1: ${target ?? ''}: ambiguous redirect\n`
      exit = 1
      continue
    }
    const isErr = op.startsWith('2')
    const both = op === '&>'
    const data = both ? stdout + stderr : isErr ? stderr : stdout
    if (both) stdout = stderr = ''
    else if (isErr) stderr = ''
    else stdout = ''
    if (target === '/dev/null') continue
    const err = host.writeFile ? host.writeFile(target, data, op.endsWith('>>')) : `${target}: Read-only file system`
    if (err) {
      stderr += `bash: line 1: ${err}\n`
      exit = 1
    }
  }
  return { stdout, stderr, exit }
}
