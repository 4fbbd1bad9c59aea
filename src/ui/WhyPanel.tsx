import { useEffect, useState } from 'react'
import { tDyn } from '../i18n/index'
import {
  type AttemptDot,
  actions,
  addrPortText,
  attemptOf,
  connectionsOf,
  followEvery,
  live,
  useLab,
  wantedOfAttempt,
} from '../store/index'
import { AttemptHow } from '../worker/protocol'
import { clock, shortIp } from './format'
import { useT } from './useT'

const HOW_KEYS: Record<number, string> = {
  [AttemptHow.SCHEDULED]: 'why.how.scheduled',
  [AttemptHow.TEMPLATE_HIT]: 'why.how.hit',
  [AttemptHow.TEMPLATE_NEW]: 'why.how.new',
  [AttemptHow.REFUSED]: 'why.how.refused',
  [AttemptHow.DROPPED]: 'why.how.dropped',
  [AttemptHow.LOCAL]: 'why.how.local',
}

export function WhyPanel() {
  const t = useT()
  const why = useLab((s) => s.why)
  const selection = useLab((s) => s.selection)
  const [recent, setRecent] = useState<AttemptDot[]>([])
  const attempt = selection?.kind === 'attempt' ? attemptOf(selection.seq) : null
  // an attempt: its connection; a template or a real server: its newest, the others to choose from
  const canOpen = attempt
    ? wantedOfAttempt(attempt) !== null
    : selection
      ? connectionsOf(selection, 1).length > 0
      : false

  // the last connections, as text: the director's pictures in words
  // (at most every 400 ms while they arrive; nothing to do while paused)
  useEffect(() => {
    const follow = followEvery(
      400,
      () => live.version,
      () => setRecent(live.attempts.slice(-12).reverse()),
    )
    return () => follow.stop()
  }, [])

  // the clients' column as wide as its widest (`[2001:db8:a:1::10]:40001` is wider than an IPv4 one)
  const clients = recent.map((a) => addrPortText(a.client, a.clientPort))
  const clientW = Math.max(21, ...clients.map((c) => c.length))

  return (
    <section className="panel why area-why" aria-labelledby="why-h">
      <header>
        <h2 id="why-h">{t('why.title')}</h2>
        <p className="what">{t('why.what')}</p>
      </header>
      <div aria-live="polite" data-testid="why">
        {why ? (
          <>
            <div className="why-head">
              <h3 style={{ fontSize: '0.95rem', margin: '4px 0' }}>{tDyn(t, why.title)}</h3>
              {canOpen && selection && (
                <button
                  type="button"
                  onClick={() => actions.openPackets(selection)}
                  data-testid="why-packets"
                  aria-keyshortcuts="P"
                >
                  {t('packets.open')}
                </button>
              )}
            </div>
            <ol>
              {why.steps.map((s, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the steps of one answer never reorder
                <li key={`${s.key}-${i}`}>{tDyn(t, s.key, s.values)}</li>
              ))}
            </ol>
          </>
        ) : (
          <p className="what">{selection ? t('why.asking') : t('why.none')}</p>
        )}
      </div>
      <h3 style={{ fontSize: '0.9rem', margin: '8px 0 0' }}>{t('why.recent')}</h3>
      <ul className="recent" data-testid="recent">
        {recent.map((a, i) => (
          <li key={a.seq}>
            <button
              type="button"
              aria-current={selection?.kind === 'attempt' && selection.seq === a.seq}
              onClick={() => actions.select({ kind: 'attempt', seq: a.seq })}
            >
              {clock(a.at).padStart(8)} {clients[i].padEnd(clientW)} → :{a.vport}{' '}
              {a.rsAddr >= 0 ? shortIp(a.rsAddr) : '✕'} · {tDyn(t, HOW_KEYS[a.how])}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
