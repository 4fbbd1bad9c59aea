/**
 * The command line as coreutils 9.1 reads it: glibc's getopt_long() with argument permutation
 * (options may follow operands; `--` ends them), clustered short options (`-nr`), arguments
 * attached or separate (`-n5`, `-n 5`, `--lines=5`, `--lines 5`), long options by any unambiguous
 * prefix, and glibc's own messages for what it refuses.
 */
import type { CommandResult } from './shell'

export interface LongOption {
  name: string
  /** The short option it stands for (or a name of its own when it has none). */
  val: string
  arg: boolean
}

export type GetoptItem = { opt: string; arg: string | null }

export interface Getopt {
  /** The options in the order given. */
  options: GetoptItem[]
  /** The operands (files), in order. */
  operands: string[]
}

/** `prog: message` then coreutils' hint, as usage(EXIT_FAILURE) prints it. */
export function usageError(prog: string, message: string, exit = 1): CommandResult {
  return { stdout: '', stderr: `${prog}: ${message}\nTry '${prog} --help' for more information.\n`, exit }
}

/**
 * Parse `args` for `prog`: `shorts` in getopt's syntax (`"n:c:qv"`: a colon after a letter that
 * takes an argument). Returns the options and operands, or the failure coreutils prints.
 */
export function getopt(
  prog: string,
  args: readonly string[],
  shorts: string,
  longs: readonly LongOption[],
  failExit = 1,
  /** The real tool's options this lab does not model: refused in words that say so, not as unknown. */
  unsupported = '',
): Getopt | CommandResult {
  const options: GetoptItem[] = []
  const operands: string[] = []
  const takesArg = (c: string): boolean | null => {
    const k = shorts.indexOf(c)
    return k < 0 || c === ':' ? null : shorts[k + 1] === ':'
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') {
      operands.push(...args.slice(i + 1))
      break
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = a.slice(2, eq < 0 ? undefined : eq)
      const exact = longs.find((l) => l.name === name)
      const matches = exact ? [exact] : longs.filter((l) => l.name.startsWith(name))
      // abbreviations of one option under several names are not ambiguous
      const distinct = new Set(matches.map((l) => `${l.val}/${l.arg}`))
      if (matches.length === 0)
        return usageError(prog, `unrecognized option '${a.slice(0, eq < 0 ? undefined : eq)}'`, failExit)
      if (distinct.size > 1)
        return usageError(
          prog,
          `option '--${name}' is ambiguous; possibilities:${matches.map((l) => ` '--${l.name}'`).join('')}`,
          failExit,
        )
      const l = matches[0]
      if (!l.arg && eq >= 0) return usageError(prog, `option '--${l.name}' doesn't allow an argument`, failExit)
      if (l.arg && eq < 0) {
        if (i + 1 >= args.length) return usageError(prog, `option '--${l.name}' requires an argument`, failExit)
        options.push({ opt: l.val, arg: args[++i] })
      } else options.push({ opt: l.val, arg: l.arg ? a.slice(eq + 1) : null })
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]
        const wants = takesArg(c)
        if (unsupported.includes(c)) return usageError(prog, `option not supported in this lab -- '${c}'`, failExit)
        if (wants === null) return usageError(prog, `invalid option -- '${c}'`, failExit)
        if (!wants) {
          options.push({ opt: c, arg: null })
          continue
        }
        if (k + 1 < a.length) options.push({ opt: c, arg: a.slice(k + 1) })
        else if (i + 1 < args.length) options.push({ opt: c, arg: args[++i] })
        else return usageError(prog, `option requires an argument -- '${c}'`, failExit)
        break
      }
      continue
    }
    operands.push(a)
  }
  return { options, operands }
}

export const isFailure = (r: Getopt | CommandResult): r is CommandResult => 'exit' in r
