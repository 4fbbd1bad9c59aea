/**
 * Share links and files: a scenario, the simulated time and the language, as data only.
 * The link carries `#s=` + base64url(deflate-raw(JSON)); opening it validates everything (the
 * worker checks the scenario against its schema) and evaluates nothing.
 */

export const SHARE_PARAM = 's'
/** Longest link payload accepted (characters after `#s=`). */
export const MAX_LINK_CHARS = 200_000
/** Largest JSON a link may expand to. */
export const MAX_JSON_BYTES = 2_000_000
/** Largest scenario file that opens (65,535 real servers as ipvsadm lines take about 4 MB). */
export const MAX_FILE_BYTES = 8_000_000

export interface SharedState {
  v: 1
  scenario: unknown
  /** Simulated time to open at, ms. */
  t: number
  lang?: 'en' | 'zh-CN'
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link is damaged (not base64url)')
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4)
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    // a small link must not expand into something huge
    if (size > limit) {
      await reader.cancel()
      throw new Error(`the link expands beyond ${Math.round(limit / 1e6)} MB`)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(size)
  let o = 0
  for (const c of chunks) {
    out.set(c, o)
    o += c.length
  }
  return out
}

export async function encodeShare(state: SharedState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state))
  return toBase64Url(await pipe(json, new CompressionStream('deflate-raw'), Number.POSITIVE_INFINITY))
}

/** Decode a link's payload; every failure is a sentence for the user. */
export async function decodeShare(payload: string): Promise<SharedState> {
  if (payload.length > MAX_LINK_CHARS) throw new Error('the link is too long')
  let bytes: Uint8Array
  try {
    bytes = await pipe(fromBase64Url(payload), new DecompressionStream('deflate-raw'), MAX_JSON_BYTES)
  } catch (e) {
    const own = e instanceof Error && e.message.startsWith('the link')
    throw new Error(own ? e.message : 'the link is damaged (cannot be decompressed)', { cause: e })
  }
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (e) {
    throw new Error('the link is damaged (not JSON)', { cause: e })
  }
  if (typeof data !== 'object' || data === null) throw new Error('the link holds no scenario')
  const d = data as Record<string, unknown>
  if (d.v !== 1) throw new Error('the link is from another version of the lab')
  const t = typeof d.t === 'number' && Number.isFinite(d.t) && d.t >= 0 ? d.t : 0
  const lang = d.lang === 'zh-CN' || d.lang === 'en' ? d.lang : undefined
  return { v: 1, scenario: d.scenario, t, lang }
}

/** The share payload in an address, if any (`#s=…`). */
export function shareFromHash(hash: string): string | null {
  const m = new RegExp(`^#${SHARE_PARAM}=([^&]*)`).exec(hash)
  return m ? m[1] : null
}

export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/**
 * A configuration as a script a student can run on a real director (as root), then, as comments,
 * what each real server needs for its forwarding method.
 */
export function shellScript(config: string, title: string, realServers = ''): string {
  return `#!/bin/sh
# ${title} — exported from LVS Persistence Lab
# Run as root on a test director: it replaces the IPVS table and the mangle rules.
set -e
ipvsadm -C
iptables -t mangle -F
iptables -t mangle -X
${config}${realServers ? `\n${realServers}` : ''}`
}
