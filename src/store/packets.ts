/**
 * The Packets view's questions (issue 15): which connection an attempt, a template, a real server
 * or a line of `ipvsadm -Lnc` is, as the worker's packets request names it; the view open (one
 * for the whole page, opened from any panel) and the connections it can switch between; the
 * answer asked for by request id.
 */
import type { AttemptRecord, PacketsAnswer, PacketsWanted, WhyTarget } from '../worker/protocol'
import { addrText, isV6Num } from './addresses'
import { ask } from './channel'
import { type AttemptDot, live } from './live'
import { useLab } from './state'

export type { PacketsOpen } from './state'

/** The packets of the connection an attempt started (null: an IPv6 one, whose packets are not drawn yet). */
export function wantedOfAttempt(a: AttemptRecord): PacketsWanted | null {
  if (isV6Num(a.client) || isV6Num(a.vip)) return null
  return {
    conn: { client: `${addrText(a.client)}:${a.clientPort}`, virtual: `${addrText(a.vip)}:${a.vport}`, atMs: a.at },
  }
}

/** The attempt the page still shows with this seq (Why?'s selection), or null. */
export function attemptOf(seq: number): AttemptRecord | null {
  return live.attempts.find((a) => a.seq === seq) ?? null
}

/** The Packets view's chooser shows at most this many connections. */
export const CHOICES_SHOWN = 20

/**
 * The connections a selection stands for, newest first, as many as `limit`: an attempt's own, a
 * template's (the attempts it decided or was born of), a real server's (those it took), or with
 * no selection the newest of all. Only those whose packets are drawn (IPv4).
 */
export function connectionsOf(target: WhyTarget | null, limit = CHOICES_SHOWN): AttemptDot[] {
  const keep = (a: AttemptDot): boolean => {
    if (!target) return true
    if (target.kind === 'attempt') return a.seq === target.seq
    if (target.kind === 'template') return a.templateId === target.templateId
    return a.rsAddr === target.addr
  }
  const out: AttemptDot[] = []
  const list = live.attempts
  for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
    const a = list[i]
    if (keep(a) && wantedOfAttempt(a) !== null) out.push(a)
  }
  return out
}

/** A connection line of `ipvsadm -Lnc`: `TCP 00:59  ESTABLISHED 10.0.0.1:40001 192.168.100.100:80 192.168.8.101:80`. */
const LNC_LINE =
  /^(TCP|UDP)\s+\S+\s+\S+\s+(\d+\.\d+\.\d+\.\d+):(\d+)\s+(\d+\.\d+\.\d+\.\d+):(\d+)\s+(\d+\.\d+\.\d+\.\d+):(\d+)\s*$/

/**
 * The connection a line of `ipvsadm -Lnc` names (null: a header, an IPv6 line, anything else).
 * A template's line (client port 0) stands for the newest connection the page saw from that
 * client to that service on that real server. When the attempt is on the page its start is
 * known; else 0 (the worker then replays the run for it).
 */
export function wantedOfListingLine(line: string): PacketsWanted | null {
  const m = LNC_LINE.exec(line)
  if (!m) return null
  const [, , client, cport, vip, vport, rs] = m
  const virtual = `${vip}:${vport}`
  for (let i = live.attempts.length - 1; i >= 0; i--) {
    const a = live.attempts[i]
    if (isV6Num(a.client) || addrText(a.client) !== client || addrText(a.vip) !== vip || a.vport !== Number(vport))
      continue
    if (cport === '0' ? a.rsAddr >= 0 && addrText(a.rsAddr) === rs : a.clientPort === Number(cport))
      return wantedOfAttempt(a)
  }
  if (cport === '0') return null
  return { conn: { client: `${client}:${cport}`, virtual, atMs: 0 } }
}

/** Whether a line of `ipvsadm -Lnc` names a connection whose packets can be shown. */
export const isConnectionLine = (line: string): boolean => LNC_LINE.test(line)

export const packetsActions = {
  /**
   * Open the Packets view: for a connection named outright, or for a selection's newest connection
   * (the others of the selection to choose from); with no selection, the newest connection. False
   * when there is none to show.
   */
  openPackets(what: PacketsWanted | WhyTarget | null): boolean {
    if (what && 'conn' in what) {
      useLab.setState({ packets: { wanted: what, choices: [] } })
      return true
    }
    const choices = connectionsOf(what)
      .map(wantedOfAttempt)
      .filter((w): w is PacketsWanted => w !== null)
    if (choices.length === 0) return false
    useLab.setState({ packets: { wanted: choices[0], choices: choices.length > 1 ? choices : [] } })
    return true
  },
  /** Show another of the open view's connections. */
  choosePackets(wanted: PacketsWanted): void {
    const open = useLab.getState().packets
    if (open) useLab.setState({ packets: { ...open, wanted } })
  },
  closePackets(): void {
    useLab.setState({ packets: null })
  },
}

/** Ask the worker for packets (and a pcap of them). */
export function askPackets(wanted: PacketsWanted, pcap: boolean): Promise<PacketsAnswer> {
  return ask(
    (id) => ({ type: 'packets', id, wanted, pcap }),
    (r) => (r.type === 'packets' ? r.answer : undefined),
  )
}
