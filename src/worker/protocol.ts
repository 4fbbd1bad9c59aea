/**
 * The worker's message protocol, version 1: requests in (what the user wants), frames out (what
 * the engine did). Frames carry deltas since the previous frame; numbers travel in typed arrays.
 * This is the only file the UI and the worker share.
 */

export const PROTOCOL_VERSION = 1

/** Speeds the worker accepts: simulated seconds per wall second. */
export const MIN_SPEED = 0.1
export const MAX_SPEED = 1000

export type Request =
  /**
   * Load a scenario and rewind to 0, paused: the parsed JSON of a scenario file, or its text
   * (parsed here, so a file of megabytes does not stall the page).
   */
  | { type: 'load'; scenario: unknown; name: string; seed?: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'speed'; speed: number }
  /** One scenario event, or one simulated second. */
  | { type: 'step'; unit: 'event' | 'second' }
  /** Jump to an earlier (or later) simulated time: deterministic replay from the start. */
  | { type: 'seek'; toMs: number }
  /** Start again from 0 with the same scenario (the commands typed are forgotten). */
  | { type: 'reset'; seed?: number }
  /** A command line typed in the console, run at the current simulated time. */
  | { type: 'run'; id: number; line: string }
  /** Replace the configuration with a script (ipvsadm-save / iptables -S lines), all or nothing. */
  | { type: 'apply-script'; id: number; script: string }
  /** The main thread is ready to draw: advance to wall time × speed and send one frame. */
  | { type: 'frame'; wallMs: number; listing: string | null; listingFilter: string }
  /** Explain a connection attempt, a template or a real server. */
  | { type: 'why'; id: number; target: WhyTarget }
  /** The running configuration as an editable script. */
  | { type: 'script' }
  /** One template as `ipvsadm -Lnc` prints it now (for the timeline's hover). */
  | { type: 'template-line'; templateId: number }
  /** The scenario as it stands: the loaded one with the commands typed since folded in. */
  /** The scenario as it stands; nothing but the version when it is still `unlessVersion`. */
  | { type: 'export-scenario'; id: number; unlessVersion?: string }
  /** Compare mode: the base scenario's traffic (and seed) through each configuration. */
  | { type: 'compare-start'; base: unknown; configs: CompareConfig[] }
  | { type: 'compare-stop' }
  /** Play, and pause by itself at `toMs` (a lesson's "run to t = 150 s"). */
  | { type: 'play-until'; toMs: number }
  /** Replay a real-kernel recording's scenario and compare, field by field (fidelity, shown). */
  | { type: 'fidelity'; id: number; scenario: unknown; recording: unknown }
  /** Replay the run under the textbook's template rule too, and mark where the two differ. */
  | { type: 'textbook'; on: boolean }
  /** Ask the engine a question about the scenario as it stands, on a scratch copy (lessons, exercises). */
  | { type: 'probe'; id: number; probe: Probe }

export type WhyTarget =
  | { kind: 'attempt'; seq: number }
  | { kind: 'template'; templateId: number }
  | { kind: 'rs'; addr: number; port: number }

/** One reason step of a "Why?" answer: a key the UI translates, with its values. */
export interface WhyStep {
  key: string
  values: Record<string, string | number>
}

/** A service and its real servers as the Director and Real servers panels draw them. */
export interface ServiceView {
  key: string
  /** `TCP 192.168.100.100:80`, `FWM 80`: as ipvsadm -Ln names it. */
  label: string
  scheduler: string
  /** Persistence timeout in seconds, 0 when not persistent. */
  persistSec: number
  /** The persistence netmask, dotted (255.255.255.255 unless -M). */
  netmask: string
  /** The first MAX_SHOWN_DESTINATIONS real servers by address… */
  destinations: DestinationView[]
  /** …and how many more there are (drawn as one summed row). */
  hiddenDestinations: number
}

/** Real servers drawn one by one per service; beyond them, one row sums the rest (65,535 would not draw). */
export const MAX_SHOWN_DESTINATIONS = 16

export interface DestinationView {
  addr: number
  port: number
  /** `192.168.8.101:80` */
  label: string
  weight: number
  forward: 'Route' | 'Masq' | 'Tunnel' | 'Local'
  activeConns: number
  inactConns: number
  persistConns: number
  /** Connections this destination took since the start. */
  conns: number
}

/**
 * Recent client attempts, 8 numbers each: at (ms), client address, client port, VIP, VIP port,
 * real server address (−1: none took it), how it was decided (see AttemptHow), template id (0: none).
 */
export const ATTEMPT_FIELDS = 8
export const AttemptHow = { SCHEDULED: 0, TEMPLATE_HIT: 1, TEMPLATE_NEW: 2, REFUSED: 3, DROPPED: 4, LOCAL: 5 } as const

/**
 * Template rows that changed, 10 numbers each: id, client address (masked), service VIP or fwmark,
 * service port, real server address, real server port, created at (ms), expires at (ms; the
 * timer's current deadline), first re-arm at (ms, −1: never kept past its timeout), expired at
 * (ms, −1: live). Refresh ticks come separately.
 */
export const TEMPLATE_FIELDS = 10

export const RS_COUNTER_FIELDS = 5

/** A replayed recording beside the real kernel: every compared field, and whether it matched. */
export type FidelityResult =
  | {
      ok: true
      name: string
      kernel: string
      fields: {
        path: string
        cmd: string | null
        ok: boolean
        expected: string
        actual: string
        detail: string | null
      }[]
    }
  | { ok: false; error: string }

/** What a lesson or an exercise asks the engine. Times in simulated ms. */
export type Probe =
  /** Which real server the scenario's connection number `index` reaches (address, or null). */
  | { kind: 'connection-rs'; index: number }
  /** Is a persistence template for this client (masked as the service masks it) live at `atMs`? */
  | { kind: 'template-live'; client: string; atMs: number }
  /** A figure of the run at `atMs`. */
  | { kind: 'metric'; name: 'brokenSessions' | 'stickiness' | 'imbalance' | 'templatesLive' | 'refused'; atMs: number }

export type ProbeAnswer = { ok: true; value: string | number | boolean | null } | { ok: false; error: string }

/** One configuration of a comparison: its commands, and whether sessions are shared (e.g. Redis). */
export interface CompareConfig {
  id: string
  label: string
  commands: string[]
  sessionSharing?: boolean
}

export interface CompareRunFrame {
  id: string
  rs: {
    label: string
    addr: number
    activeConns: number
    inactConns: number
    persistConns: number
    conns: number
    weight: number
  }[]
  /** Template rows that changed (TEMPLATE_FIELDS each). */
  templates: Float64Array
  refreshes: Float64Array
  metrics: MetricsView
  /**
   * The figures at each whole simulated second the run passed since the last frame (rows of
   * COMPARE_SAMPLE_FIELDS: t ms, then COMPARE_SAMPLE_SERIES), so the charts are the same whatever
   * the speed or the frame rate.
   */
  samples: Float64Array
}

/** What a compare sample holds after its time, in order. */
export const COMPARE_SAMPLE_SERIES = ['imbalance', 'brokenSessions', 'templatesLive', 'templateKiB'] as const
export const COMPARE_SAMPLE_FIELDS = 1 + COMPARE_SAMPLE_SERIES.length

export interface MetricsView {
  connections: number
  refused: number
  brokenSessions: number
  usersWithBrokenSession: number
  stickiness: number
  imbalance: number
  currentImbalance: number
  templatesLive: number
  templatesPeak: number
  templatesKeptPastTimeout: number
  templateBytes: number
  templatePeakBytes: number
}

export type Frame = {
  type: 'frame'
  v: typeof PROTOCOL_VERSION
  /** Increases on every load, reset and seek: the UI drops what it kept from an older epoch. */
  epoch: number
  nowMs: number
  endMs: number
  playing: boolean
  speed: number
  /** Sent when the configuration changed (and on a new epoch). */
  services: ServiceView[] | null
  /**
   * Every frame, per destination in `services` order (services, then their destinations):
   * ActiveConn, InActConn, templates (persistConns), connections so far, weight. A service with
   * hidden destinations has one more such row after its own: their sums.
   */
  rsCounters: Float64Array
  attempts: Float64Array
  /** Attempts left out of this frame because there were too many to draw. */
  attemptsSkipped: number
  /** Sequence number of the first attempt in `attempts` (for "Why?"). */
  attemptsFirstSeq: number
  templates: Float64Array
  /** Pairs (template id, refresh time ms). */
  refreshes: Float64Array
  /** Textbook switch: pairs (template id, when the textbook rule would have dropped it, ms). */
  textbookMarks: Float64Array
  /** Textbook switch: connections that went to another server under the textbook rule (−1: off). */
  textbookDivergent: number
  metrics: MetricsView
  /**
   * The figures at each whole simulated second passed since the last frame (rows of
   * LAB_SAMPLE_FIELDS: t ms, then LAB_SAMPLE_SERIES).
   */
  samples: Float64Array
  listing: { cmd: string; text: string; lines: number } | null
}

/** What a lab sample holds after its time, in order. */
export const LAB_SAMPLE_SERIES = [
  'imbalance',
  'currentImbalance',
  'templatesLive',
  'connections',
  'brokenSessions',
] as const
export const LAB_SAMPLE_FIELDS = 1 + LAB_SAMPLE_SERIES.length

export type Reply =
  | Frame
  | {
      type: 'loaded'
      name: string
      description: string
      /** The description in other languages, by locale. */
      descriptions: Record<string, string>
      /** The initial commands and what they printed: the last ones when there are many… */
      commands: { cmd: string; stdout: string; stderr: string; exit: number }[]
      /** …and how many earlier ones are not sent. */
      omittedCommands: number
      endMs: number
      seed: number
    }
  | { type: 'ran'; id: number; line: string; atMs: number; stdout: string; stderr: string; exit: number }
  | { type: 'applied'; id: number; ok: boolean; error: string | null; line: number | null }
  | { type: 'why'; id: number; title: string; steps: WhyStep[] }
  | { type: 'script'; text: string }
  | { type: 'template-line'; templateId: number; line: string | null }
  /** The scenario as it stands, as JSON text (stringified here, off the page's thread). */
  | { type: 'scenario'; id: number; scenario: string | null; version: string; atMs: number }
  | { type: 'compare-started'; endMs: number; configs: { id: string; label: string }[] }
  | { type: 'probe'; id: number; answer: ProbeAnswer }
  | { type: 'fidelity'; id: number; result: FidelityResult }
  | {
      type: 'compare-frame'
      v: typeof PROTOCOL_VERSION
      epoch: number
      nowMs: number
      endMs: number
      playing: boolean
      speed: number
      runs: CompareRunFrame[]
    }
  | { type: 'busy'; what: 'seeking' | 'loading'; done: number }
  /** The answer to a frame request while no scenario is loaded. */
  | { type: 'idle' }
  | { type: 'error'; message: string; fatal: boolean }

export function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`)
}
