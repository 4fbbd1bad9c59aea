/** The errors and the early exits (-h, -V) of iptables 1.8.9, thrown while parsing and running. */

/** An error iptables reports: `status` is its exit code (2 adds the Try line, 3 the Perhaps line). */
export class IptError extends Error {
  readonly status: number
  readonly text: string
  readonly prefixed: boolean
  readonly hint: boolean
  constructor(status: number, text: string, prefixed = true, hint = true) {
    super(text)
    this.status = status
    this.text = text
    this.prefixed = prefixed
    this.hint = hint
  }
}
export const perr = (text: string) => new IptError(2, text)

/** -h and -V: print this on stdout and exit 0, at the point of the line where they stand. */
export class IptOutput extends Error {
  readonly stdout: string
  constructor(stdout: string) {
    super('output')
    this.stdout = stdout
  }
}

/** A real extension the lab refuses plainly rather than mis-simulate. */
export const notModelled = (what: string) =>
  new IptError(
    2,
    `${what} is a real iptables extension, but LVS Persistence Lab does not model it (modelled: -m tcp, udp, multiport, mark, comment, iprange, state, conntrack, mac; -j MARK, LOG, ACCEPT, DROP, RETURN, QUEUE, user chains)`,
    true,
    false,
  )
