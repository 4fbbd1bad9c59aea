/**
 * The per-netns IPVS sysctls under /proc/sys/net/ipv4/vs, as Debian 12's 6.1.192 kernel registers
 * them: `vs_vars[]` in ip_vs_ctl.c (with CONFIG_IP_VS_NFCT=y, so `conntrack`; without
 * CONFIG_IP_VS_DEBUG, so no `debug_level`), plus `lblc_expiration` / `lblcr_expiration` from the
 * lblc and lblcr modules' own tables. Defaults from ip_vs_control_net_init_sysctl(), the lblc*
 * modules' DEFAULT_EXPIRATION. Each key has its proc handler, so a written text is checked as
 * the kernel checks it: a refused value is not applied (write(2) fails with EINVAL).
 * Source read (linux-source-6.1, 6.1.192): net/netfilter/ipvs/ip_vs_ctl.c update_defense_level()
 * l. 94, proc_do_defense_mode() l. 1823, proc_do_sync_threshold() l. 1850, proc_do_sync_ports()
 * l. 1878, vs_vars[] l. 1907, ip_vs_control_net_init_sysctl() l. 4084; ip_vs_lblc.c
 * vs_vars_table[] l. 118; ip_vs_lblcr.c vs_vars_table[] l. 289; include/net/ip_vs.h
 * DEFAULT_SYNC_* l. 979–985; fs/proc/proc_sysctl.c namecmp() l. 109 (readdir order).
 *
 * What the model reads: `expire_quiescent_template`, `expire_nodest_conn`, `conn_reuse_mode`,
 * `sloppy_tcp`, `lblc_expiration`, `lblcr_expiration` (and the defence keys' own rewriting,
 * below). Every other key is stored, read back and range-checked, and changes nothing else
 * (inert): see CONTEXT.md.
 */

import {
  EINVAL,
  type IntConv,
  intConv,
  jiffiesConv,
  minmaxConv,
  type ProcWriteResult,
  procDoIntVecWrite,
  procDoUlongVecWrite,
  procVecRead,
} from '../lib/procSysctl'

export interface Sysctls {
  amemthresh: number
  am_droprate: number
  /** Defence strategies 0–3 (proc_do_defense_mode); 1 ↔ 2 follow the memory (update_defense_level()). */
  drop_entry: number
  drop_packet: number
  conntrack: number
  secure_tcp: number
  snat_reroute: number
  sync_version: number
  sync_ports: number
  sync_persist_mode: number
  /** An unsigned long (proc_doulongvec_minmax), hence a bigint. */
  sync_qlen_max: bigint
  sync_sock_size: number
  cache_bypass: number
  /** 1: connections to a deleted destination are expired instead of their packets dropped (ip_vs_in_hook()). */
  expire_nodest_conn: number
  /** 1: any non-RST TCP packet may create a connection (tcp_conn_schedule()). */
  sloppy_tcp: number
  sloppy_sctp: number
  /** 1: a template whose destination has weight 0 is invalidated at its next use (ip_vs_check_template()). */
  expire_quiescent_template: number
  /** Two ints: threshold and period (proc_do_sync_threshold); reads `3\t50`. */
  sync_threshold: [number, number]
  /** Seconds (proc_dointvec_jiffies: stored as jiffies, read back as seconds). */
  sync_refresh_period: number
  sync_retries: number
  nat_icmp_send: number
  pmtu_disc: number
  backup_only: number
  /** Bit 1: a SYN reuses-by-rescheduling an uncontrolled TIME_WAIT/CLOSE entry; bit 2: also FIN_WAIT in DR/TUN. */
  conn_reuse_mode: number
  schedule_icmp: number
  ignore_tunneled: number
  run_estimation: number
  /** Seconds (proc_dointvec_jiffies), ip_vs_lblc.c. */
  lblc_expiration: number
  /** Seconds (proc_dointvec_jiffies), ip_vs_lblcr.c. */
  lblcr_expiration: number
}

export type SysctlName = keyof Sysctls

/**
 * The director's memory, in 4 KiB pages, for the two things a sysctl derives from it: a 2 GiB
 * virtual machine. `sync_qlen_max` defaults to nr_free_buffer_pages() / 32 and the defence
 * strategies compare si_meminfo()'s free + buffer pages with `amemthresh`. Assumed, not measured
 * (the recordings never read either): a real director shows its own figures.
 */
export const DIRECTOR_MEMORY = Object.freeze({ freeBufferPages: 500_000, availablePages: 400_000 })

/** How each key's proc handler reads and checks. */
type Handler =
  | { kind: 'int'; conv: IntConv }
  | { kind: 'defense' }
  | { kind: 'sync_ports' }
  | { kind: 'sync_threshold' }
  | { kind: 'ulong' }

interface SysctlKey {
  name: SysctlName
  /** The kernel's handler, named for the docs and tests. */
  handler: string
  how: Handler
}

const int = (name: SysctlName): SysctlKey => ({ name, handler: 'proc_dointvec', how: { kind: 'int', conv: intConv } })
const minmax = (name: SysctlName, min: number, max: number): SysctlKey => ({
  name,
  handler: `proc_dointvec_minmax (${min}–${max})`,
  how: { kind: 'int', conv: minmaxConv(min, max) },
})
const jiffies = (name: SysctlName): SysctlKey => ({
  name,
  handler: 'proc_dointvec_jiffies',
  how: { kind: 'int', conv: jiffiesConv },
})
const defense = (name: SysctlName): SysctlKey => ({
  name,
  handler: 'proc_do_defense_mode (0–3)',
  how: { kind: 'defense' },
})

/** Registration order: vs_vars[] (ip_vs_ctl.c), then the lblc and lblcr modules' tables. */
export const SYSCTL_TABLE: readonly SysctlKey[] = [
  int('amemthresh'),
  int('am_droprate'),
  defense('drop_entry'),
  defense('drop_packet'),
  int('conntrack'),
  defense('secure_tcp'),
  int('snat_reroute'),
  minmax('sync_version', 0, 1),
  { name: 'sync_ports', handler: 'proc_do_sync_ports (a power of 2)', how: { kind: 'sync_ports' } },
  int('sync_persist_mode'),
  { name: 'sync_qlen_max', handler: 'proc_doulongvec_minmax', how: { kind: 'ulong' } },
  int('sync_sock_size'),
  int('cache_bypass'),
  int('expire_nodest_conn'),
  int('sloppy_tcp'),
  int('sloppy_sctp'),
  int('expire_quiescent_template'),
  { name: 'sync_threshold', handler: 'proc_do_sync_threshold', how: { kind: 'sync_threshold' } },
  jiffies('sync_refresh_period'),
  minmax('sync_retries', 0, 3),
  int('nat_icmp_send'),
  int('pmtu_disc'),
  int('backup_only'),
  int('conn_reuse_mode'),
  int('schedule_icmp'),
  int('ignore_tunneled'),
  int('run_estimation'),
  jiffies('lblc_expiration'),
  jiffies('lblcr_expiration'),
]

const BY_NAME = new Map<string, SysctlKey>(SYSCTL_TABLE.map((k) => [k.name, k]))

/**
 * The file names of /proc/sys/net/ipv4/vs as readdir() lists them: the sysctl directory is an
 * rbtree ordered by namecmp() (fs/proc/proc_sysctl.c), i.e. by bytes.
 */
export const SYSCTL_NAMES: readonly SysctlName[] = SYSCTL_TABLE.map((k) => k.name).sort((a, b) =>
  a < b ? -1 : a > b ? 1 : 0,
)

export const SYSCTL_PREFIX = 'net.ipv4.vs.'

/** Every key as `sysctl` names it (`net.ipv4.vs.NAME`), in `sysctl -a` order: for completion. */
export const SYSCTL_KEYS: readonly string[] = SYSCTL_NAMES.map((n) => SYSCTL_PREFIX + n)

/** ip_vs_control_net_init_sysctl() and the lblc* modules' DEFAULT_EXPIRATION (24 h). */
export function defaultSysctls(): Sysctls {
  return {
    amemthresh: 1024,
    am_droprate: 10,
    drop_entry: 0,
    drop_packet: 0,
    conntrack: 0,
    secure_tcp: 0,
    snat_reroute: 1,
    sync_version: 1,
    sync_ports: 1,
    sync_persist_mode: 0,
    sync_qlen_max: BigInt(Math.floor(DIRECTOR_MEMORY.freeBufferPages / 32)),
    sync_sock_size: 0,
    cache_bypass: 0,
    expire_nodest_conn: 0,
    sloppy_tcp: 0,
    sloppy_sctp: 0,
    expire_quiescent_template: 0,
    sync_threshold: [3, 50],
    sync_refresh_period: 0,
    sync_retries: 0,
    nat_icmp_send: 0,
    pmtu_disc: 1,
    backup_only: 0,
    conn_reuse_mode: 1,
    schedule_icmp: 0,
    ignore_tunneled: 0,
    run_estimation: 1,
    lblc_expiration: 24 * 60 * 60,
    lblcr_expiration: 24 * 60 * 60,
  }
}

/** Accepts `net.ipv4.vs.NAME` or `NAME` (also with `/` separators); returns the bare name if it exists. */
export function sysctlName(key: string): SysctlName | null {
  const k = key.replace(/\//g, '.')
  const bare = k.startsWith(SYSCTL_PREFIX) ? k.slice(SYSCTL_PREFIX.length) : k
  return BY_NAME.get(bare)?.name ?? null
}

/** The kernel handler's name for a key (docs, tests). */
export function sysctlHandler(name: SysctlName): string {
  return (BY_NAME.get(name) as SysctlKey).handler
}

/** What reading /proc/sys/net/ipv4/vs/NAME returns: the values, tab-separated, and a newline. */
export function readSysctl(s: Sysctls, name: SysctlName): string {
  const v = s[name]
  return procVecRead(Array.isArray(v) ? v : [v])
}

/**
 * Write `text` to /proc/sys/net/ipv4/vs/NAME as the key's proc handler does: 0, or EINVAL when it
 * refuses (the value is then not applied — except what the handler itself wrote before failing).
 */
export function writeSysctl(s: Sysctls, name: SysctlName, text: string): ProcWriteResult {
  const key = BY_NAME.get(name) as SysctlKey
  const how = key.how
  switch (how.kind) {
    case 'int': {
      const data = [s[name] as number]
      const rc = procDoIntVecWrite(data, text, how.conv)
      ;(s as unknown as Record<string, number>)[name] = data[0]
      return rc
    }
    case 'ulong': {
      const data = [s.sync_qlen_max]
      const rc = procDoUlongVecWrite(data, text)
      s.sync_qlen_max = data[0]
      return rc
    }
    case 'defense': {
      // proc_do_defense_mode(): parse into a copy; a changed value outside 0–3 is refused,
      // a changed value inside is stored and update_defense_level() runs at once.
      const cur = s[name] as number
      const val = [cur]
      let rc = procDoIntVecWrite(val, text)
      if (val[0] !== cur) {
        if (val[0] < 0 || val[0] > 3) rc = EINVAL
        else {
          ;(s as unknown as Record<string, number>)[name] = val[0]
          updateDefenseLevel(s)
        }
      }
      return rc
    }
    case 'sync_ports': {
      // proc_do_sync_ports(): a changed value must be ≥ 1 and a power of two.
      const cur = s.sync_ports
      const val = [cur]
      let rc = procDoIntVecWrite(val, text)
      if (val[0] !== cur) {
        if (val[0] < 1 || (val[0] & (val[0] - 1)) !== 0) rc = EINVAL
        else s.sync_ports = val[0]
      }
      return rc
    }
    case 'sync_threshold': {
      // proc_do_sync_threshold(): parse both into a copy; negative, or threshold ≥ a non-zero
      // period, is refused; otherwise the copy is stored — even when parsing failed part-way.
      const val: [number, number] = [...s.sync_threshold]
      let rc = procDoIntVecWrite(val, text)
      if (val[0] < 0 || val[1] < 0 || (val[0] >= val[1] && val[1] !== 0)) rc = EINVAL
      else s.sync_threshold = val
      return rc
    }
  }
}

/**
 * update_defense_level() (ip_vs_ctl.c), for the sysctl values it rewrites: strategy 1 becomes 2
 * when memory runs short (free + buffer pages below `amemthresh`), 2 becomes 1 when it does not.
 * The kernel also runs it every second (defense_work_handler(); the Director's defenseWork(),
 * ../ipvs/conn.ts). secure_tcp at 2 or 3 makes the Director use tcp_states_dos (director.ts
 * setState()); drop_entry and drop_packet stay inert (no random drops).
 */
export function updateDefenseLevel(s: Sysctls, availablePages: number = DIRECTOR_MEMORY.availablePages): void {
  const nomem = availablePages < s.amemthresh
  for (const k of ['drop_entry', 'drop_packet', 'secure_tcp'] as const) {
    if (s[k] === 1 && nomem) s[k] = 2
    else if (s[k] === 2 && !nomem) s[k] = 1
  }
}
