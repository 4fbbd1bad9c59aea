import { capabilities } from '../capabilities'
import { KERNEL_SCHEDULER_NAMES, missingKernelSchedulers } from '../ipvs/schedulers'
import { parseScenario } from './schema'

/** An IPv6 address as a scenario writes one: `[2001:db8::10]:80`, a bare `2001:db8::5`, or `-6`. */
const IPV6_IN_TEXT =
  /\[[0-9a-f:.]*:[0-9a-f:.]*\]|(?<![\w:])[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])|\s-6\b|--ipv6\b/i

/**
 * Why a recording cannot be replayed by this engine yet, decided by rule (never by name), from the
 * scenario file's text: it names IPv6 addresses in a build without the IPv6 model, uses iptables
 * while the netfilter model is absent, marks IPv6 packets with ip6tables (IPv6 packets walk no
 * tables in the model), or a kernel scheduler the engine lacks. A scenario that does none of these
 * must parse and replay. One rule for the golden test (test/golden.test.ts), the
 * report (scripts/golden-report.ts) and the app's "Check against Linux" list (vite.config.ts).
 */
export function goldenSkipReason(scenarioText: string): string | null {
  if (!capabilities.ipv6 && IPV6_IN_TEXT.test(scenarioText)) return 'uses IPv6 (not modelled yet)'
  const parsed = parseScenario(scenarioText)
  if (!parsed.ok) return null
  const s = parsed.scenario
  const lines = [
    ...s.commands,
    ...s.midCommands.map((m) => m.cmd),
    ...s.snapshots.flatMap((x) => x.cmds),
    ...(s.finalCmds ?? []),
  ]
  if (!capabilities.netfilter && lines.some((l) => /(^|[|;&]\s*)iptables(-legacy|-save|-restore)?\b/.test(l)))
    return 'uses iptables (firewall marks are not modelled yet)'
  if (lines.some((l) => /(^|[|;&]\s*)ip6tables(-legacy|-nft|-save|-restore)?\b/.test(l)))
    return 'uses ip6tables (IPv6 firewall marks are not modelled yet)'
  const missing = new Set(missingKernelSchedulers())
  for (const l of lines) {
    for (const m of l.matchAll(/(?:^|\s)(?:-s|--scheduler)[=\s]+(\S+)/g)) {
      if (missing.has(m[1]) && (KERNEL_SCHEDULER_NAMES as readonly string[]).includes(m[1]))
        return `uses the ${m[1]} scheduler (not modelled yet)`
    }
  }
  return null
}
