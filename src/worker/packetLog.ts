/**
 * The packets on the wire of the live run (issue 15): a `Wire` on the live player that keeps the
 * newest packets only (bounded memory), the Packets view's answer for one connection, and the
 * pcap export. Packets no longer kept (an old connection, the whole run) are answered from a
 * scratch re-run of the scenario as it stands, bounded by a time budget.
 */
import {
  changedFields,
  headerFields,
  ScenarioPlayer,
  type SimMs,
  type Simulator,
  validateScenario,
  Wire,
  type WirePacket,
} from '../engine/index'
import type { PacketsAnswer, PacketsWanted, PacketView } from './protocol'

/** The live run keeps this many of the newest packets (a ring: the oldest go first). */
export const PACKETS_KEPT = 4000
/**
 * The live run watches its packets when its synthetic users are at most this many (a class's
 * scenarios); a bigger run (bench-10k: 60,000 users) would play many times slower (building every
 * frame costs about ten times what the director's decisions do): its packets come from re-runs.
 */
export const LIVE_WIRE_MAX_USERS = 2000
/** A scratch re-run gives up after this long (ms of the injected clock): the worker never blocks longer. */
export const RERUN_BUDGET_MS = 3000
/**
 * The live run's Wire remembers this many connections' sequence numbers and IP ids (bounded
 * memory; a re-run remembers as many, so its packets are the live run's).
 */
export const FLOWS_REMEMBERED = 4096
/** The most packets one answer carries (the whole run of a big scenario would not draw). */
export const PACKETS_SENT = 2000

/** Whether a packet belongs to the connection or window asked for. */
function matches(p: WirePacket, w: PacketsWanted): boolean {
  if (w.conn) return p.conn.client === w.conn.client && p.conn.virtual === w.conn.virtual
  return p.at >= (w.fromMs ?? 0) && p.at <= (w.toMs ?? Number.POSITIVE_INFINITY)
}

/** The newest packets of a run, as its Wire hands them over. */
export class PacketLog {
  /** Oldest first; at most PACKETS_KEPT (trimmed in batches). */
  kept: WirePacket[] = []
  /** Whether packets were ever dropped from the front (then an old connection is answered by a re-run). */
  dropped = false
  /** The `at` of the newest packet dropped (−1: none). */
  droppedUntil = -1
  /** Whether the live run's packets are watched (LIVE_WIRE_MAX_USERS); if not, every answer is a re-run. */
  live = true

  add(p: WirePacket): void {
    this.kept.push(p)
    if (this.kept.length > PACKETS_KEPT + PACKETS_KEPT / 4) {
      const gone = this.kept.splice(0, this.kept.length - PACKETS_KEPT)
      this.dropped = true
      this.droppedUntil = gone[gone.length - 1].at
    }
  }

  clear(): void {
    this.kept = []
    this.dropped = false
    this.droppedUntil = -1
  }

  /**
   * Watch a player's simulator: its Wire (a rewind copy keeps the copied one, whose `onPacket`
   * closure still points at the original: set again) or a new one that keeps nothing itself.
   */
  attach(sim: Simulator): void {
    if (!this.live) return
    const wire = sim.wire instanceof Wire ? sim.wire : new Wire(sim.topology, false, FLOWS_REMEMBERED).watch(sim)
    wire.onPacket = (p) => this.add(p)
  }

  /** The kept packets asked for, or null when some of them may be gone (ask a re-run). */
  find(w: PacketsWanted): WirePacket[] | null {
    if (!this.live) return null
    const from = w.conn ? w.conn.atMs : (w.fromMs ?? 0)
    if (this.dropped && from <= this.droppedUntil) return null
    const found = this.kept.filter((p) => matches(p, w))
    // a packet whose original is gone would show no changed fields: ask a re-run
    const oldest = this.kept.length ? this.kept[0].n : 0
    if (found.some((p) => p.madeFrom !== null && p.madeFrom < oldest)) return null
    return found
  }
}

/**
 * The packets asked for, from a scratch run of `scenario` (the scenario as it stands, typed
 * commands folded in) up to `untilMs` — or as far as `budgetMs` of `now()` allowed.
 */
export function rerunPackets(
  scenario: unknown,
  w: PacketsWanted,
  untilMs: number,
  now: () => number,
  budgetMs = RERUN_BUDGET_MS,
): { packets: WirePacket[]; reachedMs: number; complete: boolean } | { error: string } {
  const check = validateScenario(scenario)
  if (!check.ok) return { error: check.error }
  const scratch = new ScenarioPlayer(check.scenario)
  const packets: WirePacket[] = []
  const wire = new Wire(scratch.sim.topology, false, FLOWS_REMEMBERED).watch(scratch.sim)
  wire.onPacket = (p) => {
    if (matches(p, w)) packets.push(p)
  }
  const started = now()
  const end = Math.max(0, untilMs)
  let t = 0
  for (;;) {
    scratch.advanceTo(t as SimMs)
    if (t >= end) return { packets, reachedMs: t, complete: true }
    if (now() - started > budgetMs) return { packets, reachedMs: t, complete: false }
    t = Math.min(end, t + 1000)
  }
}

/** What the Packets view draws of each packet: its headers by name and what its hop changed. */
export function packetViews(packets: readonly WirePacket[]): PacketView[] {
  const byN = new Map(packets.map((p) => [p.n, p]))
  return packets.map((p) => {
    const before = p.madeFrom === null ? undefined : byN.get(p.madeFrom)
    return {
      n: p.n,
      at: p.at,
      conn: p.conn,
      hop: p.hop,
      from: p.from,
      to: p.to,
      fn: p.fn,
      fate: p.fate,
      madeFrom: p.madeFrom,
      frameLength: p.frameLength,
      fields: headerFields(p.frame),
      changed: before ? changedFields(before.frame, p.frame) : [],
      ...(p.netfilter ? { netfilter: p.netfilter } : {}),
    }
  })
}

/** The answer to a `packets` request, from the packets found. */
export function packetsAnswer(
  packets: WirePacket[],
  source: 'kept' | 'rerun',
  complete: boolean,
  pcap: Uint8Array | null,
): PacketsAnswer {
  const more = Math.max(0, packets.length - PACKETS_SENT)
  return {
    ok: true,
    source,
    complete,
    packets: packetViews(more ? packets.slice(0, PACKETS_SENT) : packets),
    more,
    pcap,
  }
}
