import { capabilities, KERNEL_SCHEDULER_NAMES, missingKernelSchedulers, type Scenario } from '../src/engine/index'

/**
 * Why a recording cannot be replayed by this engine yet, decided by rule (never by name):
 * it uses iptables while the netfilter model is absent, or a kernel scheduler the engine lacks.
 */
export function goldenSkipReason(s: Scenario): string | null {
  const lines = [
    ...s.commands,
    ...s.midCommands.map((m) => m.cmd),
    ...s.snapshots.flatMap((x) => x.cmds),
    ...(s.finalCmds ?? []),
  ]
  if (!capabilities.netfilter && lines.some((l) => /(^|[|;&]\s*)iptables(-legacy|-save|-restore)?\b/.test(l)))
    return 'uses iptables (firewall marks are not modelled yet)'
  const missing = new Set(missingKernelSchedulers())
  for (const l of lines) {
    for (const m of l.matchAll(/(?:^|\s)(?:-s|--scheduler)[=\s]+(\S+)/g)) {
      if (missing.has(m[1]) && (KERNEL_SCHEDULER_NAMES as readonly string[]).includes(m[1]))
        return `uses the ${m[1]} scheduler (not modelled yet)`
    }
  }
  return null
}
