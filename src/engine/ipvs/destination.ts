import type { Port } from '../net/ipv4'
import type { Addr } from '../net/ipv6'
import type { Service } from './service'
import { IpvsStats } from './stats'
import type { DestinationSpec } from './types'

export type { DestinationSpec } from './types'

/** How a destination forwards (IP_VS_CONN_F_FWD_MASK values; ipvsadm's -m, -i, -g). */
export const ForwardMethod = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3 } as const
export type ForwardMethod = (typeof ForwardMethod)[keyof typeof ForwardMethod]

export const FORWARD_NAMES: Record<ForwardMethod, string> = {
  [ForwardMethod.MASQ]: 'Masq',
  [ForwardMethod.LOCALNODE]: 'Local',
  [ForwardMethod.TUNNEL]: 'Tunnel',
  [ForwardMethod.DROUTE]: 'Route',
}

export const TunnelType = { IPIP: 0, GUE: 1, GRE: 2 } as const
export type TunnelType = (typeof TunnelType)[keyof typeof TunnelType]

let nextDestinationId = 1

/**
 * A real server of one service (struct ip_vs_dest). Counters are kept exactly as the kernel keeps
 * them: a connection is counted when bound and uncounted when freed (ip_vs_bind_dest(),
 * ip_vs_unbind_dest()); templates count in PersistConn only.
 */
export class Destination {
  readonly id = nextDestinationId++
  /** Its family (dest->af) is the address's: a tunnelled destination may differ from its service's. */
  addr: Addr
  port: Port
  forward: ForwardMethod
  weight: number
  /** The last non-zero weight (used by mh, which must not reshuffle on quiescing). */
  lastWeight: number
  uThreshold: number
  lThreshold: number
  tunType: TunnelType
  tunPort: number
  tunFlags: number

  /** IP_VS_DEST_F_AVAILABLE: linked into its service. Cleared when deleted (then it sits in the trash). */
  available = false
  /** IP_VS_DEST_F_OVERLOAD */
  overloaded = false

  activeConns = 0
  inactConns = 0
  persistConns = 0
  /** Entries (connections and templates) bound to this destination: they keep it in the trash. */
  refs = 0
  readonly stats = new IpvsStats()

  /** The service it belongs to, and that service's identity (kept for trash revival, ip_vs_trash_get_dest()). */
  svc: Service | null = null
  readonly vfwmark: number
  readonly protocol: number
  readonly vaddr: Addr
  readonly vport: Port

  /** Trash bookkeeping (ip_vs_dest_trash_expire()): 0 = not yet seen idle. */
  idleStartMs = 0

  constructor(spec: DestinationSpec, svc: Service) {
    this.addr = spec.addr
    this.port = spec.port
    this.forward = spec.forward
    this.weight = spec.weight
    this.lastWeight = spec.weight
    this.uThreshold = spec.uThreshold
    this.lThreshold = spec.lThreshold
    this.tunType = spec.tunType
    this.tunPort = spec.tunPort
    this.tunFlags = spec.tunFlags
    this.vfwmark = svc.fwmark
    this.protocol = svc.protocol
    this.vaddr = svc.vaddr
    this.vport = svc.vport
  }

  /** ip_vs_dest_totalconns(): what the thresholds compare against (templates excluded). */
  get totalConns(): number {
    return this.activeConns + this.inactConns
  }

  /**
   * ip_vs_dest_conn_overhead() in 6.1.192 (include/net/ip_vs.h): `(activeconns << 8) + totalconns`,
   * so an active connection counts 257 times (its 256 plus itself in totalconns), an inactive one
   * once; not mainline v6.1's `activeconns * 256 + inactconns`. The int arithmetic wraps as C's does.
   */
  get connOverhead(): number {
    return ((this.activeConns << 8) + this.totalConns) | 0
  }

  /** What schedulers skip: weight 0 (quiescent) or the overload flag. */
  get usable(): boolean {
    return this.weight > 0 && !this.overloaded
  }

  /**
   * l_threshold_val (6.1.192): the lower threshold in use — `-y`, or when it is 0, 3/4 of `-x`
   * rounded up (`u - (u >> 2)`). Set by __ip_vs_update_dest() together with the thresholds.
   */
  get lThresholdVal(): number {
    return this.lThreshold || this.uThreshold - (this.uThreshold >>> 2)
  }

  /**
   * __ip_vs_dest_update_overload() (6.1.192, ip_vs_ctl.c): no `-x` clears the flag; at or above
   * `u` (mode ≥ 0) — or above the lower threshold after a bind reached `u` (mode 1) — it is set;
   * at or above the lower threshold it stays as it is (mode ≥ 0); below it, it clears.
   */
  updateOverload(mode: -1 | 0 | 1): void {
    const u = this.uThreshold
    if (u === 0) {
      this.overloaded = false
      return
    }
    const l = this.lThresholdVal
    const conns = this.totalConns
    if (conns >= (mode > 0 ? l : u)) {
      this.overloaded = true
      return
    }
    if (conns >= (mode < 0 ? u : l)) return
    this.overloaded = false
  }

  /** After an entry was bound (ip_vs_bind_dest(), 6.1.192): only the bind that reaches `-x` exactly. */
  checkUpperThreshold(): void {
    if (this.totalConns === this.uThreshold) this.updateOverload(1)
  }

  /**
   * After an entry was unbound (ip_vs_unbind_dest(), 6.1.192): only the unbind that takes
   * totalconns from the lower threshold in use one below it.
   */
  checkLowerThreshold(): void {
    if (this.totalConns + 1 === this.lThresholdVal) this.updateOverload(-1)
  }
}
