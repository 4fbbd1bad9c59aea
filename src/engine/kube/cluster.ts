import type { CommandResult } from '../userland/shell'
import { Allocator, type KubeEndpointSlice, type KubeService, type Manifests, parseManifests } from './manifest'

/**
 * The cluster as this node's kube-proxy sees it: the Services and EndpointSlices applied with
 * `kubectl`, kept by namespace and name — the lab's stand-in for the API server (no pods, no
 * controllers: a slice changes when a manifest changes it). `generation` moves with every change;
 * kube-proxy syncs when it has moved.
 */
export class KubeCluster {
  alloc = new Allocator()
  readonly services = new Map<string, KubeService>()
  readonly slices = new Map<string, KubeEndpointSlice>()
  generation = 0

  manifests(): Manifests {
    return { services: [...this.services.values()], slices: [...this.slices.values()] }
  }
}

const key = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`
const SLICE = 'endpointslice.discovery.k8s.io'
const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', exit: 0 })
const fail = (stderr: string): CommandResult => ({ stdout: '', stderr: `${stderr}\n`, exit: 1 })

/** What `kubectl` reads: the cluster and the director's files (a relative path is under /root, the admin's home). */
export interface KubectlHost {
  cluster: KubeCluster
  files: Map<string, string>
  /** Told after every change (kube-proxy's informer). */
  changed: () => void
}

/**
 * `kubectl apply -f FILE` and `kubectl delete -f FILE`, with kubectl's words: `service/web created`
 * / `configured` / `unchanged`, `service "web" deleted`; what the API server refuses changes
 * nothing (the whole file is checked first).
 */
export function kubectlProgram(h: KubectlHost, args: readonly string[]): CommandResult {
  const verb = args[0]
  if (verb === undefined)
    return fail('error: you must specify a command: kubectl apply -f FILE, kubectl delete -f FILE')
  if (verb !== 'apply' && verb !== 'delete') return fail(`error: unknown command "${verb}" for "kubectl"`)
  let file: string | null = null
  for (let i = 1; i < args.length; i++) {
    const a = args[i]
    if (a === '-f' || a === '--filename') file = args[++i] ?? null
    else if (a.startsWith('--filename=')) file = a.slice('--filename='.length)
    else if (a.startsWith('-f') && a.length > 2) file = a.slice(2)
    else return fail(`error: unknown shorthand flag: '${a.replace(/^-+/, '').slice(0, 1)}' in ${a}`)
  }
  if (file === null)
    return fail(
      verb === 'apply'
        ? 'error: must specify one of -f and -k'
        : 'error: You must provide one or more resources by argument or filename.',
    )
  const path = file.startsWith('/') ? file : `/root/${file}`
  const text = h.files.get(path)
  if (text === undefined) return fail(`error: the path "${file}" does not exist`)
  const c = h.cluster
  if (verb === 'apply') {
    // on a copy of the allocator: a refused file hands out nothing
    const alloc = c.alloc.copy()
    const m = parseManifests(text, file, { alloc, previous: (ns, name) => c.services.get(`${ns}/${name}`) })
    if ('error' in m) return fail(m.error)
    c.alloc = alloc
    const out: string[] = []
    let changed = false
    const put = <T extends { namespace: string; name: string }>(map: Map<string, T>, o: T, kind: string) => {
      const before = map.get(key(o))
      const same = before !== undefined && JSON.stringify(before) === JSON.stringify(o)
      out.push(`${kind}/${o.name} ${before === undefined ? 'created' : same ? 'unchanged' : 'configured'}`)
      if (!same) {
        map.set(key(o), o)
        changed = true
      }
    }
    for (const s of m.services) put(c.services, s, 'service')
    for (const s of m.slices) put(c.slices, s, SLICE)
    if (changed) {
      c.generation++
      h.changed()
    }
    return ok(out.map((l) => `${l}\n`).join(''))
  }
  // delete: names only (a parse with a scratch allocator: nothing is handed out)
  const m = parseManifests(text, file)
  if ('error' in m) return fail(m.error)
  const out: string[] = []
  const errs: string[] = []
  const del = <T extends { namespace: string; name: string }>(
    map: Map<string, T>,
    o: T,
    kind: string,
    plural: string,
  ) => {
    const before = map.get(key(o))
    if (!before) {
      errs.push(`Error from server (NotFound): error when deleting "${file}": ${plural} "${o.name}" not found`)
      return
    }
    map.delete(key(o))
    if (kind === 'service') c.alloc.release(before as unknown as KubeService)
    out.push(`${kind} "${o.name}" deleted`)
  }
  for (const s of m.services) del(c.services, s, 'service', 'services')
  for (const s of m.slices) del(c.slices, s, SLICE, 'endpointslices.discovery.k8s.io')
  if (out.length > 0) {
    c.generation++
    h.changed()
  }
  return {
    stdout: out.map((l) => `${l}\n`).join(''),
    stderr: errs.map((l) => `${l}\n`).join(''),
    exit: errs.length > 0 ? 1 : 0,
  }
}
