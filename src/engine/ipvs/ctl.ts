import { inetAddrType } from '../net/fibLocal'
import type { Port } from '../net/ipv4'
import { type Addr, familyOf, type IPv6, ipv6Words } from '../net/ipv6'
import { DEST_TRASH_PERIOD_MS, IpvsConnections } from './conn'
import { Destination, type DestinationSpec } from './destination'
import { TcpState } from './proto/tcp'
import { findScheduler } from './schedulers'
import { FTPDATA, FTPPORT, fwmarkKey, Protocol, Service, type ServiceSpec, serviceKey } from './service'
import { ESTIMATOR_PERIOD_MS } from './stats'
import type { Errno, ServiceId } from './types'

/**
 * The control operations of one IPVS instance, as ip_vs_ctl.c does them: services
 * (ip_vs_add_service(), ip_vs_edit_service(), ip_vs_del_service(), flush, zero, timeouts),
 * destinations (ip_vs_add_dest(), ip_vs_edit_dest(), ip_vs_del_dest() and the trash:
 * ip_vs_trash_get_dest(), ip_vs_dest_trash_expire()), the service lookup of the packet path
 * (ip_vs_service_find()), and the rate estimator's tick (ip_vs_est.c estimation_timer()).
 */
export abstract class IpvsControl extends IpvsConnections {
  // ---------------------------------------------------------------- services (ip_vs_ctl.c)

  /** The service a command names (__ip_vs_service_find() / __ip_vs_svc_fwm_find()). */
  getService(id: ServiceId): Service | null {
    if ('fwmark' in id) return this.byFwmark.get(fwmarkKey(id.fwmark, id.af)) ?? null
    return this.byKey.get(serviceKey(id.protocol, id.vaddr, id.vport)) ?? null
  }

  // mirrors ip_vs_add_service()
  addService(spec: ServiceSpec): Errno | null {
    if (spec.protocol !== Protocol.TCP && spec.protocol !== Protocol.UDP && spec.protocol !== Protocol.SCTP)
      return 'EPROTONOSUPPORT'
    if (this.getService(serviceIdOf(spec))) return 'EEXIST'
    const sched = spec.schedName === 'none' ? null : findScheduler(spec.schedName)
    if (spec.schedName !== 'none' && !sched) return 'ENOENT'
    const svc = new Service(spec)
    svc.scheduler = sched
    svc.schedState = sched ? sched.init(svc, this.now) : null
    if (svc.isFwmark) this.byFwmark.set(fwmarkKey(svc.fwmark, svc.af), svc)
    else this.byKey.set(serviceKey(svc.protocol, svc.vaddr, svc.vport), svc)
    if (!svc.isFwmark) {
      if (svc.vport === FTPPORT) this.ftpsvcCounter++
      else if (svc.vport === 0) this.nullsvcCounter++
    }
    this.services.push(svc)
    this.enabled = true
    return null
  }

  // mirrors ip_vs_edit_service(): replaces scheduler (re-initialised only if the name changes),
  // flags, timeout and netmask with exactly what was sent. Existing templates are untouched.
  editService(spec: ServiceSpec): Errno | null {
    const svc = this.getService(serviceIdOf(spec))
    if (!svc) return 'ESRCH'
    const sched = spec.schedName === 'none' ? null : findScheduler(spec.schedName)
    if (spec.schedName !== 'none' && !sched) return 'ENOENT'
    if (sched !== svc.scheduler) {
      svc.scheduler = sched
      svc.schedState = sched ? sched.init(svc, this.now) : null
    }
    svc.flags = spec.flags
    svc.persistTimeoutMs = spec.timeoutSec * 1000
    svc.netmask = spec.netmask
    svc.peName = spec.peName
    return null
  }

  // mirrors ip_vs_del_service() / __ip_vs_del_service(): destinations go to the trash; connections stay.
  delService(id: ServiceId): Errno | null {
    const svc = this.getService(id)
    if (!svc) return 'ESRCH'
    this.unlinkService(svc)
    return null
  }

  protected unlinkService(svc: Service): void {
    for (const dest of [...svc.destinations]) {
      this.unlinkDest(svc, dest, false)
      this.delDestToTrash(dest)
    }
    if (svc.isFwmark) this.byFwmark.delete(fwmarkKey(svc.fwmark, svc.af))
    else {
      this.byKey.delete(serviceKey(svc.protocol, svc.vaddr, svc.vport))
      if (svc.vport === FTPPORT) this.ftpsvcCounter--
      else if (svc.vport === 0) this.nullsvcCounter--
    }
    this.services.splice(this.services.indexOf(svc), 1)
  }

  /** ip_vs_flush(): `ipvsadm -C`. */
  flush(): void {
    for (const svc of [...this.services]) this.unlinkService(svc)
  }

  /** ip_vs_zero_service() / ip_vs_zero_all(): byte, packet and connection statistics only. */
  zero(id: ServiceId | null): Errno | null {
    if (id) {
      const svc = this.getService(id)
      if (!svc) return 'ESRCH'
      svc.stats.zero()
      for (const d of svc.destinations) d.stats.zero()
      return null
    }
    for (const svc of this.services) {
      svc.stats.zero()
      for (const d of svc.destinations) d.stats.zero()
    }
    this.totStats.zero()
    return null
  }

  /** ip_vs_set_timeout(): `ipvsadm --set tcp tcpfin udp`; 0 leaves a value unchanged. */
  setTimeouts(tcpSec: number, tcpFinSec: number, udpSec: number): Errno | null {
    const max = Math.floor(0x7fffffff / 250)
    if ([tcpSec, tcpFinSec, udpSec].some((v) => v < 0 || v > max)) return 'EINVAL'
    if (tcpSec) this.timeouts.tcp[TcpState.ESTABLISHED] = tcpSec * 1000
    if (tcpFinSec) this.timeouts.tcp[TcpState.FIN_WAIT] = tcpFinSec * 1000
    if (udpSec) this.timeouts.udp = udpSec * 1000
    return null
  }

  // ---------------------------------------------------------------- destinations

  /**
   * ip_vs_genl_set_cmd() before NEW_DEST / SET_DEST: a destination of the other family than its
   * service only if it is tunnelled (conn_flags exactly IP_VS_CONN_F_TUNNEL), and never while a
   * sync daemon runs (the sync protocol cannot carry mixed families). ipvsadm refuses the first
   * case itself ("Different address family is allowed only for tunneling servers").
   */
  private mixedFamilyRefused(svc: Service, spec: DestinationSpec): boolean {
    if (familyOf(spec.addr) === svc.af) return false
    return spec.forward !== 2 || this.syncDaemons.master !== null || this.syncDaemons.backup !== null
  }

  /** ip_vs_lookup_dest() */
  findDest(svc: Service, addr: Addr, port: Port): Destination | null {
    return svc.findDest(addr, port)
  }

  // mirrors ip_vs_add_dest(): a destination found in the trash for the same service identity is revived.
  addDest(svc: Service, spec: DestinationSpec): Errno | null {
    if (this.mixedFamilyRefused(svc, spec)) return 'EINVAL'
    const err = this.checkDestSpec(spec)
    if (err) return err
    if (this.findDest(svc, spec.addr, spec.port)) return 'EEXIST'
    // a destination back from the trash may bring counters the estimator has not seen
    this.wakeEstimator()
    const identity = trashIdentity(spec.addr, spec.port, svc.fwmark, svc.protocol, svc.vaddr, svc.vport)
    let dest = this.trashByIdentity.get(identity)
    if (dest) {
      this.trash.delete(dest)
      this.trashByIdentity.delete(identity)
    } else {
      // ip_vs_new_dest(): IPv4 asks inet_addr_type(), which must say RTN_LOCAL or RTN_UNICAST;
      // IPv6 asks __ipv6_addr_type() (isUnicast below)
      if (typeof spec.addr === 'string') {
        if (!isUnicast(spec.addr)) return 'EINVAL'
      } else {
        const atype = inetAddrType(spec.addr)
        if (atype !== 'LOCAL' && atype !== 'UNICAST') return 'EINVAL'
      }
      dest = new Destination(spec, svc)
    }
    this.updateDest(svc, dest, spec, true)
    return null
  }

  // mirrors ip_vs_edit_dest()
  editDest(svc: Service, spec: DestinationSpec): Errno | null {
    if (this.mixedFamilyRefused(svc, spec)) return 'EINVAL'
    const err = this.checkDestSpec(spec)
    if (err) return err
    const dest = this.findDest(svc, spec.addr, spec.port)
    if (!dest) return 'ENOENT'
    this.updateDest(svc, dest, spec, false)
    return null
  }

  protected checkDestSpec(spec: DestinationSpec): Errno | null {
    if (spec.weight < 0) return 'ERANGE'
    if (spec.lThreshold > spec.uThreshold) return 'ERANGE'
    if (spec.tunType === 1 && spec.tunPort === 0) return 'EINVAL'
    return null
  }

  // mirrors __ip_vs_update_dest()
  protected updateDest(svc: Service, dest: Destination, spec: DestinationSpec, add: boolean): void {
    if (add || spec.weight !== 0) dest.lastWeight = spec.weight
    dest.weight = spec.weight
    dest.forward = spec.forward
    dest.tunType = spec.tunType
    dest.tunPort = spec.tunPort
    dest.tunFlags = spec.tunFlags
    if (dest.svc !== svc) {
      if (dest.svc !== null) dest.stats.zero()
      dest.svc = svc
    }
    dest.available = true
    // 6.1.192: a change of -x or -y recomputes the flag at once (__ip_vs_dest_update_overload(dest, 0))
    if (dest.uThreshold !== spec.uThreshold || dest.lThreshold !== spec.lThreshold) {
      dest.uThreshold = spec.uThreshold
      dest.lThreshold = spec.lThreshold
      dest.updateOverload(0)
    }
    const sched = svc.scheduler
    if (add) {
      svc.linkDest(dest)
      sched?.addDest?.(svc, svc.schedState, dest)
    } else sched?.updDest?.(svc, svc.schedState, dest)
  }

  // mirrors ip_vs_del_dest()
  delDest(svc: Service, addr: Addr, port: Port): Errno | null {
    const dest = this.findDest(svc, addr, port)
    if (!dest) return 'ENOENT'
    this.unlinkDest(svc, dest, true)
    this.delDestToTrash(dest)
    return null
  }

  // mirrors __ip_vs_unlink_dest()
  protected unlinkDest(svc: Service, dest: Destination, svcupd: boolean): void {
    dest.available = false
    const index = svc.unlinkDest(dest)
    if (svcupd) svc.scheduler?.delDest?.(svc, svc.schedState, dest, index)
  }

  // mirrors __ip_vs_del_dest(): into the trash; with expire_nodest_conn its entries are swept a tick later.
  protected delDestToTrash(dest: Destination): void {
    if (this.trash.size === 0 && !this.trashTimerArmed) {
      this.trashTimerArmed = true
      this.timers.push(this.now + DEST_TRASH_PERIOD_MS / 2, 'trash')
    }
    this.trash.add(dest)
    this.trashByIdentity.set(
      trashIdentity(dest.addr, dest.port, dest.vfwmark, dest.protocol, dest.vaddr, dest.vport),
      dest,
    )
    dest.idleStartMs = 0
    if (this.sysctl.expire_nodest_conn) this.timers.push(this.now, 'nodest-flush')
  }

  // mirrors ip_vs_dest_trash_expire()
  protected trashExpire(): void {
    this.trashTimerArmed = false
    for (const dest of [...this.trash]) {
      if (dest.refs > 0) continue
      if (dest.idleStartMs) {
        if (this.now < dest.idleStartMs + DEST_TRASH_PERIOD_MS) continue
      } else {
        dest.idleStartMs = Math.max(1, this.now)
        continue
      }
      this.trash.delete(dest)
      const identity = trashIdentity(dest.addr, dest.port, dest.vfwmark, dest.protocol, dest.vaddr, dest.vport)
      if (this.trashByIdentity.get(identity) === dest) this.trashByIdentity.delete(identity)
    }
    if (this.trash.size > 0) {
      this.trashTimerArmed = true
      this.timers.push(this.now + DEST_TRASH_PERIOD_MS / 2, 'trash')
    }
  }

  // mirrors ip_vs_expire_nodest_conn_flush(): entries of unavailable destinations that control
  // nothing are deleted, and so are their templates once these control nothing either.
  protected expireNodestConnFlush(): void {
    for (const c of [...this.table.all]) {
      if (!this.table.all.has(c)) continue
      const dest = c.dest
      if (!dest || dest.available) continue
      if (c.nControl > 0) continue
      const ct = c.control
      this.connDel(c)
      if (ct && ct.nControl === 0) this.connDel(ct)
    }
  }

  // mirrors ip_vs_service_find(): fwmark first, then <proto, VIP, port>, then FTP's data-port
  // fallback to port 21, then the port-0 service.
  findServiceFor(mark: number, protocol: number, vaddr: Addr, vport: Port): Service | null {
    if (mark) {
      const svc = this.byFwmark.get(fwmarkKey(mark, familyOf(vaddr)))
      if (svc) return svc
    }
    let svc = this.byKey.get(serviceKey(protocol, vaddr, vport)) ?? null
    if (!svc && protocol === Protocol.TCP && this.ftpsvcCounter > 0 && (vport === FTPDATA || vport >= 1024))
      svc = this.byKey.get(serviceKey(protocol, vaddr, FTPPORT)) ?? null
    if (!svc && this.nullsvcCounter > 0) svc = this.byKey.get(serviceKey(protocol, vaddr, 0)) ?? null
    return svc
  }

  /** estimation_timer() over every linked stats; true when all are at rest. */
  protected estimate(): boolean {
    this.totStats.estimate()
    let atRest = this.totStats.atRest
    for (const svc of this.services) {
      svc.stats.estimate()
      atRest &&= svc.stats.atRest
      for (const d of svc.destinations) {
        d.stats.estimate()
        atRest &&= d.stats.atRest
      }
    }
    return atRest
  }

  /** Counters are about to move: queue the estimator's next tick, in phase, if it was resting. */
  protected wakeEstimator(): void {
    const since = this.estimatorRestingSince
    if (since === null) return
    this.estimatorRestingSince = null
    const ticks = Math.max(1, Math.floor((this.timersRunThrough - since) / ESTIMATOR_PERIOD_MS) + 1)
    this.timers.push(since + ticks * ESTIMATOR_PERIOD_MS, 'estimator')
  }
}

/** The identity of the service a spec names. */
export const serviceIdOf = (spec: ServiceSpec): ServiceId =>
  spec.fwmark ? { fwmark: spec.fwmark, af: spec.af } : { protocol: spec.protocol, vaddr: spec.vaddr, vport: spec.vport }

/** What ip_vs_trash_get_dest() matches: the address, and the service by fwmark or by protocol, VIP and port. */
function trashIdentity(addr: Addr, port: Port, fwmark: number, protocol: number, vaddr: Addr, vport: Port): string {
  return fwmark !== 0 ? `${addr}]${port} fwm ${fwmark}/${protocol}` : `${addr}]${port} ${protocol} ${vaddr}]${vport}`
}

/**
 * IPv6 (ip_vs_new_dest()): __ipv6_addr_type() must say unicast and not link-local — not `::`,
 * not ff00::/8 (multicast), not fe80::/10, not ::ffff:0:0/96 (mapped, no UNICAST bit); `::1` and
 * `::a.b.c.d` are unicast. The exception for the director's own link-local addresses never applies here.
 */
function isUnicast(addr: IPv6): boolean {
  const w = ipv6Words(addr)
  if (w.every((g) => g === 0)) return false
  if (w[0] >>> 8 === 0xff) return false
  if ((w[0] & 0xffc0) === 0xfe80) return false
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) return false
  return true
}
