import type { Port } from '../net/ipv4'
import type { Addr } from '../net/ipv6'
import type { SimMs } from '../sim/time'
import type { Connection } from './connection'
import type { Destination, ForwardMethod, TunnelType } from './destination'
import type { TcpFlags } from './proto/tcp'
import type { Protocol, Service } from './service'
import type { Sysctls } from './sysctl'
import type { TemplateKind } from './template'

/**
 * The structs and enums the IPVS modules share, as the kernel keeps them in include/net/ip_vs.h
 * and include/uapi/linux/ip_vs.h: types only (the classes in service.ts, destination.ts,
 * connection.ts and schedulers/ carry the state). The service and destination specs (struct
 * ip_vs_service_user_kern, ip_vs_dest_user_kern) and the scheduler's interface (struct
 * ip_vs_scheduler) are here too; their old modules re-export them.
 */

/** Kernel error numbers the control operations return; ipvsadm turns them into its messages. */
export type Errno = 'EEXIST' | 'ESRCH' | 'ENOENT' | 'ERANGE' | 'EINVAL' | 'EPROTONOSUPPORT'

/** How a command names a service: a firewall mark of a family (`-f 9` or `-f 9 -6`), or <protocol, VIP, port>. */
export type ServiceId = { fwmark: number; af: number } | { protocol: number; vaddr: Addr; vport: Port }

/** A packet arriving at the director. `fromServer`: a reply from a real server (seen only with NAT). */
export interface Packet {
  protocol: number
  saddr: Addr
  sport: Port
  daddr: Addr
  dport: Port
  tcp?: TcpFlags
  /** Bytes on the wire (IP total length), for the InBytes/OutBytes counters. */
  len: number
  /** skb->mark, as set by iptables -t mangle … -j MARK before IPVS sees the packet. */
  mark: number
  /** UDP: the datagram's payload as text (what the SIP persistence engine reads a Call-ID from). */
  payload?: string
}

/** Why a new connection went where it went: the decision the "Why?" panel explains. */
export interface ScheduleDecision {
  service: Service
  /** The template that decided, or null for a non-persistent service. */
  template: Connection | null
  templateKind: TemplateKind | null
  /** 'hit': a valid template existed; 'new': the scheduler chose and a template was created;
   *  'invalidated': the template found was invalid and re-hashed with port 65535 first. */
  templateOutcome: 'hit' | 'new' | 'invalidated' | null
  /** The invalidated template, when templateOutcome is 'invalidated'. */
  invalidatedTemplate: Connection | null
}

export type Verdict =
  /** Handled by IPVS and sent to a real server. */
  | { kind: 'forwarded'; conn: Connection; created: boolean; decision: ScheduleDecision | null }
  /**
   * Dropped silently: by IPVS (its connection's destination is gone and expire_nodest_conn=0, …)
   * or, before IPVS saw it, by an iptables rule or policy.
   */
  | {
      kind: 'dropped'
      conn: Connection | null
      reason: 'dest-unavailable' | 'netfilter' | 'pe-no-callid' | 'director-down'
    }
  /** Not for IPVS: delivered to the director's own stack (no service, not a SYN, …). */
  | { kind: 'local'; reason: 'no-service' | 'not-schedulable' | 'ipvs-disabled' | 'backup-only' | 'ftp-passthrough' }
  /** A service matched but no destination would take it: ICMP port unreachable (ip_vs_leave()). */
  | { kind: 'refused'; service: Service }

/** What the engine tells observers (timeline, metrics, "Why?"). */
export type DirectorEvent =
  | { type: 'connection-created'; conn: Connection; decision: ScheduleDecision }
  | { type: 'connection-state'; conn: Connection; from: number; to: number }
  /** The last moment `conn` describes this connection: its object may be reused for a later one. */
  | { type: 'connection-expired'; conn: Connection }
  | { type: 'template-created'; template: Connection }
  | { type: 'template-refreshed'; template: Connection }
  | { type: 'template-rearmed'; template: Connection }
  /** On a backup: a sync message updated a template it had (its timer reset to the timeout sent). */
  | { type: 'template-synced'; template: Connection }
  | { type: 'template-invalidated'; template: Connection }
  | { type: 'template-expired'; template: Connection }
  | { type: 'refused'; service: Service; packet: Packet }
  | { type: 'dropped'; conn: Connection; packet: Packet }

export interface SyncDaemon {
  mcastIfn: string
  syncid: number
  /** As start_sync_thread() settled them (its defaults and clamps applied). */
  syncMaxlen: number
  mcastGroup: { af: 'inet' | 'inet6'; text: string }
  mcastPort: number
  mcastTtl: number
}

/** The per-state timeout tables of one network namespace (pd->timeout_table), in ms. */
export interface TimeoutTables {
  tcp: number[]
  udp: number
}

// ---------------------------------------------------------------- services and destinations

/** What ipvsadm sends for -A/-E (struct ip_vs_service_user). */
export interface ServiceSpec {
  /** AF_INET or AF_INET6: a fwmark service's family (`-6`); a VIP's family otherwise. */
  af: number
  protocol: Protocol
  vaddr: Addr
  vport: Port
  fwmark: number
  schedName: string
  /** PERSISTENT | ONEPACKET | SCHED1..3 */
  flags: number
  timeoutSec: number
  /** IPv4: the u32 mask; IPv6: the prefix length 1…128 (the kernel keeps both in svc->netmask). */
  netmask: number
  peName: string
}

/** What ipvsadm sends for -a/-e (struct ip_vs_dest_user). */
export interface DestinationSpec {
  addr: Addr
  port: Port
  forward: ForwardMethod
  weight: number
  uThreshold: number
  lThreshold: number
  tunType: TunnelType
  tunPort: number
  tunFlags: number
}

// ---------------------------------------------------------------- schedulers

/** What a scheduler may read of the packet that asks for a new connection (the skb and ip_vs_iphdr). */
export interface SchedulePacket {
  protocol: number
  saddr: Addr
  sport: Port
  daddr: Addr
  dport: Port
}

/** What a scheduler may read of the director: the clock (jiffies) and the sysctls. */
export interface ScheduleContext {
  now: SimMs
  sysctl: Sysctls
}

/**
 * A kernel scheduler module (struct ip_vs_scheduler). Each lives in its own file named after the
 * kernel module; state is per service (svc->sched_data) and created by `init`.
 */
export interface Scheduler<State = unknown> {
  readonly name: string
  /** init_service; `now` is when (for a scheduler's own periodic timer). */
  init(svc: Service, now?: number): State
  /** add_dest / del_dest / upd_dest hooks; called after the destination list changed. */
  addDest?(svc: Service, state: State, dest: Destination): void
  /** `formerIndex`: where the destination was in the list before it was unlinked. */
  delDest?(svc: Service, state: State, dest: Destination, formerIndex: number): void
  updDest?(svc: Service, state: State, dest: Destination): void
  /** schedule(): the chosen destination, or null ("no destination available"). */
  schedule(svc: Service, state: State, pkt: SchedulePacket, ctx: ScheduleContext): Destination | null
}

/** A scheduler of any state type, as the registry and services hold them. */
export type AnyScheduler = Scheduler<unknown>
