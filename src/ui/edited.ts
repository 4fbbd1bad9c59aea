import type { MidRunCommand } from '../worker/protocol'

/**
 * Whether a command line changes the director's configuration (ipvsadm's add / edit / delete /
 * clear / restore / timeouts, iptables' rule changes, sysctl writes, a real server's fault from
 * `lab-fault`), not merely lists or zeroes it.
 */
export function changesConfiguration(line: string): boolean {
  const words = line.trim().split(/\s+/)
  const tool = words[0]
  const opts = words.slice(1)
  if (tool === 'ipvsadm')
    return opts.some((w) =>
      /^(-[AEDaedCR]|--(add-service|edit-service|delete-service|add-server|edit-server|delete-server|clear|restore|set))$/.test(
        w,
      ),
    )
  if (tool === 'iptables')
    return opts.some((w) =>
      /^(-[AIDRFXNP]|--(append|insert|delete|replace|flush|delete-chain|new-chain|policy))$/.test(w),
    )
  if (tool === 'sysctl') return opts.some((w) => w === '-w' || w.includes('='))
  // the lab's own line: a real server's fault begun or ended is a change to the lab
  if (tool === 'lab-fault') return opts.length >= 2
  return false
}

/**
 * The configuration was edited away from the preset's: a command typed in the console or run by
 * a panel's button that changed it, and not undone by a rewind (the list holds only commands up
 * to the current time). The scenario's own mid-run commands are the preset's.
 */
export function editedFromPreset(midRun: readonly MidRunCommand[]): boolean {
  return midRun.some((m) => (m.by === 'typed' || m.by === 'button') && m.exit === 0 && changesConfiguration(m.cmd))
}
