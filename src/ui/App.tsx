import { type CSSProperties, useCallback, useEffect, useRef, useState } from 'react'
import { actions, useLab, verbatim } from '../store/index'
import { CompareView } from './CompareView'
import { ConsolePanel } from './ConsolePanel'
import { DirectorPanel } from './DirectorPanel'
import { FidelityPanel } from './FidelityPanel'
import { KeepalivedLogPanel } from './KeepalivedLogPanel'
import { Exercises, LessonPanel, LessonsList } from './LessonPanel'
import { ListingsPanel } from './ListingsPanel'
import { Notices } from './Notices'
import { PacketsHost } from './PacketsView'
import { DEFAULT_PRESET, fetchPreset, PRESETS } from './presets'
import { RealServersPanel } from './RealServersPanel'
import { ShareMenu } from './ShareMenu'
import { TemplateTimeline } from './TemplateTimeline'
import { Toolbar } from './Toolbar'
import { useT } from './useT'
import { WhyPanel } from './WhyPanel'

/**
 * The button the pointer last focused (a click leaves focus there): Space on it plays or pauses
 * like anywhere else, while a button reached with the keyboard keeps Space to press it.
 */
let pointerFocused: Element | null = null
let pointerDown = false
if (typeof window !== 'undefined') {
  window.addEventListener(
    'pointerdown',
    () => {
      pointerDown = true
    },
    { capture: true },
  )
  window.addEventListener(
    'pointerup',
    () => {
      pointerDown = false
    },
    { capture: true },
  )
  window.addEventListener('focusin', (e) => {
    pointerFocused = pointerDown ? (e.target as Element) : null
  })
}

/** Keys that drive the player, unless the user is typing or on a control that uses them. */
function isTypingTarget(el: EventTarget | null, key: string): boolean {
  if (!(el instanceof HTMLElement)) return false
  const tag = el.tagName
  // the seek slider keeps its arrows; Space on it plays
  if (tag === 'INPUT') return (el as HTMLInputElement).type !== 'range' || key !== ' '
  if (tag === 'BUTTON' || el.getAttribute('role') === 'tab') return el !== pointerFocused
  return tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable
}

/** The bar's height, as `--topbar-h` on the page: the stage below it fills the rest of the window. */
function useTopbarHeight() {
  const ref = useRef<HTMLElement>(null)
  const [h, setH] = useState(0)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const ro = new ResizeObserver(() => setH(Math.ceil(el.getBoundingClientRect().height)))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return [ref, h] as const
}

export function App() {
  const t = useT()
  const locale = useLab((s) => s.locale)
  const view = useLab((s) => s.view)
  const inLesson = useLab((s) => s.lessonId !== null)
  const logOpen = useLab((s) => s.logOpen)
  const [topbarRef, topbarH] = useTopbarHeight()

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

  // Space plays and pauses in every view and mode; in a lesson the lesson's own keys (LessonPanel,
  // on the capture phase) take Space first and follow its clock (src/lessons/stepClock.ts)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target, e.key) || e.ctrlKey || e.metaKey || e.altKey) return
      if (e.key === ' ') {
        e.preventDefault()
        actions.toggle()
      } else if (e.key === 'ArrowRight') {
        e.preventDefault()
        actions.step(e.shiftKey ? 'second' : 'event')
      } else if ((e.key === 'p' || e.key === 'P') && !e.shiftKey) {
        // the Packets view of the selection's (newest) connection, else the newest of all: Presenter too
        const st = useLab.getState()
        if (st.view !== 'lab' || st.packets) return
        e.preventDefault()
        actions.openPackets(st.selection)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <main className="app" style={{ '--topbar-h': `${topbarH}px` } as CSSProperties}>
      <section className="panel area-toolbar topbar" aria-label={t('toolbar.label')} ref={topbarRef}>
        <Toolbar onPreset={loadPreset} />
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
          {/* the stage: what the class watches, together in the window under the bar (a lesson's card beside it) */}
          <div
            className={`lab-stage${inLesson ? ' with-lesson' : ''}${logOpen ? ' with-log' : ''}`}
            data-testid="stage"
          >
            <LessonPanel />
            <DirectorPanel />
            <RealServersPanel />
            <TemplateTimeline />
            <KeepalivedLogPanel />
          </div>
          <div className="panel area-share">
            <ShareMenu />
          </div>
          {below && (
            <>
              <ConsolePanel />
              <ListingsPanel />
              <WhyPanel />
            </>
          )}
          <PacketsHost />
        </>
      )}
    </main>
  )
}
