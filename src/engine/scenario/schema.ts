import * as v from 'valibot'
import { groupDigits } from '../lib/digits'
import { utf8Length } from '../lib/utf8'
import { parseDottedQuad } from '../net/ipv4'
import { parseAddr } from '../net/ipv6'
import { estimateUsersOnline, MAX_USERS_ONLINE, meanVisitSeconds, peakArrivalRate } from '../traffic/load'
import { TrafficSchema } from '../traffic/schema'

/** 1234567.8 → "1,234,568" (the same in every locale: these are file errors). */
const fmt = groupDigits

/**
 * The scenario file shared by the app, the CLI, the tests and the real-kernel recordings
 * (test/golden/README.md). Times are seconds from the moment the initial commands finished.
 */

const seconds = v.pipe(
  v.number('expected a number of seconds'),
  v.finite('expected a finite number'),
  v.minValue(0, 'must not be negative'),
  v.maxValue(10 * 365 * 86400, 'must be at most ten years'),
)
const address = v.pipe(
  v.string('expected an IP address as a string'),
  v.check(
    (s) => parseAddr(s) !== null,
    'expected a dotted-quad IPv4 address like 10.0.0.1 or an IPv6 address like 2001:db8::1',
  ),
)
const port = v.pipe(
  v.number('expected a port number'),
  v.integer('expected a whole port number'),
  v.minValue(0, 'ports are 0…65535'),
  v.maxValue(65535, 'ports are 0…65535'),
)
const commandLine = v.pipe(
  v.string('expected a command line as a string'),
  v.maxLength(100_000, 'a command line is at most 100,000 characters'),
)

export const ConnectionSpecSchema = v.strictObject({
  at: seconds,
  client: address,
  clientPort: v.pipe(port, v.minValue(1, 'a client port is 1…65535')),
  proto: v.picklist(['tcp', 'udp'], 'expected "tcp" or "udp"'),
  vip: address,
  vport: port,
  /** TCP: seconds until the client closes; UDP: ignored (kept for the recorder). */
  hold: seconds,
  /** How the client closes a TCP connection: FIN (default) or RST. */
  close: v.optional(v.picklist(['fin', 'rst'], 'expected "fin" or "rst"')),
  /** UDP: datagrams sent from one socket (default 1)… */
  packets: v.optional(
    v.pipe(
      v.number('expected a number of datagrams'),
      v.integer('expected a whole number'),
      v.minValue(1, 'at least 1 datagram'),
      v.maxValue(100_000, 'at most 100,000 datagrams per connection'),
    ),
  ),
  /** …`interval` seconds apart. */
  interval: v.optional(seconds),
  /**
   * UDP: every datagram's payload, as text (sent as UTF-8). What `--pe sip` reads a Call-ID from
   * (ip_vs_pe_sip.c): e.g. "OPTIONS sip:vip SIP/2.0\r\nCall-ID: a84b4c76e66710\r\n\r\n".
   * Without it a datagram carries 10 bytes no engine reads.
   */
  payload: v.optional(
    v.pipe(
      v.string('expected the datagram payload as a string'),
      v.check((s) => utf8Length(s) <= 65507, 'a UDP payload is at most 65,507 bytes'),
    ),
  ),
})
export type ConnectionSpec = v.InferOutput<typeof ConnectionSpecSchema>

const ipv4 = v.pipe(
  v.string('expected an IPv4 address as a string'),
  v.check((s) => parseDottedQuad(s) !== null, 'expected a dotted-quad IPv4 address like 192.168.8.1'),
)
const sysctlValue = (max: number) =>
  v.pipe(
    v.number('expected a number'),
    v.integer('expected a whole number'),
    v.minValue(0, `must be 0…${max}`),
    v.maxValue(max, `must be 0…${max}`),
  )

/**
 * The hosts around the director (src/engine/wire/topology.ts): every field optional, the
 * defaults a correctly built lab. A `router` puts one in front of the director, whose ARP entry
 * for the VIP then decides where clients' packets go (wire/arp.ts).
 */
export const TopologySchema = v.strictObject({
  director: v.optional(
    v.strictObject({
      clientSide: v.optional(ipv4),
      dip: v.optional(ipv4),
      ip_forward: v.optional(sysctlValue(1)),
    }),
  ),
  realServers: v.optional(
    v.record(
      ipv4,
      v.strictObject({
        vip: v.optional(v.picklist(['lo', 'tunl0', 'none'], 'expected "lo", "tunl0" or "none"')),
        arp_ignore: v.optional(sysctlValue(8)),
        arp_announce: v.optional(sysctlValue(2)),
        rp_filter: v.optional(sysctlValue(2)),
        gateway: v.optional(v.nullable(ipv4)),
      }),
    ),
  ),
  router: v.optional(
    v.strictObject({
      addr: v.optional(ipv4),
      base_reachable_time_ms: v.optional(
        v.pipe(v.number('expected a number'), v.integer('expected a whole number'), v.minValue(1, 'must be ≥ 1')),
      ),
      locktime_ms: v.optional(
        v.pipe(v.number('expected a number'), v.integer('expected a whole number'), v.minValue(0, 'must be ≥ 0')),
      ),
    }),
  ),
})

/** A director's files, path → text (/etc/keepalived/keepalived.conf, a manifest under /root). */
const DirectorFiles = v.record(
  v.pipe(v.string(), v.regex(/^\/(etc|root)\/[^\0]+$/, 'a file of the director lives under /etc/ or /root/')),
  v.pipe(v.string('expected the file as text'), v.maxLength(1_000_000, 'at most 1,000,000 characters')),
)

const SysctlSettings = v.record(v.string(), v.pipe(v.number('expected a number'), v.integer('expected a whole number')))

/**
 * A second director on the same LAN (docs/two-directors.md): its own sysctls, files and commands
 * (its keepalived, its sync daemon), its command lines during the run, what is read from it at the end.
 */
export const BackupDirectorSchema = v.strictObject({
  sysctl: v.optional(SysctlSettings),
  files: v.optional(DirectorFiles),
  commands: v.optional(
    v.pipe(v.array(commandLine, 'expected a list of command lines'), v.maxLength(100_000, 'at most 100,000 commands')),
    [],
  ),
  midCommands: v.optional(
    v.array(v.strictObject({ at: seconds, cmd: commandLine }), 'expected a list of {at, cmd}'),
    [],
  ),
  finalCmds: v.optional(v.array(commandLine, 'expected a list of command lines')),
})

export const ScenarioSchema = v.strictObject({
  name: v.optional(v.pipe(v.string('expected a string'), v.maxLength(200, 'at most 200 characters'))),
  description: v.optional(v.pipe(v.string('expected a string'), v.maxLength(10_000, 'at most 10,000 characters'))),
  /** The description in other languages, by locale: {"zh-CN": "…"}; `description` is the fallback. */
  descriptions: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a locale such as zh-CN')),
      v.pipe(v.string('expected a string'), v.maxLength(10_000, 'at most 10,000 characters')),
    ),
  ),
  seed: v.optional(v.pipe(v.number('expected a number'), v.integer('expected a whole number'))),
  /** Sysctls set before the commands: {"net.ipv4.vs.expire_quiescent_template": 1}. */
  sysctl: v.optional(SysctlSettings),
  commands: v.optional(
    v.pipe(v.array(commandLine, 'expected a list of command lines'), v.maxLength(100_000, 'at most 100,000 commands')),
    [],
  ),
  connections: v.optional(
    v.pipe(
      v.array(ConnectionSpecSchema, 'expected a list of connections'),
      v.maxLength(1_000_000, 'at most 1,000,000 connections'),
    ),
    [],
  ),
  midCommands: v.optional(
    v.array(v.strictObject({ at: seconds, cmd: commandLine }), 'expected a list of {at, cmd}'),
    [],
  ),
  snapshots: v.optional(
    v.array(
      v.strictObject({ at: seconds, cmds: v.array(commandLine, 'expected a list of command lines') }),
      'expected a list of {at, cmds}',
    ),
    [],
  ),
  until: seconds,
  /** Synthetic users (see README "Traffic"); their connections add to `connections`. */
  traffic: v.optional(TrafficSchema),
  /** Commands read at the end (default: ipvsadm -Ln and -Lnc). */
  finalCmds: v.optional(v.array(commandLine, 'expected a list of command lines')),
  /** The hosts around the director and their setup (docs/scenario-format.md "topology"). */
  topology: v.optional(TopologySchema),
  /** The director's files, path → text (/etc/keepalived/keepalived.conf, a manifest for kubectl under /root; docs/keepalived.md, docs/kubernetes.md). */
  files: v.optional(DirectorFiles),
  /** A second director (docs/two-directors.md): with it the clients' packets go to whichever holds the VIP. */
  backup: v.optional(BackupDirectorSchema),
  /** What real servers (and directors) do wrong, and when (docs/keepalived.md "faults", docs/two-directors.md). */
  faults: v.optional(
    v.array(
      v.strictObject({
        at: seconds,
        /** A real server's address, or a director by name: "director", "backup" (it loses power: `crash` only). */
        host: v.union(
          [ipv4, v.picklist(['director', 'backup'])],
          'expected a real server\'s IPv4 address, "director" or "backup"',
        ),
        kind: v.picklist(['crash', 'hang', 'slow', 'http-status'], 'expected "crash", "hang", "slow" or "http-status"'),
        until: v.optional(seconds),
        status: v.optional(
          v.pipe(
            v.number('expected an HTTP status'),
            v.integer('expected a whole number'),
            v.minValue(100, 'HTTP statuses are 100…599'),
            v.maxValue(599, 'HTTP statuses are 100…599'),
          ),
        ),
        delay: v.optional(seconds),
      }),
      'expected a list of {at, host, kind, until?, status?, delay?}',
    ),
  ),
  // Fields the real-kernel recorder used; accepted and kept, they change nothing in the model:
  realServers: v.optional(v.array(address, 'expected a list of addresses')),
  listenPorts: v.optional(v.array(port, 'expected a list of ports')),
  modules: v.optional(v.array(v.string('expected a module name'))),
  lncPerConnection: v.optional(v.boolean('expected true or false')),
})
export type Scenario = v.InferOutput<typeof ScenarioSchema>

/** `connections[3].hold` rather than valibot's `connections.3.hold`. */
function pathText(issue: v.BaseIssue<unknown>): string {
  const parts = issue.path?.map((p) => p.key) ?? []
  let out = ''
  for (const k of parts) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k)
  return out || '(top level)'
}

function issueText(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'unknown field'
  if (issue.kind === 'schema' && issue.message.startsWith('Invalid type'))
    return `expected ${issue.expected}, got ${issue.received}`
  return issue.message
}

export type ScenarioCheck = { ok: true; scenario: Scenario } | { ok: false; error: string }

/** Validate a parsed JSON value as a scenario: the first problem, with the path of the bad field. */
export function validateScenario(input: unknown): ScenarioCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, error: 'a scenario is a JSON object' }
  const r = v.safeParse(ScenarioSchema, input)
  if (!r.success) {
    const issue = r.issues[0]
    return { ok: false, error: `${pathText(issue)}: ${issueText(issue)}` }
  }
  const s = r.output
  const order = (label: string, list: readonly { at: number }[]): string | null => {
    for (let i = 1; i < list.length; i++)
      if (list[i].at < list[i - 1].at)
        return `${label}[${i}].at: times out of order (${list[i].at} comes after ${list[i - 1].at})`
    return null
  }
  const err =
    order('connections', s.connections) ?? order('midCommands', s.midCommands) ?? order('snapshots', s.snapshots)
  if (err) return { ok: false, error: err }
  const badUntil = (s.faults ?? []).findIndex((f) => f.until !== undefined && f.until <= f.at)
  if (badUntil >= 0) return { ok: false, error: `faults[${badUntil}].until: must come after at` }
  const directorFault = (s.faults ?? []).findIndex(
    (f) => (f.host === 'director' || f.host === 'backup') && (f.kind !== 'crash' || f.until !== undefined),
  )
  if (directorFault >= 0)
    return {
      ok: false,
      error: `faults[${directorFault}]: a director can only crash (lose power) for good: "kind": "crash", no "until"`,
    }
  const noBackup = (s.faults ?? []).findIndex((f) => f.host === 'backup' && !s.backup)
  if (noBackup >= 0) return { ok: false, error: `faults[${noBackup}].host: "backup" needs a "backup" director` }
  const backupMid = s.backup ? order('backup.midCommands', s.backup.midCommands) : null
  if (backupMid) return { ok: false, error: backupMid }
  const lateBackupMid = s.backup?.midCommands.findIndex((e) => e.at > s.until) ?? -1
  if (s.backup && lateBackupMid >= 0)
    return {
      ok: false,
      error: `backup.midCommands[${lateBackupMid}].at: ${s.backup.midCommands[lateBackupMid].at} is after until (${s.until})`,
    }
  const tcpPayload = s.connections.findIndex((c) => c.proto === 'tcp' && c.payload !== undefined)
  if (tcpPayload >= 0)
    return { ok: false, error: `connections[${tcpPayload}].payload: a payload is for UDP datagrams ("proto": "udp")` }
  for (const [label, list] of [
    ['connections', s.connections],
    ['midCommands', s.midCommands],
    ['snapshots', s.snapshots],
  ] as const) {
    const i = list.findIndex((e) => e.at > s.until)
    if (i >= 0) return { ok: false, error: `${label}[${i}].at: ${list[i].at} is after until (${s.until})` }
  }
  if (s.traffic) {
    const online = estimateUsersOnline(s.traffic, s.until)
    if (online > MAX_USERS_ONLINE) {
      const rate = peakArrivalRate(s.traffic, s.until)
      const rateText = Number.isFinite(rate) ? `${fmt(rate)} arrive a second` : 'all arrive at once'
      return {
        ok: false,
        error:
          `traffic: about ${fmt(online)} users would be online at once (${rateText}, each for about ` +
          `${fmt(meanVisitSeconds(s.traffic))} s); the lab simulates at most ${fmt(MAX_USERS_ONLINE)} at once: ` +
          'spread the arrivals over a longer duration, or make the visits shorter',
      }
    }
  }
  return { ok: true, scenario: s }
}

/** Parse scenario text (JSON) and validate it. */
export function parseScenario(text: string): ScenarioCheck {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` }
  }
  return validateScenario(json)
}
