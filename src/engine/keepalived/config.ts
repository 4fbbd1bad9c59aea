/**
 * keepalived 2.2.7's configuration as its checker process holds it (check_data.h): the virtual
 * servers, their real servers and each real server's checkers. Times are milliseconds (keepalived
 * keeps microseconds, TIMER_HZ; the lab's clock is whole milliseconds).
 */

/** lb_kind / lvs_method: IP_VS_CONN_F_MASQ, _DROUTE, _TUNNEL. */
export type LbKind = 'NAT' | 'DR' | 'TUN'

export type CheckerKind = 'TCP_CHECK' | 'HTTP_GET'

export interface UrlConfig {
  path: string
  /** status_code: the accepted codes (default 200–299, http_get's `url_end` handler). */
  statusCodes: [number, number][]
}

export interface CheckerConfig {
  kind: CheckerKind
  /** Config line of the checker's keyword (for messages). */
  line: number
  /** connect_timeout, ms (null: the real server's, else the virtual server's, 5 s). */
  connectTimeout: number | null
  retry: number | null
  delayBeforeRetry: number | null
  delayLoop: number | null
  warmup: number | null
  connectPort: number | null
  urls: UrlConfig[]
  logAllFailures: boolean
}

export interface RealServerConfig {
  addr: number
  port: number
  weight: number
  inhibit: boolean
  kind: LbKind | null
  connectTimeout: number | null
  retry: number | null
  delayBeforeRetry: number | null
  delayLoop: number | null
  checkers: CheckerConfig[]
}

export interface VirtualServerConfig {
  line: number
  /** null for `virtual_server fwmark N`. */
  addr: number | null
  port: number
  fwmark: number
  /** lb_algo; '' until set (then wlc, IPVS_DEF_SCHED). */
  sched: string
  kind: LbKind | null
  /** IPPROTO_TCP 6 / UDP 17 / SCTP 132; 0 until set. */
  protocol: number
  /** persistence_timeout, seconds (0: not persistent). */
  persistenceTimeout: number
  /** persistence_granularity as a netmask (u32; 0xffffffff: none). */
  granularity: number
  delayLoop: number
  connectTimeout: number
  retry: number | null
  delayBeforeRetry: number | null
  inhibit: boolean
  quorum: number
  hysteresis: number
  sorryServer: { addr: number; port: number; inhibit: boolean; kind: LbKind | null } | null
  realServers: RealServerConfig[]
}

export interface KeepalivedConfig {
  routerId: string | null
  /** global_defs checker_log_all_failures. */
  logAllFailures: boolean
  virtualServers: VirtualServerConfig[]
  /** vrrp_instance blocks, completed as vrrp.c `vrrp_complete_instance()` leaves them. */
  vrrpInstances: VrrpInstanceConfig[]
  /** global_defs lvs_sync_daemon, resolved to its instance (null: none, or its instance was not found). */
  lvsSyncDaemon: LvsSyncDaemonConfig | null
}

/** A virtual_ipaddress line: `ADDR[/LEN] [dev IF] [label L]` (vrrp_ipaddress.c `alloc_ipaddress()`). */
export interface VipConfig {
  addr: number
  /** 32 unless given (`/LEN`). */
  prefixLen: number
  /** `dev IF`; null: the instance's interface. */
  dev: string | null
  label: string | null
}

/** MASTER or BACKUP, as `state` asks or the priority implies (255: MASTER). */
export type VrrpWantState = 'MASTER' | 'BACKUP'

/** One `vrrp_instance NAME { … }` (vrrp.h `vrrp_t`), after `vrrp_complete_instance()`. */
export interface VrrpInstanceConfig {
  name: string
  /** Config line of `vrrp_instance` (for messages). */
  line: number
  state: VrrpWantState
  /** `interface IF` (null only in a parse that reported it). */
  interface: string | null
  /** virtual_router_id 1–255. */
  vrid: number
  /** priority 1–255 (default 100; 255 when `state MASTER` and no priority). */
  priority: number
  /** advert_int in microseconds (TIMER_HZ; default 1 s; VRRPv2 rounds to whole seconds). */
  advertIntUs: number
  /** `version`, else global_defs vrrp_version, else 2. */
  version: 2 | 3
  nopreempt: boolean
  /** preempt_delay in microseconds (0: none). */
  preemptDelayUs: number
  vips: VipConfig[]
  /** authentication { auth_type PASS|AH; auth_pass … } — accepted (the lab's adverts carry no authentication). */
  auth: { type: 'PASS' | 'AH'; pass: string } | null
  /** garp_master_delay (µs, default 5 s) and garp_master_repeat (default 5): global_data.c's defaults. */
  garpDelayUs: number
  garpRepeat: number
}

/** global_defs `lvs_sync_daemon IF INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDR]` (global_data.h `lvs_syncd_config`). */
export interface LvsSyncDaemonConfig {
  ifname: string
  /** The VRRP instance whose state decides master or backup. */
  instance: string
  /** id; default: the instance's virtual_router_id. */
  syncid: number
  maxlen: number | null
  port: number | null
  ttl: number | null
  /** A multicast group (u32), or null. */
  group: number | null
}

/** TIMER_HZ: keepalived's timers count microseconds. */
export const TIMER_HZ = 1_000_000
/** VRRP_PRIO_DFL, VRRP_PRIO_OWNER (vrrp.h). */
export const VRRP_PRIO_DFL = 100
export const VRRP_PRIO_OWNER = 255
/** VRRP_DOWN_TIMER_ADVERTS (vrrp.h): adverts missed before the master is down. */
export const VRRP_DOWN_TIMER_ADVERTS = 3
/** VRRP_GARP_DELAY, VRRP_GARP_REP (vrrp.h): a second round of gratuitous ARPs 5 s after becoming master, 5 each. */
export const VRRP_GARP_DELAY_US = 5 * TIMER_HZ
export const VRRP_GARP_REP = 5

/** KEEPALIVED_DEFAULT_DELAY (check_data.h): 60 s. */
export const DEFAULT_DELAY_LOOP_MS = 60_000
/** alloc_vs(): connection_to = 5 * TIMER_HZ. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000
/** IPVS_SVC_PERSISTENT_TIMEOUT (libipvs.h): 6 minutes. */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360
/** IPVS_DEF_SCHED (ipvswrapper.h). */
export const DEFAULT_SCHEDULER = 'wlc'
/** BOOTSTRAP_DELAY (scheduler.h): TIMER_HZ, one second before a checker's first run. */
export const BOOTSTRAP_DELAY_MS = 1_000
