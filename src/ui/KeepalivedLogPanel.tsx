import { useEffect, useRef } from 'react'
import { actions, useLab } from '../store/index'
import { clock } from './clockText'
import { useT } from './useT'

/**
 * keepalived's log beside the stage: its lines as `journalctl -u keepalived` prints them (never
 * translated), each after the simulated time it was written. It follows the run — and a seek or a
 * rewind: the worker sends the log of the engine's state then (the newest lines, whole again on a
 * new epoch). Scrolled to the newest line while it was there already.
 */
export function KeepalivedLogPanel() {
  const t = useT()
  const open = useLab((s) => s.logOpen)
  const log = useLab((s) => s.keepalivedLog)
  const listRef = useRef<HTMLOListElement>(null)
  const atEnd = useRef(true)

  // keep following the newest line, unless the reader scrolled up
  useEffect(() => {
    const el = listRef.current
    if (el && atEnd.current && log) el.scrollTop = el.scrollHeight
  }, [log])

  if (!open) return null
  const lines = log?.lines ?? []
  const older = log ? log.total - lines.length : 0
  return (
    <section className="panel area-log keepalived-log" aria-labelledby="log-h" data-testid="keepalived-log">
      <header>
        <h2 id="log-h">{t('log.title')}</h2>
        <p className="what" title={t('log.what')}>
          {t('log.what')}
        </p>
        <div className="tools">
          <button
            type="button"
            className="btn"
            onClick={() => actions.setLogOpen(false)}
            title={t('log.closeHint')}
            data-testid="log-close"
          >
            {t('log.close')}
          </button>
        </div>
      </header>
      {lines.length === 0 ? (
        <p className="what" data-testid="log-empty">
          {t('log.empty')}
        </p>
      ) : (
        <ol
          ref={listRef}
          className="log-lines"
          // the lines scroll by keyboard too
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard
          tabIndex={0}
          aria-label={t('log.title')}
          onScroll={(e) => {
            const el = e.currentTarget
            atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8
          }}
        >
          {older > 0 && <li className="what">{t('log.older', { count: older, n: older })}</li>}
          {lines.map((l, i) => (
            // a log's lines never move: the index within the newest lines is their identity here
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are appended only; a new epoch sends them whole
            <li key={`${older + i}`} data-testid="log-line">
              <span className="log-t num">{clock(l.ms)}</span> <span className="log-text">{l.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
