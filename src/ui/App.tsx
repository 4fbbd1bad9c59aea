import { useCallback, useEffect, useState } from 'react'
import { useT } from '../i18n/index'
import { actions, forgetSession, useLab } from '../store/index'
import { CompareView } from './CompareView'
import { ConsolePanel } from './ConsolePanel'
import { DirectorPanel } from './DirectorPanel'
import { FidelityPanel } from './FidelityPanel'
import { Exercises, LessonPanel, LessonsList } from './LessonPanel'
import { ListingsPanel } from './ListingsPanel'
import { DEFAULT_PRESET, fetchPreset, PRESETS } from './presets'
import { RealServersPanel } from './RealServersPanel'
import { ShareMenu } from './ShareMenu'
import { download } from './share'
import { TemplateTimeline } from './TemplateTimeline'
import { Toolbar } from './Toolbar'
import { WhyPanel } from './WhyPanel'

/** Keys that drive the player, unless the user is typing or on a control that uses them. */
function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false
  const tag = el.tagName
  return (
    tag === 'INPUT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    tag === 'BUTTON' ||
    el.isContentEditable ||
    el.getAttribute('role') === 'tab'
  )
}

export function App() {
  const t = useT()
  const locale = useLab((s) => s.locale)
  // the scenario's own words, in the interface's language when the file has them
  const description = useLab((s) => s.descriptions[s.locale] ?? s.description)
  const view = useLab((s) => s.view)
  const notice = useLab((s) => s.notice)
  const restored = useLab((s) => s.restoredSession)
  const unrestored = useLab((s) => s.unrestoredSession)
  const error = useLab((s) => s.error)

  const loadPreset = useCallback((id: string) => {
    const p = PRESETS.find((x) => x.id === id) ?? PRESETS[0]
    // the lab waits from the choice on, not from when the file has come
    useLab.setState({ presetId: p.id, busy: 'loading' })
    actions.pause()
    fetchPreset(p.id)
      .then((json) => actions.load(json, p.id, p.file))
      .catch((e: unknown) => useLab.setState({ error: String(e), busy: null }))
  }, [])

  // the panels below the fold mount after the first paint: the first screen comes sooner
  const [below, setBelow] = useState(false)
  useEffect(() => {
    performance.mark('lab:app-mounted')
    const id = requestAnimationFrame(() => setTimeout(() => setBelow(true), 0))
    return () => cancelAnimationFrame(id)
  }, [])
  useEffect(() => {
    document.documentElement.lang = locale
    document.title = t('app.title')
  }, [locale, t])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return
      if (e.key === ' ') {
        e.preventDefault()
        actions.toggle()
      } else if (e.key === 'ArrowRight') {
        e.preventDefault()
        actions.step(e.shiftKey ? 'second' : 'event')
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <main className="app">
      <section className="panel area-toolbar" aria-label={t('toolbar.label')}>
        <Toolbar onPreset={loadPreset} />
        {view === 'lab' && <ShareMenu />}
        {view === 'lab' && description && (
          <p className="scenario-note" data-testid="description">
            {description}
          </p>
        )}
        {notice && (
          <div className="banner notice" role="status" data-testid="notice">
            <span>{notice}</span>
            {restored && (
              <button
                type="button"
                className="btn"
                onClick={() => {
                  forgetSession()
                  useLab.setState({ notice: null, restoredSession: false })
                  loadPreset(DEFAULT_PRESET)
                }}
                data-testid="start-fresh"
              >
                {t('session.fresh')}
              </button>
            )}
            {unrestored && (
              <button
                type="button"
                className="btn"
                onClick={() =>
                  download(
                    'lvs-lab-session.json',
                    typeof unrestored.scenario === 'string'
                      ? unrestored.scenario
                      : `${JSON.stringify(unrestored.scenario, null, 1)}\n`,
                    'application/json',
                  )
                }
                data-testid="save-unrestored"
              >
                {t('session.saveUnrestored')}
              </button>
            )}
            <button
              type="button"
              className="btn"
              onClick={() => useLab.setState({ notice: null, unrestoredSession: null })}
            >
              {t('app.dismiss')}
            </button>
          </div>
        )}
        {error && (
          <div className="banner" role="alert">
            <span>{error}</span>
            <button type="button" className="btn" onClick={() => actions.dismissError()}>
              {t('app.dismiss')}
            </button>
          </div>
        )}
      </section>
      {view === 'compare' ? (
        <CompareView />
      ) : view === 'lessons' ? (
        <div className="compare">
          <LessonsList />
          <Exercises />
          <FidelityPanel />
        </div>
      ) : (
        <>
          <LessonPanel />
          <DirectorPanel />
          <RealServersPanel />
          <TemplateTimeline />
          {below && (
            <>
              <ConsolePanel />
              <ListingsPanel />
              <WhyPanel />
            </>
          )}
        </>
      )}
    </main>
  )
}
