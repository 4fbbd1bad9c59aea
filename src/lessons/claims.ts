import { LAB_SAMPLE_SERIES, type Probe, type ProbeAnswer, type ProbeMetric } from '../worker/protocol'

/**
 * Claims: what a lesson's text tells the class they will see, as a check the engine's figures
 * answer. A claim sits beside the sentence it backs (`claims` on the step) and reads like it:
 * `growsSlower('brokenSessions', { during: [130, 300], than: [0, 120], atMost: 0.25 })` backs
 * "the broken-session counter grows much more slowly". `lessons.test.ts` runs every lesson
 * through the worker's host, as the app does, and evaluates each claim at its step.
 */

/** A figure the engine samples once a simulated second (the figures bar and its chart show them). */
export type Series = (typeof LAB_SAMPLE_SERIES)[number]
/** From–to, in simulated seconds. */
export type Span = readonly [number, number]
/** An answer as a question's reveal says it: a real server (null: none), a count or figure, yes/no. */
export type Answer = string | number | boolean | null
export type Compare = '<' | '<=' | '=' | '>=' | '>'

export type Claim =
  /** `of` grows during `during` at most `atMost` times as fast as during `than`. */
  | { says: 'grows-slower'; of: Series; during: Span; than: Span; atMost: number }
  /** `of` does not grow at all during `during`. */
  | { says: 'stops-growing'; of: Series; during: Span }
  /** `of` grows during `during` (by at least one). */
  | { says: 'keeps-growing'; of: Series; during: Span }
  /** `of` at `at` seconds compares to `value`. */
  | { says: 'figure'; of: Series; at: number; is: Compare; value: number }
  /** The run's figure `name` at `at` seconds (a probe on the run: refused, failedConnections, …) compares to `value`. */
  | { says: 'metric'; name: ProbeMetric; at: number; is: Compare; value: number }
  /** The run's figure `name` grows (by at least one) during `during`, or (`stops`) not at all. */
  | { says: 'metric-grows'; name: ProbeMetric; during: Span; stops: boolean }
  /** The step's command printed a line matching `line` (shown in the lesson card). */
  | { says: 'output-lists'; line: RegExp }
  /** The step's command printed no line matching `line`. */
  | { says: 'output-lacks'; line: RegExp }
  /** The scenario's connection number `connection` (0-based) reached `rs` (null: refused). */
  | { says: 'lands-on'; connection: number; rs: string | null }
  /**
   * The reply the client of the scenario's connection number `connection` sees (the first packet
   * that reaches it, on the engine's Wire) comes from source address `source`, sent by `sender`
   * (`real-server`, `director`; omitted: not checked).
   */
  | { says: 'reply'; connection: number; source?: string; sender?: string }
  /** `client`'s template is live (or gone) at `at` seconds. */
  | { says: 'template-live'; client: string; at: number; live: boolean }
  /** `client` has a live template at every whole second of `during` (it never expired between). */
  | { says: 'template-live-throughout'; client: string; during: Span }
  /** The textbook rule's replay parted from the kernel on at least one template (the timeline marks it). */
  | { says: 'textbook-parts' }
  /**
   * The engine's answer to `probe` on the run so far compares to `value` (strings and null: `=`
   * only). Two directors (docs/two-directors.md): `vipHeldBy`, `vrrpState`, `pairEntries`,
   * `templatesElsewhere`, `vipMovedAt`, `masterDownInterval`, `failoverFigure`.
   */
  | { says: 'probed'; probe: Probe; is: Compare; value: number | string | null }
  /** A question's answer (after `yesWhen`) is `is`, or within it (a range of counts). */
  | { says: 'answer'; is: Answer | readonly [number, number] }
  /** The opposite of `claim` (the tests' way to show a false claim is caught). */
  | { says: 'not'; claim: Claim }

export const growsSlower = (of: Series, w: { during: Span; than: Span; atMost: number }): Claim => ({
  says: 'grows-slower',
  of,
  ...w,
})
export const stopsGrowing = (of: Series, w: { during: Span }): Claim => ({ says: 'stops-growing', of, ...w })
export const keepsGrowing = (of: Series, w: { during: Span }): Claim => ({ says: 'keeps-growing', of, ...w })
export const figure = (of: Series, at: number, is: Compare, value: number): Claim => ({
  says: 'figure',
  of,
  at,
  is,
  value,
})
export const metricAt = (name: ProbeMetric, at: number, is: Compare, value: number): Claim => ({
  says: 'metric',
  name,
  at,
  is,
  value,
})
export const metricGrows = (name: ProbeMetric, during: Span): Claim => ({
  says: 'metric-grows',
  name,
  during,
  stops: false,
})
export const metricStops = (name: ProbeMetric, during: Span): Claim => ({
  says: 'metric-grows',
  name,
  during,
  stops: true,
})
export const outputLists = (line: RegExp): Claim => ({ says: 'output-lists', line })
export const outputLacks = (line: RegExp): Claim => ({ says: 'output-lacks', line })
export const landsOn = (connection: number, rs: string | null): Claim => ({ says: 'lands-on', connection, rs })
export const replyFrom = (connection: number, source: string): Claim => ({ says: 'reply', connection, source })
export const replySentBy = (connection: number, sender: 'real-server' | 'director'): Claim => ({
  says: 'reply',
  connection,
  sender,
})
export const templateLive = (client: string, at: number): Claim => ({ says: 'template-live', client, at, live: true })
export const templateGone = (client: string, at: number): Claim => ({ says: 'template-live', client, at, live: false })
export const answerIs = (is: Answer | readonly [number, number]): Claim => ({ says: 'answer', is })
export const templateLiveThroughout = (client: string, during: Span): Claim => ({
  says: 'template-live-throughout',
  client,
  during,
})
export const textbookParts = (): Claim => ({ says: 'textbook-parts' })
export const not = (claim: Claim): Claim => ({ says: 'not', claim })

type Director = 'director' | 'backup'
const probed = (probe: Probe, is: Compare, value: number | string | null): Claim => ({
  says: 'probed',
  probe,
  is,
  value,
})
/** The clients' packets reach `holder` at `at` seconds (null: none, the holder lost power). */
export const vipHeldBy = (at: number, holder: Director | null): Claim =>
  probed({ kind: 'pair', what: 'vip-holder', atMs: Math.round(at * 1000) }, '=', holder)
/** `of`'s VRRP state at `at` seconds (`MASTER`, `BACKUP`, `FAULT`; `down`: it lost power). */
export const vrrpState = (of: Director, at: number, state: string): Claim =>
  probed({ kind: 'pair', what: 'vrrp-state', of, atMs: Math.round(at * 1000) }, '=', state)
/** `of`'s templates (or connections) at `at` seconds, as the strip under the director's title counts them. */
export const pairEntries = (
  of: Director,
  what: 'templates' | 'connections',
  at: number,
  is: Compare,
  value: number,
): Claim => probed({ kind: 'pair', what, of, atMs: Math.round(at * 1000) }, is, value)
/**
 * How many of `of`'s live templates at `at` seconds send their client elsewhere than the other
 * director's template for that client does (or have none there), as the timeline's two groups
 * show them side by side: 0 when the sync daemon gave `of` exactly the other's.
 */
export const templatesElsewhere = (of: Director, at: number, is: Compare, value: number): Claim =>
  probed({ kind: 'pair', what: 'templates-elsewhere', of, atMs: Math.round(at * 1000) }, is, value)
/** When VRRP last moved the VIP, by `at` seconds (in seconds), compares to `value`. */
export const vipMovedAt = (at: number, is: Compare, value: number): Claim =>
  probed({ kind: 'pair', what: 'vip-moved-at', atMs: Math.round(at * 1000) }, is, value)
/** `of`'s VRRP master-down interval (3 × advert_int + skew, seconds) compares to `value`. */
export const masterDownInterval = (of: Director, is: Compare, value: number): Claim =>
  probed({ kind: 'pair', what: 'master-down-interval', of, atMs: 0 }, is, value)
/** A failover figure of `--metrics` at `at` seconds compares to `value`. */
export const failoverFigure = (
  name: 'brokenSessionsByFailover' | 'connectionsResetByFailover',
  at: number,
  is: Compare,
  value: number,
): Claim => probed({ kind: 'metric', name, atMs: Math.round(at * 1000) }, is, value)

/** What the engine computed on the lesson's own run when the step was carried out. */
export interface StepFigures {
  /** The figures sampled at each whole simulated second so far (by the second). */
  value(of: Series, atSec: number): number | undefined
  /** What the step's command printed (stdout then stderr); null: the step ran no command. */
  output: string | null
  /** Templates the timeline marks as dropped earlier or later by the textbook rule so far (0: off, or none). */
  textbookMarks: number
  /** A question step's answer, as its reveal says it (undefined: not a question). */
  answer?: Answer
  /** The engine's answer to a probe on the scenario as it stands (the lesson's commands so far folded in). */
  probe(p: Probe): ProbeAnswer
}

export interface Verdict {
  holds: boolean
  /** What the engine showed, in words (for a failing test's message). */
  saw: string
}

const cmp = (a: number, is: Compare, b: number) =>
  is === '<' ? a < b : is === '<=' ? a <= b : is === '=' ? a === b : is === '>=' ? a >= b : a > b

/** The growth of `of` over `span` (per second), or a reason it has no figure. */
function rate(f: StepFigures, of: Series, [from, to]: Span): number | string {
  const a = f.value(of, from)
  const b = f.value(of, to)
  if (a === undefined || b === undefined) return `no ${of} sample at ${a === undefined ? from : to} s`
  return (b - a) / (to - from)
}

const r2 = (n: number) => Math.round(n * 100) / 100

/** Does `claim` hold on the figures of its step? */
export function evaluate(claim: Claim, f: StepFigures): Verdict {
  switch (claim.says) {
    case 'grows-slower': {
      const after = rate(f, claim.of, claim.during)
      const before = rate(f, claim.of, claim.than)
      if (typeof after === 'string') return { holds: false, saw: after }
      if (typeof before === 'string') return { holds: false, saw: before }
      return {
        holds: after <= before * claim.atMost,
        saw: `${claim.of} grew ${r2(after)}/s during ${claim.during.join('–')} s against ${r2(before)}/s during ${claim.than.join('–')} s`,
      }
    }
    case 'stops-growing':
    case 'keeps-growing': {
      const [from, to] = claim.during
      const a = f.value(claim.of, from)
      const b = f.value(claim.of, to)
      if (a === undefined || b === undefined) return { holds: false, saw: `no ${claim.of} sample` }
      const saw = `${claim.of} went ${a} → ${b} during ${from}–${to} s`
      return { holds: claim.says === 'stops-growing' ? b === a : b > a, saw }
    }
    case 'figure': {
      const v = f.value(claim.of, claim.at)
      if (v === undefined) return { holds: false, saw: `no ${claim.of} sample at ${claim.at} s` }
      return { holds: cmp(v, claim.is, claim.value), saw: `${claim.of} was ${v} at ${claim.at} s` }
    }
    case 'metric': {
      const a = f.probe({ kind: 'metric', name: claim.name, atMs: Math.round(claim.at * 1000) })
      if (!a.ok) return { holds: false, saw: a.error }
      const v = Number(a.value)
      return { holds: cmp(v, claim.is, claim.value), saw: `${claim.name} was ${v} at ${claim.at} s` }
    }
    case 'metric-grows': {
      const [from, to] = claim.during
      const at = (sec: number) => f.probe({ kind: 'metric', name: claim.name, atMs: sec * 1000 })
      const a = at(from)
      const b = at(to)
      if (!a.ok) return { holds: false, saw: a.error }
      if (!b.ok) return { holds: false, saw: b.error }
      const [va, vb] = [Number(a.value), Number(b.value)]
      return {
        holds: claim.stops ? vb === va : vb > va,
        saw: `${claim.name} went ${va} → ${vb} during ${from}–${to} s`,
      }
    }
    case 'output-lists':
    case 'output-lacks': {
      if (f.output === null) return { holds: false, saw: 'the step ran no command' }
      const found = f.output.split('\n').some((l) => claim.line.test(l))
      return { holds: claim.says === 'output-lists' ? found : !found, saw: `the output was:\n${f.output}` }
    }
    case 'lands-on': {
      const a = f.probe({ kind: 'connection-rs', index: claim.connection })
      if (!a.ok) return { holds: false, saw: a.error }
      return { holds: a.value === claim.rs, saw: `connection ${claim.connection} reached ${String(a.value)}` }
    }
    case 'reply': {
      const parts: string[] = []
      let holds = true
      for (const what of ['source', 'sender'] as const) {
        const want = claim[what]
        if (want === undefined) continue
        const a = f.probe({ kind: 'reply', index: claim.connection, what })
        if (!a.ok) return { holds: false, saw: a.error }
        holds &&= a.value === want
        parts.push(`its ${what} was ${String(a.value)}`)
      }
      return { holds, saw: `the reply to connection ${claim.connection}: ${parts.join(', ')}` }
    }
    case 'template-live': {
      const a = f.probe({ kind: 'template-live', client: claim.client, atMs: Math.round(claim.at * 1000) })
      if (!a.ok) return { holds: false, saw: a.error }
      return {
        holds: a.value === claim.live,
        saw: `${claim.client}'s template was ${a.value ? 'live' : 'gone'} at ${claim.at} s`,
      }
    }
    case 'template-live-throughout': {
      const [from, to] = claim.during
      for (let t = from; t <= to; t++) {
        const a = f.probe({ kind: 'template-live', client: claim.client, atMs: t * 1000 })
        if (!a.ok) return { holds: false, saw: a.error }
        if (a.value !== true) return { holds: false, saw: `${claim.client} had no live template at ${t} s` }
      }
      return { holds: true, saw: `${claim.client}'s template was live every second of ${from}–${to} s` }
    }
    case 'textbook-parts':
      return {
        holds: f.textbookMarks > 0,
        saw: `the timeline marked ${f.textbookMarks} templates the textbook rule drops earlier or later`,
      }
    case 'probed': {
      const a = f.probe(claim.probe)
      if (!a.ok) return { holds: false, saw: a.error }
      const v = a.value
      const holds =
        typeof v === 'number' && typeof claim.value === 'number'
          ? cmp(v, claim.is, claim.value)
          : claim.is === '=' && v === claim.value
      return { holds, saw: `${describeProbe(claim.probe)} was ${String(v)}` }
    }
    case 'answer': {
      if (f.answer === undefined) return { holds: false, saw: 'the step asks no question' }
      const is = claim.is
      const holds = Array.isArray(is)
        ? typeof f.answer === 'number' && f.answer >= is[0] && f.answer <= is[1]
        : f.answer === is
      return { holds, saw: `the answer was ${String(f.answer)}` }
    }
    case 'not': {
      const v = evaluate(claim.claim, f)
      return { holds: !v.holds, saw: v.saw }
    }
  }
}

/** A probe in words, for a failing test's message. */
function describeProbe(p: Probe): string {
  const { kind, ...rest } = p
  return `${kind} ${JSON.stringify(rest)}`
}

/** A claim in a line, for a failing test's message. */
export function describeClaim(c: Claim): string {
  switch (c.says) {
    case 'not':
      return `not (${describeClaim(c.claim)})`
    case 'output-lists':
    case 'output-lacks':
      return `${c.says} ${c.line}`
    default: {
      const { says, ...rest } = c
      return `${says} ${JSON.stringify(rest)}`
    }
  }
}

/** The series a claim reads (every one of LAB_SAMPLE_SERIES is a figure the lab shows). */
export const SERIES: readonly Series[] = LAB_SAMPLE_SERIES
