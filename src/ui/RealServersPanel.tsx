import { memo, useCallback, useState } from 'react'
import { groupDigits } from '../engine/lib/digits'
import { actions, addrPortText, addrText, history, isV6Num, type RsLive, useLab } from '../store/index'
import { type FaultView, MAX_SHOWN_DESTINATIONS } from '../worker/protocol'
import { rsVar, useRsColorIndex } from './colors'
import { saveCsvFiles } from './exporting'
import { figuresOverTime, realServersNow } from './exportTables'
import { forwardOption, serviceOption } from './format'
import { useT } from './useT'

/** A real server the "health check" took out, so it can be put back as it was. */
interface Removed {
  key: string
  service: string
  serviceFamily: 'inet' | 'inet6'
  addr: number
  port: number
  weight: number
  forward: string
}

function Bar({ value, max, color, label }: { value: number; max: number; color: string; label: string }) {
  return (
    <div className="meter">
      <span className="meter-k">{label}</span> <span className="num">{value}</span>
      <span className="bar" aria-hidden="true">
        <span style={{ width: `${max > 0 ? Math.min(100, (value / max) * 100) : 0}%`, background: color }} />
      </span>
    </div>
  )
}

function Figure({ k, v, hint, testId }: { k: string; v: string; hint?: string; testId?: string }) {
  return (
    <div className="figure" title={hint} data-testid={testId}>
      <div className="v">{v}</div>
      <div className="k">{k}</div>
    </div>
  )
}

/** The faults a button can begin (`lab-fault HOST KIND`; slow and http-status with their defaults). */
const FAULT_KINDS = ['crash', 'hang', 'slow', 'http-status'] as const

/** Debian's ipvsadm takes `-w` 0…2147483647 (INT_MAX), not the man page's 65535. */
const WEIGHT_MAX = 2147483647

function setWeight(r: RsLive, w: number): void {
  if (!Number.isInteger(w) || w < 0 || w > WEIGHT_MAX) return
  actions.run(
    `ipvsadm -e ${serviceOption(r.service, r.serviceFamily)} -r ${r.label} ${forwardOption(r.forward)} -w ${w}`,
    'button',
  )
}

/**
 * One real server. Memoised: the store keeps a row's object while its counters stand still, so a
 * frame re-renders only the servers whose numbers moved.
 */
const RsRow = memo(function RsRow({
  r,
  color,
  max,
  onDown,
  fault,
  failed,
}: {
  r: RsLive
  color: string
  max: number
  onDown: (r: RsLive) => void
  /** Its fault in force now, if any. */
  fault: FaultView | undefined
  /** Connections sent to it that failed (undefined: the run counts none). */
  failed: number | undefined
}) {
  const t = useT()
  const [choosing, setChoosing] = useState(false)
  const host = addrText(r.addr)
  const fail = (what: string) => {
    setChoosing(false)
    actions.run(`lab-fault ${host} ${what}`, 'button')
  }
  return (
    <div className="rs" data-testid={`rs-${r.label}`}>
      <span className="swatch" style={{ background: color }} aria-hidden="true" />
      <button
        type="button"
        className="name"
        style={{ background: 'none', border: 'none', textAlign: 'left', cursor: 'pointer', padding: 0 }}
        onClick={() => actions.select({ kind: 'rs', addr: r.addr, port: r.port })}
        // a long (IPv6) service is cut with an ellipsis where the panel is narrow: whole on hover
        title={`${r.label} ${r.service}`}
      >
        <span className="addr">{r.label}</span>
        {r.weight === 0 && <span className="badge quiescent">{t('servers.quiescent')}</span>}{' '}
        <span className="svc">{r.service}</span>
      </button>
      <span className="controls">
        <label className="inline">
          {t('servers.weight')}
          <input
            type="number"
            min={0}
            max={WEIGHT_MAX}
            // as wide as the weight: a 10-digit weight must not show as its first 4 digits
            style={{ width: `max(4.5em, ${String(r.weight).length + 4}ch)` }}
            defaultValue={r.weight}
            key={`${r.key}-${r.weight}`}
            aria-label={t('servers.weightOf', { rs: r.label })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setWeight(r, Number((e.target as HTMLInputElement).value))
            }}
            onBlur={(e) => {
              const v = Number(e.target.value)
              if (v !== r.weight) setWeight(r, v)
            }}
            data-testid={`weight-${r.label}`}
          />
        </label>
        <button type="button" className="btn" onClick={() => onDown(r)} title={t('servers.downHint')}>
          {t('servers.down')}
        </button>
        {!fault && !isV6Num(r.addr) && (
          <button
            type="button"
            className="btn"
            aria-expanded={choosing}
            onClick={() => setChoosing((x) => !x)}
            title={t('servers.faultHint', { rs: host })}
            data-testid={`fault-menu-${r.label}`}
          >
            {t('servers.fault')}
          </button>
        )}
      </span>
      {fault && (
        // the fault in force, on a row of its own (the name's cell cuts what does not fit)
        <div className="fault-kinds">
          <span className="badge fault" data-testid={`fault-${r.label}`}>
            {t(`servers.faultIs.${fault.kind}`, { s: fault.delayMs / 1000, status: fault.status })}
          </span>
          <button
            type="button"
            className="btn"
            onClick={() => fail('recover')}
            title={t('servers.recoverHint', { rs: host })}
            data-testid={`recover-${r.label}`}
          >
            {t('servers.recover')}
          </button>
        </div>
      )}
      {choosing && !fault && (
        <div className="fault-kinds" role="group" aria-label={t('servers.faultOf', { rs: host })}>
          {FAULT_KINDS.map((k) => (
            <button key={k} type="button" className="btn" onClick={() => fail(k)} data-testid={`fault-${k}-${r.label}`}>
              {t(`servers.faultKinds.${k}`)}
            </button>
          ))}
        </div>
      )}
      <div className={failed !== undefined ? 'bars with-failed' : 'bars'}>
        <Bar label="ActiveConn" value={r.activeConns} max={max} color={color} />
        <Bar label="InActConn" value={r.inactConns} max={max} color={`color-mix(in srgb, ${color} 55%, transparent)`} />
        <Bar label={t('servers.templatesShort')} value={r.persistConns} max={max} color="var(--muted)" />
        {failed !== undefined && (
          <span title={t('servers.failedOfHint', { rs: host })} data-testid={`failed-${r.label}`}>
            <Bar label={t('servers.failed')} value={failed} max={max} color="var(--err)" />
          </span>
        )}
      </div>
    </div>
  )
})

export function RealServersPanel() {
  const t = useT()
  const rs = useLab((s) => s.rs)
  const rsMore = useLab((s) => s.rsMore)
  const metrics = useLab((s) => s.metrics)
  const faults = useLab((s) => s.faults)
  /** With two directors: whose table the counters are (the VIP's holder's, as the figures'). */
  const whose = useLab((s) => s.pair?.directors.find((d) => d.front)?.name ?? null)
  const colorOf = useRsColorIndex()
  const [removed, setRemoved] = useState<Removed[]>([])
  const max = Math.max(4, ...rs.map((r) => Math.max(r.activeConns, r.inactConns, r.persistConns)))

  const takeDown = useCallback((r: RsLive) => {
    setRemoved((x) => [
      ...x,
      {
        key: r.key,
        service: r.service,
        serviceFamily: r.serviceFamily,
        addr: r.addr,
        port: r.port,
        weight: r.weight,
        forward: r.forward,
      },
    ])
    actions.run(`ipvsadm -d ${serviceOption(r.service, r.serviceFamily)} -r ${r.label}`, 'button')
  }, [])
  const bringUp = (d: Removed) => {
    setRemoved((x) => x.filter((y) => y.key !== d.key))
    actions.run(
      `ipvsadm -a ${serviceOption(d.service, d.serviceFamily)} -r ${addrPortText(d.addr, d.port)} ${forwardOption(d.forward)} -w ${d.weight}`,
      'button',
    )
  }
  /** The figures over time (one row per simulated second) and the servers now: two CSV files, a table each. */
  const exportCsv = () =>
    saveCsvFiles([
      { name: 'figures-over-time.csv', rows: figuresOverTime((c) => history.series(c)) },
      { name: 'real-servers.csv', rows: realServersNow(rs, rsMore) },
    ])
  const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits))
  const stillRemoved = removed.filter((d) => !rs.some((r) => r.key === d.key))

  return (
    <section className="panel area-servers" aria-labelledby="servers-h">
      <header>
        <h2 id="servers-h">{t('servers.title')}</h2>
        {whose && (
          <span
            className="badge"
            style={{ whiteSpace: 'nowrap' }}
            data-testid="servers-whose"
            title={t('servers.whoseHint')}
          >
            {t(whose === 'backup' ? 'servers.whoseBackup' : 'servers.whoseDirector')}
          </span>
        )}
        <p className="what">{t('servers.what')}</p>
        <div className="tools">
          <button
            type="button"
            className="btn"
            onClick={exportCsv}
            title={t('export.csvHint')}
            data-testid="figures-csv"
          >
            CSV
          </button>
        </div>
      </header>
      <div className="figures" data-testid="figures">
        <Figure k={t('servers.balanceNow')} v={fmt(metrics?.currentImbalance)} hint={t('servers.balanceHint')} />
        <Figure k={t('servers.balanceRun')} v={fmt(metrics?.imbalance)} hint={t('servers.balanceHint')} />
        <Figure
          k={t('servers.stickiness')}
          v={metrics ? `${Math.round(metrics.stickiness * 100)}%` : '—'}
          hint={t('servers.stickinessHint')}
        />
        <Figure k={t('servers.broken')} v={String(metrics?.brokenSessions ?? '—')} hint={t('servers.brokenHint')} />
        {metrics?.failedConnections !== undefined ? (
          <Figure
            k={t('servers.refusedFailed')}
            v={`${metrics.refused} · ${metrics.failedConnections}`}
            hint={t('servers.refusedFailedHint')}
            testId="figure-refused-failed"
          />
        ) : (
          <Figure k={t('servers.refused')} v={String(metrics?.refused ?? '—')} />
        )}
        <Figure
          k={t('servers.templates')}
          v={metrics ? `${metrics.templatesLive} · ${Math.round(metrics.templateBytes / 1024)} KiB` : '—'}
          hint={t('servers.templatesHint')}
        />
      </div>
      <div className="rs-list">
        {rs.map((r) => (
          <RsRow
            key={r.key}
            r={r}
            color={rsVar(colorOf(r.addr))}
            max={max}
            onDown={takeDown}
            fault={faults.find((f) => f.addr === r.addr)}
            failed={metrics?.failedByRs?.[addrText(r.addr)]}
          />
        ))}
        {rsMore.map((m) => (
          <div
            className="rs"
            key={m.key}
            data-testid="rs-more"
            title={t('servers.moreHint', { shown: MAX_SHOWN_DESTINATIONS, n: groupDigits(m.count) })}
          >
            <span className="swatch" style={{ background: 'var(--muted)' }} aria-hidden="true" />
            <span className="name">
              {t('servers.more', { count: m.count, n: groupDigits(m.count) })} <span className="svc">{m.service}</span>
            </span>
            <span className="controls">
              {t('servers.weight')} Σ {groupDigits(m.weight)}
            </span>
            <div className="bars">
              <Bar label="ActiveConn" value={m.activeConns} max={Math.max(max, m.activeConns)} color="var(--muted)" />
              <Bar label="InActConn" value={m.inactConns} max={Math.max(max, m.inactConns)} color="var(--muted)" />
              <Bar
                label={t('servers.templatesShort')}
                value={m.persistConns}
                max={Math.max(max, m.persistConns)}
                color="var(--muted)"
              />
            </div>
          </div>
        ))}
        {stillRemoved.map((d) => (
          <div className="rs" key={`down-${d.key}`}>
            <span className="swatch" style={{ background: 'var(--line)' }} aria-hidden="true" />
            <span className="name">
              {addrPortText(d.addr, d.port)} <span className="svc">{d.service}</span>{' '}
              <span className="badge down">{t('servers.isDown')}</span>
            </span>
            <span className="controls">
              <button type="button" className="btn" onClick={() => bringUp(d)}>
                {t('servers.up')}
              </button>
            </span>
          </div>
        ))}
        {rs.length === 0 && stillRemoved.length === 0 && <p className="what">{t('servers.none')}</p>}
      </div>
    </section>
  )
}
