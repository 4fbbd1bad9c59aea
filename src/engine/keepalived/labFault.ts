import { formatIPv4, parseDottedQuad } from '../net/ipv4'
import type { CommandResult } from '../userland/shell'
import type { FaultKind, RealServerFaults } from './faults'

/** The lab's own command (no Linux command on a director makes a real server fail). */
export const LAB_FAULT = 'lab-fault'

export const LAB_FAULT_KINDS = ['crash', 'hang', 'slow', 'http-status', 'recover'] as const

const USAGE =
  'usage: lab-fault HOST crash|hang|slow [SECONDS]|http-status [STATUS]|recover\n' +
  '       lab-fault director|backup crash\n' +
  '  (the lab\'s own command: makes the real server HOST fail from now on, as a scenario\'s "faults" do;\n' +
  '   with two directors, makes one of them lose power for good)\n'

const fail = (text: string, exit = 2): CommandResult => ({ stdout: '', stderr: `lab-fault: ${text}\n`, exit })

/**
 * `lab-fault HOST KIND [VALUE]`: the real server HOST fails from now on — `crash` (its port is
 * closed: RST), `hang` (nothing answers), `slow [SECONDS]` (HTTP answers that late, default 10),
 * `http-status [STATUS]` (HTTP answers STATUS, default 500) — or `recover`s (every fault in force
 * on it ends now). The same entry as `{at: now, host, kind, delay?, status?}` (and `until: now`)
 * in a scenario's `faults`, so a button that runs this line and a scenario give the same run.
 * Without arguments: the faults in force now. Silent on success, as a shell command is.
 */
export function labFaultProgram(
  faults: RealServerFaults,
  nowMs: number,
  args: readonly string[],
  directorFault: ((name: string) => boolean) | null = null,
): CommandResult {
  if (args.length === 0) return { stdout: faults.describeAt(nowMs), stderr: '', exit: 0 }
  if (args[0] === '-h' || args[0] === '--help') return { stdout: USAGE, stderr: '', exit: 0 }
  const [host, kind, value, ...rest] = args
  if (host === 'director' || host === 'backup') {
    // a director loses power (host/pair.ts): only with two, only for good
    if (!directorFault) return fail(`'${host}': this lab has one director (a scenario's "backup" adds a second)`)
    if (kind !== 'crash' || value !== undefined || rest.length > 0)
      return fail(`a director can only crash (lose power) for good: lab-fault ${host} crash`)
    return directorFault(host) ? { stdout: '', stderr: '', exit: 0 } : fail(`'${host}' is not a director`)
  }
  const addr = parseDottedQuad(host)
  if (addr === null) return fail(`'${host}' is not an IPv4 address (a real server's, e.g. 192.168.8.101)`)
  if (kind === undefined) return { stdout: '', stderr: `lab-fault: what should ${host} do?\n${USAGE}`, exit: 2 }
  if (!(LAB_FAULT_KINDS as readonly string[]).includes(kind))
    return fail(`unknown fault '${kind}' (crash, hang, slow, http-status, recover)`)
  const takesValue = kind === 'slow' || kind === 'http-status'
  if (rest.length > 0 || (value !== undefined && !takesValue)) return fail(`too many arguments after '${kind}'`)
  const at = formatIPv4(addr)
  if (kind === 'recover')
    return faults.end(addr, nowMs) ? { stdout: '', stderr: '', exit: 0 } : fail(`${at} has no fault to recover from`, 1)
  let status: number | undefined
  let delay: number | undefined
  if (kind === 'slow' && value !== undefined) {
    delay = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN
    if (!(delay > 0 && delay <= 3600)) return fail(`slow: '${value}' is not a number of seconds (0 < SECONDS ≤ 3600)`)
  }
  if (kind === 'http-status' && value !== undefined) {
    status = /^\d{3}$/.test(value) ? Number(value) : Number.NaN
    if (!(status >= 100 && status <= 599)) return fail(`http-status: '${value}' is not an HTTP status (100…599)`)
  }
  faults.begin(nowMs, {
    host: at,
    kind: kind as FaultKind,
    ...(status !== undefined ? { status } : {}),
    ...(delay !== undefined ? { delay } : {}),
  })
  return { stdout: '', stderr: '', exit: 0 }
}
