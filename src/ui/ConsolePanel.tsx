import { useEffect, useMemo, useRef, useState } from 'react'
import { groupDigits } from '../engine/lib/digits'
import { tDyn, tMsg } from '../i18n/index'
import { actions, type ConsoleLine, midKey, setScriptWanted, undoneByRewind, useLab } from '../store/index'
import { MID_RUN_SHOWN } from '../worker/protocol'
import { complete } from './completion'
import { clock } from './format'
import { useT } from './useT'

export function ConsolePanel() {
  const t = useT()
  const lines = useLab((s) => s.console)
  const midRun = useLab((s) => s.midRun)
  const services = useLab((s) => s.services)
  /** The mid-run commands that have run at the current time: a line whose command is not among them was rewound. */
  const ran = useMemo(() => new Set(midRun.map(midKey)), [midRun])
  const [input, setInput] = useState('')
  const [hint, setHint] = useState<string | null>(null)
  // the lines typed, kept by the store across views and reloads
  const history = useLab((s) => s.consoleHistory)
  const cursor = useRef(-1)
  const scrollRef = useRef<HTMLDivElement>(null)

  // keep the newest output in view
  useEffect(() => {
    const el = scrollRef.current
    if (el && lines.length) el.scrollTop = el.scrollHeight
  }, [lines])

  const submit = () => {
    const line = input.trim()
    if (!line) return
    if (line === 'clear') {
      actions.clearConsole()
    } else actions.run(line)
    actions.rememberTyped(line)
    cursor.current = -1
    setInput('')
    setHint(null)
  }

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault()
      submit()
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      const h = history
      if (!h.length) return
      cursor.current = cursor.current < 0 ? h.length - 1 : Math.max(0, cursor.current - 1)
      setInput(h[cursor.current])
    } else if (e.key === 'ArrowDown') {
      e.preventDefault()
      const h = history
      if (cursor.current < 0) return
      cursor.current += 1
      if (cursor.current >= h.length) {
        cursor.current = -1
        setInput('')
      } else setInput(h[cursor.current])
    } else if (e.key === 'Tab' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      // Tab completes only when it changes something (the line, or the list of what fits);
      // otherwise it moves on to the next control, as Tab does everywhere else
      if (!input.trim()) return
      const r = complete(input, services)
      const nextHint = r.candidates.length > 1 ? r.candidates.slice(0, 30).join('  ') : null
      if (r.line === input && nextHint === hint) return
      e.preventDefault()
      setInput(r.line)
      setHint(nextHint)
    } else if (e.key === 'Escape') {
      // leave the console: to its output, which scrolls by keyboard (Tab comes back to the prompt)
      e.preventDefault()
      setHint(null)
      scrollRef.current?.focus()
    } else if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault()
      actions.clearConsole()
    }
  }

  return (
    <section className="panel area-console" aria-labelledby="console-h">
      <header>
        <h2 id="console-h">{t('console.title')}</h2>
        <p className="what">{t('console.what')}</p>
      </header>
      <div
        className="term console-scroll"
        ref={scrollRef}
        role="log"
        aria-label={t('console.log')}
        data-testid="console-log"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (and Esc lands here)
        tabIndex={0}
      >
        {lines.map((l) => {
          const undone = undoneByRewind(l, ran, midRun, midRun.length < MID_RUN_SHOWN)
          const kind = l.kind === 'cmd' ? 'cmd' : l.kind === 'err' ? 'err' : l.kind === 'note' ? 'note' : ''
          return (
            <div key={l.id} className={`${kind}${undone ? ' undone' : ''}`.trim() || undefined}>
              {l.kind === 'note'
                ? tMsg(t, l.msg)
                : l.kind === 'cmd'
                  ? commandLine(t, l)
                  : // the tools' own words, never translated
                    l.text.replace(/\n$/, '')}
              {undone && l.kind === 'cmd' && <span className="undone-note"> {t('console.undone')}</span>}
            </div>
          )
        })}
      </div>
      {hint && (
        <p className="what" style={{ fontFamily: 'var(--mono)' }} data-testid="console-hint">
          {hint}
        </p>
      )}
      <div className="prompt">
        <span aria-hidden="true" style={{ fontFamily: 'var(--mono)' }}>
          {t('console.label')}
        </span>
        <input
          id="console-input"
          aria-label={t('console.title')}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={input}
          onChange={(e) => {
            setInput(e.target.value)
            setHint(null)
          }}
          onKeyDown={onKeyDown}
          placeholder="ipvsadm -Lnc"
          data-testid="console-input"
          aria-describedby="console-help"
        />
        <button type="button" className="btn" onClick={submit}>
          {t('console.run')}
        </button>
      </div>
      <p id="console-help" className="what">
        {t('console.help')}
      </p>
      <ScriptEditor />
    </section>
  )
}

/**
 * A command's line: its simulated time, who ran it (typed ones have the prompt's `#`; the label is
 * translated) and the command as it was run.
 */
function commandLine(t: ReturnType<typeof useT>, l: Exclude<ConsoleLine, { kind: 'note' }>): string {
  const who = l.by && l.by !== 'typed' ? `${tDyn(t, `console.by.${l.by}`)}:` : '#'
  return `[${clock(l.atMs ?? 0)}] ${who} ${l.text}`
}

/** Longer configurations (thousands of real servers) are not put in the editor: typing there would stall the page. */
const MAX_EDITABLE_CHARS = 300_000

function ScriptEditor() {
  const t = useT()
  const script = useLab((s) => s.script)
  const draft = useLab((s) => s.scriptDraft)
  const error = useLab((s) => s.scriptError)
  // the draft while editing; the running configuration otherwise (and again once a draft applied)
  const text = draft ?? script
  // the text goes into the page only while the editor is open (a big configuration costs a long layout)
  const [open, setOpen] = useState(false)
  const tooLong = draft === null && script.length > MAX_EDITABLE_CHARS
  return (
    <details
      className="script"
      onToggle={(e) => {
        const isOpen = (e.target as HTMLDetailsElement).open
        setOpen(isOpen)
        setScriptWanted(isOpen)
      }}
    >
      <summary>{t('console.script')}</summary>
      <p className="what">{t('console.scriptWhat')}</p>
      {open && tooLong && (
        <p className="what" data-testid="script-too-long">
          {t('console.scriptTooLong', {
            lines: groupDigits(script.match(/\n/g)?.length ?? 0),
            mb: (script.length / 1e6).toFixed(1),
          })}
        </p>
      )}
      {open && !tooLong && (
        <textarea
          value={text}
          aria-label={t('console.script')}
          spellCheck={false}
          onChange={(e) => actions.editScript(e.target.value)}
          data-testid="script"
        />
      )}
      <div className="prompt" hidden={tooLong}>
        <button type="button" className="btn primary" onClick={() => actions.applyScript(text)}>
          {t('console.apply')}
        </button>
        <button type="button" className="btn" onClick={() => actions.editScript(null)} disabled={draft === null}>
          {t('console.revert')}
        </button>
        {error && (
          <span className="error-text" role="alert">
            {error.line !== null ? t('console.lineError', { line: error.line }) : ''} {error.message}
          </span>
        )}
      </div>
    </details>
  )
}
