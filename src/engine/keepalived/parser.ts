import { formatIPv4, parseDottedQuad } from '../net/ipv4'
import {
  type CheckerConfig,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DELAY_LOOP_MS,
  DEFAULT_PERSISTENCE_TIMEOUT,
  DEFAULT_SCHEDULER,
  type KeepalivedConfig,
  type LbKind,
  type RealServerConfig,
  type VirtualServerConfig,
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

type Handler = (w: string[], line: number) => void
interface Keyword {
  handler?: Handler
  /** Keywords of its block (a keyword with a block). */
  sub?: () => Table
  /** Run when its block ends (`install_sublevel_end_handler`). */
  end?: () => void
  /** Known to keepalived but read by another of its processes: its block is skipped in silence. */
  inactive?: boolean
}
type Table = Record<string, Keyword>

/** Parse `text` as keepalived.conf; `file` names it in messages as keepalived was given it. */
export function parseKeepalivedConf(text: string, file: string): ParseResult {
  const messages: string[] = []
  let cur = 0
  const report = (msg: string, line: number | null = cur) =>
    messages.push(line === null ? msg : `(${file}: Line ${line}) ${msg}`)
  /** Report and give no value (a number that did not read). */
  const fail = (msg: string): null => {
    report(msg)
    return null
  }
  const config: KeepalivedConfig = { routerId: null, logAllFailures: false, virtualServers: [] }

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
  }
  // keywords of keepalived's other processes (VRRP, BFD): the checker skips their blocks in silence
  for (const k of [
    'vrrp_instance',
    'vrrp_sync_group',
    'vrrp_script',
    'vrrp_track_file',
    'static_ipaddress',
    'static_routes',
    'static_rules',
    'linkbeat_use_polling',
    'bfd_instance',
    'track_file',
    'garp_group',
  ])
    top[k] = { inactive: true }

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
      kw.handler?.(w, l.no)
      if (kw.sub) {
        const ret = stream(kw.sub(), bobNeeded, level + 1)
        if (!ret) kw.end?.()
      }
    }
  }
  stream(top, false, 0)
  if (depth > 0) report(`There are ${depth} missing '}'s or extra '{'s`, null)

  validate(config, (m) => report(m, null))
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
