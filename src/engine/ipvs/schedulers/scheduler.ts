import type { IPv4, Port } from '../../net/ipv4'
import type { SimMs } from '../../sim/time'
import type { Destination } from '../destination'
import type { Service } from '../service'
import type { Sysctls } from '../sysctl'

/** What a scheduler may read of the packet that asks for a new connection (the skb and ip_vs_iphdr). */
export interface SchedulePacket {
  protocol: number
  saddr: IPv4
  sport: Port
  daddr: IPv4
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
  /** init_service */
  init(svc: Service): State
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
