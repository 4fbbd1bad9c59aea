import type { ServiceReadView } from '../ipvs/readApi'
import type { Interfaces } from '../net/interfaces'
import type { CommandResult } from '../userland/shell'
import type { KubeCluster } from './cluster'
import { desiredVirtualServers, kubeProxySysctls } from './kubeProxy'
import {
  gracefulDeleteLines,
  type KubeProxyState,
  newKubeProxyState,
  RS_CHECK_DELETE_INTERVAL_MS,
  syncLines,
} from './sync'

/** kube-proxy's `--ipvs-sync-period` default: a full sync at least this often. */
export const IPVS_SYNC_PERIOD_MS = 30_000

/** A line kube-proxy ran against IPVS, at its time (for the player to record with source "kube-proxy"). */
export interface KubeProxyCommand {
  at: number
  cmd: string
  stdout: string
  stderr: string
  exit: number
}

type RunLine = (line: string) => { stdout: string; stderr: string; exit: number }

/** What the daemon reads at each call (it keeps no closure: a rewind copy of it must not reach the original). */
export interface KubeProxyHost {
  now: number
  cluster: KubeCluster
  services: () => readonly ServiceReadView[]
  run: RunLine
  /** The node's addresses (NodePort services listen on them). */
  nodeIPs: string[]
  /** The node's interfaces: kube-proxy makes the dummy `kube-ipvs0` and binds every service address to it. */
  interfaces?: Interfaces
}

/** kube-proxy's dummy device (pkg/proxy/ipvs/proxier.go defaultDummyDevice). */
export const KUBE_DUMMY_DEVICE = 'kube-ipvs0'

/**
 * kube-proxy in IPVS mode on the director, which is a Kubernetes node here (pkg/proxy/ipvs/proxier.go):
 * started with `kube-proxy --proxy-mode=ipvs`, it sets its sysctls, syncs at once and whenever
 * the cluster changes (`--ipvs-min-sync-period` 0: no wait), and at least every
 * `--ipvs-sync-period` (30 s) — so an `ipvsadm` change made by hand to one of its services is
 * undone within 30 s — and runs the graceful-termination check every minute from its start
 * (graceful_termination.go Run(): wait.Until(tryDeleteRs, rsCheckDeleteInterval)). Every change it
 * makes is an `ipvsadm` line run through the director's shell.
 */
export class KubeProxy {
  running = false
  scheduler = 'rr'
  strictARP = false
  private state: KubeProxyState = newKubeProxyState()
  private nextSync = Number.POSITIVE_INFINITY
  private nextCheck = Number.POSITIVE_INFINITY
  private commands: KubeProxyCommand[] = []

  get hasCommands(): boolean {
    return this.commands.length > 0
  }

  /** The lines run since the last call. */
  takeCommands(): KubeProxyCommand[] {
    const c = this.commands
    this.commands = []
    return c
  }

  nextDue(): number {
    return Math.min(this.nextSync, this.nextCheck)
  }

  private exec(h: KubeProxyHost, line: string): void {
    this.commands.push({ at: h.now, cmd: line, ...h.run(line) })
  }

  start(h: KubeProxyHost): void {
    this.running = true
    this.state = newKubeProxyState()
    // the sysctls of NewProxier() the lab's director has
    for (const kv of kubeProxySysctls(this.strictARP))
      if (kv.startsWith('net.ipv4.vs.')) this.exec(h, `sysctl -w ${kv}`)
    this.sync(h)
    this.nextCheck = h.now + RS_CHECK_DELETE_INTERVAL_MS
  }

  stop(): void {
    this.running = false
    this.nextSync = Number.POSITIVE_INFINITY
    this.nextCheck = Number.POSITIVE_INFINITY
  }

  /** The cluster changed (the informer's event): sync now. */
  changed(h: KubeProxyHost): void {
    if (this.running) this.sync(h)
  }

  /** syncProxyRules(): the lines that bring IPVS to what the cluster wants; the next full sync 30 s on. */
  private sync(h: KubeProxyHost): void {
    const want = desiredVirtualServers(h.cluster.manifests(), { scheduler: this.scheduler, nodeIPs: h.nodeIPs })
    for (const line of syncLines(h.services(), want, this.state)) this.exec(h, line)
    if (h.interfaces)
      bindAddresses(h.interfaces, new Set(want.map((v) => v.addr).filter((a) => !h.nodeIPs.includes(a))))
    this.nextSync = h.now + IPVS_SYNC_PERIOD_MS
  }

  /** The timers due at `h.now`: the periodic sync, the graceful-termination check. */
  fire(h: KubeProxyHost): void {
    if (h.now >= this.nextSync) this.sync(h)
    if (h.now >= this.nextCheck) {
      for (const line of gracefulDeleteLines(h.services(), this.state)) this.exec(h, line)
      this.nextCheck += RS_CHECK_DELETE_INTERVAL_MS
    }
  }
}

/**
 * syncProxyRules()'s address binding (netlink EnsureDummyDevice(), EnsureAddressBind(),
 * UnbindAddress()): every ClusterIP and external IP on kube-ipvs0 as a /32 (/128), so the node
 * accepts packets to them; an address no service has any more is unbound. The node's own
 * addresses (NodePorts) are not bound: they are on its real interfaces already.
 */
function bindAddresses(ifs: Interfaces, want: Set<string>): void {
  const dev = ifs.ensureDummy(KUBE_DUMMY_DEVICE)
  for (const a of [...dev.addrs]) if (!want.has(a.addr)) ifs.del(KUBE_DUMMY_DEVICE, a.addr, a.prefixLen)
  for (const a of want)
    if (!dev.addrs.some((x) => x.addr === a)) ifs.add(KUBE_DUMMY_DEVICE, a, a.includes(':') ? 128 : 32)
}

/**
 * `kube-proxy --proxy-mode=ipvs [--ipvs-scheduler=S] [--ipvs-strict-arp]`: started in the
 * background, as the node's kube-proxy pod runs. The lab models IPVS mode only.
 */
export function kubeProxyProgram(d: KubeProxy, h: KubeProxyHost, args: readonly string[]): CommandResult {
  let mode = ''
  let scheduler = ''
  let strictARP = false
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s)
    const value = () => inline ?? args[++i] ?? ''
    if (flag === '--proxy-mode') mode = value()
    else if (flag === '--ipvs-scheduler') scheduler = value()
    else if (flag === '--ipvs-strict-arp') strictARP = inline === undefined || inline === 'true'
    else return { stdout: '', stderr: `Error: unknown flag: ${flag}\n`, exit: 1 }
  }
  if (mode !== 'ipvs')
    return {
      stdout: '',
      stderr: `kube-proxy: this lab models --proxy-mode=ipvs only (${mode ? `"${mode}" is not modelled` : "kube-proxy's default on Linux is iptables"})\n`,
      exit: 1,
    }
  if (d.running) return { stdout: '', stderr: 'kube-proxy: already running on this node\n', exit: 1 }
  d.scheduler = scheduler || 'rr'
  d.strictARP = strictARP
  d.start(h)
  return { stdout: '', stderr: '', exit: 0 }
}
