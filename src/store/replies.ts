/**
 * The worker's replies, folded into the store: frames (the clock, the counters, the histories,
 * the per-frame data in live.ts), a loaded scenario, command output, the running script, the
 * why chain, compare frames, and the answers the page waits for by id (channel.ts). Frame
 * decoding itself is in frames.ts and live.ts.
 */
import { groupDigits } from '../engine/lib/digits'
import { COMPARE_SAMPLE_SERIES, type Frame, type MidRunCommand, type Reply } from '../worker/protocol'
import { labActions } from './actions'
import { addrOf, foldAddrBook } from './addresses'
import { answer, client, scriptWaiters, send, settleSeek } from './channel'
import { applyCounters, flattenRs } from './frames'
import { compareData, HistoryRing, history } from './histories'
import { foldTemplates, live } from './live'
import { forScenario, withAddresses } from './rsColors'
import { savePausedAt, saveSession } from './session'
import { type ConsoleLine, midKey, msg, type NewConsoleLine, pushConsole, useLab, verbatim } from './state'

/** A preset's id (ui/presets.ts): its name is the catalogue's `presets.<id>`. */
const PRESET_ID = /^[a-zA-Z0-9]+$/

/**
 * The mid-run commands the console has shown since the scenario was loaded, by key (how many
 * times): a rewind and a replay do not show them again, clearing the console does not bring back
 * the old ones.
 */
const midShown = new Map<string, number>()

/** A mid-run command's lines, as the console shows it: the command, then what the tool printed. */
function midLines(m: MidRunCommand): NewConsoleLine[] {
  const mid = midKey(m)
  return [
    { kind: 'cmd', text: m.cmd, atMs: m.atMs, by: m.by, mid },
    ...(m.stdout ? [{ kind: 'out' as const, text: m.stdout, mid }] : []),
    ...(m.stderr ? [{ kind: 'err' as const, text: m.stderr, mid }] : []),
  ]
}

/** The worker's list of mid-run commands changed: the console shows the ones it has not shown yet. */
function onMidRun(list: MidRunCommand[]): void {
  if (!useLab.getState().keepalivedSeen && list.some((m) => m.by === 'keepalived'))
    useLab.setState({ keepalivedSeen: true })
  const seen = new Map<string, number>()
  const lines: NewConsoleLine[] = []
  for (const m of list) {
    const key = midKey(m)
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    if ((midShown.get(key) ?? 0) >= n) continue
    midShown.set(key, n)
    lines.push(...midLines(m))
  }
  useLab.setState({ midRun: list })
  if (lines.length) pushConsole(...lines)
}

/** A command the page sent has run: its line takes the worker's time and its mid-run key, and its output follows. */
function onRan(r: Extract<Reply, { type: 'ran' }>): void {
  // a line about keepalived (systemctl start keepalived, journalctl -u keepalived…): its log is offered
  if (/\bkeepalived\b/.test(r.line) && !useLab.getState().keepalivedSeen) useLab.setState({ keepalivedSeen: true })
  const s = useLab.getState()
  const i = s.console.findLastIndex((l) => l.kind === 'cmd' && l.runId === r.id)
  const sent = i >= 0 ? (s.console[i] as Exclude<ConsoleLine, { kind: 'note' }>) : null
  let mid: string | undefined
  if (sent && r.listed) {
    mid = midKey({ atMs: r.atMs, by: sent.by ?? 'typed', cmd: r.line })
    midShown.set(mid, (midShown.get(mid) ?? 0) + 1)
    const next = [...s.console]
    next[i] = { ...sent, atMs: r.atMs, mid, runId: undefined }
    useLab.setState({ console: next })
  }
  pushConsole(
    ...(r.stdout ? [{ kind: 'out' as const, text: r.stdout, mid }] : []),
    ...(r.stderr ? [{ kind: 'err' as const, text: r.stderr, mid }] : []),
  )
}

function sameFaults(a: Frame['faults'], b: Frame['faults']): boolean {
  return (
    a.length === b.length &&
    a.every(
      (x, i) => x.addr === b[i].addr && x.kind === b[i].kind && x.status === b[i].status && x.delayMs === b[i].delayMs,
    )
  )
}

function onFrame(f: Frame, wallMs: number): void {
  // first: every address number of the frame can be read then
  foldAddrBook(f.addrs)
  const s = useLab.getState()
  if (f.epoch !== s.epoch) {
    history.clear()
  }
  // a seek is done when a frame of a newer epoch arrives
  const seekTarget = settleSeek(f.seekId, s.seekTarget)
  client.engineBehind = f.engineBehind
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
    // a server seen for the first time gets its colour; one that went keeps it
    ...(f.services
      ? {
          rsColors: withAddresses(
            s.rsColors,
            rs.map((r) => addrOf(r.addr)),
          ),
        }
      : {}),
    metrics: f.metrics,
    // a frame from the run's history says nothing of the directors: keep what the engine last said
    pair: f.pair ?? (f.engineBehind ? s.pair : null),
    // the faults change rarely: the panel re-renders only when they do
    ...(sameFaults(f.faults, s.faults) ? {} : { faults: f.faults }),
    ...(f.keepalivedLog ? { keepalivedLog: f.keepalivedLog } : {}),
    textbookDivergent: f.textbookDivergent,
    textbookMarkCount: live.textbookMarks.size,
    historyVersion,
    ...(f.listing ? { listing: f.listing } : {}),
    seekTarget,
  })
  if (f.midRun) onMidRun(f.midRun)
  // paused, or a seek done: a reload comes back to this very time
  if (!f.playing && seekTarget === null && s.view !== 'compare') savePausedAt(f.nowMs)
}

/** Every reply of the worker comes here (client.ts wires it to the worker's messages). */
export function onReply(r: Reply): void {
  switch (r.type) {
    case 'frame':
      client.frameInFlight = false
      client.idle = false
      onFrame(r, performance.now())
      return
    case 'loaded':
      performance.mark('lab:loaded')
      midShown.clear()
      useLab.setState({
        ready: true,
        scenarioName: r.name,
        description: r.description,
        descriptions: r.descriptions,
        endMs: r.endMs,
        seed: r.seed,
        // the same scenario again (a restored session, a restarted worker) keeps its colours
        rsColors: forScenario(useLab.getState().rsColors, r.name),
        // keepalived ran among the scenario's commands: the toolbar offers its log
        keepalivedSeen: r.commands.some((c) => c.by === 'keepalived'),
        keepalivedLog: null,
        selection: null,
        why: null,
        busy: null,
      })
      pushConsole(
        // the banner: a preset by its name in the interface's language; another scenario by its own name
        {
          kind: 'note',
          msg: PRESET_ID.test(useLab.getState().presetId)
            ? msg('console.banner', { preset: useLab.getState().presetId })
            : verbatim(`— ${r.name} —`),
        },
        ...(r.omittedCommands > 0
          ? [
              {
                kind: 'note' as const,
                msg: msg('console.omitted', { count: r.omittedCommands, n: groupDigits(r.omittedCommands) }),
              },
            ]
          : []),
        ...r.commands.flatMap((c) => [
          { kind: 'cmd' as const, text: c.cmd, atMs: 0, ...(c.by ? { by: c.by } : {}) },
          ...(c.stdout ? [{ kind: 'out' as const, text: c.stdout }] : []),
          ...(c.stderr ? [{ kind: 'err' as const, text: c.stderr }] : []),
        ]),
      )
      if (client.scriptWanted) labActions.requestScript()
      void saveSession()
      if (client.openAtMs !== null) {
        const at = Math.min(client.openAtMs, r.endMs)
        client.openAtMs = null
        if (at > 0) labActions.seek(at)
      }
      return
    case 'ran':
      onRan(r)
      if (client.scriptWanted) labActions.requestScript()
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
        pushConsole({ kind: 'note', msg: msg('console.applied') })
        if (client.scriptWanted) labActions.requestScript()
      }
      return
    case 'script':
      useLab.setState({ script: r.text })
      for (const resolve of scriptWaiters.splice(0)) resolve({ text: r.text, realServers: r.realServers })
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
      client.frameInFlight = false
      // first, whatever view: the book's entries are sent once
      foldAddrBook(r.addrs)
      client.idle = false
      const s = useLab.getState()
      if (s.view !== 'compare') return
      const newEpoch = r.epoch !== s.epoch
      const seekTarget = settleSeek(r.seekId, s.seekTarget)
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
        // the compared configurations' servers wear the lab's colours (new ones get theirs)
        rsColors: withAddresses(
          s.rsColors,
          r.runs.flatMap((x) => x.rs.map((d) => addrOf(d.addr))),
        ),
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
    case 'fidelity':
    case 'probe':
    case 'packets':
    case 'scenario':
    case 'keepalived-conf':
    case 'import-text':
      answer(r)
      return
    case 'template-line':
      useLab.setState({ hoverLine: { templateId: r.templateId, line: r.line } })
      return
    case 'busy':
      useLab.setState({ busy: r.what })
      return
    case 'idle':
      // paused and nothing changed: the frame loop may sleep (client.ts)
      client.frameInFlight = false
      client.idle = true
      return
    case 'error':
      client.frameInFlight = false
      client.idle = false
      useLab.setState((s) => ({
        // the worker's own words (a refused scenario names its file and field): shown as they are
        error: verbatim(r.message),
        playing: false,
        // what was being applied or loaded was refused: the lab is usable again
        busy: s.busy === 'applying' || s.busy === 'loading' ? null : s.busy,
      }))
      return
  }
}
