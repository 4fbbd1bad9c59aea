/**
 * The option scanner of iptables' do_parse() (iptables/xshared.c, 1.8.9): glibc getopt_long()
 * over the base options (xtables.c's original_opts, the short string below), with each loaded
 * extension's options merged in front (xtables_merge_options()); abbreviations, `=`, clusters.
 */

export type ArgKind = 'none' | 'required' | 'optional'
export interface OptDef {
  name: string
  arg: ArgKind
  val: string
}

export const BASE_LONG: OptDef[] = [
  ['append', 'required', 'A'],
  ['delete', 'required', 'D'],
  ['check', 'required', 'C'],
  ['insert', 'required', 'I'],
  ['replace', 'required', 'R'],
  ['list', 'optional', 'L'],
  ['list-rules', 'optional', 'S'],
  ['flush', 'optional', 'F'],
  ['zero', 'optional', 'Z'],
  ['new-chain', 'required', 'N'],
  ['delete-chain', 'optional', 'X'],
  ['rename-chain', 'required', 'E'],
  ['policy', 'required', 'P'],
  ['source', 'required', 's'],
  ['src', 'required', 's'],
  ['destination', 'required', 'd'],
  ['dst', 'required', 'd'],
  ['protocol', 'required', 'p'],
  ['in-interface', 'required', 'i'],
  ['jump', 'required', 'j'],
  ['table', 'required', 't'],
  ['match', 'required', 'm'],
  ['numeric', 'none', 'n'],
  ['out-interface', 'required', 'o'],
  ['verbose', 'none', 'v'],
  ['wait', 'optional', 'w'],
  ['wait-interval', 'optional', 'W'],
  ['exact', 'none', 'x'],
  ['fragments', 'none', 'f'],
  ['version', 'none', 'V'],
  ['help', 'optional', 'h'],
  ['line-numbers', 'none', '0'],
  ['modprobe', 'required', 'M'],
  ['set-counters', 'required', 'c'],
  ['goto', 'required', 'g'],
  ['ipv4', 'none', '4'],
  ['ipv6', 'none', '6'],
].map(([name, arg, val]) => ({ name, arg: arg as ArgKind, val }))

/** -:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x */
export const SHORT: Record<string, ArgKind> = {
  A: 'required',
  C: 'required',
  D: 'required',
  E: 'required',
  F: 'optional',
  I: 'required',
  L: 'optional',
  M: 'required',
  N: 'required',
  P: 'required',
  V: 'none',
  X: 'optional',
  Z: 'optional',
  c: 'required',
  d: 'required',
  i: 'required',
  j: 'required',
  o: 'required',
  p: 'required',
  s: 'required',
  t: 'required',
  R: 'required',
  S: 'optional',
  W: 'optional',
  '4': 'none',
  '6': 'none',
  b: 'none',
  f: 'none',
  g: 'required',
  h: 'optional',
  m: 'required',
  n: 'none',
  v: 'none',
  w: 'optional',
  x: 'none',
}

/** The getopt_long scanner of do_parse(): RETURN_IN_ORDER (non-options come back in place), `:` for missing arguments. */
export class Getopt {
  private i = 0
  private cluster: string | null = null
  private clusterElement = ''
  longs: OptDef[] = [...BASE_LONG]
  readonly argv: string[]
  constructor(argv: string[]) {
    this.argv = argv
  }

  /** The next word, if it is an argument rather than an option (xs_has_arg()). */
  peekArg(): string | null {
    const w = this.argv[this.i]
    return w !== undefined && !w.startsWith('-') && !w.startsWith('!') ? w : null
  }
  takeArg(): string {
    return this.argv[this.i++]
  }
  /**
   * argv[optind - 1] after an option: its argument when that was the next word, but the whole
   * word when it was glued (`-s1.2.3.4`, `--source=…`). do_parse() reads -p -s -d -i -o -j so.
   */
  lastWord(): string {
    return this.argv[this.i - 1]
  }

  /** Scan the long option just returned as unknown again (after an extension was loaded; `optind--`). */
  rewind(): void {
    this.i -= 1
  }

  next():
    | { kind: 'opt'; val: string; arg: string | null; element: string; typed: string }
    | { kind: 'nonopt'; word: string }
    | { kind: 'unknown'; element: string; typed: string }
    | { kind: 'missing'; element: string; typed: string }
    | { kind: 'end' } {
    if (this.cluster !== null) {
      const ch = this.cluster[0]
      const rest = this.cluster.slice(1)
      this.cluster = rest.length ? rest : null
      const kind = SHORT[ch]
      const el = this.clusterElement
      if (!kind) return { kind: 'unknown', element: el, typed: el }
      if (kind === 'none') return { kind: 'opt', val: ch, arg: null, element: el, typed: `-${ch}` }
      if (rest.length) {
        this.cluster = null
        return { kind: 'opt', val: ch, arg: rest, element: el, typed: `-${ch}` }
      }
      if (kind === 'optional') return { kind: 'opt', val: ch, arg: null, element: el, typed: `-${ch}` }
      if (this.i >= this.argv.length) return { kind: 'missing', element: el, typed: `-${ch}` }
      return { kind: 'opt', val: ch, arg: this.argv[this.i++], element: el, typed: `-${ch}` }
    }
    if (this.i >= this.argv.length) return { kind: 'end' }
    const el = this.argv[this.i++]
    if (el === '--') return { kind: 'end' }
    if (!el.startsWith('-') || el === '-') return { kind: 'nonopt', word: el }
    if (el.startsWith('--')) {
      const body = el.slice(2)
      const eq = body.indexOf('=')
      const name = eq >= 0 ? body.slice(0, eq) : body
      let def = this.longs.find((o) => o.name === name)
      if (!def) {
        const cands = this.longs.filter((o) => o.name.startsWith(name))
        const distinct = new Set(cands.map((o) => `${o.val}|${o.arg}`))
        if (cands.length > 0 && distinct.size === 1) def = cands[0]
      }
      if (!def) return { kind: 'unknown', element: el, typed: el }
      if (def.arg === 'none') return { kind: 'opt', val: def.val, arg: null, element: el, typed: el }
      if (eq >= 0) return { kind: 'opt', val: def.val, arg: body.slice(eq + 1), element: el, typed: el }
      if (def.arg === 'optional') return { kind: 'opt', val: def.val, arg: null, element: el, typed: el }
      if (this.i >= this.argv.length) return { kind: 'missing', element: el, typed: el }
      return { kind: 'opt', val: def.val, arg: this.argv[this.i++], element: el, typed: `--${def.name}` }
    }
    this.cluster = el.slice(1)
    this.clusterElement = el
    return this.next()
  }
}
