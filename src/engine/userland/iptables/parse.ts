import type { ConntrackMatch, IprangeMatch, MacMatch, Match, Rule, Target } from '../../netfilter/rule'
import { IptError, IptOutput, notModelled, perr } from './errors'
import { EXTENSION_HELP, EXTENSION_OPTIONS, IPTABLES_MATCHES, type MatchName } from './extensions'
import { checkComment, parseComment } from './extensions/libxt_comment'
import { checkConntrack, newConntrack, parseConntrack } from './extensions/libxt_conntrack'
import { checkIprange, newIprange, parseIprange } from './extensions/libxt_iprange'
import { newLogTarget, parseLogTarget } from './extensions/libxt_LOG_target'
import { type MarkOption, markTarget, parseMarkTarget } from './extensions/libxt_MARK_target'
import { checkMac, parseMac } from './extensions/libxt_mac'
import { checkMark, parseMark } from './extensions/libxt_mark'
import { checkMultiport, type MultiportState, parseMultiport } from './extensions/libxt_multiport'
import { standardTarget } from './extensions/libxt_standard'
import { checkState, parseState } from './extensions/libxt_state'
import { parseTcp } from './extensions/libxt_tcp'
import { parseUdp } from './extensions/libxt_udp'
import { newPortState, type PortState } from './extensions/ports'
import { BASE_LONG, Getopt, type OptDef } from './getopt'
import { IPTABLES_HELP } from './help'
import { PROTO_NAMES, parseAddrs, parseIface, parseProto, strtoui } from './xtables'

/**
 * `iptables` v1.8.9 (nf_tables) and `iptables-legacy`, for the rules a teacher types to mark
 * packets for fwmark services: parsing as do_parse() and the extensions do (getopt_long with
 * extension options merged on load, abbreviations, `!`), every message and exit code, the
 * counters; the listings are listing.ts. See docs: shared digest of iptables/xshared.c, nft.c;
 * each extension (libxt_*.c) is its own module in extensions/.
 */

/** Real iptables extensions this lab does not model: refused plainly rather than mis-simulated. */
const UNMODELLED_MATCHES = new Set(
  'addrtype ah bpf cgroup cluster connbytes connlabel connlimit connmark cpu dccp devgroup dscp ecn esp hashlimit helper icmp ipvs length limit nfacct osf owner physdev pkttype policy quota rateest realm recent rpfilter sctp set socket statistic string tcpmss time tos ttl u32 udplite'.split(
    ' ',
  ),
)
const UNMODELLED_TARGETS = new Set(
  'AUDIT CHECKSUM CLASSIFY CONNMARK CONNSECMARK CT DNAT DSCP ECN HMARK IDLETIMER LED MASQUERADE NETMAP NFLOG NFQUEUE NOTRACK RATEEST REDIRECT REJECT SECMARK SET SNAT SYNPROXY TCPMSS TCPOPTSTRIP TEE TOS TPROXY TRACE TTL'.split(
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

function parseRulenum(s: string): number {
  const n = strtoui(s, 0x7fffffff)
  if (n === null || n < 1) throw perr(`Invalid rule number \`${s}'`)
  return n
}

type Cmd = 'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'E' | 'P'

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
  // Every `-m NAME` loads a new instance of the match (xtables_find_match() clones a used one);
  // its options are merged in front of the older ones, so an option goes to the newest instance.
  interface Instance extends MultiportState {
    name: MatchName
    port: PortState
    mark: { value: number; mask: number; inv: boolean } | null
    comment: string | null
    iprange: IprangeMatch
    ct: ConntrackMatch
    ctGiven: Set<string>
    state: ConntrackMatch | null
    mac: MacMatch | null
  }
  const instances: Instance[] = []
  const loadedNames = () => instances.map((m) => m.name as string)
  let markLoaded = false
  const markOpts: MarkOption[] = []
  let logLoaded = false
  const logTarget = newLogTarget()
  const logGiven = new Set<string>()
  const mergeOptions = (defs: OptDef[]) => {
    g.longs = [...BASE_LONG, ...defs, ...g.longs.slice(BASE_LONG.length)]
  }
  const loadMatch = (name: Instance['name']) => {
    const id = instances.length
    instances.push({
      name,
      port: newPortState(),
      multi: null,
      multiGiven: [],
      mark: null,
      comment: null,
      iprange: newIprange(),
      ct: newConntrack(false),
      ctGiven: new Set(),
      state: null,
      mac: null,
    })
    mergeOptions(EXTENSION_OPTIONS[name].map((o) => ({ ...o, val: `${o.val}:${id}` })))
  }
  const loadExt = (name: string) => {
    if (name === 'MARK') {
      if (!markLoaded) mergeOptions(EXTENSION_OPTIONS.MARK)
      markLoaded = true
    } else if (name === 'LOG') {
      if (!logLoaded) mergeOptions(EXTENSION_OPTIONS.LOG)
      logLoaded = true
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
          if (['ACCEPT', 'DROP', 'QUEUE', 'RETURN', 'MARK', 'LOG'].includes(chain))
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
        if (name === 'MARK' || name === 'LOG') loadExt(name)
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
        if (!(IPTABLES_MATCHES as readonly string[]).includes(name))
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
        const ext = [...(markLoaded ? ['MARK'] : []), ...(logLoaded ? ['LOG'] : []), ...matchHelp]
        throw new IptOutput(IPTABLES_HELP(variant) + ext.map((e) => `\n${EXTENSION_HELP[e]}`).join(''))
      }
      default: {
        // an extension's option: `EXT:OPTION:INSTANCE` (the instance is the match's -m)
        const [ext, opt, idText] = v.split(':')
        const inst = instances[Number(idText)]
        if (ext === 'tcp') parseTcp(inst.port, opt, arg, invert, g)
        else if (ext === 'udp') parseUdp(inst.port, opt, arg, invert)
        else if (ext === 'multiport') parseMultiport(inst, opt, arg, invert, { proto, protoGiven, protoInv })
        else if (ext === 'mark') inst.mark = parseMark(inst.mark, arg, invert)
        else if (ext === 'MARK') parseMarkTarget(markOpts, opt, arg, invert)
        else if (ext === 'comment') inst.comment = parseComment(inst.comment, arg as string, invert)
        else if (ext === 'iprange') warnings += parseIprange(inst.iprange, opt, arg as string, invert)
        else if (ext === 'state') inst.state = parseState(inst.state, arg as string, invert)
        else if (ext === 'conntrack') parseConntrack(inst.ct, inst.ctGiven, opt, arg as string, invert)
        else if (ext === 'mac') inst.mac = parseMac(inst.mac, arg as string, invert)
        else if (ext === 'LOG') parseLogTarget(logTarget, logGiven, opt, arg, invert)
      }
    }
    invert = false
  }

  if (table === 'nat' && targetName === 'DROP')
    throw perr('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n')

  // final checks of the extensions (in match order, then the target)
  for (const inst of instances) {
    if (inst.name === 'mark') checkMark(inst.mark)
    if (inst.name === 'multiport') checkMultiport(inst.multiGiven)
    if (inst.name === 'comment') checkComment(inst.comment)
    if (inst.name === 'iprange') checkIprange(inst.iprange)
    if (inst.name === 'state') checkState(inst.state)
    if (inst.name === 'conntrack') checkConntrack(inst.ctGiven)
    if (inst.name === 'mac') checkMac(inst.mac)
  }
  const target: Target | null =
    targetName === 'MARK'
      ? markTarget(markOpts)
      : targetName === 'LOG'
        ? { ...logTarget }
        : standardTarget(targetName, gotoName)

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
    else if (inst.name === 'comment' && inst.comment !== null) matches.push({ name: 'comment', comment: inst.comment })
    else if (inst.name === 'iprange') matches.push({ ...inst.iprange })
    else if (inst.name === 'state' && inst.state) matches.push(inst.state)
    else if (inst.name === 'conntrack') matches.push({ ...inst.ct })
    else if (inst.name === 'mac' && inst.mac) matches.push(inst.mac)
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
