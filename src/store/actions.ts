/**
 * The lab's actions: everything a panel may change goes through one of these (panels never call
 * useLab.setState). Most send a request to the worker and note in the state what is under way;
 * the worker's answers come back through replies.ts. Preferences are in preferences.ts, the
 * session's own actions in session.ts; index.ts puts them together as `actions`.
 */
import {
  type CompareConfig,
  type FidelityResult,
  type ImportAnswer,
  type ImportKind,
  type JournalLine,
  MAX_SPEED,
  MIN_SPEED,
  type PageSource,
  type Probe,
  type ProbeAnswer,
  type WhyTarget,
} from '../worker/protocol'
import { ask, client, newId, scriptWaiters, send, sendSeek } from './channel'
import { live } from './live'
import { HISTORY_LINES, writeConsoleHistory } from './sessionStorage'
import { canDrive, type ListingCmd, type Message, pushConsole, useLab, type View, verbatim } from './state'

export const labActions = {
  load(scenario: unknown, presetId: string, name: string, atMs?: number, journal?: JournalLine[]): void {
    client.openAtMs = atMs ?? null
    useLab.setState({
      presetId,
      busy: 'loading',
      console: [],
      midRun: [],
      listing: null,
      seekTarget: null,
      packets: null,
    })
    live.reset(-1)
    send({ type: 'load', scenario, name, ...(journal?.length ? { journal } : {}) })
  },
  /** A preset was chosen: the lab waits from the choice on, not from when its file has come. */
  choosePreset(presetId: string): void {
    useLab.setState({ presetId, busy: 'loading' })
    labActions.pause()
  },
  /** A scenario's file could not be fetched: say why; the lab is usable again. */
  loadFailed(why: Message): void {
    useLab.setState({ error: why, busy: null })
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
    if (useLab.getState().playing) labActions.pause()
    else labActions.play()
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
    if (client.seekId !== null) {
      client.pendingSeek = toMs
      return
    }
    sendSeek(toMs)
  },
  reset(seed?: number): void {
    send({ type: 'reset', seed })
    if (seed !== undefined) useLab.setState({ seed })
  },
  /** Run a command now: typed in the console, or for the user by a button or a lesson step (`by`, labelled in the console). */
  run(line: string, by: PageSource = 'typed'): void {
    const trimmed = line.trim()
    if (!trimmed) return
    const id = newId()
    // its time until the worker says when it ran
    pushConsole({ kind: 'cmd', text: trimmed, atMs: useLab.getState().nowMs, by, runId: id })
    send({ type: 'run', id, line: trimmed, ...(by === 'typed' ? {} : { by }) })
  },
  clearConsole(): void {
    useLab.setState({ console: [] })
  },
  /** A line typed at the console goes into its history (not twice in a row), kept with the session. */
  rememberTyped(line: string): void {
    const h = useLab.getState().consoleHistory
    if (h[h.length - 1] === line) return
    const next = [...h, line].slice(-HISTORY_LINES)
    useLab.setState({ consoleHistory: next })
    writeConsoleHistory(next)
  },
  applyScript(script: string): void {
    // a long script (thousands of real servers) keeps the worker busy: the watchdog waits longer
    useLab.setState({ busy: 'applying' })
    send({ type: 'apply-script', id: newId(), script })
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
  /** Open or close keepalived's log beside the stage. */
  setLogOpen(on: boolean): void {
    useLab.setState({ logOpen: on })
  },
  select(target: WhyTarget | null): void {
    useLab.setState({ selection: target, why: null })
    if (target) send({ type: 'why', id: newId(), target })
  },
  /** Replay a real-kernel recording and compare it field by field. */
  fidelity(scenario: unknown, recording: unknown): Promise<FidelityResult> {
    return ask(
      (id) => ({ type: 'fidelity', id, scenario, recording }),
      (r) => (r.type === 'fidelity' ? r.result : undefined),
    )
  },
  /** Play, pausing by itself at `toMs`. */
  playUntil(toMs: number): void {
    send({ type: 'play-until', toMs })
    useLab.setState({ playing: true })
  },
  /** Ask the engine, on a scratch copy of the scenario as it stands (or of `scenario`, e.g. an exercise's variant). */
  probe(probe: Probe, scenario?: unknown): Promise<ProbeAnswer> {
    return ask(
      (id) => (scenario === undefined ? { type: 'probe', id, probe } : { type: 'probe', id, probe, scenario }),
      (r) => (r.type === 'probe' ? r.answer : undefined),
    )
  },
  /** The scenario as it stands (typed commands folded in) and the simulated time. */
  exportScenario(
    unlessVersion?: string,
    journal?: boolean,
  ): Promise<{ scenario: string | null; version: string; atMs: number; journal?: JournalLine[] }> {
    return ask(
      (id) => ({
        type: 'export-scenario',
        id,
        ...(unlessVersion ? { unlessVersion } : {}),
        ...(journal ? { journal } : {}),
      }),
      (r) =>
        r.type === 'scenario'
          ? { scenario: r.scenario, version: r.version, atMs: r.atMs, journal: r.journal }
          : undefined,
    )
  },
  /** The director's IPVS table as the keepalived.conf that would program it. */
  keepalivedConf(): Promise<string> {
    return ask(
      (id) => ({ type: 'keepalived-conf', id }),
      (r) => (r.type === 'keepalived-conf' ? r.text : undefined),
    )
  },
  /**
   * A pasted or opened text as a fresh lab (a keepalived.conf, a Kubernetes manifest, a scenario
   * file): checked by the worker first; only a text without errors is loaded, so one with errors
   * leaves the lab as it was and its errors go back to where it was pasted.
   */
  async importText(text: string, fileName: string, kind?: ImportKind): Promise<ImportAnswer> {
    const answer = await ask(
      (id) => ({ type: 'import-text', id, text, fileName, ...(kind ? { kind } : {}) }),
      (r) => (r.type === 'import-text' ? r.answer : undefined),
    )
    if (answer.ok) labActions.load(answer.scenario, '', answer.name)
    return answer
  },
  /**
   * The running configuration as a script, and the real servers' side as comments (asked for now:
   * the page keeps the script only while the editor is open).
   */
  currentScript(): Promise<{ text: string; realServers: string }> {
    return new Promise((resolve) => {
      scriptWaiters.push(resolve)
      send({ type: 'script' })
    })
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
    labActions.openCompare()
    send({ type: 'compare-start', base, configs })
  },
  /** Back to the lab, where it was. */
  stopCompare(): void {
    send({ type: 'compare-stop' })
    useLab.setState({ view: 'lab', compareRuns: [], playing: false })
  },
  /** Show another view (leaving a comparison stops it). */
  setView(view: Exclude<View, 'compare'>): void {
    if (useLab.getState().view === 'compare') labActions.stopCompare()
    useLab.setState({ view })
  },
  /** Follow a lesson from step `step`, in the lab. */
  openLesson(lessonId: string, step: number): void {
    useLab.setState({ view: 'lab', lessonId, lessonStep: step, lessonRan: [] })
  },
  /** The lesson's scenario was loaded again: no command of its run steps has run in it. */
  lessonLoaded(): void {
    useLab.setState({ lessonRan: [] })
  },
  /** Run a lesson step's command (the clock stands at its time) and note that it ran. */
  lessonRun(step: number, line: string): void {
    const ran = useLab.getState().lessonRan
    if (ran.includes(step)) return
    useLab.setState({ lessonRan: [...ran, step] })
    labActions.run(line, 'lesson')
  },
  setLessonStep(lessonStep: number): void {
    useLab.setState({ lessonStep })
  },
  /** Stop following the lesson (the lab stays as it is). */
  closeLesson(): void {
    useLab.setState({ lessonId: null })
  },
  /** An error for the user: a catalogue message, or a text as it is (`verbatim`). */
  showError(error: Message | string): void {
    useLab.setState({ error: typeof error === 'string' ? verbatim(error) : error })
  },
  dismissError(): void {
    useLab.setState({ error: null })
  },
  /** Close the notice (and the offer of a session that was not restored). */
  dismissNotice(): void {
    useLab.setState({ notice: null, unrestoredSession: null })
  },
}
