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
}

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
