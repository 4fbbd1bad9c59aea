/**
 * What a pasted or opened text is, for the lab's one import entry point (issue 16): a scenario
 * file (JSON, starting with `{`), a Kubernetes manifest (YAML with `apiVersion:` or `kind:` at the
 * start of a line), else a keepalived.conf. No import: the page reads it to say what it will do.
 */
export type ImportKind = 'keepalived' | 'kubernetes' | 'scenario'

export function recogniseImport(text: string): ImportKind {
  const t = text.replace(/^\uFEFF/, '').trimStart()
  if (t.startsWith('{')) return 'scenario'
  if (/^(apiVersion|kind)\s*:/m.test(t)) return 'kubernetes'
  return 'keepalived'
}
