/**
 * The per-netns IPVS sysctls under /proc/sys/net/ipv4/vs that change what the model does
 * (defaults from ip_vs_control_net_init_sysctl()). Others are accepted and stored for `sysctl`.
 */
export interface Sysctls {
  /** 1: a template whose destination has weight 0 is invalidated at its next use (ip_vs_check_template()). */
  expire_quiescent_template: number
  /** 1: connections to a deleted destination are expired instead of their packets dropped (ip_vs_in_hook()). */
  expire_nodest_conn: number
  /** Bit 1: a SYN reuses-by-rescheduling an uncontrolled TIME_WAIT/CLOSE entry; bit 2: also FIN_WAIT in DR/TUN. */
  conn_reuse_mode: number
  /** 1: any non-RST TCP packet may create a connection (tcp_conn_schedule()). */
  sloppy_tcp: number
  sloppy_sctp: number
  cache_bypass: number
  conntrack: number
  [name: string]: number
}

export const SYSCTL_DEFAULTS: Readonly<Sysctls> = Object.freeze({
  am_droprate: 10,
  amemthresh: 1024,
  backup_only: 0,
  cache_bypass: 0,
  conn_reuse_mode: 1,
  conntrack: 0,
  drop_entry: 0,
  drop_packet: 0,
  expire_nodest_conn: 0,
  expire_quiescent_template: 0,
  ignore_tunneled: 0,
  lblc_expiration: 86400,
  lblcr_expiration: 86400,
  nat_icmp_send: 0,
  pmtu_disc: 1,
  run_estimation: 1,
  schedule_icmp: 0,
  secure_tcp: 0,
  sloppy_sctp: 0,
  sloppy_tcp: 0,
  snat_reroute: 1,
  sync_persist_mode: 0,
  sync_ports: 1,
  sync_qlen_max: 0,
  sync_refresh_period: 0,
  sync_retries: 0,
  sync_sock_size: 0,
  sync_version: 1,
})

export const SYSCTL_PREFIX = 'net.ipv4.vs.'

export function defaultSysctls(): Sysctls {
  return { ...SYSCTL_DEFAULTS }
}

/** Accepts `net.ipv4.vs.NAME` or `NAME` (also with `/` separators); returns the bare name if it exists. */
export function sysctlName(key: string): string | null {
  const k = key.replace(/\//g, '.')
  const bare = k.startsWith(SYSCTL_PREFIX) ? k.slice(SYSCTL_PREFIX.length) : k
  return Object.hasOwn(SYSCTL_DEFAULTS, bare) ? bare : null
}
