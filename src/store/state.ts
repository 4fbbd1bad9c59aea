/**
 * The store's state: its shape (LabState), its initial values, the zustand store `useLab` and the
 * selectors panels share. Nothing here talks to the worker or to storage beyond reading the
 * remembered language and theme, and the console's history, once. Messages for the user are kept
 * as a key and values (`Message`) and translated when drawn; a program's output is kept as its
 * own text.
 */
import { create } from 'zustand'
import type { Locale, Message, MessageKey, MessageValues } from '../i18n/index'
import type {
  CommandSource,
  CompareRunFrame,
  FaultView,
  JournalLine,
  KeepalivedLogView,
  MetricsView,
  MidRunCommand,
  PacketsWanted,
  PairState,
  ServiceView,
  WhyStep,
  WhyTarget,
} from '../worker/protocol'
import type { RsLive, RsSummed } from './frames'
import { initialLocale, initialTheme, type Theme } from './remembered'
import { emptyRsColors, type RsColors } from './rsColors'
import { readConsoleHistory } from './sessionStorage'

export type { Locale, Message, MessageKey, MessageValues } from '../i18n/index'
export type { Theme } from './remembered'

/** A message from a catalogue key, translated when drawn. */
export const msg = (key: MessageKey, values?: MessageValues): Message => (values ? { key, values } : { key })
/** A text shown as it is, in every language (a program's words, an error from the browser). */
export const verbatim = (text: string): Message => ({ text })

/**
 * A line of the console's scrollback: a command and its output are the tools' own words (never
 * translated); a note is the lab's message, translated when drawn. A command run mid-run says who
 * ran it (`by`: the console labels all but typed ones) and, with its output, carries `mid`, its
 * key in the worker's list of commands run so far (`midKey`): a line whose key the list no longer
 * has was undone by a rewind (shown as not run yet).
 */
export type ConsoleLine =
  | {
      id: number
      kind: 'cmd' | 'out' | 'err'
      text: string
      atMs?: number
      by?: CommandSource
      mid?: string
      /** A command the page sent: its request id, until the worker's answer says when it ran. */
      runId?: number
    }
  | { id: number; kind: 'note'; msg: Message; atMs?: number }

/** A mid-run command's key: when, who, what (the same command run again after a rewind has the same key). */
export const midKey = (m: Pick<MidRunCommand, 'atMs' | 'by' | 'cmd'>): string => `${m.atMs}\u0000${m.by}\u0000${m.cmd}`

export type TimelineSort = 'newest' | 'created' | 'expiry'
export type ListingCmd =
  | 'ipvsadm -Lnc'
  | 'ipvsadm -Ln --stats'
  | 'ipvsadm -Ln --rate'
  | 'ipvsadm -Ln --persistent-conn'
  /** With a backup director (docs/two-directors.md): its connections and templates, beside the director's. */
  | 'ssh backup ipvsadm -Lnc'

export type View = 'lab' | 'compare' | 'lessons'

export interface CompareRunView {
  id: string
  label: string
  rs: CompareRunFrame['rs']
  metrics: MetricsView
}

/** What the page keeps to restore a session: the scenario as it stands (typed commands folded in), and where. */
export interface SavedSession {
  /** The scenario as JSON text (older saves: the parsed object, typed commands folded in); the worker takes either. */
  scenario: unknown
  /** The commands typed since, replayed when it loads (older saves: none). */
  journal?: JournalLine[]
  atMs: number
  name: string
  presetId: string
  savedAt: number
}

export interface LabState {
  // -- session (from the worker)
  ready: boolean
  presetId: string
  scenarioName: string
  description: string
  /** The scenario's description in other languages, by locale (`description` is the fallback). */
  descriptions: Record<string, string>
  seed: number
  epoch: number
  nowMs: number
  endMs: number
  playing: boolean
  speed: number
  busy: string | null
  /** An error for the user (a refused scenario, a stopped worker), dismissable. */
  error: Message | null
  /** Where a rewind or jump is going (the time slider shows it until the worker got there). */
  seekTarget: number | null
  services: ServiceView[]
  rs: RsLive[]
  /** Services with more real servers than are drawn: the rest, summed (one row each). */
  rsMore: RsSummed[]
  /** Each real server's colour slot by address, kept for the session (rsColors.ts). */
  rsColors: RsColors
  metrics: MetricsView | null
  /** With a backup director: both directors and each failover (docs/two-directors.md); null with one. */
  pair: PairState | null
  /** The real servers' faults in force now (a scenario's `faults`, or `lab-fault`). */
  faults: FaultView[]
  /** keepalived's log as `journalctl -u keepalived` prints it (its newest lines), as the worker last sent it. */
  keepalivedLog: KeepalivedLogView | null
  /** keepalived's log view is open beside the stage. */
  logOpen: boolean
  /** keepalived has run in this scenario (its lines, a command about it): the toolbar offers its log. */
  keepalivedSeen: boolean
  historyVersion: number
  // -- console and script
  console: ConsoleLine[]
  /** The lines typed at the console, oldest first (↑/↓): kept across views and reloads (sessionStorage.ts). */
  consoleHistory: string[]
  /**
   * The commands run mid-run so far in this run (the scenario's, typed, a button's, a lesson's),
   * oldest first, as the worker last sent them: none after the current time.
   */
  midRun: MidRunCommand[]
  script: string
  /** The first line a script was refused at: the tool's own message (never translated) and the line. */
  scriptError: { message: string; line: number | null } | null
  /** Increases each time a script was applied whole. */
  scriptApplied: number
  /** The script being edited (null: it follows the running configuration). */
  scriptDraft: string | null
  // -- listings
  listingCmd: ListingCmd
  listingFilter: string
  listing: { cmd: string; text: string; lines: number } | null
  // -- why
  selection: WhyTarget | null
  why: { title: string; steps: WhyStep[] } | null
  /** The Packets view, open for one connection (null: closed); one for the page, opened from any panel (packets.ts). */
  packets: PacketsOpen | null
  // -- compare
  view: View
  compareRuns: CompareRunView[]
  compareConfigs: { id: string; label: string }[]
  // -- ui
  locale: Locale
  theme: Theme
  timelineFilter: string
  timelineSort: TimelineSort
  /** The hovered template as ipvsadm -Lnc prints it. */
  hoverLine: { templateId: number; line: string | null } | null
  /** The lesson being followed (null: none) and its step. */
  lessonId: string | null
  lessonStep: number
  /** The lesson's run steps whose command has run since its scenario was loaded (going back and forth never runs one twice). */
  lessonRan: readonly number[]
  /** Presenter mode: big type, high contrast, clicker keys. */
  presenter: boolean
  /** The textbook switch, and how many connections went elsewhere under the textbook rule. */
  textbook: boolean
  textbookDivergent: number
  textbookMarkCount: number
  /** A notice for the user (a restored session, a restarted worker), dismissable. */
  notice: Message | null
  storageWarned: boolean
  /** This page started from the saved session (the notice offers to start fresh). */
  restoredSession: boolean
  /** A session not restored because the worker stopped twice with it: offered as a file. */
  unrestoredSession: SavedSession | null
}

/** The Packets view as open: the connection shown, and the others of the same selection to choose from. */
export interface PacketsOpen {
  wanted: PacketsWanted
  /** Newest first; the shown one among them (empty: nothing to switch to). */
  choices: PacketsWanted[]
}

export const useLab = create<LabState>()(() => ({
  ready: false,
  presetId: '',
  scenarioName: '',
  description: '',
  descriptions: {},
  seed: 1,
  epoch: 0,
  nowMs: 0,
  endMs: 0,
  playing: false,
  speed: 1,
  busy: null,
  error: null,
  seekTarget: null,
  services: [],
  rs: [],
  rsMore: [],
  rsColors: emptyRsColors(),
  metrics: null,
  pair: null,
  faults: [],
  keepalivedLog: null,
  logOpen: false,
  keepalivedSeen: false,
  historyVersion: 0,
  console: [],
  consoleHistory: readConsoleHistory(),
  midRun: [],
  script: '',
  scriptError: null,
  scriptApplied: 0,
  scriptDraft: null,
  listingCmd: 'ipvsadm -Lnc',
  listingFilter: '',
  listing: null,
  selection: null,
  why: null,
  packets: null,
  locale: initialLocale(),
  theme: initialTheme(),
  timelineFilter: '',
  timelineSort: 'newest',
  hoverLine: null,
  lessonId: null,
  lessonStep: 0,
  lessonRan: [],
  presenter: false,
  textbook: false,
  textbookDivergent: -1,
  textbookMarkCount: 0,
  notice: null,
  storageWarned: false,
  restoredSession: false,
  unrestoredSession: null,
  view: 'lab',
  compareRuns: [],
  compareConfigs: [],
}))

// ---------------------------------------------------------------- selectors

/**
 * Whether play, step and seek have an engine to drive: not while a scenario (a preset, or compare
 * mode's files) is on its way to the worker, so a click meant for it cannot drive the old one.
 */
export function canDrive(s: Pick<LabState, 'ready' | 'busy'>): boolean {
  return s.ready && s.busy !== 'loading'
}

/** The scenario's own words, in the interface's language when the file has them. */
export const selectDescription = (s: LabState): string => s.descriptions[s.locale] ?? s.description

// ---------------------------------------------------------------- the console's scrollback

const MAX_CONSOLE_LINES = 2000
let consoleId = 1

/** Lines without their ids, as the store adds them. */
export type NewConsoleLine =
  | Omit<Extract<ConsoleLine, { kind: 'note' }>, 'id'>
  | Omit<Extract<ConsoleLine, { kind: 'cmd' | 'out' | 'err' }>, 'id'>

/**
 * Whether a console line's command was undone by a rewind: it has a mid-run key the worker's list
 * no longer has (the list keeps the newest MID_RUN_SHOWN: older lines are not judged).
 */
export function undoneByRewind(
  line: ConsoleLine,
  ran: ReadonlySet<string>,
  midRun: readonly MidRunCommand[],
  complete: boolean,
): boolean {
  if (line.kind === 'note' || line.mid === undefined || ran.has(line.mid)) return false
  return complete || (line.atMs ?? 0) >= (midRun[0]?.atMs ?? 0)
}

/** Append to the console (the oldest lines go beyond MAX_CONSOLE_LINES). */
export function pushConsole(...lines: NewConsoleLine[]): void {
  const cur = useLab.getState().console
  const next = [...cur, ...lines.map((l) => ({ ...l, id: consoleId++ }))]
  useLab.setState({ console: next.length > MAX_CONSOLE_LINES ? next.slice(next.length - MAX_CONSOLE_LINES) : next })
}
