import type { PoptOption } from '../popt'

/** The commands, with the names ipvsadm's messages use (cmdnames[]). */
export const Cmd = {
  ADD: 'add-service',
  EDIT: 'edit-service',
  DEL: 'delete-service',
  FLUSH: 'flush',
  LIST: 'list',
  ADDDEST: 'add-server',
  DELDEST: 'delete-server',
  EDITDEST: 'edit-server',
  TIMEOUT: 'set',
  STARTDAEMON: 'start-daemon',
  STOPDAEMON: 'stop-daemon',
  RESTORE: 'restore',
  SAVE: 'save',
  ZERO: 'zero',
} as const
export type Cmd = (typeof Cmd)[keyof typeof Cmd]

/** The option bits in ipvsadm's index order (OPTC_*), by their names in messages (optnames[]). */
export const OPT_NAMES = [
  'numeric',
  'connection',
  'service-address',
  'scheduler',
  'persistent',
  'netmask',
  'real-server',
  'forwarding-method',
  'weight',
  'u-threshold',
  'l-threshold',
  'mcast-interface',
  'timeout',
  'daemon',
  'stats',
  'rate',
  'thresholds',
  'persistent-conn',
  'nosort',
  'syncid',
  'exact',
  'ops',
  'pe',
  'sched-flags',
  'mcast-group',
  'mcast-port',
  'mcast-ttl',
  'sync-maxlen',
  'tun-info',
  'tun-type',
  'tun-port',
  'tun-nocsum',
  'tun-csum',
  'tun-remcsum',
] as const
export type OptName = (typeof OPT_NAMES)[number]
export const optIndex = (name: OptName): number => OPT_NAMES.indexOf(name)

/** Legality of each option per command (commands_v_options[]): '+' required, 'x' illegal, '1' one of a group, ' ' optional. */
function row(spec: Partial<Record<OptName, '+' | ' ' | '1'>>): string {
  return OPT_NAMES.map((n) => spec[n] ?? 'x').join('')
}
const SERVICE_OPTIONS = {
  'service-address': '+',
  scheduler: ' ',
  persistent: ' ',
  netmask: ' ',
  ops: ' ',
  pe: ' ',
  'sched-flags': ' ',
} as const
const SERVER_OPTIONS = {
  'service-address': '+',
  'real-server': '+',
  'forwarding-method': ' ',
  weight: ' ',
  'u-threshold': ' ',
  'l-threshold': ' ',
  'tun-type': ' ',
  'tun-port': ' ',
  'tun-nocsum': ' ',
  'tun-csum': ' ',
  'tun-remcsum': ' ',
} as const
export const LEGALITY: Record<Cmd, string> = {
  [Cmd.ADD]: row(SERVICE_OPTIONS),
  [Cmd.EDIT]: row(SERVICE_OPTIONS),
  [Cmd.DEL]: row({ 'service-address': '+' }),
  [Cmd.FLUSH]: row({}),
  [Cmd.LIST]: row({
    numeric: ' ',
    connection: '1',
    'service-address': '1',
    timeout: '1',
    daemon: '1',
    stats: ' ',
    rate: ' ',
    thresholds: ' ',
    'persistent-conn': ' ',
    nosort: ' ',
    syncid: ' ',
    exact: ' ',
    'tun-info': ' ',
  }),
  [Cmd.ADDDEST]: row(SERVER_OPTIONS),
  [Cmd.EDITDEST]: row(SERVER_OPTIONS),
  [Cmd.DELDEST]: row({ 'service-address': '+', 'real-server': '+' }),
  [Cmd.TIMEOUT]: row({}),
  [Cmd.STARTDAEMON]: row({
    'mcast-interface': ' ',
    syncid: ' ',
    'mcast-group': ' ',
    'mcast-port': ' ',
    'mcast-ttl': ' ',
    'sync-maxlen': ' ',
  }),
  [Cmd.STOPDAEMON]: row({ syncid: ' ' }),
  [Cmd.RESTORE]: row({}),
  [Cmd.SAVE]: row({ numeric: ' ' }),
  [Cmd.ZERO]: row({ 'service-address': ' ' }),
}

/** tunnel_types_v_options[]: columns tun-port, tun-nocsum, tun-csum, tun-remcsum per tunnel type. */
export const TUNNEL_OPTION_NAMES = ['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'] as const
export const TUNNEL_LEGALITY: Record<'ipip' | 'gue' | 'gre', string> = {
  ipip: 'xxxx',
  gue: '+111',
  gre: 'x11x',
}

/** What popt hands back for each option (its `val`). */
export type OptVal =
  | 'A'
  | 'E'
  | 'D'
  | 'C'
  | 'L'
  | 'l'
  | 'Z'
  | 'a'
  | 'e'
  | 'd'
  | 'set'
  | 'h'
  | 'v'
  | 'R'
  | 'S'
  | 'start-daemon'
  | 'stop-daemon'
  | 't'
  | 'u'
  | 'sctp'
  | 'f'
  | 's'
  | 'p'
  | 'M'
  | 'r'
  | 'm'
  | 'i'
  | 'g'
  | 'w'
  | 'x'
  | 'y'
  | 'n'
  | 'c'
  | 'mcast-interface'
  | 'I'
  | 'timeout'
  | 'daemon'
  | 'stats'
  | 'rate'
  | 'thresholds'
  | 'persistent-conn'
  | 'nosort'
  | 'sort'
  | 'X'
  | '6'
  | 'o'
  | 'pe'
  | 'b'
  | 'mcast-group'
  | 'mcast-port'
  | 'mcast-ttl'
  | 'sync-maxlen'
  | 'tun-info'
  | 'tun-type'
  | 'tun-port'
  | 'tun-nocsum'
  | 'tun-csum'
  | 'tun-remcsum'

const o = (long: string | null, short: string | null, arg: PoptOption['arg'], val: OptVal): PoptOption<OptVal> => ({
  long,
  short,
  arg,
  val,
})

/** ipvsadm 1.31's popt option table. */
export const POPT_TABLE: readonly PoptOption<OptVal>[] = [
  o('add-service', 'A', 'none', 'A'),
  o('edit-service', 'E', 'none', 'E'),
  o('delete-service', 'D', 'none', 'D'),
  o('clear', 'C', 'none', 'C'),
  o('list', 'L', 'none', 'L'),
  o(null, 'l', 'none', 'l'),
  o('zero', 'Z', 'none', 'Z'),
  o('add-server', 'a', 'none', 'a'),
  o('edit-server', 'e', 'none', 'e'),
  o('delete-server', 'd', 'none', 'd'),
  o('set', null, 'none', 'set'),
  o('help', 'h', 'none', 'h'),
  o('version', 'v', 'none', 'v'),
  o('restore', 'R', 'none', 'R'),
  o('save', 'S', 'none', 'S'),
  o('start-daemon', null, 'required', 'start-daemon'),
  o('stop-daemon', null, 'required', 'stop-daemon'),
  o('tcp-service', 't', 'required', 't'),
  o('udp-service', 'u', 'required', 'u'),
  o('sctp-service', null, 'required', 'sctp'),
  o('fwmark-service', 'f', 'required', 'f'),
  o('scheduler', 's', 'required', 's'),
  o('persistent', 'p', 'optional', 'p'),
  o('netmask', 'M', 'required', 'M'),
  o('real-server', 'r', 'required', 'r'),
  o('masquerading', 'm', 'none', 'm'),
  o('ipip', 'i', 'none', 'i'),
  o('gatewaying', 'g', 'none', 'g'),
  o('weight', 'w', 'required', 'w'),
  o('u-threshold', 'x', 'required', 'x'),
  o('l-threshold', 'y', 'required', 'y'),
  o('numeric', 'n', 'none', 'n'),
  o('connection', 'c', 'none', 'c'),
  o('mcast-interface', null, 'required', 'mcast-interface'),
  o('syncid', null, 'required', 'I'),
  o('timeout', null, 'none', 'timeout'),
  o('daemon', null, 'none', 'daemon'),
  o('stats', null, 'none', 'stats'),
  o('rate', null, 'none', 'rate'),
  o('thresholds', null, 'none', 'thresholds'),
  o('persistent-conn', null, 'none', 'persistent-conn'),
  o('nosort', null, 'none', 'nosort'),
  o('sort', null, 'none', 'sort'),
  o('exact', 'X', 'none', 'X'),
  o('ipv6', '6', 'none', '6'),
  o('ops', 'o', 'none', 'o'),
  o('pe', null, 'required', 'pe'),
  o('sched-flags', 'b', 'required', 'b'),
  o('mcast-group', null, 'required', 'mcast-group'),
  o('mcast-port', null, 'required', 'mcast-port'),
  o('mcast-ttl', null, 'required', 'mcast-ttl'),
  o('sync-maxlen', null, 'required', 'sync-maxlen'),
  o('tun-info', null, 'none', 'tun-info'),
  o('tun-type', null, 'required', 'tun-type'),
  o('tun-port', null, 'required', 'tun-port'),
  o('tun-nocsum', null, 'none', 'tun-nocsum'),
  o('tun-csum', null, 'none', 'tun-csum'),
  o('tun-remcsum', null, 'none', 'tun-remcsum'),
]

/** Every option as it can be typed (`--long`, `-s`), from the option table: for completion and tests. */
export const IPVSADM_OPTION_WORDS: readonly string[] = POPT_TABLE.flatMap((opt) => [
  ...(opt.long ? [`--${opt.long}`] : []),
  ...(opt.short ? [`-${opt.short}`] : []),
])
