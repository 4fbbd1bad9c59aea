/**
 * The run's history: what a frame shows at every whole simulated second the run has reached since
 * it was loaded, reset or changed by a command (its "horizon"), noted compactly while it played
 * there for the first time — the counters, figures and services of each second, its sample, every
 * attempt and refresh tick (typed-array rows), each template's birth, refreshes of its timer,
 * re-arm, invalidation, expiry and when the timeline forgot it, and the commands run mid-run. A
 * seek to a whole second within the horizon is answered from it at once, byte for byte the frame
 * a replay would send (`rewind.test.ts`); the engine catches up only when something needs it. A
 * command at t cuts the history after t. It also names each template by the id the engine gave it
 * on the first pass (`idFor`): a replay's entries, numbered anew, are shown by the same ids.
 */
import { addrBook } from './addrBook'
import { MAX_ATTEMPTS_PER_FRAME } from './attemptLog'
import {
  ATTEMPT_FIELDS,
  AttemptField,
  INVALIDATED_VPORT,
  LAB_SAMPLE_FIELDS,
  type MetricsView,
  MID_RUN_SHOWN,
  type MidRunCommand,
  type ServiceView,
  TEMPLATE_FIELDS,
  TemplateField,
  type TemplateRecord,
} from './protocol'
import { MAX_REFRESHES_PER_FRAME, type TemplateLog, type TemplateObserver, type TemplateRow } from './templateLog'

/** Rows per chunk of a RowLog. */
const CHUNK_ROWS = 16_384

/** A growing table of numeric rows, in chunks (growing never copies). */
export class RowLog {
  private readonly chunks: Float64Array[] = []
  length = 0
  readonly fields: number

  constructor(fields: number) {
    this.fields = fields
  }

  push(row: ArrayLike<number>): void {
    this.set(this.length, row)
  }

  /** Row `i` (≤ length: one more row) becomes `row`. */
  set(i: number, row: ArrayLike<number>): void {
    const c = Math.floor(i / CHUNK_ROWS)
    if (c >= this.chunks.length) this.chunks.push(new Float64Array(CHUNK_ROWS * this.fields))
    const o = (i % CHUNK_ROWS) * this.fields
    const chunk = this.chunks[c]
    for (let f = 0; f < this.fields; f++) chunk[o + f] = row[f] ?? 0
    if (i >= this.length) this.length = i + 1
  }

  get(i: number, field: number): number {
    return this.chunks[Math.floor(i / CHUNK_ROWS)][(i % CHUNK_ROWS) * this.fields + field]
  }

  /** Rows [from, to) in one array. */
  slice(from: number, to: number): Float64Array {
    const out = new Float64Array(Math.max(0, to - from) * this.fields)
    for (let i = from; i < to; i++) {
      const o = (i % CHUNK_ROWS) * this.fields
      out.set(this.chunks[Math.floor(i / CHUNK_ROWS)].subarray(o, o + this.fields), (i - from) * this.fields)
    }
    return out
  }

  /** How many rows (from the first) have `field` ≤ `value` (the field grows with the row). */
  countUpTo(field: number, value: number): number {
    let lo = 0
    let hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.get(mid, field) <= value) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  truncate(n: number): void {
    this.length = Math.min(this.length, n)
    this.chunks.length = Math.ceil(this.length / CHUNK_ROWS)
  }

  get bytes(): number {
    return this.chunks.length * CHUNK_ROWS * this.fields * 8
  }
}

/** One template as the history keeps it: its fixed fields (address numbers) and its changes' times. */
interface TemplateHistory
  extends Pick<TemplateRecord, 'id' | 'client' | 'vaddrOrMark' | 'vport' | 'rsAddr' | 'rsPort' | 'createdAt'> {
  firstRearmAt: number
  invalidatedAt: number
  expiredAt: number
  /** When the timeline forgot it (−1: kept). */
  forgottenAt: number
  /** Pairs (whole second, the timer's expiry then), each second at which it had changed. */
  expires: number[]
}

/** What a frame built from the history carries (the rest the host adds). */
export interface HistoryFrame {
  services: ServiceView[] | null
  rsCounters: Float64Array
  attempts: Float64Array
  attemptsSkipped: number
  attemptsFirstSeq: number
  templates: Float64Array
  refreshes: Float64Array
  metrics: MetricsView
  samples: Float64Array
  midRun: MidRunCommand[] | null
}

/** What the run tells the history at a whole second. */
export interface SecondState {
  rsCounters: Float64Array
  services: ServiceView[]
  metrics: MetricsView
  attemptsNoted: number
}

export class RunHistory implements TemplateObserver {
  /** The last whole second noted (ms); −1000: none. Events after it are new. */
  horizon = -1000
  /** Per second: whether the clock was exactly there when it was noted (else a seek there takes the engine's path). */
  private exact: boolean[] = []
  private rsCounters: Float64Array[] = []
  private services: ServiceView[][] = []
  private lastServicesText = ''
  private metrics: MetricsView[] = []
  private attemptsNoted: number[] = []
  private refreshesNoted: number[] = []
  private readonly samples = new RowLog(LAB_SAMPLE_FIELDS)
  private readonly attempts = new RowLog(ATTEMPT_FIELDS)
  /** Refresh ticks: (template id, time). */
  private readonly refreshes = new RowLog(2)
  /** Templates by ordinal (creation order). */
  private templates: TemplateHistory[] = []
  private readonly byId = new Map<number, TemplateHistory>()
  /** Not expired. */
  private readonly live = new Set<TemplateHistory>()
  /**
   * Created, refreshed or re-armed since the last second noted: their timers are read then (a
   * template's timer changes only so — the kernel's ip_vs_conn_put() and re-arm).
   */
  private readonly touched = new Set<TemplateHistory>()
  private midRun: MidRunCommand[] = []

  clear(): void {
    this.horizon = -1000
    this.exact = []
    this.rsCounters = []
    this.services = []
    this.lastServicesText = ''
    this.metrics = []
    this.attemptsNoted = []
    this.refreshesNoted = []
    this.samples.truncate(0)
    this.attempts.truncate(0)
    this.refreshes.truncate(0)
    this.templates = []
    this.byId.clear()
    this.live.clear()
    this.touched.clear()
    this.midRun = []
  }

  /** Whether a frame at `t` can be built from the history (a whole second reached). */
  has(t: number): boolean {
    return t >= 0 && t % 1000 === 0 && t <= this.horizon && this.exact[t / 1000] === true
  }

  /** Something that happened at `now` is new (not a replay of what the history holds). */
  private isNew(now: number): boolean {
    return now > this.horizon
  }

  attempt(row: Float64Array, now: number): void {
    if (this.isNew(now)) this.attempts.push(row)
  }

  ranMidRun(c: MidRunCommand): void {
    if (this.isNew(c.atMs)) this.midRun.push(c)
  }

  // the template log's observer
  idFor(ordinal: number, engineId: number): number {
    return this.templates[ordinal]?.id ?? engineId
  }

  created(row: TemplateRow, now: number): void {
    if (this.byId.has(row.id) || !this.isNew(now)) return
    const h: TemplateHistory = {
      id: row.id,
      client: Number(row.client),
      vaddrOrMark: 0,
      vport: row.vport,
      rsAddr: 0,
      rsPort: row.rsPort,
      createdAt: row.createdAt,
      firstRearmAt: -1,
      invalidatedAt: -1,
      expiredAt: -1,
      forgottenAt: -1,
      expires: [],
    }
    const enc = encodeRow(row)
    h.client = enc.client
    h.vaddrOrMark = enc.vaddrOrMark
    h.rsAddr = enc.rsAddr
    this.templates.push(h)
    this.byId.set(h.id, h)
    this.live.add(h)
    this.touched.add(h)
  }

  refreshed(row: TemplateRow, now: number): void {
    if (!this.isNew(now)) return
    this.refreshes.push([row.id, now])
    const h = this.byId.get(row.id)
    if (h) this.touched.add(h)
  }

  rearmed(row: TemplateRow, now: number): void {
    const h = this.byId.get(row.id)
    if (!h) return
    if (h.firstRearmAt < 0) h.firstRearmAt = now
    if (this.isNew(now)) this.touched.add(h)
  }

  invalidated(row: TemplateRow, now: number): void {
    const h = this.byId.get(row.id)
    if (h && h.invalidatedAt < 0) h.invalidatedAt = now
  }

  expired(row: TemplateRow, now: number): void {
    const h = this.byId.get(row.id)
    if (!h) return
    h.expiredAt = now
    this.live.delete(h)
  }

  forgotten(row: TemplateRow, now: number): void {
    const h = this.byId.get(row.id)
    if (h && h.forgottenAt < 0) h.forgottenAt = now
  }

  /**
   * The whole second `s` as the run stands (after the commands run at `s`); `sample`: its sample
   * row (null: keep the one noted, taken before a command typed at `s`).
   */
  note(s: number, st: SecondState, sample: ArrayLike<number> | null, templates: TemplateLog, exact: boolean): void {
    const i = s / 1000
    this.exact[i] = exact
    this.rsCounters[i] = st.rsCounters.slice()
    // the services change only with the configuration and the counters: one copy while they stay
    const text = JSON.stringify(st.services)
    if (text !== this.lastServicesText || i === 0) {
      this.lastServicesText = text
      this.services[i] = st.services
    } else this.services[i] = this.services[i - 1]
    this.metrics[i] = st.metrics
    this.attemptsNoted[i] = st.attemptsNoted
    this.refreshesNoted[i] = this.refreshes.length
    if (sample) this.samples.set(i, sample)
    for (const h of this.touched) {
      if (!this.live.has(h)) continue
      const row = templates.get(h.id)
      if (!row) continue
      const at = row.view.expiresAt
      const n = h.expires.length
      if (n > 0 && h.expires[n - 1] === at) continue
      if (n > 0 && h.expires[n - 2] === s) h.expires[n - 1] = at
      else h.expires.push(s, at)
    }
    this.touched.clear()
    this.horizon = s
  }

  /**
   * A command runs at `t` (the run is there): what the history holds after `t` goes, and what
   * happens from now on at `t` is new; `note(t)` (a whole second) follows the command.
   */
  cut(t: number): void {
    const seconds = Math.floor(t / 1000) + 1
    this.exact.length = Math.min(this.exact.length, seconds)
    this.rsCounters.length = Math.min(this.rsCounters.length, seconds)
    this.services.length = Math.min(this.services.length, seconds)
    this.lastServicesText = this.services.length > 0 ? JSON.stringify(this.services[this.services.length - 1]) : ''
    this.metrics.length = Math.min(this.metrics.length, seconds)
    this.attemptsNoted.length = Math.min(this.attemptsNoted.length, seconds)
    this.refreshesNoted.length = Math.min(this.refreshesNoted.length, seconds)
    this.samples.truncate(seconds)
    this.attempts.truncate(this.attempts.countUpTo(AttemptField.AT, t))
    this.refreshes.truncate(this.refreshes.countUpTo(1, t))
    while (this.templates.length > 0 && (this.templates.at(-1) as TemplateHistory).createdAt > t) {
      const h = this.templates.pop() as TemplateHistory
      this.byId.delete(h.id)
      this.live.delete(h)
    }
    for (const h of this.templates) {
      if (h.firstRearmAt > t) h.firstRearmAt = -1
      if (h.invalidatedAt > t) h.invalidatedAt = -1
      if (h.forgottenAt > t) h.forgottenAt = -1
      if (h.expiredAt > t) {
        h.expiredAt = -1
        this.live.add(h)
      }
      // the command may change any timer (a re-read costs one lookup)
      if (h.expiredAt < 0) this.touched.add(h)
      while (h.expires.length > 0 && h.expires[h.expires.length - 2] > t) h.expires.length -= 2
    }
    this.midRun = this.midRun.filter((c) => c.atMs <= t)
    const whole = t % 1000 === 0
    this.horizon = Math.min(this.horizon, whole ? t - 1000 : Math.floor(t / 1000) * 1000)
  }

  /**
   * The first frame after a seek to `t` (`has(t)`): what a replay to `t` sends — every template row
   * kept, the newest attempts, refresh ticks and samples, the services, the commands run by then.
   */
  frameAt(t: number, samplesKept: number): HistoryFrame {
    const i = t / 1000
    const attemptsTotal = this.attemptsNoted[i]
    const attemptsKept = Math.min(attemptsTotal, MAX_ATTEMPTS_PER_FRAME)
    const refreshesTotal = this.refreshesNoted[i]
    const refreshesKept = Math.min(refreshesTotal, MAX_REFRESHES_PER_FRAME)
    const firstSample = Math.max(0, i - samplesKept + 1)
    const midRun = this.midRun.filter((c) => c.atMs <= t)
    return {
      services: this.services[i],
      rsCounters: this.rsCounters[i].slice(),
      attempts: this.attempts.slice(attemptsTotal - attemptsKept, attemptsTotal),
      attemptsSkipped: attemptsTotal - attemptsKept,
      attemptsFirstSeq: attemptsTotal - attemptsKept + 1,
      templates: this.templatesAt(t),
      refreshes: this.refreshes.slice(refreshesTotal - refreshesKept, refreshesTotal),
      metrics: this.metrics[i],
      samples: this.samples.slice(firstSample, i + 1),
      midRun: midRun.slice(Math.max(0, midRun.length - MID_RUN_SHOWN)),
    }
  }

  /**
   * A later frame while the run stays at `t`: nothing new but the counters and figures (and the
   * services and the commands run, when the page asks for them again).
   */
  quietFrameAt(t: number, services: boolean, midRun: boolean): HistoryFrame {
    const i = t / 1000
    const ran = midRun ? this.midRun.filter((c) => c.atMs <= t) : null
    return {
      services: services ? this.services[i] : null,
      rsCounters: this.rsCounters[i].slice(),
      attempts: new Float64Array(0),
      attemptsSkipped: 0,
      attemptsFirstSeq: this.attemptsNoted[i] + 1,
      templates: new Float64Array(0),
      refreshes: new Float64Array(0),
      metrics: this.metrics[i],
      samples: new Float64Array(0),
      midRun: ran ? ran.slice(Math.max(0, ran.length - MID_RUN_SHOWN)) : null,
    }
  }

  /** The template rows the timeline keeps at `t`, oldest first, as they stood then (frame rows). */
  private templatesAt(t: number): Float64Array {
    const kept: TemplateHistory[] = []
    for (const h of this.templates) {
      if (h.createdAt > t) break
      if (h.forgottenAt < 0 || h.forgottenAt > t) kept.push(h)
    }
    const out = new Float64Array(kept.length * TEMPLATE_FIELDS)
    for (let i = 0; i < kept.length; i++) {
      const h = kept[i]
      const o = i * TEMPLATE_FIELDS
      const expiredAt = h.expiredAt >= 0 && h.expiredAt <= t ? h.expiredAt : -1
      out[o + TemplateField.ID] = h.id
      out[o + TemplateField.CLIENT] = h.client
      out[o + TemplateField.VADDR_OR_MARK] = h.vaddrOrMark
      out[o + TemplateField.VPORT] = h.invalidatedAt >= 0 && h.invalidatedAt <= t ? INVALIDATED_VPORT : h.vport
      out[o + TemplateField.RS_ADDR] = h.rsAddr
      out[o + TemplateField.RS_PORT] = h.rsPort
      out[o + TemplateField.CREATED_AT] = h.createdAt
      out[o + TemplateField.EXPIRES_AT] = expiredAt >= 0 ? expiredAt : expiryAt(h.expires, t)
      out[o + TemplateField.FIRST_REARM_AT] = h.firstRearmAt >= 0 && h.firstRearmAt <= t ? h.firstRearmAt : -1
      out[o + TemplateField.EXPIRED_AT] = expiredAt
      // DIRECTOR stays 0: the history is kept only for one director (labRun.ts useHistory)
    }
    return out
  }

  /** Bytes the history holds (estimated: typed arrays, and about 8 bytes a number elsewhere). */
  get bytes(): number {
    let b = this.samples.bytes + this.attempts.bytes + this.refreshes.bytes
    for (const r of this.rsCounters) b += r.byteLength + 64
    b += this.metrics.length * (12 * 8 + 64) + this.attemptsNoted.length * 16
    let services = 0
    for (let i = 0; i < this.services.length; i++)
      if (i === 0 || this.services[i] !== this.services[i - 1]) services += JSON.stringify(this.services[i]).length * 2
    b += services + this.services.length * 8
    for (const h of this.templates) b += 160 + h.expires.length * 8
    return b
  }
}

/** The address numbers of a row, as its frame row carries them. */
function encodeRow(row: TemplateRow): { client: number; vaddrOrMark: number; rsAddr: number } {
  return {
    client: addrBook.encode(row.client),
    vaddrOrMark: addrBook.encode(row.vaddrOrMark),
    rsAddr: addrBook.encode(row.rsAddr),
  }
}

/** The timer's expiry at whole second `t`: the last change noted at or before it. */
function expiryAt(pairs: number[], t: number): number {
  let lo = 0
  let hi = pairs.length / 2
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (pairs[mid * 2] <= t) lo = mid + 1
    else hi = mid
  }
  return lo === 0 ? -1 : pairs[(lo - 1) * 2 + 1]
}
