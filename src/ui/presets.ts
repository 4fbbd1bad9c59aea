/** The scenarios the toolbar offers; each is a file in public/scenarios (the CLI runs the same files). */
export const PRESETS = [
  { id: 'ppc80', file: 'preset-ppc.json', key: 'presets.ppc80' },
  { id: 'ppc', file: 'classroom-ppc.json', key: 'presets.ppc' },
  { id: 'pcc', file: 'classroom-pcc.json', key: 'presets.pcc' },
  { id: 'fwmark', file: 'preset-fwmark.json', key: 'presets.fwmark' },
  { id: 'fwmark300', file: 'classroom-fwmark.json', key: 'presets.fwmark300' },
  { id: 'none', file: 'classroom-none.json', key: 'presets.none' },
  { id: 'megaproxy', file: 'preset-megaproxy.json', key: 'presets.megaproxy' },
  { id: 'megaproxyM', file: 'preset-megaproxy-netmask.json', key: 'presets.megaproxyM' },
  { id: 'failure', file: 'preset-rs-failure.json', key: 'presets.failure' },
  { id: 'ipv6pcc', file: 'preset-ipv6-pcc.json', key: 'presets.ipv6pcc' },
  { id: 'failover', file: 'failover-with-sync.json', key: 'presets.failover' },
  { id: 'failoverNoSync', file: 'failover-without-sync.json', key: 'presets.failoverNoSync' },
  { id: 'kubeAffinity', file: 'preset-kube-affinity.json', key: 'presets.kubeAffinity' },
  { id: 'keepalived', file: 'keepalived-inhibit-on-failure.json', key: 'presets.keepalived' },
  { id: 'keepalivedExpire', file: 'keepalived-inhibit-on-failure-expire.json', key: 'presets.keepalivedExpire' },
] as const

export type PresetId = (typeof PRESETS)[number]['id']
export const DEFAULT_PRESET: PresetId = 'ppc80'

export async function fetchScenarioFile(file: string): Promise<unknown> {
  // only plain file names from public/scenarios
  if (!/^[\w.-]+\.json$/.test(file)) throw new Error(`${file}: not a scenario file name`)
  const r = await fetch(`${import.meta.env.BASE_URL}scenarios/${file}`)
  if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`)
  return r.json()
}

export async function fetchPreset(id: string): Promise<unknown> {
  const p = PRESETS.find((x) => x.id === id) ?? PRESETS[0]
  return fetchScenarioFile(p.file)
}

/** What the address asks for: `?preset=pcc`, or `?scenario=FILE.json` (a file in public/scenarios). */
export function presetFromUrl(search: string): { kind: 'preset'; id: string } | { kind: 'file'; file: string } {
  const q = new URLSearchParams(search)
  const file = q.get('scenario')
  if (file) return { kind: 'file', file }
  const id = q.get('preset')
  return { kind: 'preset', id: PRESETS.some((p) => p.id === id) ? (id as string) : DEFAULT_PRESET }
}
