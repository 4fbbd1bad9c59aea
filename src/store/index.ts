import { create } from 'zustand'
import { groupDigits } from '../engine/lib/digits'
import { tFor } from '../i18n/index'
import {
  COMPARE_SAMPLE_SERIES,
  type CompareConfig,
  type CompareRunFrame,
  decodeRsCounters,
  type FidelityResult,
  type Frame,
  type JournalLine,
  LAB_SAMPLE_SERIES,
  MAX_SPEED,
  type MetricsView,
  MIN_SPEED,
  type Probe,
  type ProbeAnswer,
  type Reply,
  type Request,
  type ServiceView,
  type WhyStep,
  type WhyTarget,
} from '../worker/protocol'
import { foldTemplates, live, type TemplateRow } from './live'
import { clearStoredSession, readStoredSession, withJournalFolded, writeStoredSession } from './sessionStorage'

export { type AttemptDot, live, type TemplateRow } from './live'

/** A line of the console's scrollback. */
export interface ConsoleLine {
  id: number
  kind: 'cmd' | 'out' | 'err' | 'note'
  text: string
  atMs?: number
}

export interface RsLive {
  key: string
  addr: number
  port: number
  label: string
  service: string
  weight: number
  forward: string
  activeConns: number
  inactConns: number
  persistConns: number
  conns: number
}

/** The real servers of a service beyond the ones drawn, summed into one row. */
export interface RsSummed {
  key: string
  service: string
  /** How many real servers the row sums. */
  count: number
  weight: number
  activeConns: number
  inactConns: number
  persistConns: number
  conns: number
}

/** Fixed-size history for the small charts (STYLE §13: bounded ring buffers). */
export class HistoryRing {
  readonly size: number
  readonly t: Float64Array
  readonly cols: Record<string, Float64Array>
  length = 0
  private head = 0
  constructor(size: number, names: string[]) {
    this.size = size
    this.t = new Float64Array(size)
    this.cols = Object.fromEntries(names.map((n) => [n, new Float64Array(size)]))
  }
  /** Rows of [t, then one value per column in the ring's column order], as the worker sends them. */
  pushRows(rows: Float64Array): void {
    const cols = Object.values(this.cols)
    const stride = 1 + cols.length
    for (let k = 0; k + stride <= rows.length; k += stride) {
      this.t[this.head] = rows[k]
      for (let c = 0; c < cols.length; c++) cols[c][this.head] = rows[k + 1 + c]
      this.head = (this.head + 1) % this.size
      this.length = Math.min(this.size, this.length + 1)
    }
  }
  clear(): void {
    this.length = 0
    this.head = 0
  }
  /** Oldest first. */
  series(name: string): { t: number; v: number }[] {
    const out: { t: number; v: number }[] = []
    const col = this.cols[name]
    for (let i = 0; i < this.length; i++) {
      const j = (this.head - this.length + i + this.size) % this.size
      out.push({ t: this.t[j], v: col[j] })
    }
    return out
  }
}

export type Locale = 'en' | 'zh-CN'
export type TimelineSort = 'newest' | 'created' | 'expiry'
export type Theme = 'light' | 'dark'
export type ListingCmd = 'ipvsadm -Lnc' | 'ipvsadm -Ln --stats' | 'ipvsadm -Ln --rate' | 'ipvsadm -Ln --persistent-conn'

export type View = 'lab' | 'compare' | 'lessons'

export interface CompareRunView {
  id: string
  label: string
  rs: CompareRunFrame['rs']
  metrics: MetricsView
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
  error: string | null
  /** Where a rewind or jump is going (the time slider shows it until the worker got there). */
  seekTarget: number | null
  services: ServiceView[]
  rs: RsLive[]
  /** Services with more real servers than are drawn: the rest, summed (one row each). */
  rsMore: RsSummed[]
  metrics: MetricsView | null
  historyVersion: number
  // -- console and script
  console: ConsoleLine[]
  script: string
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
  /** Presenter mode: big type, high contrast, clicker keys. */
  presenter: boolean
  /** The textbook switch, and how many connections went elsewhere under the textbook rule. */
  textbook: boolean
  textbookDivergent: number
  textbookMarkCount: number
  /** A notice for the user (a restored session, a restarted worker), dismissable. */
  notice: string | null
  storageWarned: boolean
  /** This page started from the saved session (the notice offers to start fresh). */
  restoredSession: boolean
  /** A session not restored because the worker stopped twice with it: offered as a file. */
  unrestoredSession: SavedSession | null
}

/** Per configuration of a comparison: its history (one sample per simulated second) and its templates. */
export const compareData = new Map<string, { history: HistoryRing; templates: Map<number, TemplateRow> }>()

/** The lab's figures, one row per simulated second, as the worker samples them. */
export const history = new HistoryRing(900, [...LAB_SAMPLE_SERIES])

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
  metrics: null,
  historyVersion: 0,
  console: [],
  script: '',
  scriptError: null,
  scriptApplied: 0,
  scriptDraft: null,
  listingCmd: 'ipvsadm -Lnc',
  listingFilter: '',
  listing: null,
  selection: null,
  why: null,
  locale: initialLocale(),
  theme: initialTheme(),
  timelineFilter: '',
  timelineSort: 'newest',
  hoverLine: null,
  lessonId: null,
  lessonStep: 0,
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

/** Read a remembered choice; storage may be absent or refuse (private mode, quota). */
export function remembered(key: string): string | null {
  try {
    return typeof localStorage !== 'undefined' ? localStorage.getItem(key) : null
  } catch {
    return null
  }
}

export function remember(key: string, value: string): void {
  try {
    if (typeof localStorage !== 'undefined') localStorage.setItem(key, value)
  } catch {
    // quota or privacy mode: the choice is simply not kept
  }
}

function initialLocale(): Locale {
  const saved = remembered('lab.locale')
  if (saved === 'en' || saved === 'zh-CN') return saved
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'en'
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

/** The theme as the stylesheet reads it (data-theme on <html>). */
export function applyTheme(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme
}

function initialTheme(): Theme {
  const saved = remembered('lab.theme')
  if (saved === 'light' || saved === 'dark') return saved
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

// ---------------------------------------------------------------- the worker client

type Send = (r: Request) => void
let send: Send = () => {}
let nextId = 1
let consoleId = 1
let frameInFlight = false
/** The listings panel is on screen: only then does the worker compute a listing. */
let listingVisible = true
export function setListingVisible(v: boolean): void {
  listingVisible = v
}
/** Where to go once the scenario being loaded is in (a share link opens at its time). */
let openAtMs: number | null = null
/** Answers the page waits for (exports), by request id. */
const waiting = new Map<number, (r: Reply) => void>()
/** One seek at a time: while one replays, only the latest target waits. */
let seekEpoch: number | null = null
let pendingSeek: number | null = null

const MAX_CONSOLE_LINES = 2000

function pushConsole(...lines: Omit<ConsoleLine, 'id'>[]): void {
  const cur = useLab.getState().console
  const next = [...cur, ...lines.map((l) => ({ ...l, id: consoleId++ }))]
  useLab.setState({ console: next.length > MAX_CONSOLE_LINES ? next.slice(next.length - MAX_CONSOLE_LINES) : next })
}

function flattenRs(services: ServiceView[]): RsLive[] {
  return services.flatMap((s) =>
    s.destinations.map((d) => ({
      key: `${s.key}/${d.label}`,
      addr: d.addr,
      port: d.port,
      label: d.label,
      service: s.label,
      weight: d.weight,
      forward: d.forward,
      activeConns: d.activeConns,
      inactConns: d.inactConns,
      persistConns: d.persistConns,
      conns: d.conns,
    })),
  )
}

type Counters = Pick<RsLive, 'activeConns' | 'inactConns' | 'persistConns' | 'conns' | 'weight'>

/** The same counters, or (when one changed) the new ones on a copy, so unchanged rows keep their identity. */
function withCounters<R extends Counters>(r: R, c: Float64Array, row: number): R {
  const next = decodeRsCounters(c, row)
  if (!next) return r
  const { activeConns, inactConns, persistConns, conns, weight } = next
  if (
    r.activeConns === activeConns &&
    r.inactConns === inactConns &&
    r.persistConns === persistConns &&
    r.conns === conns &&
    r.weight === weight
  )
    return r
  return { ...r, activeConns, inactConns, persistConns, conns, weight }
}

/** A frame's counters, in services order: each drawn real server, then a service's summed rest. */
function applyCounters(
  services: ServiceView[],
  c: Float64Array,
  rs: RsLive[],
  more: RsSummed[],
): { rs: RsLive[]; more: RsSummed[] } {
  const rsNext = rs.slice()
  const moreNext: RsSummed[] = []
  let o = 0
  let k = 0
  for (const svc of services) {
    for (let i = 0; i < svc.destinations.length; i++, k++, o++)
      if (k < rsNext.length) rsNext[k] = withCounters(rsNext[k], c, o)
    if (svc.hiddenDestinations === 0) continue
    const key = `${svc.key}/more`
    const prev = more.find((m) => m.key === key && m.count === svc.hiddenDestinations) ?? {
      key,
      service: svc.label,
      count: svc.hiddenDestinations,
      weight: 0,
      activeConns: 0,
      inactConns: 0,
      persistConns: 0,
      conns: 0,
    }
    moreNext.push(withCounters(prev, c, o))
    o++
  }
  const same = moreNext.length === more.length && moreNext.every((m, i) => m === more[i])
  return { rs: rsNext, more: same ? more : moreNext }
}

function onFrame(f: Frame, wallMs: number): void {
  const s = useLab.getState()
  if (f.epoch !== s.epoch) {
    history.clear()
  }
  // a seek is done when a frame of a newer epoch arrives
  let seekTarget = s.seekTarget
  if (seekEpoch !== null && f.epoch > seekEpoch) {
    seekEpoch = null
    if (pendingSeek !== null) {
      const next = pendingSeek
      pendingSeek = null
      seekEpoch = f.epoch
      send({ type: 'seek', toMs: next })
      seekTarget = next
    } else seekTarget = null
  }
  live.apply(f, wallMs)
  const services = f.services ?? s.services
  const rs = f.services ? flattenRs(f.services) : s.rs
  const { rs: rsNext, more } = applyCounters(services, f.rsCounters, rs, s.rsMore)
  let historyVersion = s.historyVersion
  // one point per whole simulated second, as the worker noted them
  history.pushRows(f.samples)
  if (f.samples.length > 0) historyVersion++
  // In compare view the toolbar's clock belongs to the comparison: a lab frame that arrives while
  // its files still load keeps the lab's own data current, and leaves the clock alone.
  const clock =
    s.view === 'compare'
      ? {}
      : {
          nowMs: f.nowMs,
          endMs: f.endMs,
          playing: f.playing,
          speed: f.speed,
          // a script being applied, or a scenario loaded, is done when its answer comes, not with
          // the frame before it
          busy: s.busy === 'applying' || s.busy === 'loading' || seekTarget !== null ? s.busy : null,
        }
  useLab.setState({
    epoch: f.epoch,
    ...clock,
    services,
    rs: rsNext.some((r, i) => r !== rs[i]) || f.services ? rsNext : s.rs,
    rsMore: more,
    metrics: f.metrics,
    textbookDivergent: f.textbookDivergent,
    textbookMarkCount: live.textbookMarks.size,
    historyVersion,
    ...(f.listing ? { listing: f.listing } : {}),
    seekTarget,
  })
}

function onReply(r: Reply): void {
  switch (r.type) {
    case 'frame':
      frameInFlight = false
      onFrame(r, performance.now())
      return
    case 'loaded':
      performance.mark('lab:loaded')
      useLab.setState({
        ready: true,
        scenarioName: r.name,
        description: r.description,
        descriptions: r.descriptions,
        endMs: r.endMs,
        seed: r.seed,
        selection: null,
        why: null,
        busy: null,
      })
      pushConsole(
        { kind: 'note', text: `— ${r.name} —` },
        ...(r.omittedCommands > 0
          ? [
              {
                kind: 'note' as const,
                text: tFor(useLab.getState().locale)('console.omitted', {
                  count: r.omittedCommands,
                  n: groupDigits(r.omittedCommands),
                }),
              },
            ]
          : []),
        ...r.commands.flatMap((c) => [
          { kind: 'cmd' as const, text: c.cmd, atMs: 0 },
          ...(c.stdout ? [{ kind: 'out' as const, text: c.stdout }] : []),
          ...(c.stderr ? [{ kind: 'err' as const, text: c.stderr }] : []),
        ]),
      )
      if (scriptWanted) actions.requestScript()
      void saveSession()
      if (openAtMs !== null) {
        const at = Math.min(openAtMs, r.endMs)
        openAtMs = null
        if (at > 0) actions.seek(at)
      }
      return
    case 'ran':
      pushConsole(
        ...(r.stdout ? [{ kind: 'out' as const, text: r.stdout }] : []),
        ...(r.stderr ? [{ kind: 'err' as const, text: r.stderr }] : []),
      )
      if (scriptWanted) actions.requestScript()
      void saveSession()
      return
    case 'applied':
      useLab.setState((s) => ({
        busy: s.busy === 'applying' ? null : s.busy,
        scriptError: r.ok ? null : { message: r.error ?? '', line: r.line },
        scriptApplied: s.scriptApplied + (r.ok ? 1 : 0),
        scriptDraft: r.ok ? null : s.scriptDraft,
      }))
      if (r.ok) {
        void saveSession()
        pushConsole({ kind: 'note', text: tFor(useLab.getState().locale)('console.applied') })
        if (scriptWanted) actions.requestScript()
      }
      return
    case 'script':
      useLab.setState({ script: r.text })
      for (const resolve of scriptWaiters.splice(0)) resolve(r.text)
      return
    case 'why':
      useLab.setState({ why: { title: r.title, steps: r.steps } })
      return
    case 'compare-started':
      compareData.clear()
      for (const c of r.configs)
        compareData.set(c.id, { history: new HistoryRing(1200, [...COMPARE_SAMPLE_SERIES]), templates: new Map() })
      useLab.setState({ compareConfigs: r.configs, compareRuns: [], endMs: r.endMs, busy: null })
      // the speed chosen while the files loaded is the comparison's speed
      send({ type: 'speed', speed: useLab.getState().speed })
      return
    case 'compare-frame': {
      frameInFlight = false
      const s = useLab.getState()
      if (s.view !== 'compare') return
      const newEpoch = r.epoch !== s.epoch
      let seekTarget = s.seekTarget
      if (seekEpoch !== null && r.epoch > seekEpoch) {
        seekEpoch = null
        if (pendingSeek !== null) {
          const next = pendingSeek
          pendingSeek = null
          seekEpoch = r.epoch
          send({ type: 'seek', toMs: next })
          seekTarget = next
        } else seekTarget = null
      }
      for (const run of r.runs) {
        const d = compareData.get(run.id)
        if (!d) continue
        if (newEpoch) {
          d.history.clear()
          d.templates.clear()
        }
        // one point per whole simulated second, as the worker noted them
        d.history.pushRows(run.samples)
        foldTemplates(d.templates, run.templates, run.refreshes)
      }
      const labels = new Map(s.compareConfigs.map((c) => [c.id, c.label]))
      useLab.setState({
        epoch: r.epoch,
        nowMs: r.nowMs,
        endMs: r.endMs,
        playing: r.playing,
        speed: r.speed,
        seekTarget,
        busy: seekTarget === null ? null : s.busy,
        compareRuns: r.runs.map((x) => ({ id: x.id, label: labels.get(x.id) ?? x.id, rs: x.rs, metrics: x.metrics })),
      })
      return
    }
    case 'fidelity': {
      const w = waiting.get(r.id)
      waiting.delete(r.id)
      w?.(r)
      return
    }
    case 'probe': {
      const w = waiting.get(r.id)
      waiting.delete(r.id)
      w?.(r)
      return
    }
    case 'scenario': {
      const w = waiting.get(r.id)
      waiting.delete(r.id)
      w?.(r)
      return
    }
    case 'template-line':
      useLab.setState({ hoverLine: { templateId: r.templateId, line: r.line } })
      return
    case 'busy':
      useLab.setState({ busy: r.what })
      return
    case 'idle':
      frameInFlight = false
      return
    case 'error':
      frameInFlight = false
      useLab.setState((s) => ({
        error: r.message,
        playing: false,
        // what was being applied or loaded was refused: the lab is usable again
        busy: s.busy === 'applying' || s.busy === 'loading' ? null : s.busy,
      }))
      return
  }
}

/** The script editor is open: the running configuration follows every change (else it is asked for when needed). */
let scriptWanted = false
const scriptWaiters: ((text: string) => void)[] = []
export function setScriptWanted(open: boolean): void {
  scriptWanted = open
  if (open) actions.requestScript()
}

/** What the page keeps to restore a session: the scenario as loaded and the commands typed since (a journal), and where. */
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

/** The last consistent state, also kept in memory: a crashed worker is restarted from it. */
let lastSession: SavedSession | null = null
/** The worker's version of lastSession's scenario (null: unknown, ask for the text)… */
let sessionVersion: string | null = null
/** …and of the scenario text last written to storage. */
let writtenVersion: string | null = null
/** Saves run one after the other (a scenario is written over several tasks). */
let saving: Promise<void> = Promise.resolve()

export function savedSession(): SavedSession | null {
  return readStoredSession()
}

/** The page opens on a saved session: it is the state a crash goes back to until the next save. */
export function resumeSession(saved: SavedSession): void {
  lastSession = saved
  sessionVersion = null
  actions.load(saved.scenario, saved.presetId, saved.name, saved.atMs, saved.journal)
}

export function forgetSession(): void {
  sessionVersion = null
  writtenVersion = null
  clearStoredSession()
}

/** Save the session now (after a command, a load, every few seconds while playing). */
export function saveSession(): Promise<void> {
  saving = saving.then(saveSessionNow, saveSessionNow)
  return saving
}

async function saveSessionNow(): Promise<void> {
  const s = useLab.getState()
  if (!s.ready || s.view === 'compare') return
  // megabytes (thousands of real servers) travel only when the configuration changed
  const known = lastSession !== null && sessionVersion !== null ? sessionVersion : undefined
  const { scenario, version, atMs, journal = [] } = await actions.exportScenario(known, true)
  const text = scenario ?? (version === sessionVersion ? lastSession?.scenario : null)
  if (typeof text !== 'string') return
  sessionVersion = version
  lastSession = { scenario: text, journal, atMs, name: s.scenarioName, presetId: s.presetId, savedAt: Date.now() }
  const { scenario: _text, journal: _journal, ...where } = lastSession
  try {
    await writeStoredSession(where, writtenVersion === version ? null : text, journal)
    writtenVersion = version
  } catch {
    // storage full or refused: say so once, keep the copy in memory
    const st = useLab.getState()
    if (!st.storageWarned) useLab.setState({ storageWarned: true, notice: tFor(st.locale)('session.storageFull') })
  }
}

/** Two restarts this close together (ms): the session is what stops the worker; it is not restored again. */
const CRASH_LOOP_MS = 60_000

/** No answer to a frame for this long (ms) means the worker hangs; seeks and loads get longer. */
const WATCHDOG_MS = 5000
const WATCHDOG_BUSY_MS = 60_000

/**
 * Start the worker and the frame loop (one request per animation frame, one in flight). A worker
 * that crashes or stops answering is replaced and the last saved session restored.
 */
export function connectWorker(first: Worker, create?: () => Worker, fallback?: () => void): () => void {
  let worker = first
  let lastRestartAt = Number.NEGATIVE_INFINITY
  let sentAt = 0
  let lastSave = 0
  const attach = (w: Worker) => {
    w.onmessage = (ev: MessageEvent<Reply>) => onReply(ev.data)
    w.onerror = () => restart('crashed')
    send = (r) => w.postMessage(r)
  }
  const restart = (why: 'crashed' | 'hung') => {
    if (!create) {
      useLab.setState({ error: tFor(useLab.getState().locale)('session.stopped'), playing: false })
      return
    }
    worker.terminate()
    worker = create()
    attach(worker)
    frameInFlight = false
    seekEpoch = null
    pendingSeek = null
    waiting.clear()
    const s = useLab.getState()
    const t = tFor(s.locale)
    // a second stop within a minute: the session itself stops the worker; restoring it again would loop
    const now = performance.now()
    const looping = now - lastRestartAt < CRASH_LOOP_MS
    lastRestartAt = now
    if (looping) {
      useLab.setState({
        playing: false,
        busy: null,
        seekTarget: null,
        view: s.view === 'compare' ? 'lab' : s.view,
        unrestoredSession: lastSession && withJournalFolded(lastSession),
        notice: t('session.loop', { name: lastSession?.name || '—', t: Math.round((lastSession?.atMs ?? 0) / 1000) }),
      })
      fallback?.()
      return
    }
    const restore = lastSession
    useLab.setState({
      unrestoredSession: null,
      playing: false,
      busy: null,
      seekTarget: null,
      view: s.view === 'compare' ? 'lab' : s.view,
      notice: t(why === 'crashed' ? 'session.crashed' : 'session.hung', { t: Math.round((restore?.atMs ?? 0) / 1000) }),
    })
    if (restore) actions.load(restore.scenario, restore.presetId, restore.name, restore.atMs, restore.journal)
    else fallback?.()
  }
  attach(worker)
  performance.mark('lab:worker-connected')
  let raf = 0
  const loop = () => {
    raf = requestAnimationFrame(loop)
    const now = performance.now()
    if (frameInFlight) {
      const busy = useLab.getState().busy !== null
      if (now - sentAt > (busy ? WATCHDOG_BUSY_MS : WATCHDOG_MS)) restart('hung')
      return
    }
    frameInFlight = true
    sentAt = now
    const s = useLab.getState()
    send({
      type: 'frame',
      wallMs: now,
      listing: listingVisible ? s.listingCmd : null,
      listingFilter: s.listingFilter,
    })
    // while playing, the session is saved every few seconds (what was typed is saved at once)
    if (s.playing && now - lastSave > 5000) {
      lastSave = now
      void saveSession()
    }
  }
  raf = requestAnimationFrame(loop)
  testHooks.killWorker = () => worker.terminate()
  return () => {
    cancelAnimationFrame(raf)
    worker.terminate()
  }
}

/** For the end-to-end tests only: stop the worker as a crash would. */
export const testHooks: { killWorker?: () => void } = {}

/** For tests and headless use: a sender that is not a Worker. */
export function connectSender(sender: Send): (r: Reply) => void {
  send = sender
  return onReply
}

/**
 * Whether play, step and seek have an engine to drive: not while a scenario (a preset, or compare
 * mode's files) is on its way to the worker, so a click meant for it cannot drive the old one.
 */
export function canDrive(s: Pick<LabState, 'ready' | 'busy'>): boolean {
  return s.ready && s.busy !== 'loading'
}

export const actions = {
  load(scenario: unknown, presetId: string, name: string, atMs?: number, journal?: JournalLine[]): void {
    openAtMs = atMs ?? null
    useLab.setState({ presetId, busy: 'loading', console: [], listing: null, seekTarget: null })
    live.reset(-1)
    send({ type: 'load', scenario, name, ...(journal?.length ? { journal } : {}) })
  },
  play(): void {
    if (!canDrive(useLab.getState())) return
    send({ type: 'play' })
    useLab.setState({ playing: true })
  },
  pause(): void {
    send({ type: 'pause' })
    useLab.setState({ playing: false })
  },
  toggle(): void {
    if (useLab.getState().playing) actions.pause()
    else actions.play()
  },
  setSpeed(speed: number): void {
    const v = Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed))
    send({ type: 'speed', speed: v })
    useLab.setState({ speed: v })
  },
  step(unit: 'event' | 'second'): void {
    if (!canDrive(useLab.getState())) return
    send({ type: 'step', unit })
  },
  seek(toMs: number): void {
    const s = useLab.getState()
    if (s.seekTarget === toMs) return
    useLab.setState({ busy: 'seeking', seekTarget: toMs })
    if (seekEpoch !== null) {
      pendingSeek = toMs
      return
    }
    seekEpoch = s.epoch
    send({ type: 'seek', toMs })
  },
  reset(seed?: number): void {
    send({ type: 'reset', seed })
    if (seed !== undefined) useLab.setState({ seed })
  },
  run(line: string): void {
    const trimmed = line.trim()
    if (!trimmed) return
    pushConsole({ kind: 'cmd', text: trimmed, atMs: useLab.getState().nowMs })
    send({ type: 'run', id: nextId++, line: trimmed })
  },
  clearConsole(): void {
    useLab.setState({ console: [] })
  },
  applyScript(script: string): void {
    // a long script (thousands of real servers) keeps the worker busy: the watchdog waits longer
    useLab.setState({ busy: 'applying' })
    send({ type: 'apply-script', id: nextId++, script })
  },
  editScript(text: string | null): void {
    useLab.setState({ scriptDraft: text, ...(text === null ? { scriptError: null } : {}) })
  },
  requestScript(): void {
    send({ type: 'script' })
  },
  setListing(cmd: ListingCmd): void {
    useLab.setState({ listingCmd: cmd, listing: null })
  },
  setListingFilter(filter: string): void {
    useLab.setState({ listingFilter: filter })
  },
  select(target: WhyTarget | null): void {
    useLab.setState({ selection: target, why: null })
    if (target) send({ type: 'why', id: nextId++, target })
  },
  setLocale(locale: Locale): void {
    remember('lab.locale', locale)
    useLab.setState({ locale })
  },
  setTheme(theme: Theme): void {
    // on the document first: canvas panels re-read the palette when the state changes
    applyTheme(theme)
    remember('lab.theme', theme)
    useLab.setState({ theme })
  },
  setTimelineFilter(timelineFilter: string): void {
    useLab.setState({ timelineFilter })
  },
  setTimelineSort(timelineSort: TimelineSort): void {
    useLab.setState({ timelineSort })
  },
  /** Replay a real-kernel recording and compare it field by field. */
  fidelity(scenario: unknown, recording: unknown): Promise<FidelityResult> {
    const id = nextId++
    return new Promise((resolve) => {
      waiting.set(id, (r) => {
        if (r.type === 'fidelity') resolve(r.result)
      })
      send({ type: 'fidelity', id, scenario, recording })
    })
  },
  /** Play, pausing by itself at `toMs`. */
  playUntil(toMs: number): void {
    send({ type: 'play-until', toMs })
    useLab.setState({ playing: true })
  },
  /** Ask the engine (on a scratch copy of the scenario as it stands). */
  probe(probe: Probe): Promise<ProbeAnswer> {
    const id = nextId++
    return new Promise((resolve) => {
      waiting.set(id, (r) => {
        if (r.type === 'probe') resolve(r.answer)
      })
      send({ type: 'probe', id, probe })
    })
  },
  /** The scenario as it stands (typed commands folded in) and the simulated time. */
  exportScenario(
    unlessVersion?: string,
    journal?: boolean,
  ): Promise<{ scenario: string | null; version: string; atMs: number; journal?: JournalLine[] }> {
    const id = nextId++
    return new Promise((resolve) => {
      waiting.set(id, (r) => {
        if (r.type === 'scenario')
          resolve({ scenario: r.scenario, version: r.version, atMs: r.atMs, journal: r.journal })
      })
      send({
        type: 'export-scenario',
        id,
        ...(unlessVersion ? { unlessVersion } : {}),
        ...(journal ? { journal } : {}),
      })
    })
  },
  /** The running configuration as a script (asked for now: the page keeps it only while the editor is open). */
  currentScript(): Promise<string> {
    return new Promise((resolve) => {
      scriptWaiters.push(resolve)
      send({ type: 'script' })
    })
  },
  setPresenter(on: boolean): void {
    if (typeof document !== 'undefined') document.documentElement.toggleAttribute('data-presenter', on)
    useLab.setState({ presenter: on })
  },
  setTextbook(on: boolean): void {
    useLab.setState({ textbook: on })
    send({ type: 'textbook', on })
  },
  requestTemplateLine(templateId: number | null): void {
    if (templateId === null) useLab.setState({ hoverLine: null })
    else send({ type: 'template-line', templateId })
  },
  /**
   * Open compare mode. Its scenario files load before its engines start; until then the lab is
   * paused and play waits, so a click meant for the comparison cannot start the lab instead.
   */
  openCompare(): void {
    useLab.setState({ view: 'compare', lessonId: null, busy: 'loading', compareRuns: [], playing: false })
    send({ type: 'pause' })
  },
  /** The comparison could not start (a scenario file did not load). */
  compareFailed(): void {
    useLab.setState({ busy: null })
  },
  /** Compare 2–4 configurations on the base scenario's traffic. */
  startCompare(base: unknown, configs: CompareConfig[]): void {
    // again: frames of an earlier comparison may have come while the files were fetched
    actions.openCompare()
    send({ type: 'compare-start', base, configs })
  },
  /** Back to the lab, where it was. */
  stopCompare(): void {
    send({ type: 'compare-stop' })
    useLab.setState({ view: 'lab', compareRuns: [], playing: false })
  },
  dismissError(): void {
    useLab.setState({ error: null })
  },
}
