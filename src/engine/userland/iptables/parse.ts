import { servicePortOf } from '../net/netdb'
import { EXTENSION_HELP, IPTABLES_HELP } from './help'
import { type AddrMask, type Match, type PortRange, PROTO_NAMES, type Rule, type Target, TCP_FLAG_NAMES } from './rule'

/**
 * `iptables` v1.8.9 (nf_tables) and `iptables-legacy`, for the rules a teacher types to mark
 * packets for fwmark services: parsing as do_parse() and the extensions do (getopt_long with
 * extension options merged on load, abbreviations, `!`), every message and exit code, the
 * listings (-L with -n -v -x --line-numbers, -S) and counters. See docs: shared digest of
 * iptables/xshared.c, nft.c, libxt_MARK.c, libxt_tcp.c, libxt_udp.c, libxt_multiport.c.
 */

type ArgKind = 'none' | 'required' | 'optional'
interface OptDef {
  name: string
  arg: ArgKind
  val: string
}

const BASE_LONG: OptDef[] = [
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
const SHORT: Record<string, ArgKind> = {
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

const EXT_LONG: Record<string, OptDef[]> = {
  tcp: [
    { name: 'source-port', arg: 'required', val: 'tcp:sport' },
    { name: 'sport', arg: 'required', val: 'tcp:sport' },
    { name: 'destination-port', arg: 'required', val: 'tcp:dport' },
    { name: 'dport', arg: 'required', val: 'tcp:dport' },
    { name: 'syn', arg: 'none', val: 'tcp:syn' },
    { name: 'tcp-flags', arg: 'required', val: 'tcp:flags' },
    { name: 'tcp-option', arg: 'required', val: 'tcp:option' },
  ],
  udp: [
    { name: 'source-port', arg: 'required', val: 'udp:sport' },
    { name: 'sport', arg: 'required', val: 'udp:sport' },
    { name: 'destination-port', arg: 'required', val: 'udp:dport' },
    { name: 'dport', arg: 'required', val: 'udp:dport' },
  ],
  multiport: [
    { name: 'source-ports', arg: 'required', val: 'multiport:sports' },
    { name: 'sports', arg: 'required', val: 'multiport:sports' },
    { name: 'destination-ports', arg: 'required', val: 'multiport:dports' },
    { name: 'dports', arg: 'required', val: 'multiport:dports' },
    { name: 'ports', arg: 'required', val: 'multiport:ports' },
  ],
  mark: [{ name: 'mark', arg: 'required', val: 'mark:mark' }],
  MARK: ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'].map((n) => ({
    name: n,
    arg: 'required' as const,
    val: `MARK:${n}`,
  })),
}

/** The getopt_long scanner of do_parse(): RETURN_IN_ORDER (non-options come back in place), `:` for missing arguments. */
class Getopt {
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

/** An error iptables reports: `status` is its exit code (2 adds the Try line, 3 the Perhaps line). */
export class IptError extends Error {
  readonly status: number
  readonly text: string
  readonly prefixed: boolean
  readonly hint: boolean
  constructor(status: number, text: string, prefixed = true, hint = true) {
    super(text)
    this.status = status
    this.text = text
    this.prefixed = prefixed
    this.hint = hint
  }
}
const perr = (text: string) => new IptError(2, text)

/** -h and -V: print this on stdout and exit 0, at the point of the line where they stand. */
export class IptOutput extends Error {
  readonly stdout: string
  constructor(stdout: string) {
    super('output')
    this.stdout = stdout
  }
}

/** Real iptables extensions this lab does not model: refused plainly rather than mis-simulated. */
const UNMODELLED_MATCHES = new Set(
  'addrtype ah bpf cgroup cluster comment connbytes connlabel connlimit connmark conntrack cpu dccp devgroup dscp ecn esp hashlimit helper icmp iprange ipvs length limit mac nfacct osf owner physdev pkttype policy quota rateest realm recent rpfilter sctp set socket state statistic string tcpmss time tos ttl u32 udplite'.split(
    ' ',
  ),
)
const UNMODELLED_TARGETS = new Set(
  'AUDIT CHECKSUM CLASSIFY CONNMARK CONNSECMARK CT DNAT DSCP ECN HMARK IDLETIMER LED LOG MASQUERADE NETMAP NFLOG NFQUEUE NOTRACK RATEEST REDIRECT REJECT SECMARK SET SNAT SYNPROXY TCPMSS TCPOPTSTRIP TEE TOS TPROXY TRACE TTL'.split(
    ' ',
  ),
)
/** The options of the protocol matches `-p NAME` loads that the lab does not model. */
const PROTO_MATCH_OPTIONS: Record<string, string[]> = {
  icmp: ['icmp-type'],
  sctp: ['source-port', 'sport', 'destination-port', 'dport', 'chunk-types'],
  dccp: ['source-port', 'sport', 'destination-port', 'dport', 'dccp-types', 'dccp-option'],
  esp: ['espspi'],
  ah: ['ahspi'],
}

const notModelled = (what: string) =>
  new IptError(
    2,
    `${what} is a real iptables extension, but LVS Persistence Lab does not model it (modelled: -m tcp, udp, multiport, mark; -j MARK, ACCEPT, DROP, RETURN, QUEUE, user chains)`,
    true,
    false,
  )

/** strtoul(…, 0) over the whole string within [0, max] (xtables_strtoui()). */
function strtoui(s: string, max: number): number | null {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '')
  const hex = /^\+?0[xX]([0-9a-fA-F]+)$/.exec(t)
  const oct = /^\+?0([0-7]*)$/.exec(t)
  const dec = /^\+?([1-9]\d*)$/.exec(t)
  let v: number
  if (hex) v = Number.parseInt(hex[1], 16)
  else if (oct) v = oct[1] ? Number.parseInt(oct[1], 8) : 0
  else if (dec) v = Number(dec[1])
  else return null
  return v <= max ? v : null
}

/** The longest prefix strtoul(…, 0) would read: the value and what is left. */
function strtoulPrefix(s: string): { value: number; rest: string } | null {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '')
  let m = /^\+?0[xX]([0-9a-fA-F]+)/.exec(t)
  if (m) return { value: Number.parseInt(m[1], 16), rest: t.slice(m[0].length) }
  m = /^\+?0([0-7]*)/.exec(t)
  if (m) return { value: m[1] ? Number.parseInt(m[1], 8) : 0, rest: t.slice(m[0].length) }
  m = /^\+?(\d+)/.exec(t)
  if (m) return { value: Number(m[1]), rest: t.slice(m[0].length) }
  return null
}

/** xtables_parse_val_mask(): V[/M], base 0, default mask all ones. */
function parseValMask(arg: string, ext: string, opt: string): { value: number; mask: number } {
  const bad = () => perr(`${ext}: bad integer value for option "--${opt}", or out of range.\n`)
  const garbage = () => perr(`${ext}: trailing garbage after value for option "--${opt}".\n`)
  const v = strtoulPrefix(arg)
  if (!v || v.value > 0xffffffff || /^[ \t]*-/.test(arg)) throw bad()
  if (v.rest === '') return { value: v.value, mask: 0xffffffff }
  if (!v.rest.startsWith('/')) throw garbage()
  const m = strtoulPrefix(v.rest.slice(1))
  if (!m || m.value > 0xffffffff) throw bad()
  if (m.rest !== '') throw garbage()
  return { value: v.value, mask: m.value }
}

/** xtables_parse_port(): a number 0…65535 (base 0) or a service name. */
/** libxt_tcp parse_tcp_flag(): comma-separated names, any case. */
function parseTcpFlags(text: string): number {
  let bits = 0
  for (const part of text.split(',').filter((p) => p !== '')) {
    const hit = TCP_FLAG_NAMES.find(([n]) => n.toLowerCase() === part.toLowerCase())
    if (!hit) throw perr(`Unknown TCP flag \`${part}'`)
    bits |= hit[1]
  }
  return bits
}

function portOrName(s: string, proto: 'tcp' | 'udp'): number {
  const n = strtoui(s, 65535)
  if (n !== null) return n
  const p = servicePortOf(s, proto)
  if (p === null) throw perr(`invalid port/service \`${s}' specified`)
  return p
}

/** libxt_tcp's port range: p, a:b, a:, :b (a > b is an error). */
function tcpRange(s: string): PortRange {
  const c = s.indexOf(':')
  if (c < 0) {
    const p = portOrName(s, 'tcp')
    return { lo: p, hi: p }
  }
  const lo = c === 0 ? 0 : portOrName(s.slice(0, c), 'tcp')
  const hi = c === s.length - 1 ? 65535 : portOrName(s.slice(c + 1), 'tcp')
  if (lo > hi) throw perr('invalid portrange (min > max)')
  return { lo, hi }
}

/** libxt_udp's x6 port range: numbers wrap modulo 65536, names through the services table. */
function udpRange(s: string, long: string): PortRange {
  const parts = s.split(':')
  if (parts.length > 2) throw perr(`udp: Too many components for option "--${long}" (max: 2)\n`)
  const one = (x: string, dflt: number) => {
    if (x === '') return dflt
    if (/^\d+$/.test(x)) return Number(x) % 65536
    const p = servicePortOf(x, 'udp')
    if (p === null) throw perr(`Port "${x}" does not resolve to anything.\n`)
    return p
  }
  if (parts.length === 1) {
    const p = one(parts[0], 0)
    return { lo: p, hi: p }
  }
  return { lo: one(parts[0], 0), hi: one(parts[1], 65535) }
}

/** xtables_numeric_to_ipaddr(): 1…4 dotted parts filled from the left, each 0…255 (base 0). */
function hostAddr(s: string): number | null {
  if (s === 'localhost') return 0x7f000001
  const parts = s.split('.')
  if (parts.length < 1 || parts.length > 4) return null
  let a = 0
  for (let i = 0; i < 4; i++) {
    let v = 0
    if (i < parts.length) {
      const n = strtoui(parts[i], 255)
      if (n === null) return null
      v = n
    }
    a = a * 256 + v
  }
  return a >>> 0
}

/** -s / -d: a comma list of address[/mask] (xtables_ipparse_multiple()). */
function parseAddrs(s: string): AddrMask[] {
  return s.split(',').map((item0) => {
    const item = item0.replace(/^[ \t]+/, '')
    const slash = item.lastIndexOf('/')
    let mask = 0xffffffff
    let host = item
    if (slash >= 0) {
      const m = item.slice(slash + 1)
      host = item.slice(0, slash)
      const dotted = /^\d+\.\d+\.\d+\.\d+$/.test(m) ? hostAddr(m) : null
      if (dotted !== null) mask = dotted
      else {
        const bits = strtoui(m, 32)
        if (bits === null) throw perr(`invalid mask \`${m}' specified`)
        mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
      }
    }
    if (mask === 0) return { addr: 0, mask: 0 }
    const a = hostAddr(host)
    if (a === null) throw perr(`host/network \`${host}' not found`)
    return { addr: (a & mask) >>> 0, mask }
  })
}

const PROTOCOLS: Record<string, number> = {
  all: 0,
  ip: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  dccp: 33,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
  'mobility-header': 135,
  'ipv6-mh': 135,
  mh: 135,
}

function parseProto(s: string): number {
  const l = s.toLowerCase()
  const n = strtoui(l, 255)
  if (n !== null) return n
  const p = PROTOCOLS[l]
  if (p === undefined) throw perr(`unknown protocol "${s}" specified`)
  return p
}

/** xtables_parse_interface(): returns a warning for characters the kernel refuses, or ''. */
function parseIface(s: string): string {
  if (s.length === 0) throw perr('Empty interface is likely to be undesired')
  if (s.length > 15) throw perr(`interface name \`${s}' must be shorter than IFNAMSIZ (15)`)
  return /[/ ]/.test(s)
    ? `Warning: weird character in interface \`${s}' ('/' and ' ' are not allowed by the kernel).\n`
    : ''
}

function parseRulenum(s: string): number {
  const n = strtoui(s, 0x7fffffff)
  if (n === null || n < 1) throw perr(`Invalid rule number \`${s}'`)
  return n
}

type Cmd = 'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'E' | 'P'
const MARK_OPTS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'] as const
const MARK_IDS: Record<string, number> = { 'set-mark': 0, 'and-mark': 1, 'or-mark': 2, 'xor-mark': 3, 'set-xmark': 4 }

/** Options each command allows (commands_v_options), in the order they are checked: n s d p j v x i o 0 c f. */
const OPT_ORDER = ['n', 's', 'd', 'p', 'j', 'v', 'x', 'i', 'o', '0', 'c', 'f'] as const
const LEGAL: Record<string, string> = {
  //    nsdpjvxio0cf
  A: 'x.....x..x..',
  I: 'x.....x..x..',
  R: 'x.....x..x..',
  D: 'x.....x..xx.',
  C: 'x.....x..xx.',
  Dnum: 'xxxxx.xxxxxx',
  L: '.xxxx..xx.xx',
  S: 'xxxxx.xxxxxx',
  F: 'xxxxx.xxxxxx',
  Z: 'xxxxx.xxxxxx',
  N: 'xxxxx.xxxxxx',
  X: 'xxxxx.xxxxxx',
  E: 'xxxxx.xxxxxx',
  P: 'xxxxx.xxxx.x',
}

export interface Parsed {
  cmd: Cmd
  deleteByNum: boolean
  table: string
  chain: string
  newName: string | null
  policy: string | null
  rulenum: number
  zeroToo: boolean
  numeric: boolean
  verbose: boolean
  exact: boolean
  lineNumbers: boolean
  rules: Rule[]
  explicitTcp: boolean
  explicitUdp: boolean
  /** Warnings printed on stderr even though the command goes on. */
  warnings: string
  counters: { pkts: number; bytes: number } | null
}

/** Parse an iptables command line (do_parse()); errors are thrown as IptError. */
export function parseIptables(argv: string[], legacy: boolean): Parsed {
  const g = new Getopt(argv)
  const cmds: Cmd[] = []
  let deleteByNum = false
  let table = 'filter'
  let chain = ''
  let newName: string | null = null
  let policy: string | null = null
  let rulenum = 0
  let invert = false
  const given = new Set<string>()
  const seen = (flag: string, letter: string) => {
    if (given.has(flag)) throw perr(`multiple -${letter} flags not allowed`)
    given.add(flag)
  }
  let proto = 0
  let protoInv = false
  let protoGiven = false
  let srcText: string | null = null
  let srcInv = false
  let dstText: string | null = null
  let dstInv = false
  let inIface: string | null = null
  let inInv = false
  let outIface: string | null = null
  let outInv = false
  let frag: 0 | 1 | 2 = 0
  let numeric = false
  let verbose = false
  let exact = false
  let lineNumbers = false
  let counters: Parsed['counters'] = null
  let targetName: string | null = null
  let gotoName: string | null = null
  let explicitTcp = false
  let explicitUdp = false
  let protoUsed = false
  const variant = legacy ? 'legacy' : 'nf_tables'
  let warnings = ''
  // extension state
  const portState = () => ({
    sport: null as PortRange | null,
    sportInv: false,
    dport: null as PortRange | null,
    dportInv: false,
    flagsMask: 0,
    flagsCmp: 0,
    flagsInv: false,
    flagsGiven: false,
    pairNeq: false,
  })
  // Every `-m NAME` loads a new instance of the match (xtables_find_match() clones a used one);
  // its options are merged in front of the older ones, so an option goes to the newest instance.
  interface Instance {
    name: 'tcp' | 'udp' | 'multiport' | 'mark'
    port: ReturnType<typeof portState>
    multi: { option: 'sports' | 'dports' | 'ports'; ports: PortRange[]; inv: boolean } | null
    multiGiven: string[]
    mark: { value: number; mask: number; inv: boolean } | null
  }
  const instances: Instance[] = []
  const loadedNames = () => instances.map((m) => m.name as string)
  let markTarget = false
  const markOpts: { name: (typeof MARK_OPTS)[number]; value: number; mask: number }[] = []
  const mergeOptions = (defs: OptDef[]) => {
    g.longs = [...BASE_LONG, ...defs, ...g.longs.slice(BASE_LONG.length)]
  }
  const loadMatch = (name: Instance['name']) => {
    const id = instances.length
    instances.push({ name, port: portState(), multi: null, multiGiven: [], mark: null })
    mergeOptions(EXT_LONG[name].map((o) => ({ ...o, val: `${o.val}:${id}` })))
  }
  const loadExt = (name: string) => {
    if (name === 'MARK') {
      if (!markTarget) mergeOptions(EXT_LONG.MARK)
      markTarget = true
    } else loadMatch(name as Instance['name'])
  }
  const cannotInvert = (letter: string) => {
    if (invert) throw perr(`cannot have ! before -${letter}`)
  }
  const addCommand = (c: Cmd) => {
    if (invert) throw perr("unexpected '!' flag")
    const prev = cmds.find((x) => !((x === 'Z' && (c === 'L' || c === 'S')) || (c === 'Z' && (x === 'L' || x === 'S'))))
    if (prev) throw perr(`Cannot use -${c} with -${prev}`)
    cmds.push(c)
  }

  for (;;) {
    const it = g.next()
    if (it.kind === 'end') break
    if (it.kind === 'nonopt') {
      if (it.word === '!') {
        if (invert) throw perr('multiple consecutive ! not allowed')
        invert = true
        continue
      }
      throw new IptError(2, `Bad argument \`${it.word}'`, false)
    }
    if (it.kind === 'missing') throw perr(`option "${it.typed}" requires an argument`)
    if (it.kind === 'unknown') {
      // command_default(): load the protocol's own match once, then scan this option again.
      const pname = PROTO_NAMES[proto]
      const own = PROTO_MATCH_OPTIONS[pname ?? '']
      const longName = it.element.slice(2).split('=')[0]
      if (
        !protoUsed &&
        protoGiven &&
        !protoInv &&
        own &&
        it.element.startsWith('--') &&
        longName &&
        own.some((o) => o.startsWith(longName))
      )
        throw notModelled(`match \`${pname}' (loaded by -p ${pname} for "${it.element}")`)
      // (tcp and udp have long options only, so a short one stays unknown either way)
      if (
        !protoUsed &&
        protoGiven &&
        !protoInv &&
        (pname === 'tcp' || pname === 'udp') &&
        !loadedNames().includes(pname) &&
        it.element.startsWith('--')
      ) {
        protoUsed = true
        loadExt(pname)
        g.rewind()
        continue
      }
      throw perr(`unknown option "${it.element}"`)
    }
    const arg = it.arg
    const v = it.val
    const raw = g.lastWord()
    switch (v) {
      case 'A':
      case 'C':
      case 'I':
      case 'R':
      case 'N':
      case 'E':
      case 'P':
      case 'D':
        addCommand(v)
        chain = arg as string
        if (v === 'D') {
          const w = g.peekArg()
          if (w !== null) {
            rulenum = parseRulenum(g.takeArg())
            deleteByNum = true
          }
        } else if (v === 'I') {
          const w = g.peekArg()
          rulenum = w !== null ? parseRulenum(g.takeArg()) : 1
        } else if (v === 'R') {
          if (g.peekArg() === null) throw perr('-R requires a rule number')
          rulenum = parseRulenum(g.takeArg())
        } else if (v === 'E') {
          if (g.peekArg() === null) throw perr('-E requires old-chain-name and new-chain-name')
          newName = g.takeArg()
        } else if (v === 'P') {
          if (g.peekArg() === null) throw perr('-P requires a chain and a policy')
          policy = g.takeArg()
        } else if (v === 'N') {
          if (chain.startsWith('-') || chain.startsWith('!'))
            throw perr(`chain name not allowed to start with \`${chain[0]}'`)
          if (['ACCEPT', 'DROP', 'QUEUE', 'RETURN', 'MARK'].includes(chain))
            throw perr('chain name may not clash with target name')
          if (/\s/.test(chain)) throw perr(`Invalid chain name \`${chain}'`)
        }
        break
      case 'L':
      case 'S':
      case 'F':
      case 'Z':
      case 'X': {
        addCommand(v)
        if (arg !== null) chain = arg
        else if (g.peekArg() !== null) chain = g.takeArg()
        if ((v === 'L' || v === 'S' || v === 'Z') && chain && g.peekArg() !== null) rulenum = parseRulenum(g.takeArg())
        break
      }
      case 'p':
        seen('p', 'p')
        proto = parseProto(raw)
        protoInv = invert
        protoGiven = true
        if (protoInv && proto === 0) throw perr('rule would never match protocol')
        break
      case 's':
        seen('s', 's')
        srcText = raw
        srcInv = invert
        break
      case 'd':
        seen('d', 'd')
        dstText = raw
        dstInv = invert
        break
      case 'i':
        seen('i', 'i')
        if ((arg as string).length === 0) throw perr('Empty interface is likely to be undesired')
        warnings += parseIface(raw)
        inIface = raw
        inInv = invert
        break
      case 'o':
        seen('o', 'o')
        if ((arg as string).length === 0) throw perr('Empty interface is likely to be undesired')
        warnings += parseIface(raw)
        outIface = raw
        outInv = invert
        break
      case 'f':
        seen('f', 'f')
        frag = invert ? 2 : 1
        break
      case 'j': {
        cannotInvert('j')
        seen('j', 'j')
        const name = raw
        if (name.length === 0) throw perr('Invalid target name (too short)')
        if (name.length >= 29) throw perr(`Invalid target name \`${name}' (28 chars max)`)
        if (/\s/.test(name)) throw perr(`Invalid target name \`${name}'`)
        if (UNMODELLED_TARGETS.has(name)) throw notModelled(`target \`${name}'`)
        targetName = name
        if (name === 'MARK') loadExt('MARK')
        break
      }
      case 'g':
        seen('j', 'j')
        gotoName = arg
        break
      case 'm': {
        if (invert) throw perr('unexpected ! flag before --match')
        const name = arg as string
        if (UNMODELLED_MATCHES.has(name)) throw notModelled(`match \`${name}'`)
        if (!['tcp', 'udp', 'multiport', 'mark'].includes(name))
          throw perr(`Couldn't load match \`${name}':No such file or directory\n`)
        if (name === 'tcp') explicitTcp = true
        if (name === 'udp') explicitUdp = true
        loadExt(name)
        break
      }
      case 'n':
        cannotInvert('n')
        seen('n', 'n')
        numeric = true
        break
      case 'v':
        cannotInvert('v')
        verbose = true
        given.add('v')
        break
      case 'x':
        cannotInvert('x')
        seen('x', 'x')
        exact = true
        break
      case '0':
        cannotInvert('0')
        seen('0', '0')
        lineNumbers = true
        break
      case 'c': {
        cannotInvert('c')
        seen('c', 'c')
        const a = arg as string
        // PKTS,BYTES in one word (the comma searched from the second character) or two words
        const pk = a
        const comma = a.indexOf(',', 1)
        let by: string | undefined = comma >= 0 ? a.slice(comma + 1) : undefined
        if (by === undefined) {
          by = g.peekArg() ?? undefined
          if (by === undefined) throw perr('-c requires packet and byte counter')
          g.takeArg()
        }
        // sscanf("%llu"): leading blanks, a sign, then at least one digit; the rest is ignored
        const llu = (x: string): number | null => {
          const m = /^\s*([+-]?)(\d+)/.exec(x)
          if (!m) return null
          const n = Number(m[2])
          return m[1] === '-' && n !== 0 ? 2 ** 64 - n : n
        }
        const pkts = llu(pk)
        if (pkts === null) throw perr('-c packet counter not numeric')
        const bytes = llu(by ?? '')
        if (bytes === null) throw perr('-c byte counter not numeric')
        counters = { pkts, bytes }
        break
      }
      case 't':
        if (invert) throw perr('unexpected ! flag before --table')
        table = arg as string
        break
      case 'w': {
        // parse_wait_time(): sscanf("%i"); nf_tables ignores the value
        const w = arg ?? g.peekArg()
        if (arg === null && w !== null) g.takeArg()
        if (w !== null && !/^\s*[+-]?\d/.test(w)) throw perr('wait seconds not numeric')
        break
      }
      case 'W': {
        // parse_wait_interval(): sscanf("%u"), then a deprecation notice
        const w = arg ?? g.peekArg()
        if (arg === null && w !== null) g.takeArg()
        if (w === null) throw perr('wait interval value required')
        const m = /^\s*[+-]?(\d+)/.exec(w)
        if (!m) throw perr('wait interval not numeric')
        const usec = Number(m[1]) % 2 ** 32
        if (usec > 999999) throw perr(`too long usec wait ${usec} > 999999 usec`)
        warnings += 'Ignoring deprecated --wait-interval option.\n'
        break
      }
      case '4':
      case 'M':
        break
      case '6':
        throw new IptError(2, '', false)
      case 'b':
        throw perr('Unknown arg "(null)"')
      case 'V':
        // printed and exit(0) right here: later mistakes on the line are never seen
        throw new IptOutput(invert ? `Not 1.8.9 (${variant}) ;-)\n` : `iptables v1.8.9 (${variant})\n`)
      case 'h': {
        // exit_printhelp(): the loaded target's help, then the matches' (`-p tcp -h` loads tcp)
        const matchHelp = loadedNames()
        if (matchHelp.length === 0 && protoGiven && (proto === 6 || proto === 17))
          matchHelp.push(proto === 6 ? 'tcp' : 'udp')
        const ext = [...(markTarget ? ['MARK'] : []), ...matchHelp]
        throw new IptOutput(IPTABLES_HELP(variant) + ext.map((e) => `\n${EXTENSION_HELP[e]}`).join(''))
      }
      default: {
        const [ext, opt, idText] = v.split(':')
        const inst = instances[Number(idText)]
        if (ext === 'tcp' || ext === 'udp') {
          const st = inst.port
          const tcp = st
          const long = opt === 'sport' ? 'source-port' : 'destination-port'
          if (opt === 'option') throw notModelled("tcp match option `--tcp-option'")
          if (opt === 'syn' || opt === 'flags') {
            // libxt_tcp tcp_parse(): --syn is --tcp-flags SYN,RST,ACK,FIN SYN
            if (tcp.flagsGiven) throw perr("Only one of `--syn' or `--tcp-flags'  allowed")
            let maskText = 'SYN,RST,ACK,FIN'
            let cmpText = 'SYN'
            if (opt === 'flags') {
              if (g.peekArg() === null) throw perr('--tcp-flags requires two args.')
              maskText = arg as string
              cmpText = g.takeArg()
            }
            tcp.flagsMask = parseTcpFlags(maskText)
            tcp.flagsCmp = parseTcpFlags(cmpText)
            tcp.flagsInv = invert
            tcp.flagsGiven = true
            break
          }
          if (st[opt as 'sport' | 'dport'] !== null) {
            if (ext === 'tcp') throw perr(`Only one \`--${long}' allowed`)
            throw perr(`udp: option "--${long}" can only be used once.\n`)
          }
          const range = ext === 'tcp' ? tcpRange(arg as string) : udpRange(arg as string, long)
          if (opt === 'sport') {
            st.sport = range
            st.sportInv = invert
          } else {
            st.dport = range
            st.dportInv = invert
          }
        } else if (ext === 'multiport') {
          const pname = PROTO_NAMES[proto]
          if (!protoGiven) throw perr("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'")
          if (protoInv || !['tcp', 'udp', 'udplite', 'sctp', 'dccp'].includes(pname ?? ''))
            throw perr('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP')
          const pp = pname === 'udp' ? 'udp' : 'tcp'
          const items = (arg as string).split(',')
          const ports: PortRange[] = []
          let slots = 0
          for (const item of items) {
            const c = item.indexOf(':')
            if (c >= 0) {
              if (slots + 2 > 15) throw perr('too many ports specified')
              const lo = portOrName(item.slice(0, c), pp)
              const hi = portOrName(item.slice(c + 1), pp)
              if (lo >= hi) throw perr('invalid portrange specified')
              ports.push({ lo, hi })
              slots += 2
            } else {
              if (slots + 1 > 15) throw perr('too many ports specified')
              const p = portOrName(item, pp)
              ports.push({ lo: p, hi: p })
              slots += 1
            }
          }
          inst.multiGiven.push(opt)
          inst.multi = { option: opt as 'sports' | 'dports' | 'ports', ports, inv: invert }
        } else if (ext === 'mark') {
          if (inst.mark) throw perr('mark: option "--mark" can only be used once.\n')
          inst.mark = { ...parseValMask(arg as string, 'mark', 'mark'), inv: invert }
        } else if (ext === 'MARK') {
          const name = opt as (typeof MARK_OPTS)[number]
          if (invert) throw perr(`MARK: option "--${name}" cannot be inverted.\n`)
          if (markOpts.some((m) => m.name === name)) throw perr(`MARK: option "--${name}" can only be used once.\n`)
          if (name === 'set-xmark' || name === 'set-mark')
            markOpts.push({ name, ...parseValMask(arg as string, 'MARK', name) })
          else {
            const n = strtoui(arg as string, 0xffffffff)
            if (n === null || /^[ \t]*-/.test(arg as string))
              throw perr(`MARK: bad value for option "--${name}", or out of range (0-4294967295).\n`)
            markOpts.push({ name, value: n, mask: 0 })
          }
        }
      }
    }
    invert = false
  }

  if (table === 'nat' && targetName === 'DROP')
    throw perr('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n')

  // final checks of the extensions (in match order, then the target)
  for (const inst of instances) {
    const multiGiven = inst.multiGiven
    if (inst.name === 'mark' && !inst.mark) throw perr('mark: option "--mark" must be specified\n')
    if (inst.name === 'multiport') {
      if (multiGiven.length === 0) throw perr('multiport expection an option')
      if (multiGiven.length > 1) {
        // xtables_options_fcheck(): reported in the extension's option table order
        const order = ['sports', 'dports', 'ports']
        const [a, b] = [...new Set(multiGiven)].sort((x, y) => order.indexOf(x) - order.indexOf(y))
        const longName = (o: string) =>
          o === 'sports' ? 'source-ports' : o === 'dports' ? 'destination-ports' : 'ports'
        throw perr(`multiport: option "--${longName(a)}" cannot be used together with "--${longName(b)}".\n`)
      }
    }
  }
  let target: Target | null = null
  if (targetName === 'MARK') {
    if (markOpts.length === 0) throw perr('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required')
    if (markOpts.length > 1) {
      const a = MARK_OPTS.find((n) => markOpts.some((m) => m.name === n)) as string
      const b = markOpts
        .filter((m) => m.name !== a)
        .map((m) => m.name)
        .sort((x, y) => MARK_IDS[x] - MARK_IDS[y])[0]
      throw perr(`MARK: option "--${a}" cannot be used together with "--${b}".\n`)
    }
    const m = markOpts[0]
    switch (m.name) {
      case 'set-xmark':
        target = { kind: 'MARK', mark: m.value, mask: m.mask }
        break
      case 'set-mark':
        target = { kind: 'MARK', mark: m.value, mask: (m.value | m.mask) >>> 0 }
        break
      case 'and-mark':
        target = { kind: 'MARK', mark: 0, mask: ~m.value >>> 0 }
        break
      case 'or-mark':
        target = { kind: 'MARK', mark: m.value, mask: m.value }
        break
      case 'xor-mark':
        target = { kind: 'MARK', mark: m.value, mask: 0 }
        break
    }
  } else if (targetName === 'ACCEPT' || targetName === 'DROP' || targetName === 'RETURN' || targetName === 'QUEUE')
    target = { kind: 'verdict', verdict: targetName }
  else if (targetName !== null) target = { kind: 'jump', chain: targetName }
  else if (gotoName !== null) target = { kind: 'goto', chain: gotoName }

  if (cmds.length === 0) throw perr('no command specified')
  if (invert) throw perr('nothing appropriate following !')
  const cmd = cmds.find((c) => c !== 'Z') ?? 'Z'
  const zeroToo = cmds.includes('Z') && cmd !== 'Z'

  const srcs = srcText !== null ? parseAddrs(srcText) : [{ addr: 0, mask: 0 }]
  const dsts = dstText !== null ? parseAddrs(dstText) : [{ addr: 0, mask: 0 }]
  if ((srcInv && srcs.length > 1) || (dstInv && dsts.length > 1))
    throw perr('! not allowed with multiple source or destination IP addresses')
  if (cmd === 'R' && (srcs.length > 1 || dsts.length > 1))
    throw perr('Replacement rule does not specify a unique address')

  // generic_opt_check(): an option is legal when one of the given commands allows it
  const legal = cmds.map((c) => LEGAL[c === 'D' && deleteByNum ? 'Dnum' : c])
  for (let k = 0; k < OPT_ORDER.length; k++) {
    const o = OPT_ORDER[k]
    if (given.has(o) && legal.every((l) => l[k] === 'x')) throw perr(`Illegal option \`-${o}' with this command`)
  }
  if (chain.length >= 29) throw perr(`chain name \`${chain}' too long (must be under 29 chars)`)
  if (['A', 'D', 'C', 'I', 'R'].includes(cmd) && !(cmd === 'D' && deleteByNum)) {
    if (outIface !== null && (chain === 'PREROUTING' || chain === 'INPUT')) throw perr(`Can't use -o with ${chain}\n`)
    if (inIface !== null && (chain === 'POSTROUTING' || chain === 'OUTPUT')) throw perr(`Can't use -i with ${chain}\n`)
  }

  const matches: Match[] = []
  for (const inst of instances) {
    const { flagsGiven: _, ...portData } = inst.port
    if (inst.name === 'tcp' || inst.name === 'udp') matches.push({ name: inst.name, ...portData })
    else if (inst.name === 'multiport' && inst.multi) matches.push({ name: 'multiport', ...inst.multi })
    else if (inst.name === 'mark' && inst.mark) matches.push({ name: 'mark', ...inst.mark })
  }
  const rules: Rule[] = []
  for (const s of srcs)
    for (const d of dsts)
      rules.push({
        src: s,
        srcInv,
        dst: d,
        dstInv,
        inIface,
        inIfaceInv: inInv,
        outIface,
        outIfaceInv: outInv,
        proto,
        protoInv,
        frag,
        matches: matches.map((m) => ({ ...m })),
        target,
        pkts: counters?.pkts ?? 0,
        bytes: counters?.bytes ?? 0,
      })
  return {
    cmd,
    deleteByNum,
    table,
    chain,
    newName,
    policy,
    rulenum,
    zeroToo,
    numeric,
    verbose,
    exact,
    lineNumbers,
    rules,
    explicitTcp,
    explicitUdp,
    warnings,
    counters,
  }
}
