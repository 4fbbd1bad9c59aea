import type { SyncDaemon } from './types'

/** IP_VS_SYNC_GROUP, IP_VS_SYNC_PORT (ip_vs_sync.c). */
export const IP_VS_SYNC_GROUP = '224.0.0.81'
export const IP_VS_SYNC_PORT = 8848

/** What `ipvsadm --start-daemon` sent: 0 / null where an option was not given. */
export interface SyncDaemonRequest {
  mcastIfn: string
  syncid: number
  syncMaxlen: number
  /** The group as inet_ntop() prints it, and its family. */
  mcastGroup: { af: 'inet' | 'inet6'; text: string } | null
  mcastPort: number
  mcastTtl: number
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi)

/**
 * start_sync_thread() (ip_vs_sync.c, Linux 6.1.192): the group defaults to 224.0.0.81, the port
 * to 8848, the TTL to 1; `maxlen` is the given one clamped to [1 (a backup: 1024), 65535 − headers],
 * or else the interface's MTU less the IP and UDP headers — 1500 for a master whatever the
 * interface, the MTU clamped to 1500…65535 for a backup (so 1472 on eth0, 65507 on lo).
 */
export function startSyncDaemon(req: SyncDaemonRequest, state: 'master' | 'backup', devMtu: number): SyncDaemon {
  const group = req.mcastGroup ?? { af: 'inet' as const, text: IP_VS_SYNC_GROUP }
  const hlen = group.af === 'inet6' ? 40 + 8 : 20 + 8
  const mtu = state === 'backup' ? clamp(devMtu, 1500, 65535) : 1500
  const minMtu = state === 'backup' ? 1024 : 1
  return {
    mcastIfn: req.mcastIfn,
    syncid: req.syncid,
    syncMaxlen: req.syncMaxlen ? clamp(req.syncMaxlen, minMtu, 65535 - hlen) : mtu - hlen,
    mcastGroup: group,
    mcastPort: req.mcastPort || IP_VS_SYNC_PORT,
    mcastTtl: req.mcastTtl || 1,
  }
}
