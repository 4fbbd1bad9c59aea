import { useCallback, useEffect, useState } from 'react'
import { actions, selectDescription, useLab, verbatim } from '../store/index'
import { CompareView } from './CompareView'
import { ConsolePanel } from './ConsolePanel'
import { DirectorPanel } from './DirectorPanel'
import { FidelityPanel } from './FidelityPanel'
import { Exercises, LessonPanel, LessonsList } from './LessonPanel'
import { ListingsPanel } from './ListingsPanel'
import { Notices } from './Notices'
import { DEFAULT_PRESET, fetchPreset, PRESETS } from './presets'
import { RealServersPanel } from './RealServersPanel'
import { ShareMenu } from './ShareMenu'
import { TemplateTimeline } from './TemplateTimeline'
import { Toolbar } from './Toolbar'
import { useT } from './useT'
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
  const description = useLab(selectDescription)
  const view = useLab((s) => s.view)

  const loadPreset = useCallback((id: string) => {
    const p = PRESETS.find((x) => x.id === id) ?? PRESETS[0]
    // the lab waits from the choice on, not from when the file has come
    actions.choosePreset(p.id)
    fetchPreset(p.id)
      .then((json) => actions.load(json, p.id, p.file))
      .catch((e: unknown) => actions.loadFailed(verbatim(String(e))))
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
        <Notices onStartFresh={() => loadPreset(DEFAULT_PRESET)} />
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
