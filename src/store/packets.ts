/**
 * The Packets view's questions (issue 15): which connection an attempt is, as the worker's
 * packets request names it, and the answer asked for by request id.
 */
import type { AttemptRecord, PacketsAnswer, PacketsWanted } from '../worker/protocol'
import { addrText, isV6Num } from './addresses'
import { ask } from './channel'
import { live } from './live'

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

/** Ask the worker for packets (and a pcap of them). */
export function askPackets(wanted: PacketsWanted, pcap: boolean): Promise<PacketsAnswer> {
  return ask(
    (id) => ({ type: 'packets', id, wanted, pcap }),
    (r) => (r.type === 'packets' ? r.answer : undefined),
  )
}
