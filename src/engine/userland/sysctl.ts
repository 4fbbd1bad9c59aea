/**
 * `sysctl` as Debian 12's procps 2:4.0.2-3 builds it (procps-ng 4.0.2, src/sysctl.c), over the
 * director's /proc/sys. Its options through glibc's getopt_long() (permuting, abbreviations), its
 * messages and exit codes: reads add their failures up (`ReturnCode += ReadSetting()`), writes OR
 * them; an unknown option prints the usage text on stdout and exits 0 (the `'?'` case falls into
 * `Usage(stdout)`); no argument at all prints it on stderr and exits 1.
 *
 * The lab's /proc/sys holds only net/ipv4/vs (../ipvs/sysctl.ts): `-a` and a directory key
 * (`sysctl net.ipv4.vs`) list those keys, in readdir() order. Writing goes through the key's
 * kernel handler; a refused value prints `setting key "…": Invalid argument` and exits 1.
 * `-p FILE` reads only what the director has: `-` or /dev/stdin (standard input), and the stock
 * /etc/sysctl.conf, /etc/sysctl.d/99-sysctl.conf (comments only); `--system` reads procps' own
 * files, whose keys (kernel.pid_max, fs.protected_*) the lab does not have.
 *
 * Source read: procps-ng-4.0.2/src/sysctl.c — slashdot() l. 118, Usage() l. 223, ReadSetting()
 * l. 319, DisplayAll() l. 481, WriteSetting() l. 529, parse_setting_line() l. 638,
 * write_setting_list() l. 688, pattern_match() l. 722, Preload() l. 740, PreloadSystem() l. 806,
 * main() l. 898 (optstring "bneNwfp::qoxaAXr:Vdh"); local/c.h USAGE_* l. 153–158.
 */

import { readSysctl, SYSCTL_NAMES, type SysctlName, type Sysctls, sysctlName, writeSysctl } from '../ipvs/sysctl'
import type { CommandResult, Program } from './shell'

const PROC_PATH = '/proc/sys/'
const DEFAULT_PRELOAD = '/etc/sysctl.conf'
const VS_DIR = 'net/ipv4/vs'

/** Usage() with glibc's USAGE_* texts (local/c.h). */
export const SYSCTL_USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`

/**
 * The settings files a Debian 12 director has, by path (comment lines left out: they set
 * nothing). /lib is /usr/lib (merged /usr), so PreloadSystem() finds those files once.
 */
const FILES: Record<string, string> = {
  '/etc/sysctl.conf': '',
  '/etc/sysctl.d/99-sysctl.conf': '',
  '/usr/lib/sysctl.d/50-pid-max.conf': 'kernel.pid_max = 4194304\n',
  '/usr/lib/sysctl.d/99-protect-links.conf':
    'fs.protected_fifos = 1\nfs.protected_hardlinks = 1\nfs.protected_regular = 2\nfs.protected_symlinks = 1\n',
}
/** PreloadSystem()'s directories, in its order. */
const SYSTEM_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d']

type ArgKind = 'none' | 'required' | 'optional'
/** getopt_long()'s optstring "bneNwfp::qoxaAXr:Vdh". */
const SHORT: Record<string, ArgKind> = {
  b: 'none',
  n: 'none',
  e: 'none',
  N: 'none',
  w: 'none',
  f: 'none',
  p: 'optional',
  q: 'none',
  o: 'none',
  x: 'none',
  a: 'none',
  A: 'none',
  X: 'none',
  r: 'required',
  V: 'none',
  d: 'none',
  h: 'none',
}
/** longopts[]: name, argument, the value it returns. */
const LONG: readonly [string, ArgKind, string][] = [
  ['all', 'none', 'a'],
  ['deprecated', 'none', 'deprecated'],
  ['dry-run', 'none', 'dry-run'],
  ['binary', 'none', 'b'],
  ['ignore', 'none', 'e'],
  ['names', 'none', 'N'],
  ['values', 'none', 'n'],
  ['load', 'optional', 'p'],
  ['quiet', 'none', 'q'],
  ['write', 'none', 'w'],
  ['system', 'none', 'system'],
  ['pattern', 'required', 'r'],
  ['help', 'none', 'h'],
  ['version', 'none', 'V'],
]

type Opt = { val: string; arg: string | null } | { error: string }

/** glibc getopt_long() with argument permutation: the options in order, then the other words. */
function getopt(argv: string[]): { opts: Opt[]; words: string[] } {
  const opts: Opt[] = []
  const words: string[] = []
  let i = 0
  while (i < argv.length) {
    const el = argv[i++]
    if (el === '--') {
      words.push(...argv.slice(i))
      break
    }
    if (!el.startsWith('-') || el === '-') {
      words.push(el)
      continue
    }
    if (el.startsWith('--')) {
      const body = el.slice(2)
      const eq = body.indexOf('=')
      const name = eq >= 0 ? body.slice(0, eq) : body
      let def = LONG.find((o) => o[0] === name)
      if (!def) {
        const cands = LONG.filter((o) => o[0].startsWith(name))
        if (cands.length > 1 && new Set(cands.map((o) => `${o[1]}|${o[2]}`)).size > 1) {
          opts.push({
            error: `option '${el.slice(0, eq >= 0 ? eq + 2 : undefined)}' is ambiguous; possibilities:${cands.map((o) => ` '--${o[0]}'`).join('')}`,
          })
          return { opts, words }
        }
        def = cands[0]
      }
      if (!def) {
        opts.push({ error: `unrecognized option '${el}'` })
        return { opts, words }
      }
      const [long, kind, val] = def
      if (kind === 'none' && eq >= 0) {
        opts.push({ error: `option '--${long}' doesn't allow an argument` })
        return { opts, words }
      }
      if (eq >= 0) opts.push({ val, arg: body.slice(eq + 1) })
      else if (kind === 'required') {
        if (i >= argv.length) {
          opts.push({ error: `option '--${long}' requires an argument` })
          return { opts, words }
        }
        opts.push({ val, arg: argv[i++] })
      } else opts.push({ val, arg: null })
      continue
    }
    for (let j = 1; j < el.length; j++) {
      const ch = el[j]
      const kind = SHORT[ch]
      if (!kind) {
        opts.push({ error: `invalid option -- '${ch}'` })
        return { opts, words }
      }
      const rest = el.slice(j + 1)
      if (kind === 'none') {
        opts.push({ val: ch, arg: null })
        continue
      }
      if (rest.length) opts.push({ val: ch, arg: rest })
      else if (kind === 'optional') opts.push({ val: ch, arg: null })
      else if (i < argv.length) opts.push({ val: ch, arg: argv[i++] })
      else {
        opts.push({ error: `option requires an argument -- '${ch}'` })
        return { opts, words }
      }
      break
    }
  }
  return { opts, words }
}

/** stat() below /proc/sys (empty components are ignored): a directory, a key, or why not. */
function stat(rel: string): { dir: string } | { file: SysctlName } | { error: string } {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.')
  const joined = parts.join('/')
  if (joined === '' || joined === 'net' || joined === 'net/ipv4' || joined === VS_DIR) return { dir: joined }
  if (parts.length >= 4 && parts.slice(0, 3).join('/') === VS_DIR) {
    const name = sysctlName(parts[3])
    if (name !== null && name === parts[3]) return parts.length === 4 ? { file: name } : { error: 'Not a directory' }
  }
  return { error: 'No such file or directory' }
}

/** readdir() of a directory of the lab's /proc/sys. */
function readdir(dir: string): string[] {
  if (dir === '') return ['net']
  if (dir === 'net') return ['ipv4']
  if (dir === 'net/ipv4') return ['vs']
  return [...SYSCTL_NAMES]
}

/** The POSIX bracket classes an ERE may use, as JavaScript class ranges. */
const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\v\\f\\r',
  blank: ' \\t',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
}

/**
 * pattern_match(): regcomp(REG_EXTENDED) and regexec(), as far as JavaScript's RegExp agrees with
 * a POSIX ERE (bracket classes such as `[[:digit:]]` translated); a pattern that does not compile
 * matches nothing, as in procps. Like grep here, it backtracks: key names are short.
 */
function patternMatcher(pat: string): (s: string) => boolean {
  try {
    const re = new RegExp(
      pat.replace(/\[:([a-z]+):\]/g, (_m, c: string) => {
        // an unknown class is REG_ECTYPE: nothing matches
        if (!Object.hasOwn(POSIX_CLASSES, c)) throw new SyntaxError(c)
        return POSIX_CLASSES[c]
      }),
    )
    return (s) => re.test(s)
  } catch {
    return () => false
  }
}

/** A glob(3) pattern over the lab's /proc/sys files: `*`, `?` and `[…]` within one component. */
function globProc(path: string): string[] {
  const src = path
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
  let re: RegExp
  try {
    re = new RegExp(`^${src}$`)
  } catch {
    return []
  }
  return SYSCTL_NAMES.map((n) => `${PROC_PATH}${VS_DIR}/${n}`).filter((p) => re.test(p))
}

interface Setting {
  path: string
  value: string | null
  globExclude: boolean
}

/** procps sysctl on the director whose IPVS sysctls are `s`. */
export function sysctlProgram(s: Sysctls): Program {
  return (args, stdin) => new SysctlRun(s, stdin).main(args)
}

/** One run of sysctl: its option flags and what it has printed. */
class SysctlRun {
  private stdout = ''
  private stderr = ''
  private ignoreError = false
  private nameOnly = false
  private printName = true
  private printNewline = true
  private quiet = false
  private dryRun = false
  private pattern: ((s: string) => boolean) | null = null

  private readonly s: Sysctls
  private readonly stdin: string
  constructor(s: Sysctls, stdin: string) {
    this.s = s
    this.stdin = stdin
  }

  private done(exit: number): CommandResult {
    return { stdout: this.stdout, stderr: this.stderr, exit: exit & 0xff }
  }
  private warnx(msg: string): void {
    this.stderr += `sysctl: ${msg}\n`
  }
  private usage(toStdout: boolean): CommandResult {
    if (toStdout) this.stdout += SYSCTL_USAGE
    else this.stderr += SYSCTL_USAGE
    return this.done(toStdout ? 0 : 1)
  }

  main(argv: string[]): CommandResult {
    if (argv.length === 0) return this.usage(false)
    const { opts, words } = getopt(argv)
    let writeMode = false
    let displayAll = false
    let preloadOpt = false
    let preloadFile: string | null = null
    for (const o of opts) {
      if ('error' in o) {
        this.warnx(o.error)
        return this.usage(true)
      }
      switch (o.val) {
        case 'b':
          this.printNewline = false
          this.printName = false
          break
        case 'n':
          this.printName = false
          break
        case 'e':
          this.ignoreError = true
          break
        case 'N':
          this.nameOnly = true
          break
        case 'w':
          writeMode = true
          break
        case 'f':
        case 'p':
          preloadOpt = true
          if (o.arg !== null) preloadFile = o.arg
          break
        case 'q':
          this.quiet = true
          break
        case 'a':
        case 'A':
        case 'X':
          displayAll = true
          break
        case 'system': {
          this.ignoreError = true
          const list: Setting[] = []
          const rc = this.preloadSystem(list)
          return this.done(rc | this.writeSettingList(list))
        }
        case 'dry-run':
          this.dryRun = true
          break
        case 'r':
          this.pattern = patternMatcher(o.arg ?? '')
          break
        case 'V':
          this.stdout += 'sysctl from procps-ng 4.0.2\n'
          return this.done(0)
        case 'd':
        case 'h':
          return this.usage(true)
        // 'o', 'x', --deprecated: nothing a director's net.ipv4.vs shows
      }
    }
    if (displayAll) return this.done(this.displayAll(''))
    if (preloadOpt) {
      const list: Setting[] = []
      let rc = 0
      if (preloadFile === null) {
        if (words.length === 0) rc |= this.preload(list, DEFAULT_PRELOAD)
      } else rc |= this.preload(list, preloadFile)
      for (const w of words) rc |= this.preload(list, w)
      return this.done(rc | this.writeSettingList(list))
    }
    if (words.length === 0) {
      this.warnx("no variables specified\nTry `sysctl --help' for more information.")
      return this.done(1)
    }
    if (this.nameOnly && this.quiet) {
      this.warnx("options -N and -q cannot coexist\nTry `sysctl --help' for more information.")
      return this.done(1)
    }
    let rc = 0
    for (const w of words) {
      if (writeMode || w.includes('=')) {
        const st = this.parseSettingLine('command line', 0, w)
        rc |= st ? this.writeSetting(st.path, st.value) : 1
      } else rc += this.readSetting(w)
    }
    return this.done(rc)
  }

  /** slashdot(): swap `old` and `new` separators from the first one on, unless it is already `new`. */
  private slashdot(p: string, old: string, nu: string): string {
    let i = p.search(/[/.]/)
    if (i < 0 || p[i] === nu) return p
    const chars = [...p]
    let warned = false
    while (i >= 0) {
      const c = chars[i]
      if ((p[i + 1] === '/' || p[i + 1] === '.') && !warned) {
        this.warnx(`separators should not be repeated: ${chars.slice(i).join('')}`)
        warned = true
      }
      if (c === old) chars[i] = nu
      if (c === nu) chars[i] = old
      const next = p.slice(i + 1).search(/[/.]/)
      i = next < 0 ? -1 : i + 1 + next
    }
    return chars.join('')
  }

  /** ReadSetting(): one key, or every key below a directory. */
  private readSetting(name: string): number {
    if (name === '') {
      this.warnx('"" is an unknown key')
      return -1
    }
    this.slashdot(name, '/', '.')
    const rel = this.slashdot(name, '.', '/')
    const outname = this.slashdot(name, '/', '.')
    const st = stat(rel)
    if ('error' in st) {
      if (this.ignoreError) return 0
      this.warnx(`cannot stat ${PROC_PATH}${rel}: ${st.error}`)
      return 1
    }
    if ('dir' in st) {
      // is_proc_path(): realpath() of /proc/sys itself is not below "/proc/sys/"
      if (st.dir === '') {
        this.warnx(`Path is not under ${PROC_PATH}: ${PROC_PATH}${rel}`)
        return -1
      }
      return this.displayAll(`${rel}/`)
    }
    if (this.pattern && !this.pattern(outname)) return 0
    if (this.nameOnly) {
      this.stdout += `${outname}\n`
      return 0
    }
    const text = readSysctl(this.s, st.file)
    if (this.printName) this.stdout += `${outname} = ${text}`
    else this.stdout += this.printNewline ? text : text.slice(0, -1)
    return 0
  }

  /** DisplayAll(): readdir() order, directories recursed (their status ignored, as procps does). */
  private displayAll(dirRel: string): number {
    let rc = 0
    const dir = dirRel.split('/').filter(Boolean).join('/')
    for (const e of readdir(dir)) {
      const rel = `${dirRel}${e}`
      const st = stat(rel)
      if ('dir' in st) this.displayAll(`${rel}/`)
      else rc |= this.readSetting(rel)
    }
    return rc
  }

  /** parse_setting_line(): `key=value`, `-key=value` (ignore failure), `-key` (exclude), comments. */
  private parseSettingLine(file: string, lineno: number, line: string): Setting | null {
    let key = line.replace(/^\s+/, '')
    if (key.length < 2) return null
    if (key[0] === '#' || key[0] === ';') return null
    if (this.pattern && !this.pattern(key)) return null
    const eq = key.indexOf('=')
    let value: string | null = null
    let globExclude = false
    if (eq < 0) {
      if (key[0] !== '-') {
        this.warnx(`${file}(${lineno}): invalid syntax, continuing...`)
        return null
      }
      globExclude = true
      key = key.slice(1).replace(/\s+$/, '')
    } else {
      value = key
        .slice(eq + 1)
        .replace(/^\s+/, '')
        .replace(/\s+$/, '')
      key = key.slice(0, eq)
      // `-key=value`: ignore_failure, which only words a failed open(), and opening never fails here
      if (key[0] === '-') key = key.slice(1)
      key = key.replace(/\s+$/, '')
    }
    // setting_new(): a second leading '-' is dropped from the path too
    const path = PROC_PATH + this.slashdot(key[0] === '-' ? key.slice(1) : key, '.', '/')
    return { path, value, globExclude }
  }

  /** WriteSetting(): stat, write "value\n" through the key's handler, echo the value as given. */
  private writeSetting(path: string, value: string | null): number {
    const rel = path.slice(PROC_PATH.length)
    const st = stat(rel)
    if ('error' in st) {
      if (this.ignoreError) return 0
      this.warnx(`cannot stat ${path}: ${st.error}`)
      return 1
    }
    if ('dir' in st && st.dir === '') {
      this.warnx(`Path is not under ${PROC_PATH}: ${path}`)
      return 1
    }
    const dotted = this.slashdot(rel, '/', '.')
    if ('dir' in st) {
      // S_ISDIR: xwarn() with whatever errno was left over (EINVAL on Debian 12), and success
      this.warnx(`setting key "${dotted}": Invalid argument`)
      return 0
    }
    const text = value ?? '(null)'
    if (!this.dryRun && writeSysctl(this.s, st.file, `${text}\n`) !== 0) {
      // close_stream() fails: xwarn() without ", ignoring", and a failure even for `-key=…`
      this.warnx(`setting key "${dotted}": Invalid argument`)
      return 1
    }
    if (!this.quiet || this.dryRun) {
      if (this.nameOnly) this.stdout += `${text}\n`
      else if (this.printName) this.stdout += `${dotted} = ${text}\n`
      else this.stdout += this.printNewline ? `${text}\n` : text
    }
    return 0
  }

  /** Preload(): one settings file (`-` is standard input); lines of fewer than two bytes are skipped. */
  private preload(list: Setting[], filename: string): number {
    const data =
      filename === '-' || filename === '/dev/stdin'
        ? this.stdin
        : Object.hasOwn(FILES, filename)
          ? FILES[filename]
          : null
    if (data === null) {
      this.warnx(`cannot open "${filename}": No such file or directory`)
      return 1
    }
    const lines = data.split(/(?<=\n)/).filter((l) => l !== '')
    lines.forEach((line, i) => {
      if (line.length < 2) return
      const st = this.parseSettingLine(filename, i + 1, line)
      if (st) list.push(st)
    })
    return 0
  }

  /** PreloadSystem(): every *.conf of the system directories, by file name, then /etc/sysctl.conf. */
  private preloadSystem(list: Setting[]): number {
    const byName = new Map<string, string>()
    // /lib/sysctl.d is /usr/lib/sysctl.d again: its files are already known by name
    for (const dir of SYSTEM_DIRS) {
      for (const path of Object.keys(FILES)) {
        const slash = path.lastIndexOf('/')
        const name = path.slice(slash + 1)
        if (path.slice(0, slash) === dir && name.endsWith('.conf') && !byName.has(name)) byName.set(name, path)
      }
    }
    let rc = 0
    for (const name of [...byName.keys()].sort()) {
      const file = byName.get(name) as string
      if (!this.quiet) this.stdout += `* Applying ${file} ...\n`
      rc |= this.preload(list, file)
    }
    if (!this.quiet) this.stdout += `* Applying ${DEFAULT_PRELOAD} ...\n`
    return rc | this.preload(list, DEFAULT_PRELOAD)
  }

  /** write_setting_list(): excluded keys skipped, globs expanded (minus keys named on their own). */
  private writeSettingList(list: Setting[]): number {
    let rc = 0
    for (const node of list) {
      if (node.globExclude) continue
      if (/[*?[]/.test(node.path)) {
        for (const p of globProc(node.path)) {
          if (list.some((n) => n.path === p)) continue
          rc |= this.writeSetting(p, node.value)
        }
      } else rc |= this.writeSetting(node.path, node.value)
    }
    return rc
  }
}
