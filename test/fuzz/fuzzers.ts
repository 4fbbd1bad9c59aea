import fc from 'fast-check'
import {
  IPVSADM_OPTION_WORDS,
  runScenario,
  Simulator,
  SYSCTL_KEYS,
  scriptLines,
  validateScenario,
} from '../../src/engine/index'

/**
 * Fuzzing every parser a user (or a link, or a file) can reach: generated and mutated command
 * lines from the real grammars, random bytes and unicode, huge numbers, 100 kB lines. Each
 * target states what must hold; a failure is reported with its counterexample.
 */

const VIP = '192.168.100.100'
const huge = fc.constantFrom(
  '4294967296',
  '18446744073709551616',
  '99999999999999999999',
  '-1',
  '-0',
  '0x',
  '1e9',
  'NaN',
  '9'.repeat(400),
)
const junk = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  huge,
)

const IPVSADM_TOKENS = fc.constantFrom(
  ...IPVSADM_OPTION_WORDS,
  '-Lnc',
  '--',
  `${VIP}:80`,
  `${VIP}:0`,
  `${VIP}`,
  '192.168.8.101',
  '192.168.8.102:80',
  '80',
  'rr',
  'wlc',
  'sh',
  'mh',
  'twos',
  'sh-port,sh-fallback',
  '255.255.255.0',
  '300',
  '0',
  'master',
  'backup',
  'gue',
  'ipip',
)
const IPTABLES_TOKENS = fc.constantFrom(
  '-t',
  'mangle',
  'nat',
  'filter',
  'raw',
  '-A',
  '-I',
  '-D',
  '-R',
  '-C',
  '-L',
  '-S',
  '-F',
  '-Z',
  '-N',
  '-X',
  '-E',
  '-P',
  'PREROUTING',
  'INPUT',
  'FORWARD',
  'MYCHAIN',
  '-p',
  'tcp',
  'udp',
  'all',
  '-s',
  '-d',
  `${VIP}`,
  '10.0.0.0/8',
  '10.0.0.0/255.0.255.0',
  '-i',
  '-o',
  'eth0',
  'eth+',
  '!',
  '-m',
  'multiport',
  'mark',
  'tcp',
  '--dport',
  '--sport',
  '--dports',
  '80',
  '443',
  '80:90',
  '1,2,3',
  '--syn',
  '--tcp-flags',
  'SYN,ACK',
  'SYN',
  '-j',
  '-g',
  'MARK',
  'ACCEPT',
  'DROP',
  'RETURN',
  '--set-mark',
  '--set-xmark',
  '--or-mark',
  '--and-mark',
  '--xor-mark',
  '--mark',
  '0x50',
  '0x50/0xff',
  'comment',
  '--comment',
  'iprange',
  '--src-range',
  '--dst-range',
  '10.0.0.1-10.0.0.9',
  'state',
  '--state',
  'NEW,ESTABLISHED',
  'conntrack',
  '--ctstate',
  '--ctproto',
  '--ctorigdst',
  'mac',
  '--mac-source',
  '00:11:22:33:44:55',
  'LOG',
  '--log-prefix',
  '--log-level',
  'info',
  '--log-uid',
  '-n',
  '-v',
  '-x',
  '--line-numbers',
  '-c',
  '1',
  '2',
  '-w',
  '-h',
  '-V',
)
const quote = (w: string) => `'${w.replace(/'/g, '')}'`

/** sysctl's options, keys (also as paths, with values the handlers take or refuse) and patterns. */
const SYSCTL_TOKENS = fc.oneof(
  fc.constantFrom(
    ...'-a -A -X -N -n -b -e -q -w -p -f -r -o -x -d -h -V -- - --all --names --values --binary --ignore --quiet --write --load --load=- --system --dry-run --deprecated --pattern --help --version'.split(
      ' ',
    ),
    '/etc/sysctl.conf',
    'net',
    'net.ipv4.vs.',
    'net/ipv4//vs',
    '[[:alpha:]]+',
    '(a|.)',
    '=',
  ),
  fc.constantFrom(...SYSCTL_KEYS),
  fc
    .tuple(
      fc.constantFrom(...SYSCTL_KEYS),
      fc.constantFrom('', ' ', '-', '0x'),
      fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }),
    )
    .map(([k, pre, v]) => `${k}=${pre}${v}`),
)

export interface FuzzTarget {
  name: string
  /** Share of the total cases this target gets. */
  weight: number
  /** At most this many cases, whatever its share (its cases are slow). */
  maxRuns?: number
  /** Run `numRuns` cases (at most `maxRuns`); returns how many cases really ran. */
  run(numRuns: number, seed: number): number
}

/** Check a property on `numRuns` generated cases (pinned `seed`); returns how many cases it ran. */
function countedAssert<Ts extends [unknown, ...unknown[]]>(
  property: fc.IPropertyWithHooks<Ts>,
  params: { seed: number; numRuns: number },
): number {
  let cases = 0
  fc.assert(
    property.afterEach(() => {
      cases++
    }),
    params,
  )
  return cases
}

function failIf(cond: boolean, what: string): void {
  if (cond) throw new Error(what)
}

const commandLine = (tokens: fc.Arbitrary<string>, program: string) =>
  fc
    .array(fc.oneof({ weight: 5, arbitrary: tokens }, { weight: 1, arbitrary: junk }), { maxLength: 12 })
    .map((ws) => `${program} ${ws.map(quote).join(' ')}`)

/** A director with something in it, so commands meet real state. */
function director(): Simulator {
  const sim = new Simulator()
  for (const l of [
    `ipvsadm -A -t ${VIP}:80 -s rr -p 300`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.8.101 -g -w 2`,
    `ipvsadm -A -f 80 -s wlc -p`,
    `iptables -t mangle -A PREROUTING -d ${VIP} -p tcp --dport 443 -j MARK --set-mark 80`,
  ])
    sim.run(l)
  return sim
}

function checkResult(r: { stdout: string; stderr: string; exit: number }, sim: Simulator, line: string): void {
  failIf(typeof r.stdout !== 'string' || typeof r.stderr !== 'string', `no output strings for ${line}`)
  failIf(!Number.isInteger(r.exit) || r.exit < 0 || r.exit > 255, `exit ${r.exit} for ${line}`)
  // a failure says something (exit 1 may be silent: `false`, grep with no match)
  failIf(r.exit > 1 && r.stdout === '' && r.stderr === '', `silent failure for ${line}`)
  const broken = sim.director.checkInvariants()
  failIf(broken.length > 0, `invariants broken after ${line}: ${broken.join('; ')}`)
}

const VALID_SCENARIO = {
  name: 'fuzz',
  seed: 3,
  commands: [`ipvsadm -A -t ${VIP}:80 -s rr -p 60`, `ipvsadm -a -t ${VIP}:80 -r 192.168.8.101 -g -w 2`],
  connections: [{ at: 0, client: '10.0.0.1', clientPort: 40001, proto: 'tcp', vip: VIP, vport: 80, hold: 2 }],
  midCommands: [{ at: 5, cmd: 'ipvsadm -Lnc' }],
  snapshots: [{ at: 3, cmds: ['ipvsadm -Ln'] }],
  until: 30,
  // every traffic field present, so that mutations reach each of them (and the run that follows)
  traffic: {
    users: 5,
    duration: 20,
    arrivals: 'burst',
    burst: { at: 2, fraction: 0.5, within: 1.5 },
    clients: [{ subnet: '10.0.0.0/24', weight: 2 }, { subnet: '192.168.50.0/24' }],
    megaProxies: { fraction: 0.2, addresses: 2, subnet: '172.16.0.0/24' },
    proxyFarms: { fraction: 0.2, subnet: '172.20.0.0/16' },
    session: {
      pages: { mean: 3, max: 6 },
      thinkSeconds: { mean: 2, max: 5 },
      connectionsPerPage: { min: 1, max: 3 },
      requestSeconds: 0.3,
      keepAliveSeconds: 3,
      httpsSwitch: { probability: 0.5, afterPage: 2 },
      otherPorts: [{ probability: 0.5, proto: 'udp', port: 53, packets: 3, interval: 0.25, holdSeconds: 1 }],
      longLived: { probability: 0.3, holdSeconds: 10, port: 443 },
    },
    httpPort: 80,
    httpsPort: 443,
    sessionSharing: false,
  },
}

/** Replace one value somewhere in a JSON document. */
function mutate(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof doc !== 'object' || doc === null) return value
  const entries = Array.isArray(doc) ? doc.map((v, i) => [i, v] as const) : Object.entries(doc)
  if (entries.length === 0) return value
  const [k] = entries[path[0] % entries.length]
  const copy = (Array.isArray(doc) ? [...(doc as unknown[])] : { ...doc }) as Record<string | number, unknown>
  copy[k] = mutate((doc as Record<string | number, unknown>)[k], path.slice(1), value)
  return copy
}

/** Each 100 kB line takes milliseconds: this many of them are enough. */
const BIG_LINE_RUNS = 200

export const TARGETS: FuzzTarget[] = [
  {
    name: 'ipvsadm command lines',
    weight: 30,
    run(numRuns, seed) {
      const sim = director()
      return countedAssert(
        fc.property(commandLine(IPVSADM_TOKENS, 'ipvsadm'), (line) => checkResult(sim.run(line), sim, line)),
        { seed, numRuns },
      )
    },
  },
  {
    name: 'iptables command lines',
    weight: 30,
    run(numRuns, seed) {
      const sim = director()
      return countedAssert(
        fc.property(
          fc.constantFrom('iptables', 'iptables-legacy', 'iptables-save', 'ipvsadm-save'),
          commandLine(IPTABLES_TOKENS, ''),
          (prog, rest) => {
            const line = `${prog}${rest}`
            checkResult(sim.run(line), sim, line)
          },
        ),
        { seed, numRuns },
      )
    },
  },
  {
    name: 'sysctl command lines',
    weight: 5,
    run(numRuns, seed) {
      const sim = director()
      return countedAssert(
        fc.property(commandLine(SYSCTL_TOKENS, 'sysctl'), (line) => checkResult(sim.run(line), sim, line)),
        { seed, numRuns },
      )
    },
  },
  {
    name: 'shell lines (random bytes, unicode, quotes, pipes)',
    weight: 10,
    run(numRuns, seed) {
      const sim = director()
      const piece = fc.oneof(
        junk,
        fc.constantFrom(
          '|',
          ';',
          '&&',
          '||',
          '"',
          "'",
          '$?',
          '>',
          '/dev/null',
          'printf',
          'echo',
          'grep -v',
          'cat',
          'sysctl',
          '-w',
          'net.ipv4.vs.expire_nodest_conn=1',
          'ipvsadm -R',
        ),
      )
      return countedAssert(
        fc.property(fc.array(piece, { maxLength: 14 }), (ws) => {
          const line = ws.join(' ')
          checkResult(sim.run(line), sim, line)
        }),
        { seed, numRuns },
      )
    },
  },
  {
    name: 'scenario JSON (mutated and random)',
    weight: 20,
    run(numRuns, seed) {
      const value = fc.oneof(
        junk,
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.jsonValue({ maxDepth: 2 }),
        fc.constant(1e308),
        fc.constant(-1),
        // small fractions: sub-millisecond times and intervals, which the engine must round, never keep
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.constantFrom(0.0001, 0.0004, 1e-9),
      )
      return countedAssert(
        fc.property(fc.array(fc.nat(50), { maxLength: 6 }), value, fc.boolean(), (path, v, run) => {
          const doc = mutate(VALID_SCENARIO, path, v)
          const check = validateScenario(doc)
          if (!check.ok) {
            failIf(typeof check.error !== 'string' || check.error.length === 0, 'an invalid scenario without a message')
            return
          }
          // a valid one runs to its end without throwing (kept small: this is a fuzz, not a load test)
          if (run && check.scenario.until <= 600 && (check.scenario.traffic?.users ?? 0) <= 200)
            runScenario(check.scenario)
        }),
        { seed, numRuns },
      )
    },
  },
  {
    name: 'pasted ipvsadm -S / iptables-save',
    weight: 5,
    run(numRuns, seed) {
      const line = fc.oneof(
        commandLine(IPVSADM_TOKENS, '').map((l) => l.replace(/'/g, '').trim()),
        commandLine(IPTABLES_TOKENS, '').map((l) => l.replace(/'/g, '').trim()),
        fc.constantFrom(
          '*mangle',
          '*nat',
          '*bogus',
          'COMMIT',
          ':PREROUTING ACCEPT [0:0]',
          ':X - [0:0]',
          ':PREROUTING DROP [1:2]',
          '[9:9] -A PREROUTING -j ACCEPT',
          '# comment',
          '',
        ),
        junk,
      )
      return countedAssert(
        fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
          const sim = new Simulator()
          for (const l of scriptLines(lines.join('\n'))) checkResult(sim.run(l.text), sim, l.text)
        }),
        { seed, numRuns },
      )
    },
  },
  {
    name: '100 kB lines and huge numbers',
    weight: 1,
    maxRuns: BIG_LINE_RUNS,
    run(numRuns, seed) {
      const sim = director()
      const big = fc.tuple(
        fc.constantFrom('ipvsadm -A -t ', 'iptables -t mangle -A PREROUTING -s ', 'ipvsadm -p ', 'echo ', ''),
        fc.constantFrom('9', 'a', '1.', ' -x', '\u4e2d', "'"),
        fc.integer({ min: 10_000, max: 100_000 }),
      )
      return countedAssert(
        fc.property(big, ([head, unit, n]) => {
          const line = head + unit.repeat(Math.ceil(n / unit.length))
          checkResult(sim.run(line), sim, `${line.slice(0, 40)}… (${line.length} chars)`)
        }),
        { seed, numRuns: Math.min(numRuns, BIG_LINE_RUNS) },
      )
    },
  },
]

/** Share links decode in the page; under Node they use the same Web APIs (CompressionStream). */
export async function fuzzShareLinks(
  numRuns: number,
  seed: number,
  decode: (s: string) => Promise<unknown>,
): Promise<number> {
  let cases = 0
  await fc.assert(
    fc
      .asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.base64String({ maxLength: 400 }).map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')),
        ),
        async (payload) => {
          try {
            await decode(payload)
          } catch (e) {
            // refusing is right, but always with a sentence of our own
            failIf(!(e instanceof Error) || !e.message.startsWith('the link'), `unexpected failure: ${String(e)}`)
          }
        },
      )
      .afterEach(() => {
        cases++
      }),
    { seed, numRuns },
  )
  return cases
}
