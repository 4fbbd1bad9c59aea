import { LOCALES, tDyn } from '../i18n/index'
import { actions, canDrive, selectDescription, useLab } from '../store/index'
import { clockPair } from './clockText'
import { editedFromPreset } from './edited'
import { PRESETS } from './presets'
import { useT } from './useT'

const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 100, 300, 1000]

/**
 * The stage's bar: the player (views, play, step, speed, the clock and its slider) on one row that
 * stays on screen, and below it the scenario and display settings (preset, random seed, reset,
 * language, presenter, theme) with the scenario's description.
 */
export function Toolbar({ onPreset }: { onPreset: (id: string) => void }) {
  const t = useT()
  const presetId = useLab((s) => s.presetId)
  const playing = useLab((s) => s.playing)
  const speed = useLab((s) => s.speed)
  const nowMs = useLab((s) => s.nowMs)
  const seekTarget = useLab((s) => s.seekTarget)
  const endMs = useLab((s) => s.endMs)
  const seed = useLab((s) => s.seed)
  const locale = useLab((s) => s.locale)
  const theme = useLab((s) => s.theme)
  const logOpen = useLab((s) => s.logOpen)
  // keepalived's log is offered once keepalived has run in this scenario
  const hasLog = useLab((s) => s.keepalivedSeen)
  const ready = useLab((s) => s.ready)
  const busy = useLab((s) => s.busy)
  const view = useLab((s) => s.view)
  const presenter = useLab((s) => s.presenter)
  const canPlay = canDrive({ ready, busy })
  const [nowText, endText] = clockPair(nowMs, endMs)
  // the scenario's own words, in the interface's language when the file has them
  const description = useLab(selectDescription)
  // edited away from the preset (a typed or a button's change): neither its name nor its words hold
  const edited = useLab((s) => editedFromPreset(s.midRun))
  const preset = PRESETS.find((p) => p.id === presetId)

  return (
    <div className="toolbar">
      <div className="toolbar-main" role="toolbar" aria-label={t('toolbar.label')}>
        <h1>LVS Persistence Lab</h1>
        <div className="tabs" role="tablist" aria-label={t('toolbar.views')}>
          <button
            type="button"
            role="tab"
            className="btn"
            aria-selected={view === 'lab'}
            onClick={() => actions.setView('lab')}
            data-testid="view-lab"
          >
            {t('toolbar.viewLab')}
          </button>
          <button
            type="button"
            role="tab"
            className="btn"
            aria-selected={view === 'compare'}
            onClick={() => view !== 'compare' && actions.openCompare()}
            data-testid="view-compare"
          >
            {t('toolbar.viewCompare')}
          </button>
          <button
            type="button"
            role="tab"
            className="btn"
            aria-selected={view === 'lessons'}
            onClick={() => actions.setView('lessons')}
            data-testid="view-lessons"
          >
            {t('toolbar.viewLessons')}
          </button>
        </div>
        <button
          type="button"
          className="btn primary"
          onClick={() => actions.toggle()}
          disabled={!canPlay}
          aria-keyshortcuts="Space"
          data-testid="play"
        >
          {playing ? `❚❚ ${t('toolbar.pause')}` : `▶ ${t('toolbar.play')}`}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => actions.step('event')}
          disabled={!canPlay}
          aria-keyshortcuts="ArrowRight"
          title={t('toolbar.stepEventHint')}
        >
          {t('toolbar.stepEvent')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => actions.step('second')}
          disabled={!canPlay}
          aria-keyshortcuts="Shift+ArrowRight"
        >
          {t('toolbar.stepSecond')}
        </button>
        <label className="inline">
          {t('toolbar.speed')}
          <select value={speed} onChange={(e) => actions.setSpeed(Number(e.target.value))} data-testid="speed">
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <span className="clock-pair">
          {/* as wide as the end's text: the slider beside it must not move while the time is dragged
              from 100.0 s to 99.0 s (the thumb would jump away from the pointer) */}
          <output
            className="clock"
            aria-label={t('toolbar.clock')}
            data-testid="clock"
            style={{ minWidth: `${endText.length}ch` }}
          >
            {nowText}
          </output>
          <span className="clock-end" aria-hidden="true" data-testid="clock-end">
            {' / '}
            {endText}
          </span>
        </span>
        <input
          className="seek"
          type="range"
          min={0}
          max={Math.max(1, endMs)}
          step={1000}
          value={seekTarget ?? nowMs}
          aria-label={t('toolbar.seek')}
          aria-valuetext={`${nowText} / ${endText}`}
          onChange={(e) => actions.seek(Number(e.target.value))}
          disabled={!canPlay}
          data-testid="seek"
        />
      </div>
      <div className="toolbar-more" role="group" aria-label={t('toolbar.settings')}>
        {view === 'lab' && (
          <label className="inline">
            {t('toolbar.preset')}
            <select value={presetId} onChange={(e) => onPreset(e.target.value)} data-testid="preset">
              {!preset && <option value={presetId}>{t('toolbar.customScenario')}</option>}
              {PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id === presetId && edited ? t('toolbar.editedFrom', { preset: tDyn(t, p.key) }) : tDyn(t, p.key)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="inline">
          {t('toolbar.seed')}
          <input
            type="number"
            min={0}
            step={1}
            value={seed}
            style={{ width: '9ch' }}
            onChange={(e) => {
              const v = Number(e.target.value)
              if (Number.isInteger(v) && v >= 0 && v < 2 ** 31) actions.reset(v)
            }}
          />
        </label>
        <button type="button" className="btn" onClick={() => actions.reset()} disabled={!canPlay}>
          {t('toolbar.reset')}
        </button>
        {view === 'lab' && (description || edited) && (
          <p className="scenario-note spacer" data-testid="description" title={edited ? undefined : description}>
            {edited ? t('toolbar.editedNote') : description}
          </p>
        )}
        {busy && (
          <span role="status" className="what">
            {t(`toolbar.busy.${busy === 'seeking' || busy === 'applying' ? busy : 'loading'}`)}
          </span>
        )}
        <label className="inline">
          <span className="visually-hidden">{t('toolbar.language')}</span>
          <select
            value={locale}
            onChange={(e) => actions.setLocale(e.target.value as typeof locale)}
            data-testid="locale"
            aria-label={t('toolbar.language')}
          >
            {LOCALES.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          onClick={() => actions.setPresenter(!presenter)}
          aria-pressed={presenter}
          data-testid="presenter"
        >
          {t('toolbar.presenter')}
        </button>
        {(hasLog || logOpen) && (
          <button
            type="button"
            className="btn"
            aria-pressed={logOpen}
            onClick={() => actions.setLogOpen(!logOpen)}
            title={t('toolbar.logHint')}
            data-testid="log-toggle"
          >
            {t('toolbar.log')}
          </button>
        )}
        <button
          type="button"
          className="btn"
          onClick={() => actions.setTheme(theme === 'dark' ? 'light' : 'dark')}
          aria-pressed={theme === 'dark'}
          data-testid="theme"
        >
          {t('toolbar.dark')}
        </button>
      </div>
    </div>
  )
}
