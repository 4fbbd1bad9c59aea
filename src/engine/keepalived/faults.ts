import { formatIPv4, parseDottedQuad } from '../net/ipv4'

/**
 * What a real server does wrong, and when (the scenario's `faults`): `crash` — its port is closed,
 * every SYN is answered RST (a checker's connect() fails at once, a client's connect() gets
 * ECONNREFUSED); `hang` — nothing answers (connect timeout; clients retry their SYN);
 * `slow` — the kernel accepts, the application answers `delay` seconds later (an HTTP_GET
 * whose read outlasts connect_timeout fails); `http-status` — HTTP answers `status`. From `at`
 * until `until` (seconds; for ever without).
 */
export type FaultKind = 'crash' | 'hang' | 'slow' | 'http-status'

export interface FaultSpec {
  at: number
  host: string
  kind: FaultKind
  until?: number
  status?: number
  /** slow: seconds before the application answers (default 10). */
  delay?: number
}

export interface ActiveFault {
  kind: FaultKind
  status: number
  delayMs: number
}

/** A slow server's answer comes this long after the request unless the fault says. */
export const DEFAULT_SLOW_DELAY_S = 10

function faultOf(f: Omit<FaultSpec, 'at' | 'until'>): ActiveFault {
  return { kind: f.kind, status: f.status ?? 500, delayMs: Math.round((f.delay ?? DEFAULT_SLOW_DELAY_S) * 1000) }
}

/** The faults of a run, looked up by real server address and simulated time. */
export class RealServerFaults {
  private readonly list: { addr: number; from: number; to: number; fault: ActiveFault }[]

  constructor(specs: readonly FaultSpec[] = []) {
    this.list = specs.map((f) => ({
      addr: parseDottedQuad(f.host) ?? -1,
      from: Math.round(f.at * 1000),
      to: f.until === undefined ? Number.POSITIVE_INFINITY : Math.round(f.until * 1000),
      fault: faultOf(f),
    }))
  }

  get empty(): boolean {
    return this.list.length === 0
  }

  /**
   * A fault begun now (`lab-fault HOST KIND`): the same entry as `{at, host, kind, status?,
   * delay?}` in the scenario's `faults`, so a button and a scenario give the same run.
   */
  begin(ms: number, spec: Omit<FaultSpec, 'at' | 'until'>): void {
    this.list.push({
      addr: parseDottedQuad(spec.host) ?? -1,
      from: ms,
      to: Number.POSITIVE_INFINITY,
      fault: faultOf(spec),
    })
  }

  /**
   * `lab-fault HOST recover`: every fault in force on `addr` ends now (as a scenario fault's
   * `until`). False when none was in force.
   */
  end(addr: number, ms: number): boolean {
    let ended = false
    for (const f of this.list)
      if (f.addr === addr && f.from <= ms && ms < f.to) {
        f.to = ms
        ended = true
      }
    return ended
  }

  /** The fault in force on `addr` at `ms` (the latest one that began), or null. */
  at(addr: number, ms: number): ActiveFault | null {
    let found: ActiveFault | null = null
    for (const f of this.list) if (f.addr === addr && f.from <= ms && ms < f.to) found = f.fault
    return found
  }

  /** The fault in force on each real server at `ms` (by address, in address order). */
  inForce(ms: number): { addr: number; fault: ActiveFault }[] {
    const addrs = [...new Set(this.list.map((f) => f.addr))].filter((a) => a >= 0).sort((a, b) => a - b)
    const out: { addr: number; fault: ActiveFault }[] = []
    for (const addr of addrs) {
      const fault = this.at(addr, ms)
      if (fault) out.push({ addr, fault })
    }
    return out
  }

  /** `lab-fault` without arguments: one line per real server failing at `ms` (`192.168.8.101 crash`). */
  describeAt(ms: number): string {
    return this.inForce(ms)
      .map(({ addr, fault: f }) => {
        const what =
          f.kind === 'slow' ? `slow ${f.delayMs / 1000}` : f.kind === 'http-status' ? `http-status ${f.status}` : f.kind
        return `${formatIPv4(addr)} ${what}\n`
      })
      .join('')
  }

  /** Every time a fault begins or ends (sorted, distinct). */
  get edges(): number[] {
    const s = new Set<number>()
    for (const f of this.list) {
      s.add(f.from)
      if (Number.isFinite(f.to)) s.add(f.to)
    }
    return [...s].sort((a, b) => a - b)
  }
}
