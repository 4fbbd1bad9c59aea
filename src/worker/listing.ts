/**
 * The live listing: one of the read-only commands the Listings panel shows every frame
 * (`ipvsadm -Lnc`, `-Ln --stats`, …), recomputed at most every LISTING_PERIOD_MS of wall time,
 * cut at LISTING_MAX_LINES and filtered like grep -i (its header lines kept).
 */
import { connectionListing, type ScenarioPlayer } from '../engine/index'
import type { Frame } from './protocol'

/** A listing is recomputed at most this often (wall ms). */
export const LISTING_PERIOD_MS = 250
/** At most this many lines of a listing travel to the page. */
export const LISTING_MAX_LINES = 3000

/** Listings the page may ask for every frame (read-only commands). */
export const LIVE_LISTINGS = [
  'ipvsadm -Lnc',
  'ipvsadm -Ln --stats',
  'ipvsadm -Ln --rate',
  'ipvsadm -Ln --persistent-conn',
  'ipvsadm -Ln',
  'iptables -t mangle -L -n -v',
  /** With a backup director: its table, as `ssh backup ipvsadm -Lnc` on the director prints it. */
  'ssh backup ipvsadm -Lnc',
] as const

export class LiveListing {
  private cmd: string | null = null
  private filter = ''
  private atWall = -1

  /** The next frame carries the listing whatever the time (a command ran, a new run, the page subscribed anew). */
  invalidate(): void {
    this.atWall = -1
  }

  /** The listing for this frame, or null when it is not asked for or not due. */
  next(p: ScenarioPlayer, wallMs: number, cmd: string | null, filter: string): Frame['listing'] {
    if (cmd === null || !(LIVE_LISTINGS as readonly string[]).includes(cmd)) return null
    if (cmd === this.cmd && filter === this.filter && this.atWall >= 0 && wallMs - this.atWall < LISTING_PERIOD_MS)
      return null
    this.cmd = cmd
    this.filter = filter
    this.atWall = wallMs
    if (cmd === 'ipvsadm -Lnc') {
      // the big one: cut while formatting, not after
      const l = connectionListing(p.sim.director, filter, LISTING_MAX_LINES)
      return { cmd, text: l.text, lines: l.lines }
    }
    if (cmd === 'ssh backup ipvsadm -Lnc') {
      const b = p.pair?.sims[1]
      // as the shell would print it (ssh's refusals included), the table formatted straight from the backup
      if (b && !b.down) {
        const l = connectionListing(b.director, filter, LISTING_MAX_LINES)
        return { cmd, text: l.text, lines: l.lines }
      }
    }
    const out = p.sim.run(cmd)
    let lines = (out.stdout + out.stderr).split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    if (filter) {
      const f = filter.toLowerCase()
      const headerLines = cmd.startsWith('ipvsadm') || cmd.startsWith('ssh backup ipvsadm') ? 3 : 0
      lines = [...lines.slice(0, headerLines), ...lines.slice(headerLines).filter((l) => l.toLowerCase().includes(f))]
    }
    return { cmd, text: `${lines.slice(0, LISTING_MAX_LINES).join('\n')}\n`, lines: lines.length }
  }
}
