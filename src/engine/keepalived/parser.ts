import { formatIPv4, parseDottedQuad } from '../net/ipv4'
import {
  type CheckerConfig,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DELAY_LOOP_MS,
  DEFAULT_PERSISTENCE_TIMEOUT,
  DEFAULT_SCHEDULER,
  type KeepalivedConfig,
  type LbKind,
  type LvsSyncDaemonConfig,
  type RealServerConfig,
  TIMER_HZ,
  type VipConfig,
  type VirtualServerConfig,
  VRRP_GARP_DELAY_US,
  VRRP_GARP_REP,
  VRRP_PRIO_DFL,
  VRRP_PRIO_OWNER,
  type VrrpInstanceConfig,
} from './config'

/**
 * keepalived.conf read as keepalived 2.2.7's checker process reads it (lib/parser.c
 * `read_line()`, `alloc_strvec()`, `process_stream()`; check/check_parser.c, check_api.c,
 * check_tcp.c, check_http.c for the keywords; check_data.c `validate_check_config()` after).
 * Every message is keepalived's own, prefixed `(FILE: Line N)` as `report_config_error()` does.
 * A file with any message is refused whole by the lab (see docs/keepalived.md): the result
 * carries the messages and the configuration only when there were none.
 */
export interface ParseResult {
  /** The configuration; null when a message was reported (nothing is applied). */
  config: KeepalivedConfig | null
  /** keepalived's messages, in its order (what `keepalived -t` prints on stderr). */
  messages: string[]
}

/** One line as `read_line()` hands it on: its words, and its number in the file. */
interface Line {
  no: number
  words: string[]
}

/** `decomment()`: `!` or `#` outside double quotes ends the line. */
function decomment(s: string): string {
  let quoted = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === '!' || c === '#')) return s.slice(0, i)
  }
  return s
}

/** `alloc_strvec()`: words split at blanks; a double-quoted string is one word, without its quotes. */
function words(s: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++
    if (i >= s.length) break
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1)
      out.push(end < 0 ? s.slice(i + 1) : s.slice(i + 1, end))
      i = end < 0 ? s.length : end + 1
      continue
    }
    let j = i
    while (j < s.length && s[j] !== ' ' && s[j] !== '\t') j++
    out.push(s.slice(i, j))
    i = j
  }
  return out
}

/** The first `{` or `}` outside double quotes, or -1. */
function braceAt(s: string): number {
  let quoted = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === '{' || c === '}')) return i
  }
  return -1
}

/**
 * `read_line()`: comments cut, then a line is split before its first brace (the rest comes back
 * as the next line, same number); a brace at the start is a line of its own.
 */
function readLines(text: string): Line[] {
  const out: Line[] = []
  const phys = text.split('\n')
  for (let k = 0; k < phys.length; k++) {
    let buf = decomment(phys[k].replace(/\r$/, '')).trim()
    while (buf !== '') {
      const p = braceAt(buf)
      let piece: string
      if (p === 0) {
        piece = buf[0]
        buf = buf.slice(1).trim()
      } else if (p > 0) {
        piece = buf.slice(0, p).trim()
        buf = buf.slice(p)
      } else {
        piece = buf
        buf = ''
      }
      const w = words(piece)
      if (w.length > 0) out.push({ no: k + 1, words: w })
    }
  }
  return out
}

const UINT_MAX = 4294967295
const IPVS_WEIGHT_LIMIT = 2147483647
/** LVS_MAX_TIMEOUT (check_parser.c): 31 days. */
const LVS_MAX_TIMEOUT = 2678400
/** ULONG_MAX microseconds, as `read_timer()` prints an open upper bound. */
const TIMER_MAX_TEXT = '18446744073709.551614'

/** The schedulers keepalived accepts (check_parser.c `lvs_schedulers`). */
const LVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos']

/** A keyword's handler; `'skip'`: its block is skipped (keepalived's `skip_block()`). */
type Handler = (w: string[], line: number) => unknown
interface Keyword {
  handler?: Handler
  /** A block of values, one a line (lib/parser.c `alloc_value_block()`: virtual_ipaddress). */
  values?: (w: string[]) => void
  /** Keywords of its block (a keyword with a block). */
  sub?: () => Table
  /** Run when its block ends (`install_sublevel_end_handler`). */
  end?: () => void
  /** Known to keepalived but read by another of its processes: its block is skipped in silence. */
  inactive?: boolean
}
type Table = Record<string, Keyword>

/** What the parser may know of the director. */
export interface ParseOptions {
  /** The director's interfaces: when given, an `interface` or `dev` naming another is reported. */
  interfaces?: readonly string[]
}

/** A vrrp_instance as read, before `vrrp_complete_instance()` (0 and '' for unset, as vrrp_t). */
interface VrrpRead {
  name: string
  line: number
  wantState: 'INIT' | 'MASTER' | 'BACKUP'
  iface: string | null
  vrid: number
  priority: number
  advertIntUs: number
  version: 0 | 2 | 3
  nopreempt: boolean
  preemptDelayUs: number
  vips: VipConfig[]
  authType: 'PASS' | 'AH' | null
  authPass: string
  garpDelayUs: number
  garpRepeat: number
}

/** global_defs lvs_sync_daemon as read (global_parser.c `lvs_syncd_handler()`). */
interface SyncdRead {
  ifname: string
  instance: string | null
  syncid: number | null
  maxlen: number | null
  port: number | null
  ttl: number | null
  group: number | null
}

/** IFNAMSIZ (16): an interface name has at most 15 characters. */
const IFNAMSIZ = 16
/** TIMER_MAX_SEC (timer.h). */
const TIMER_MAX_SEC = 1000

/** Parse `text` as keepalived.conf; `file` names it in messages as keepalived was given it. */
export function parseKeepalivedConf(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const messages: string[] = []
  let cur = 0
  const report = (msg: string, line: number | null = cur) =>
    messages.push(line === null ? msg : `(${file}: Line ${line}) ${msg}`)
  /** Report and give no value (a number that did not read). */
  const fail = (msg: string): null => {
    report(msg)
    return null
  }
  const config: KeepalivedConfig = {
    routerId: null,
    logAllFailures: false,
    virtualServers: [],
    vrrpInstances: [],
    lvsSyncDaemon: null,
  }

  // --- numbers (lib/parser.c read_unsigned_base(), read_decimal_unsigned_strvec()) ---
  const unsigned = (w: string | undefined, min: number, max: number): number | null => {
    const s = w ?? ''
    if (s.startsWith('-')) return fail(`negative number '${s}'`)
    if (!/^\d+$/.test(s)) return fail(`invalid number '${s}'`)
    const n = Number(s)
    if (n > UINT_MAX) return fail(`number '${s}' outside unsigned integer range`)
    if (n < min || n > max) return fail(`number '${s}' outside range [${min}, ${max}]`)
    return n
  }
  const usText = (us: number) => `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`
  /** `read_timer()`: seconds with up to six decimals; `minUs`, `maxUs` (0: none) in microseconds. Returns ms. */
  const timer = (w: string | undefined, minUs: number, maxUs: number): number | null => {
    const s = w ?? ''
    if (s.startsWith('-')) return fail(`negative number '${s}'`)
    const m = /^(\d+)(?:\.(\d*))?$/.exec(s)
    if (!m) return fail(`invalid number '${s}'`)
    if ((m[2] ?? '').length > 6) return fail(`number '${s}' has too many decimal places`)
    const us = Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0') || '0')
    if (us < minUs || (maxUs > 0 && us > maxUs))
      return fail(`number '${s}' outside range [${usText(minUs)}, ${maxUs > 0 ? usText(maxUs) : TIMER_MAX_TEXT}]`)
    return Math.ceil(us / 1000)
  }
  const trueFalse = (w: string | undefined): boolean | null => {
    if (w === undefined) return true
    const t = w.toLowerCase()
    if (['true', 'on', 'yes'].includes(t)) return true
    if (['false', 'off', 'no'].includes(t)) return false
    return null
  }
  const notInLab = (w: string[]) => report(`'${w[0]}' is not supported in this lab`)
  /** A real keyword the lab does not model, with its block skipped. */
  const notInLabBlock: Keyword = {
    handler: (w) => {
      notInLab(w)
      return 'skip'
    },
  }
  /** `read_int_func()`. */
  const int = (w: string | undefined, min: number, max: number): number | null => {
    const s = w ?? ''
    if (!/^[ \t]*[-+]?\d*$/.test(s)) return fail(`invalid number '${s}'`)
    const n = Number(s.trim() || '0')
    if (n < -2147483648 || n > 2147483647) return fail(`number '${s}' outside integer range`)
    if (n < min || n > max) return fail(`number '${s}' outside range [${min}, ${max}]`)
    return n
  }
  /**
   * `read_decimal_unsigned_strvec()` with TIMER_HZ_DIGITS (6): seconds with up to six decimals,
   * as microseconds; more decimals are reported and rounded. `minUs`, `maxUs` in microseconds.
   */
  const decimalUs = (w: string | undefined, minUs: number, maxUs: number): number | null => {
    const s = w ?? ''
    if (s.startsWith('-')) return fail(`negative number '${s}'`)
    const dp = s.indexOf('.')
    let numDp = dp >= 0 ? s.length - dp - 1 : 0
    let roundUp = false
    if (numDp > 6) {
      report(`number '${s}' has too many decimal places`)
      roundUp = s[dp + 7] >= '5'
      numDp = 6
    }
    const digits = (dp >= 0 ? s.slice(0, dp) + s.slice(dp + 1, dp + 1 + numDp) : s) + '0'.repeat(6 - numDp)
    if (!/^\d*$/.test(digits)) return fail(`invalid number '${s}'`)
    const us = Number(digits || '0') + (roundUp ? 1 : 0)
    if (us < minUs || us > maxUs) return fail(`number '${s}' outside range [${usText(minUs)}, ${usText(maxUs)}]`)
    return us
  }

  // --- the current objects (list_last_entry in keepalived) ---
  const vs = () => config.virtualServers[config.virtualServers.length - 1]
  const rs = () => {
    const list = vs().realServers
    return list[list.length - 1]
  }
  let checker: CheckerConfig | null = null
  let rsDropped = false

  const kindOf = (w: string[], sType: string): LbKind | null => {
    const s = w[1] ?? ''
    if (s === 'NAT' || s === 'DR' || s === 'TUN') return s
    report(`PARSER : unknown [${s}] routing method for ${sType} server.`)
    return null
  }

  /** check_api.c `install_checker_common_keywords()`. */
  const checkerCommon = (): Table => ({
    connect_ip: { handler: notInLab },
    connect_port: {
      handler: (w) => {
        const n = unsigned(w[1], 1, 65535)
        if (n === null) report(`Invalid checker connect_port '${w[1] ?? ''}'`)
        else if (checker) checker.connectPort = n
      },
    },
    bindto: { handler: notInLab },
    bind_port: { handler: notInLab },
    bind_if: { handler: notInLab },
    fwmark: { handler: notInLab },
    connect_timeout: {
      handler: (w) => {
        const t = timer(w[1], 1, UINT_MAX)
        if (t === null) report(`connect_timeout ${w[1] ?? ''} invalid - ignoring`)
        else if (checker) checker.connectTimeout = t
      },
    },
    retry: {
      handler: (w) => {
        const n = unsigned(w[1], 0, UINT_MAX)
        if (n === null) report(`Invalid retry connection value '${w[1] ?? ''}'`)
        else if (checker) checker.retry = n
      },
    },
    delay_before_retry: {
      handler: (w) => {
        const t = timer(w[1], 0, 0)
        if (t !== null && checker) checker.delayBeforeRetry = t
      },
    },
    warmup: {
      handler: (w) => {
        const t = timer(w[1], 0, 0)
        if (t === null) report(`Invalid warmup connection value '${w[1] ?? ''}'`)
        else if (checker) checker.warmup = t
      },
    },
    delay_loop: {
      handler: (w) => {
        const t = timer(w[1], 1, 0)
        if (t === null) report(`delay_loop '${w[1] ?? ''}' is invalid - ignoring`)
        else if (checker) checker.delayLoop = t
      },
    },
    alpha: { handler: notInLab },
    log_all_failures: {
      handler: (w) => {
        const b = trueFalse(w[1])
        if (b === null) report(`Invalid log_all_failures parameter ${w[1]}`)
        else if (checker) checker.logAllFailures = b
      },
    },
  })

  const newChecker = (kind: CheckerConfig['kind'], line: number): CheckerConfig => ({
    kind,
    line,
    connectTimeout: null,
    retry: null,
    delayBeforeRetry: null,
    delayLoop: null,
    warmup: null,
    connectPort: null,
    urls: [],
    logAllFailures: false,
  })
  const startChecker = (kind: CheckerConfig['kind']) => (_w: string[], line: number) => {
    checker = newChecker(kind, line)
    if (!rsDropped) rs().checkers.push(checker)
  }

  /** check_http.c `url` block. */
  const urlTable = (): Table => ({
    path: {
      handler: (w) => {
        const u = checker?.urls[checker.urls.length - 1]
        if (u) u.path = w[1] ?? ''
      },
    },
    status_code: {
      handler: (w) => {
        const u = checker?.urls[checker.urls.length - 1]
        for (const s of w.slice(1)) {
          const m = /^(\d{3})(?:-(\d{3}))?$/.exec(s)
          const lo = m ? Number(m[1]) : 0
          const hi = m?.[2] ? Number(m[2]) : lo
          if (!m || lo < 100 || hi > 599 || hi < lo) {
            report(`Invalid HTTP_GET status code '${s}'`)
            return
          }
          u?.statusCodes.push([lo, hi])
        }
      },
    },
    digest: { handler: notInLab },
    virtualhost: { handler: notInLab },
    regex: { handler: notInLab },
    regex_no_match: { handler: notInLab },
    regex_options: { handler: notInLab },
    regex_min_offset: { handler: notInLab },
    regex_max_offset: { handler: notInLab },
    regex_stack: { handler: notInLab },
  })
  const httpTable = (): Table => ({
    ...checkerCommon(),
    nb_get_retry: checkerCommon().retry,
    virtualhost: { handler: notInLab },
    http_protocol: { handler: notInLab },
    enable_sni: { handler: notInLab },
    fast_recovery: { handler: notInLab },
    url: {
      handler: () => checker?.urls.push({ path: '', statusCodes: [] }),
      sub: urlTable,
    },
  })
  const unsupportedChecker: Keyword = { handler: notInLab, sub: () => ({}) }

  const rsTable = (): Table => ({
    weight: {
      handler: (w) => {
        const n = unsigned(w[1], 0, IPVS_WEIGHT_LIMIT)
        if (n === null) report(`Real server weight ${w[1] ?? ''} is outside range 0-${IPVS_WEIGHT_LIMIT}`)
        else if (!rsDropped) rs().weight = n
      },
    },
    lvs_method: {
      handler: (w) => {
        const k = kindOf(w, 'real')
        if (k && !rsDropped) rs().kind = k
      },
    },
    inhibit_on_failure: {
      handler: (w) => {
        const b = trueFalse(w[1])
        if (b === null) report(`Invalid inhibit_on_failure parameter ${w[1]}`)
        else if (!rsDropped) rs().inhibit = b
      },
    },
    retry: {
      handler: (w) => {
        const n = unsigned(w[1], 1, UINT_MAX)
        if (n === null) report(`retry value invalid - ${w[1] ?? ''}`)
        else if (!rsDropped) rs().retry = n
      },
    },
    delay_before_retry: {
      handler: (w) => {
        const t = timer(w[1], 0, 0)
        if (t === null) report(`real server delay_before_retry '${w[1] ?? ''}' invalid - ignoring`)
        else if (!rsDropped) rs().delayBeforeRetry = t
      },
    },
    connect_timeout: {
      handler: (w) => {
        const t = timer(w[1], 1, UINT_MAX)
        if (t === null) report(`real server connect_timeout ${w[1] ?? ''} invalid - ignoring`)
        else if (!rsDropped) rs().connectTimeout = t
      },
    },
    delay_loop: {
      handler: (w) => {
        const t = timer(w[1], 1, 0)
        if (t === null) report(`real server delay_loop '${w[1] ?? ''}' invalid - ignoring`)
        else if (!rsDropped) rs().delayLoop = t
      },
    },
    uthreshold: { handler: notInLab },
    lthreshold: { handler: notInLab },
    notify_up: { handler: notInLab },
    notify_down: { handler: notInLab },
    alpha: { handler: notInLab },
    warmup: { handler: notInLab },
    smtp_alert: { handler: notInLab },
    virtualhost: { handler: notInLab },
    TCP_CHECK: { handler: startChecker('TCP_CHECK'), sub: checkerCommon },
    HTTP_GET: {
      handler: startChecker('HTTP_GET'),
      sub: httpTable,
      end: () => {
        // http_get's end handler: a url with no status_code accepts 200-299
        for (const u of checker?.urls ?? []) if (u.statusCodes.length === 0) u.statusCodes.push([200, 299])
      },
    },
    MISC_CHECK: unsupportedChecker,
    SMTP_CHECK: unsupportedChecker,
    SSL_GET: unsupportedChecker,
    DNS_CHECK: unsupportedChecker,
    BFD_CHECK: unsupportedChecker,
    FILE_CHECK: unsupportedChecker,
    PING_CHECK: unsupportedChecker,
    UDP_CHECK: unsupportedChecker,
  })

  const addrPort = (ip: string | undefined, port: string | undefined): { addr: number; port: number } | null => {
    const a = parseDottedQuad(ip ?? '')
    const p = port === undefined ? 0 : /^\d+$/.test(port) && Number(port) <= 65535 ? Number(port) : -1
    return a === null || p < 0 ? null : { addr: a, port: p }
  }

  const vsTable = (): Table => ({
    ip_family: { handler: notInLab },
    retry: {
      handler: (w) => {
        const n = unsigned(w[1], 1, UINT_MAX)
        if (n === null) report(`retry value invalid - ${w[1] ?? ''}`)
        else vs().retry = n
      },
    },
    delay_before_retry: {
      handler: (w) => {
        const t = timer(w[1], 0, 0)
        if (t === null) report(`virtual server delay before retry '${w[1] ?? ''}' invalid - ignoring`)
        else vs().delayBeforeRetry = t
      },
    },
    connect_timeout: {
      handler: (w) => {
        const t = timer(w[1], 1, UINT_MAX)
        if (t === null) report(`virtual server connect_timeout ${w[1] ?? ''} invalid - ignoring`)
        else vs().connectTimeout = t
      },
    },
    delay_loop: {
      handler: (w) => {
        const t = timer(w[1], 1, 0)
        if (t === null) report(`virtual server delay loop '${w[1] ?? ''}' invalid - ignoring`)
        else vs().delayLoop = t
      },
    },
    inhibit_on_failure: {
      handler: (w) => {
        const b = trueFalse(w[1])
        if (b === null) report(`Invalid inhibit_on_failure parameter ${w[1]}`)
        else vs().inhibit = b
      },
    },
    lb_algo: { handler: (w) => lbAlgo(w) },
    lvs_sched: { handler: (w) => lbAlgo(w) },
    lb_kind: { handler: (w) => lbKind(w) },
    lvs_method: { handler: (w) => lbKind(w) },
    persistence_timeout: {
      handler: (w) => {
        if (w.length < 2) {
          vs().persistenceTimeout = DEFAULT_PERSISTENCE_TIMEOUT
          return
        }
        const n = unsigned(w[1], 1, LVS_MAX_TIMEOUT)
        if (n === null) report('persistence_timeout invalid')
        else vs().persistenceTimeout = n
      },
    },
    persistence_granularity: {
      handler: (w) => {
        const m = parseDottedQuad(w[1] ?? '')
        if (m === null) {
          report(`Invalid IPv4 persistence_granularity specified - ${w[1] ?? ''}`)
          return
        }
        vs().granularity = m
        if (!vs().persistenceTimeout) vs().persistenceTimeout = DEFAULT_PERSISTENCE_TIMEOUT
      },
    },
    protocol: {
      handler: (w) => {
        const s = (w[1] ?? '').toUpperCase()
        const p = s === 'TCP' ? 6 : s === 'UDP' ? 17 : s === 'SCTP' ? 132 : 0
        if (p === 0) report(`Unknown protocol ${w[1] ?? ''} - ignoring`)
        else vs().protocol = p
      },
    },
    quorum: {
      handler: (w) => {
        const n = unsigned(w[1], 1, UINT_MAX)
        if (n === null) report(`Quorum ${w[1] ?? ''} must be in [1, ${UINT_MAX}]. Setting to 1.`)
        vs().quorum = n ?? 1
      },
    },
    hysteresis: {
      handler: (w) => {
        const n = unsigned(w[1], 0, UINT_MAX)
        if (n === null) report(`Hysteresis ${w[1] ?? ''} must be in [0, ${UINT_MAX}] - ignoring`)
        else vs().hysteresis = n
      },
    },
    sorry_server: {
      handler: (w) => {
        const ap = addrPort(w[1], w[2])
        if (!ap) report(`Invalid sorry server IP address ${w[1] ?? ''} - skipping`)
        else vs().sorryServer = { ...ap, inhibit: false, kind: null }
      },
    },
    sorry_server_inhibit: {
      handler: () => {
        const s = vs().sorryServer
        if (s) s.inhibit = true
        else report('Ignoring sorry_server inhibit used before or without sorry_server')
      },
    },
    sorry_server_lvs_method: {
      handler: (w) => {
        const s = vs().sorryServer
        if (!s) report('sorry_server forwarding used without sorry_server')
        else s.kind = kindOf(w, 'sorry') ?? s.kind
      },
    },
    real_server: {
      handler: (w) => {
        checker = null
        const ap = addrPort(w[1], w[2])
        rsDropped = ap === null
        if (!ap) {
          report(`Invalid real server ip address/port ${w[1] ?? ''}/${w[2] ?? ''} - skipping`)
          return
        }
        const r: RealServerConfig = {
          ...ap,
          weight: 1,
          inhibit: vs().inhibit,
          kind: vs().kind,
          connectTimeout: null,
          retry: null,
          delayBeforeRetry: null,
          delayLoop: null,
          checkers: [],
        }
        vs().realServers.push(r)
      },
      sub: rsTable,
    },
    persistence_engine: { handler: notInLab },
    hashed: { handler: notInLab },
    ops: { handler: notInLab },
    ha_suspend: { handler: notInLab },
    smtp_alert: { handler: notInLab },
    virtualhost: { handler: notInLab },
    alpha: { handler: notInLab },
    omega: { handler: notInLab },
    quorum_up: { handler: notInLab },
    quorum_down: { handler: notInLab },
    weight: { handler: notInLab },
    warmup: { handler: notInLab },
  })
  const lbAlgo = (w: string[]) => {
    const s = w[1] ?? ''
    if (!LVS_SCHEDULERS.includes(s)) report(`Invalid lvs_scheduler '${s}' - ignoring`)
    else vs().sched = s
  }
  const lbKind = (w: string[]) => {
    const k = kindOf(w, 'virtual')
    if (k) vs().kind = k
  }

  // --- VRRP (vrrp/vrrp_parser.c) ---
  const vrrpRead: VrrpRead[] = []
  let haveVrrpConfig = false
  let nonExistentInterface = false
  const knownIf = (name: string) => opts.interfaces === undefined || opts.interfaces.includes(name)
  const vi = () => vrrpRead[vrrpRead.length - 1]
  let syncd: SyncdRead | null = null
  let vrrpVersion: 2 | 3 = 2

  /** vrrp_ipaddress.c `alloc_ipaddress()` for a virtual_ipaddress line (IPv4; dev and label modelled). */
  const vipLine = (w: string[]) => {
    const v = vi()
    const word = w[0]
    if (word.includes(':')) {
      report(`'${word}' is not supported in this lab`)
      return
    }
    const slash = word.indexOf('/')
    let prefixLen = 32
    if (slash >= 0) {
      const n = unsigned(word.slice(slash + 1), 0, 32)
      if (n === null) report(`Invalid address prefix len ${word.slice(slash + 1)} for address ${word} - using 32`)
      else prefixLen = n
    }
    const addr = parseDottedQuad(slash >= 0 ? word.slice(0, slash) : word)
    if (addr === null) {
      report(`VRRP parsed invalid IP ${word}. skipping IP...`)
      return
    }
    const vip: VipConfig = { addr, prefixLen, dev: null, label: null }
    let i = 1
    let missing: string | null = null
    while (i < w.length) {
      const str = w[i]
      const avail = w.length >= i + 2
      if (str === 'dev' || str === 'label') {
        if (!avail) {
          missing = str
          break
        }
        const param = w[++i]
        if (str === 'dev') {
          if (vip.dev !== null) {
            report(`Cannot specify ipaddress device more than once for ${word}`)
            return
          }
          if (!knownIf(param)) {
            report(`WARNING - interface ${param} for ip address ${word} doesn't exist`)
            return
          }
          vip.dev = param
        } else {
          if (param.length >= IFNAMSIZ) {
            report(`Address label ${param} is longer than maximum length ${IFNAMSIZ - 1} - removing address`)
            return
          }
          vip.label = param
        }
      } else if (['scope', 'broadcast', 'brd', 'peer', 'preferred_lft'].includes(str)) {
        if (!avail) {
          missing = str
          break
        }
        report(`'${str}' is not supported in this lab`)
        i++
      } else if (['home', '-nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'no_track', 'use_vmac'].includes(str))
        report(`'${str}' is not supported in this lab`)
      else report(`Unknown configuration entry '${str}' for ip address - ignoring`)
      i++
    }
    if (missing !== null) {
      report(`No ${missing} parameter specified for ${word}`)
      return
    }
    v.vips.push(vip)
  }

  const authTable = (): Table => ({
    auth_type: {
      handler: (w) => {
        const str = w[1] ?? ''
        if (str === 'AH' || str === 'PASS') vi().authType = str
        else report(`(${vi().name}) unknown authentication type '${str}'`)
      },
    },
    auth_pass: {
      handler: (w) => {
        let str = w[1] ?? ''
        // sizeof(vrrp->auth_data): 8
        if (str.length > 8) {
          str = str.slice(0, 8)
          report('Truncating auth_pass to 8 characters')
        }
        vi().authPass = str
      },
    },
  })

  /** vrrp_parser.c `init_vrrp_keywords()`: the instance's keywords. */
  const vrrpTable = (): Table => {
    const t: Table = {
      state: {
        handler: (w) => {
          const v = vi()
          const str = w[1] ?? ''
          if (str === 'MASTER') v.wantState = 'MASTER'
          else if (str === 'BACKUP') {
            if (v.wantState === 'MASTER') report(`(${v.name}) state previously set as MASTER - ignoring BACKUP`)
            else v.wantState = 'BACKUP'
          } else {
            report(`(${v.name}) unknown state '${str}', defaulting to BACKUP`)
            v.wantState = 'BACKUP'
          }
        },
      },
      interface: {
        handler: (w) => {
          const v = vi()
          const name = w[1] ?? ''
          if (name.length >= IFNAMSIZ) {
            report(`Interface name '${name}' too long - ignoring`)
            return
          }
          if (!knownIf(name)) {
            report(`WARNING - interface ${name} for vrrp_instance ${v.name} doesn't exist`)
            nonExistentInterface = true
            v.iface = null
          } else if (name === 'lo') {
            report(`(${v.name}) cannot use a loopback interface (lo) for vrrp - ignoring`)
            v.iface = null
          } else v.iface = name
        },
      },
      virtual_router_id: {
        handler: (w) => {
          const n = unsigned(w[1], 1, 255)
          if (n === null) report(`(${vi().name}): VRID '${w[1] ?? ''}' not valid - must be between 1 & 255`)
          else vi().vrid = n
        },
      },
      priority: {
        handler: (w) => {
          const n = unsigned(w[1], 1, VRRP_PRIO_OWNER)
          if (n === null)
            report(
              `(${vi().name}) Priority not valid! must be between 1 & ${VRRP_PRIO_OWNER}. Using default ${VRRP_PRIO_DFL}`,
            )
          vi().priority = n ?? VRRP_PRIO_DFL
        },
      },
      advert_int: {
        handler: (w) => {
          // TIMER_HZ / 100 … 255 × TIMER_HZ
          const us = decimalUs(w[1], TIMER_HZ / 100, 255 * TIMER_HZ)
          if (us === null || us <= 0)
            report(`(${vi().name}) Advert interval (${w[1] ?? ''}) not valid! Must be > 0 - ignoring`)
          else vi().advertIntUs = us
        },
      },
      version: {
        handler: (w) => {
          const v = vi()
          const n = int(w[1], 2, 3)
          if (n === null) {
            report(`(${v.name}): Version must be either 2 or 3`)
            return
          }
          if (v.version && v.version !== n) {
            report(`(${v.name}) vrrp_version ${n} conflicts with configured or deduced version ${v.version}; ignoring.`)
            return
          }
          v.version = n as 2 | 3
        },
      },
      nopreempt: {
        handler: () => {
          vi().nopreempt = true
        },
      },
      preempt: {
        handler: () => {
          vi().nopreempt = false
        },
      },
      preempt_delay: {
        handler: (w) => {
          const us = decimalUs(w[1], 0, TIMER_MAX_SEC * TIMER_HZ)
          if (us === null) report(`(${vi().name}) Preempt_delay not valid! must be between 0-${TIMER_MAX_SEC}`)
          vi().preemptDelayUs = us ?? 0
        },
      },
      virtual_ipaddress: { values: vipLine },
      authentication: { sub: authTable },
      garp_master_delay: {
        handler: (w) => {
          const n = unsigned(w[1], 0, Math.floor(UINT_MAX / TIMER_HZ))
          if (n === null) report(`(${vi().name}): garp_master_delay '${w[1] ?? ''}' invalid - ignoring`)
          else vi().garpDelayUs = n * TIMER_HZ
        },
      },
      garp_master_repeat: {
        handler: (w) => {
          const n = unsigned(w[1], 0, UINT_MAX)
          if (n === null) {
            report(`(${vi().name}): garp_master_repeat '${w[1] ?? ''}' invalid - ignoring`)
            return
          }
          if (n === 0) report(`(${vi().name}): garp_master_repeat must be greater than 0, setting to 1`)
          vi().garpRepeat = Math.max(1, n)
        },
      },
    }
    // keywords of a vrrp_instance the lab does not model; those with a block have it skipped
    for (const k of [
      'use_vmac',
      'use_vmac_addr',
      'vmac_xmit_base',
      'use_ipvlan',
      'unicast_fault_no_peer',
      'check_unicast_src',
      'old_unicast_checksum',
      'native_ipv6',
      'vrf',
      'dont_track_primary',
      'mcast_src_ip',
      'unicast_src_ip',
      'mcast_dst_ip',
      'track_src_ip',
      'unicast_ttl',
      'promote_secondaries',
      'linkbeat_use_polling',
      'accept',
      'no_accept',
      'skip_check_adv_addr',
      'strict_mode',
      'debug',
      'notify_backup',
      'notify_master',
      'notify_fault',
      'notify_stop',
      'notify_deleted',
      'notify',
      'notify_master_rx_lower_pri',
      'smtp_alert',
      'notify_priority_changes',
      'lvs_sync_daemon_interface',
      'garp_master_refresh',
      'garp_master_refresh_repeat',
      'garp_lower_prio_delay',
      'garp_lower_prio_repeat',
      'down_timer_adverts',
      'garp_extra_if',
      'vmac_garp_intvl',
      'lower_prio_no_advert',
      'higher_prio_send_advert',
      'kernel_rx_buf_size',
    ])
      t[k] = { handler: notInLab }
    for (const k of [
      'unicast_peer',
      'track_interface',
      'track_script',
      'track_file',
      'track_process',
      'track_bfd',
      'virtual_ipaddress_excluded',
      'virtual_routes',
      'virtual_rules',
    ])
      t[k] = notInLabBlock
    return t
  }

  /** global_parser.c `lvs_syncd_handler()`. */
  const lvsSyncd = (w: string[]) => {
    if (syncd) {
      report(`lvs_sync_daemon has already been specified as ${syncd.ifname} ${syncd.instance ?? ''}`)
      return
    }
    if (w.length < 2) {
      report('lvs_sync_daemon requires interface')
      return
    }
    // IP_VS_IFNAME_MAXLEN 16
    if (w[1].length >= 16) {
      report(`lvs_sync_daemon interface name '${w[1]}' too long - ignoring`)
      return
    }
    const d: SyncdRead = {
      ifname: w[1],
      instance: null,
      syncid: null,
      maxlen: null,
      port: null,
      ttl: null,
      group: null,
    }
    syncd = d
    const option = (i: number, what: string, min: number, max: number, set: (n: number) => void): number => {
      if (i === w.length - 1) {
        report(`No value specified for lvs_sync_daemon ${what} - ignoring`)
        return i
      }
      const n = unsigned(w[i + 1], min, max)
      if (n === null) report(`Invalid lvs_sync_daemon ${what} (${w[i + 1]}) - ignoring`)
      else set(n)
      return i + 1
    }
    for (let i = 2; i < w.length; i++) {
      const a = w[i]
      if (a === 'inst') {
        if (d.instance !== null)
          report(`lvs_sync_daemon vrrp instance has already been specified as ${d.instance} - ignoring`)
        else d.instance = w[i + 1] ?? ''
        i++
      } else if (a === 'id') {
        if (i === w.length - 1) {
          report('No value specified for lvs_sync_daemon id, defaulting to vrid')
          continue
        }
        const n = unsigned(w[i + 1], 0, 255)
        if (n === null) report(`Invalid syncid (${w[i + 1]}) - defaulting to vrid`)
        else d.syncid = n
        i++
      } else if (a === 'maxlen')
        i = option(i, 'maxlen', 1, 65535 - 20 - 8, (n) => {
          d.maxlen = n
        })
      else if (a === 'port')
        i = option(i, 'port', 1, 65535, (n) => {
          d.port = n
        })
      else if (a === 'ttl')
        i = option(i, 'ttl', 1, 255, (n) => {
          d.ttl = n
        })
      else if (a === 'group') {
        if (i === w.length - 1) {
          report('No value specified for lvs_sync_daemon group - ignoring')
          continue
        }
        const g = parseDottedQuad(w[i + 1])
        if (g === null) report(`Invalid lvs_sync_daemon group (${w[i + 1]}) - ignoring`)
        else if (g >>> 28 !== 0xe) report(`lvs_sync_daemon group address ${w[i + 1]} is not multicast - ignoring`)
        else d.group = g
        i++
      } else if (i === 2) d.instance = a
      else if (i === 3) {
        // lvs_sync_daemon IF VRRP_INSTANCE [SYNC_ID], the old form
        const n = unsigned(a, 0, 255)
        if (n === null) report(`Invalid syncid (${a}) - defaulting to vrid`)
        else {
          report('Please use keyword "id" before lvs_sync_daemon SYNCID')
          d.syncid = n
        }
      } else report(`Unknown option ${a} specified for lvs_sync_daemon`)
    }
  }

  const globalTable = (): Table => {
    const t: Table = {
      router_id: {
        handler: (w) => {
          config.routerId = w[1] ?? null
        },
      },
      checker_log_all_failures: {
        handler: (w) => {
          const b = trueFalse(w[1])
          if (b === null) report(`Invalid value '${w[1]}' for global checker_log_all_failures specified`)
          else config.logAllFailures = b
        },
      },
      notification_email: { sub: () => new Proxy({}, { get: () => ({}) }) },
      lvs_sync_daemon: { handler: lvsSyncd },
      vrrp_version: {
        handler: (w) => {
          const n = int(w[1], 2, 3)
          if (n === null) report('VRRP Error: Version must be either 2 or 3')
          else vrrpVersion = n as 2 | 3
        },
      },
    }
    // global_defs keywords the lab reads and ignores (they change nothing it models)
    for (const k of [
      'notification_email_from',
      'smtp_server',
      'smtp_connect_timeout',
      'smtp_helo_name',
      'enable_script_security',
      'script_user',
      'vrrp_skip_check_adv_addr',
      'vrrp_strict',
      'vrrp_garp_interval',
      'vrrp_gna_interval',
      'lvs_id',
      'lvs_flush',
      'max_auto_priority',
    ])
      t[k] = {}
    return t
  }

  const top: Table = {
    global_defs: { sub: globalTable },
    virtual_server: {
      handler: (w, line) => {
        const v: VirtualServerConfig = {
          line,
          addr: null,
          port: 0,
          fwmark: 0,
          sched: '',
          kind: null,
          protocol: 0,
          persistenceTimeout: 0,
          granularity: 0xffffffff,
          delayLoop: DEFAULT_DELAY_LOOP_MS,
          connectTimeout: DEFAULT_CONNECT_TIMEOUT_MS,
          retry: null,
          delayBeforeRetry: null,
          inhibit: false,
          quorum: 1,
          hysteresis: 0,
          sorryServer: null,
          realServers: [],
        }
        config.virtualServers.push(v)
        if (w[1] === 'fwmark') {
          const n = /^\d+$/.test(w[2] ?? '') ? Number(w[2]) : Number.NaN
          if (!(n >= 0 && n <= UINT_MAX)) {
            if (!/^\d+$/.test(w[2] ?? '')) report(`invalid number '${w[2] ?? ''}'`)
            report(`virtual server fwmark '${w[2] ?? ''}' must be in [0, ${UINT_MAX}] - ignoring`)
          } else v.fwmark = n
          return
        }
        if (w[1] === 'group') {
          notInLab(['virtual_server group'])
          return
        }
        const ap = addrPort(w[1], w[2])
        if (!ap) report(`Invalid virtual server IP address/port ${w[1] ?? ''}/${w[2] ?? ''} - skipping`)
        else {
          v.addr = ap.addr
          v.port = ap.port
        }
      },
      sub: vsTable,
    },
    virtual_server_group: { handler: notInLab, sub: () => ({}) },
    include: { handler: notInLab },
    vrrp_instance: {
      // vrrp_parser.c vrrp_handler()
      handler: (w, line) => {
        haveVrrpConfig = true
        if (w.length !== 2) {
          report('vrrp_instance must have a name')
          return 'skip'
        }
        if (vrrpRead.some((v) => v.name === w[1])) {
          report(`vrrp instance ${w[1]} already defined`)
          return 'skip'
        }
        vrrpRead.push({
          name: w[1],
          line,
          wantState: 'INIT',
          iface: null,
          vrid: 0,
          priority: 0,
          advertIntUs: 0,
          version: 0,
          nopreempt: false,
          preemptDelayUs: 0,
          vips: [],
          authType: null,
          authPass: '',
          garpDelayUs: VRRP_GARP_DELAY_US,
          garpRepeat: VRRP_GARP_REP,
        })
        return undefined
      },
      sub: vrrpTable,
    },
  }
  // VRRP's other blocks, not modelled: said so, and skipped
  for (const k of [
    'vrrp_sync_group',
    'vrrp_script',
    'vrrp_track_file',
    'vrrp_track_process',
    'static_ipaddress',
    'static_routes',
    'static_rules',
    'track_group',
    'garp_group',
    'linkbeat_interfaces',
    'interface_up_down_delays',
  ])
    top[k] = notInLabBlock
  // keywords of keepalived's other processes (BFD): the checker skips their blocks in silence
  for (const k of ['linkbeat_use_polling', 'bfd_instance', 'track_file']) top[k] = { inactive: true }

  // --- process_stream() over the lines ---
  const lines = readLines(text)
  let pos = 0
  let depth = 0
  /** read_line(): the next line, counting braces (an extra '}' is reported here). */
  const next = (): Line | null => {
    const l = lines[pos++]
    if (!l) return null
    cur = l.no
    if (l.words.length === 1 && l.words[0] === '{') depth++
    else if (l.words.length === 1 && l.words[0] === '}') {
      if (depth-- < 1) {
        report("Extra '}' found")
        depth = 0
      }
    }
    return l
  }
  let skip = 0
  /** lib/parser.c `alloc_value_block()`: each line up to the closing brace is a value. */
  const valueBlock = (w: string[], each: (v: string[]) => void) => {
    if (w.length > 1) report(`Block ${w[0]} has extra parameters ${w[1]} ...`)
    let needBob = true
    for (;;) {
      const l = next()
      if (!l) return
      let v = l.words
      if (needBob) {
        needBob = false
        if (v[0] === '{') {
          if (v.length === 1) continue
          v = v.slice(1)
        } else report(`'{' missing from beginning of block ${w[0]}`, null)
      }
      if (v[v.length - 1] === '}') {
        if (v.length === 1) return
        each(v.slice(0, -1))
        return
      }
      each(v)
    }
  }
  const stream = (table: Table, needBobIn: boolean, level: number): boolean => {
    let needBob = needBobIn
    for (;;) {
      const l = next()
      if (!l) return false
      const w = l.words
      const str = w[0]
      if (skip === -1) {
        if (str === '{') {
          skip = 1
          needBob = false
          continue
        }
        skip = 0
      }
      if (skip) {
        let last = str
        for (const x of w) {
          last = x
          if (x === '{') skip++
          else if (x === '}' && --skip === 0) break
        }
        if (last === '}' && skip === 0 && level > 0) return true
        continue
      }
      if (needBob) {
        needBob = false
        if (str === '{' && level > 0) continue
        report("Missing '{' at beginning of configuration block")
      } else if (str === '{') {
        report("Unexpected '{' - ignoring")
        continue
      }
      if (str === '}' && level > 0) return false
      const kw = Object.hasOwn(table, str) ? table[str] : undefined
      if (!kw) {
        report(`Unknown keyword '${str}'`)
        continue
      }
      if (kw.inactive) {
        skip = w[w.length - 1] === '{' ? 1 : -1
        continue
      }
      let bobNeeded = false
      if (kw.sub) bobNeeded = true
      if (kw.handler?.(w, l.no) === 'skip') {
        // skip_block(): the keyword's block is read and dropped one level down
        skip = -1
        stream({}, false, level + 1)
        continue
      }
      if (kw.values) {
        valueBlock(w, kw.values)
        continue
      }
      if (kw.sub) {
        const ret = stream(kw.sub(), bobNeeded, level + 1)
        if (!ret) kw.end?.()
      }
    }
  }
  stream(top, false, 0)
  if (depth > 0) report(`There are ${depth} missing '}'s or extra '{'s`, null)

  validate(config, (m) => report(m, null))
  if (haveVrrpConfig) {
    if (nonExistentInterface) report('Non-existent interface specified in configuration', null)
    else completeVrrp(config, vrrpRead, syncd, vrrpVersion, (m) => report(m, null))
  }
  if (messages.length > 0) return { config: null, messages }
  return { config, messages }
}

/** inet_sockaddrtotrio(): `[192.168.8.101]:tcp:80`. */
export function trio(addr: number, protocol: number, port: number): string {
  const p = protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : protocol === 132 ? 'sctp' : 'none'
  return `[${formatIPv4(addr)}]:${p}:${port}`
}

/** format_vs(): `FWM 8` or the trio. */
export function formatVs(v: VirtualServerConfig): string {
  return v.fwmark ? `FWM ${v.fwmark}` : trio(v.addr ?? 0, v.protocol, v.port)
}

/**
 * check_data.c `validate_check_config()`: the defaults it sets and says so (scheduler wlc,
 * forwarding NAT, protocol UDP), and the virtual servers it drops.
 */
function validate(config: KeepalivedConfig, report: (m: string) => void): void {
  config.virtualServers = config.virtualServers.filter((v) => v.addr !== null || v.fwmark !== 0)
  for (const v of [...config.virtualServers]) {
    if (v.realServers.length === 0 && !v.sorryServer) {
      report(`Virtual server ${formatVs(v)} has no real servers - ignoring`)
      config.virtualServers.splice(config.virtualServers.indexOf(v), 1)
      continue
    }
    if (!v.fwmark && !v.protocol) {
      report(`Virtual server ${formatVs(v)}: no protocol set - defaulting to UDP`)
      v.protocol = 17
    }
    if (!v.fwmark && v.port === 0 && !v.persistenceTimeout) {
      report(`Virtual server ${formatVs(v)}: zero port only valid for persistent services - setting`)
      v.persistenceTimeout = DEFAULT_PERSISTENCE_TIMEOUT
    }
    if (v.fwmark && v.protocol)
      report(`Warning: Virtual server ${formatVs(v)}: protocol specified for fwmark - protocol will be ignored`)
    if (!v.sched) {
      report(`Virtual server ${formatVs(v)}: no scheduler set, setting default '${DEFAULT_SCHEDULER}'`)
      v.sched = DEFAULT_SCHEDULER
    }
    if (v.realServers.some((r) => !r.kind)) {
      report(`Virtual server ${formatVs(v)}: no forwarding method set, setting default NAT`)
      for (const r of v.realServers) r.kind ??= 'NAT'
    }
    if (v.sorryServer && !v.sorryServer.kind) v.sorryServer.kind = v.kind ?? 'NAT'
  }
}

/** printf's `%f`: six decimals. */
const secondsF = (us: number) => (us / TIMER_HZ).toFixed(6)

/**
 * vrrp.c `vrrp_complete_init()`: `chk_min_cfg()` for every instance (the first failure stops
 * VRRP), `vrrp_complete_instance()` (the version, the priority and state each derives from the
 * other, authentication, nopreempt and preempt_delay, the advert interval rounded to what the
 * version can carry), `check_vrid_conflicts()`, and lvs_sync_daemon's instance and syncid.
 */
function completeVrrp(
  config: KeepalivedConfig,
  read: VrrpRead[],
  syncd: SyncdRead | null,
  globalVersion: 2 | 3,
  report: (m: string) => void,
): void {
  for (const v of read) {
    if (v.vrid === 0) {
      report(`(${v.name}) the virtual router id must be set`)
      return
    }
    if (v.iface === null) {
      report(`(${v.name}) Unknown interface!`)
      return
    }
  }
  const out: VrrpInstanceConfig[] = []
  for (const v of read) {
    const version = v.version || globalVersion
    if (v.vips.length === 0) {
      if (version === 3) {
        report(`(${v.name}) No VIP specified; at least one is required`)
        return
      }
      report(`(${v.name}) No VIP specified; at least one is sensible`)
    }
    let priority = v.priority
    if (priority === 0) priority = v.wantState === 'MASTER' ? VRRP_PRIO_OWNER : VRRP_PRIO_DFL
    let state: 'MASTER' | 'BACKUP' =
      v.wantState === 'INIT' ? (priority === VRRP_PRIO_OWNER ? 'MASTER' : 'BACKUP') : v.wantState
    let auth: VrrpInstanceConfig['auth'] = v.authType ? { type: v.authType, pass: v.authPass } : null
    if (auth && version === 3) {
      report(`(${v.name}) VRRP version 3 does not support authentication. Ignoring.`)
      auth = null
    } else if (auth && !auth.pass) {
      report(`(${v.name}) Authentication specified but no password given. Ignoring`)
      auth = null
    } else if (auth?.type === 'AH' && state === 'MASTER' && priority !== VRRP_PRIO_OWNER) {
      report(`(${v.name}) Initial state master is incompatible with AH authentication - clearing`)
      state = 'BACKUP'
    }
    let nopreempt = v.nopreempt
    let preemptDelayUs = v.preemptDelayUs
    if (priority === VRRP_PRIO_OWNER && nopreempt) {
      report(`(${v.name}) nopreempt is incompatible with priority ${VRRP_PRIO_OWNER}. resetting nopreempt`)
      nopreempt = false
    }
    if (state === 'MASTER') {
      if (nopreempt) {
        report(`(${v.name}) Warning - nopreempt will not work with initial state MASTER - clearing`)
        nopreempt = false
      }
      if (preemptDelayUs) {
        report(`(${v.name}) Warning - preempt delay will not work with initial state MASTER - clearing`)
        preemptDelayUs = 0
      }
    }
    if (preemptDelayUs && nopreempt) {
      report(`(${v.name}) preempt_delay is incompatible with nopreempt mode - resetting`)
      preemptDelayUs = 0
    }
    let adv = v.advertIntUs || TIMER_HZ
    if (version === 2) {
      if (adv % TIMER_HZ) {
        report(`(${v.name}) VRRPv2 advertisement interval ${secondsF(adv)}s must be an integer. rounding`)
        adv += TIMER_HZ / 2
        adv -= adv % TIMER_HZ
        if (adv === 0) adv = TIMER_HZ
      }
    } else if (adv % 10_000) {
      report(`(${v.name}) VRRPv3 advertisement interval ${secondsF(adv)}s must be in units of 10ms - rounding`)
      adv += 5_000
      adv -= adv % 10_000
      if (adv === 0) adv = 10_000
    }
    out.push({
      name: v.name,
      line: v.line,
      state,
      interface: v.iface,
      vrid: v.vrid,
      priority,
      advertIntUs: adv,
      version,
      nopreempt,
      preemptDelayUs,
      vips: v.vips,
      auth,
      garpDelayUs: v.garpDelayUs,
      garpRepeat: v.garpRepeat,
    })
  }
  // check_vrid_conflicts(): two multicast instances on one interface with one VRID
  let conflict = false
  for (let i = 0; i < out.length; i++)
    for (let j = i + 1; j < out.length; j++)
      if (out[i].vrid === out[j].vrid && out[i].interface === out[j].interface) {
        report(
          `${out[i].name} and ${out[j].name} both use VRID ${out[i].vrid} with IPv4 on interface ${out[i].interface}`,
        )
        conflict = true
      }
  if (conflict) return
  config.vrrpInstances = out
  // the lvs_syncd's instance (vrrp_complete_init()); without one the sync daemon is not run
  if (syncd?.instance != null) {
    const inst = out.find((v) => v.name === syncd.instance)
    if (!inst) report(`Unable to find vrrp instance ${syncd.instance} for lvs_syncd - clearing lvs_syncd config`)
    else {
      const d: LvsSyncDaemonConfig = {
        ifname: syncd.ifname,
        instance: inst.name,
        syncid: syncd.syncid ?? inst.vrid,
        maxlen: syncd.maxlen,
        port: syncd.port,
        ttl: syncd.ttl,
        group: syncd.group,
      }
      config.lvsSyncDaemon = d
    }
  }
}
