/**
 * The command-line tokenizer ipvsadm gets from popt 1.19 (poptGetNextOpt()): long options matched
 * in full (`--name`, `--name=value`), clustered short options (`-Lnc`, `-p600`), required and
 * optional arguments, positional "leftovers" that may sit anywhere, and `--`.
 * Negative numbers are options, as popt sees them (`-p -5` → `-5: unknown option`).
 */

export interface PoptOption<V extends string = string> {
  long: string | null
  short: string | null
  arg: 'none' | 'required' | 'optional'
  val: V
}

export type PoptItem<V extends string> =
  | { kind: 'option'; val: V; arg: string | null; element: string }
  | { kind: 'error'; code: 'BADOPT' | 'NOARG' | 'UNWANTEDARG'; element: string }
  | { kind: 'end' }

export const POPT_MESSAGES: Record<'BADOPT' | 'NOARG' | 'UNWANTEDARG', string> = {
  BADOPT: 'unknown option',
  NOARG: 'missing argument',
  UNWANTEDARG: 'option does not take an argument',
}

export class PoptContext<V extends string> {
  private i = 0
  private cluster: string | null = null
  private clusterElement = ''
  private restAreLeftovers = false
  readonly leftovers: string[] = []

  private readonly argv: readonly string[]
  private readonly table: readonly PoptOption<V>[]

  constructor(argv: readonly string[], table: readonly PoptOption<V>[]) {
    this.argv = argv
    this.table = table
  }

  next(): PoptItem<V> {
    for (;;) {
      if (this.cluster !== null) return this.nextInCluster()
      if (this.i >= this.argv.length) return { kind: 'end' }
      const el = this.argv[this.i++]
      if (this.restAreLeftovers || !el.startsWith('-') || el === '-') {
        this.leftovers.push(el)
        continue
      }
      if (el === '--') {
        this.restAreLeftovers = true
        continue
      }
      if (el.startsWith('--')) return this.longOption(el)
      this.cluster = el.slice(1)
      this.clusterElement = el
    }
  }

  private longOption(el: string): PoptItem<V> {
    const body = el.slice(2)
    const eq = body.indexOf('=')
    const name = eq >= 0 ? body.slice(0, eq) : body
    const opt = this.table.find((o) => o.long === name)
    if (!opt) return { kind: 'error', code: 'BADOPT', element: el }
    if (opt.arg === 'none') {
      if (eq >= 0) return { kind: 'error', code: 'UNWANTEDARG', element: el }
      return { kind: 'option', val: opt.val, arg: null, element: el }
    }
    if (eq >= 0) return { kind: 'option', val: opt.val, arg: body.slice(eq + 1), element: el }
    return this.argumentFromNext(opt, el)
  }

  private nextInCluster(): PoptItem<V> {
    const cluster = this.cluster as string
    const element = this.clusterElement
    const ch = cluster[0]
    const rest = cluster.slice(1)
    this.cluster = rest.length > 0 ? rest : null
    const opt = this.table.find((o) => o.short === ch)
    if (!opt) {
      this.cluster = null
      return { kind: 'error', code: 'BADOPT', element }
    }
    if (opt.arg === 'none') {
      if (rest.startsWith('=')) {
        this.cluster = null
        return { kind: 'error', code: 'UNWANTEDARG', element }
      }
      return { kind: 'option', val: opt.val, arg: null, element }
    }
    if (rest.length > 0) {
      this.cluster = null
      return { kind: 'option', val: opt.val, arg: rest.startsWith('=') ? rest.slice(1) : rest, element }
    }
    return this.argumentFromNext(opt, element)
  }

  private argumentFromNext(opt: PoptOption<V>, element: string): PoptItem<V> {
    const nextEl = this.i < this.argv.length ? this.argv[this.i] : undefined
    if (nextEl !== undefined && (opt.arg === 'required' || !nextEl.startsWith('-'))) {
      this.i++
      return { kind: 'option', val: opt.val, arg: nextEl, element }
    }
    if (opt.arg === 'required') return { kind: 'error', code: 'NOARG', element }
    return { kind: 'option', val: opt.val, arg: null, element }
  }
}
