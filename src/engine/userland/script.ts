/**
 * Userland's script reader: the text of `ipvsadm-save` and `iptables-save` output (or a file of
 * full command lines) as the command lines that rebuild it, each with its line number.
 */

/** Script lines: blank lines and `#` comments skipped; `-A …` lines of ipvsadm-save get `ipvsadm` in front. */
export function scriptLines(script: string): { n: number; text: string }[] {
  const out: { n: number; text: string }[] = []
  // inside `*TABLE … COMMIT` (iptables-save), lines are that table's rules and chains
  let table: string | null = null
  script.split('\n').forEach((raw, i) => {
    const n = i + 1
    const text = raw.trim()
    if (!text || text.startsWith('#')) return
    if (text.startsWith('*')) {
      table = text.slice(1)
      return
    }
    if (text === 'COMMIT') {
      table = null
      return
    }
    if (table !== null) {
      const chain = /^:(\S+)\s+(\S+)/.exec(text)
      if (chain) {
        if (chain[2] === '-') out.push({ n, text: `iptables -t ${table} -N ${chain[1]}` })
        else if (chain[2] !== 'ACCEPT') out.push({ n, text: `iptables -t ${table} -P ${chain[1]} ${chain[2]}` })
        return
      }
      // iptables-save -c puts [packets:bytes] in front of a rule
      const rule = text.replace(/^\[\d+:\d+\]\s+/, '')
      out.push({ n, text: rule.startsWith('-') ? `iptables -t ${table} ${rule}` : rule })
      return
    }
    // ipvsadm-save lines start with their option; anything else is a full command line
    out.push({ n, text: text.startsWith('-') ? `ipvsadm ${text}` : text })
  })
  return out
}
