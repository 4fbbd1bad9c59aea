/**
 * The Packets view (issue 15): one connection's packets hop by hop as a sequence diagram (hosts as
 * columns, one arrow a packet), the chosen packet's headers with the fields its hop changed
 * marked, the kernel step in words, and the capture (.pcap) to download — the connection's, a
 * time window's or the whole run's. One for the page (`useLab().packets`): opened from Why?, a
 * template row, a line of `ipvsadm -Lnc`, the director (a real server, the newest connection) and
 * by the key P, so Presenter mode (which hides Why?) has it too. A selection of several
 * connections (a template, a real server) offers the others in a chooser. ↑/↓ and the clicker's
 * PageUp/PageDown walk the packets; Escape closes and gives the focus back.
 */
import { useEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { tDyn } from '../i18n/index'
import { actions, askPackets, type PacketsOpen, useLab } from '../store/index'
import type { PacketsAnswer, PacketsWanted, PacketView } from '../worker/protocol'
import { saveBlob } from './exporting'
import { clock } from './format'
import { arrowLabel, COL_W, columnsOf, fieldText, netfilterLines, pcapName, ROW_H, windowOf } from './packetsText'
import { useT } from './useT'

async function download(wanted: PacketsWanted): Promise<void> {
  const a = await askPackets(wanted, true)
  if (a.ok && a.pcap)
    saveBlob(pcapName(wanted), new Blob([a.pcap as Uint8Array<ArrayBuffer>], { type: 'application/vnd.tcpdump.pcap' }))
}

/** The page's Packets view: drawn while one is open. */
export function PacketsHost() {
  const open = useLab((s) => s.packets)
  // the focus goes back where it was when the view closes: noted as the store opens it, before
  // the view (its Close button) takes the focus
  useEffect(() => {
    let returnTo: Element | null = null
    return useLab.subscribe((s, prev) => {
      if (s.packets && !prev.packets) returnTo = document.activeElement
      else if (!s.packets && prev.packets) {
        const el = returnTo
        returnTo = null
        if (el instanceof HTMLElement || el instanceof SVGElement)
          requestAnimationFrame(() => el.isConnected && el.focus())
      }
    })
  }, [])
  if (!open) return null
  return <PacketsView key={JSON.stringify(open.wanted)} open={open} onClose={() => actions.closePackets()} />
}

function PacketsView({ open, onClose }: { open: PacketsOpen; onClose: () => void }) {
  const t = useT()
  const { wanted, choices } = open
  const nowMs = useLab((s) => s.nowMs)
  const [answer, setAnswer] = useState<PacketsAnswer | null>(null)
  const [chosen, setChosen] = useState(0)
  const [saving, setSaving] = useState(false)
  const [win, setWin] = useState(() => windowOf(wanted.conn?.atMs ?? nowMs, nowMs))
  const closeRef = useRef<HTMLButtonElement>(null)
  const listRef = useRef<HTMLOListElement>(null)

  useEffect(() => {
    let on = true
    void askPackets(wanted, false).then((a) => {
      if (on) setAnswer(a)
    })
    return () => {
      on = false
    }
  }, [wanted])
  useEffect(() => closeRef.current?.focus(), [])

  const packets = answer?.ok ? answer.packets : []
  const cols = columnsOf(packets)
  const x = (role: string) => COL_W / 2 + cols.indexOf(role) * COL_W
  const width = Math.max(1, cols.length) * COL_W
  const p = packets[chosen] as PacketView | undefined
  const save = async (w: PacketsWanted) => {
    setSaving(true)
    try {
      await download(w)
    } finally {
      setSaving(false)
    }
  }
  const fate = (f: string) =>
    f.startsWith('dropped:')
      ? tDyn(t, 'packets.fates.dropped', { reason: f.slice('dropped:'.length) })
      : tDyn(t, `packets.fates.${f}`)
  // the clicker's keys and the arrows walk the packets (the chosen one's button takes the focus)
  const go = (i: number) => {
    if (packets.length === 0) return
    const k = Math.max(0, Math.min(packets.length - 1, i))
    setChosen(k)
    listRef.current?.querySelectorAll('button')[k]?.focus()
  }
  const winError =
    win.from.trim() === '' ||
    win.to.trim() === '' ||
    !Number.isFinite(Number(win.from)) ||
    !Number.isFinite(Number(win.to))
      ? t('packets.window.notNumber')
      : Number(win.from) < 0 || Number(win.to) <= Number(win.from)
        ? t('packets.window.order')
        : null
  const choiceText = (w: PacketsWanted) => (w.conn ? `${clock(w.conn.atMs)} ${w.conn.client} → ${w.conn.virtual}` : '')

  // on the page itself: a panel's containment would hold a fixed overlay inside it
  return createPortal(
    <div className="packets-backdrop">
      <div
        className="packets-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="packets-h"
        data-testid="packets"
        onKeyDown={(e) => {
          const el = e.target as HTMLElement
          const typing = el.tagName === 'INPUT' || el.tagName === 'SELECT'
          if (e.key === 'Escape') onClose()
          else if (typing) return
          else if (e.key === 'PageDown' || e.key === 'ArrowDown') go(chosen + 1)
          else if (e.key === 'PageUp' || e.key === 'ArrowUp') go(chosen - 1)
          else if (e.key === 'Home') go(0)
          else if (e.key === 'End') go(packets.length - 1)
          else return
          e.preventDefault()
          e.stopPropagation()
        }}
      >
        <header className="packets-head">
          <h2 id="packets-h">
            {t('packets.title')}
            {wanted.conn ? ` · ${wanted.conn.client} → ${wanted.conn.virtual}` : ''}
          </h2>
          <button type="button" ref={closeRef} onClick={onClose} data-testid="packets-close">
            {t('packets.close')}
          </button>
        </header>
        <p className="what">{t('packets.what')}</p>
        {choices.length > 1 && (
          <label className="packets-choice">
            {t('packets.choose')}{' '}
            <select
              value={choices.findIndex((c) => JSON.stringify(c) === JSON.stringify(wanted))}
              onChange={(e) => actions.choosePackets(choices[Number(e.target.value)])}
              data-testid="packets-choose"
            >
              {choices.map((c, i) => (
                <option key={JSON.stringify(c)} value={i}>
                  {choiceText(c)}
                </option>
              ))}
            </select>
          </label>
        )}
        {answer === null && <p aria-live="polite">{t('packets.asking')}</p>}
        {answer && !answer.ok && <p role="alert">{answer.error}</p>}
        {answer?.ok && (
          <div aria-live="polite" className="what" data-testid="packets-source">
            {answer.source === 'rerun' && <p>{t('packets.rerun')}</p>}
            {!answer.complete && <p>{t('packets.incomplete')}</p>}
            {answer.more > 0 && <p>{tDyn(t, 'packets.more', { more: answer.more })}</p>}
            {packets.length === 0 && <p>{t('packets.none')}</p>}
          </div>
        )}
        {packets.length > 0 && (
          <div className="packets-body">
            <div className="packets-seq">
              <div className="packets-cols" style={{ width }} aria-hidden="true">
                {cols.map((c) => (
                  <span key={c} style={{ width: COL_W }}>
                    {tDyn(t, `packets.hosts.${c}`)}
                  </span>
                ))}
              </div>
              <ol aria-label={t('packets.diagram')} data-testid="packets-list" ref={listRef}>
                {packets.map((q, i) => {
                  const x1 = x(q.from.role)
                  const x2 = x(q.to.role)
                  const dropped = q.fate.startsWith('dropped')
                  return (
                    <li key={q.n}>
                      <button
                        type="button"
                        aria-pressed={i === chosen}
                        data-hop={q.hop}
                        onClick={() => setChosen(i)}
                        className={dropped ? 'dropped' : undefined}
                      >
                        <svg width={width} height={ROW_H} aria-hidden="true">
                          {cols.map((c) => (
                            <line key={c} x1={x(c)} x2={x(c)} y1={0} y2={ROW_H} className="lifeline" />
                          ))}
                          <line x1={x1} x2={x2 + (x2 > x1 ? -6 : 6)} y1={ROW_H / 2} y2={ROW_H / 2} className="arrow" />
                          <path
                            d={x2 > x1 ? `M${x2},${ROW_H / 2} l-8,-5 v10 z` : `M${x2},${ROW_H / 2} l8,-5 v10 z`}
                            className="arrow-head"
                          />
                          {dropped && (
                            <text x={x2} y={ROW_H / 2 + 5} textAnchor="middle" className="drop-mark">
                              ✕
                            </text>
                          )}
                        </svg>
                        <span className="packets-label" title={arrowLabel(q)}>
                          {clock(q.at)} {arrowLabel(q)}
                        </span>
                      </button>
                    </li>
                  )
                })}
              </ol>
            </div>
            {p && (
              <section className="packets-detail" aria-labelledby="packets-detail-h" data-testid="packets-detail">
                <h3 id="packets-detail-h">{tDyn(t, 'packets.detail', { n: p.n })}</h3>
                <p>
                  <strong>{t('packets.step')}:</strong> <code>{p.fn}</code> — {tDyn(t, `packets.fn.${p.fn}`)}
                </p>
                <p>
                  <strong>{t('packets.fate')}:</strong> {fate(p.fate)}
                </p>
                {p.netfilter && (
                  <div className="packets-nf" data-testid="packets-netfilter">
                    <strong>{t('packets.nf.title')}:</strong>
                    <ol>
                      {netfilterLines(p.netfilter, (k, v) => tDyn(t, k, v)).map((l, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: the path's steps never move
                        <li key={i}>
                          {l.head}
                          {l.rules.map((r) => (
                            <code key={r}>{r}</code>
                          ))}
                        </li>
                      ))}
                    </ol>
                  </div>
                )}
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('packets.field')}</th>
                      <th scope="col">{t('packets.value')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(p.fields).map(([k, v]) => {
                      const changed = p.changed.includes(k)
                      return (
                        <tr key={k} className={changed ? 'changed' : undefined} data-changed={changed || undefined}>
                          <th scope="row">{k}</th>
                          <td>
                            {fieldText(k, v)}
                            {changed && <span className="visually-hidden"> ({t('packets.changedNote')})</span>}
                          </td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </section>
            )}
          </div>
        )}
        <footer className="packets-foot">
          <button type="button" disabled={saving} onClick={() => void save(wanted)} data-testid="packets-pcap">
            {saving ? t('packets.downloading') : t('packets.download')}
          </button>
          {wanted.conn && (
            <button
              type="button"
              disabled={saving}
              onClick={() => void save({ conn: null })}
              data-testid="packets-pcap-run"
            >
              {t('packets.downloadRun')}
            </button>
          )}
          <fieldset className="packets-window" data-testid="packets-window">
            <legend>{t('packets.window.legend')}</legend>
            <label>
              {t('packets.window.from')}{' '}
              <input
                type="number"
                min={0}
                step="any"
                inputMode="decimal"
                value={win.from}
                onChange={(e) => setWin({ ...win, from: e.target.value })}
                aria-invalid={winError !== null}
                aria-describedby={winError ? 'packets-window-err' : undefined}
                data-testid="packets-window-from"
              />
            </label>
            <label>
              {t('packets.window.to')}{' '}
              <input
                type="number"
                min={0}
                step="any"
                inputMode="decimal"
                value={win.to}
                onChange={(e) => setWin({ ...win, to: e.target.value })}
                aria-invalid={winError !== null}
                aria-describedby={winError ? 'packets-window-err' : undefined}
                data-testid="packets-window-to"
              />
            </label>
            <button
              type="button"
              disabled={saving || winError !== null}
              onClick={() => void save({ conn: null, fromMs: Number(win.from) * 1000, toMs: Number(win.to) * 1000 })}
              data-testid="packets-pcap-window"
            >
              {t('packets.window.download')}
            </button>
            {winError && (
              <span id="packets-window-err" role="alert" className="packets-window-err">
                {winError}
              </span>
            )}
          </fieldset>
        </footer>
      </div>
    </div>,
    document.body,
  )
}
