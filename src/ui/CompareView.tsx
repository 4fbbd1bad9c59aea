import { scaleLinear } from 'd3-scale'
import { line, symbol } from 'd3-shape'
import { useEffect, useRef, useState } from 'react'
import { tDyn } from '../i18n/index'
import { actions, type CompareRunView, compareData, frameLoop, useLab } from '../store/index'
import type { CompareConfig } from '../worker/protocol'
import { resolvedPalette, rsIndexNow, rsVar, seriesStyle, useRsColorIndex } from './colors'
import { countAxis, markerIndices, seriesMarker, type TimeTick, timeDomainEnd, timeTicks } from './compareChart'
import { saveBlob, saveCsvFiles, svgPng, svgText } from './exporting'
import { compareOverTime, compareSummary } from './exportTables'
import { shortIp } from './format'
import { fetchScenarioFile } from './presets'
import { useOnScreen } from './useOnScreen'
import { useT } from './useT'

/** The configurations a class compares; commands come from the classroom scenario files (the CLI runs the same). */
const CHOICES = [
  { id: 'none', file: 'classroom-none.json', key: 'compare.none', sessionSharing: false },
  { id: 'ppc', file: 'classroom-ppc.json', key: 'compare.ppc', sessionSharing: false },
  { id: 'pcc', file: 'classroom-pcc.json', key: 'compare.pcc', sessionSharing: false },
  { id: 'fwmark', file: 'classroom-fwmark.json', key: 'compare.fwmark', sessionSharing: false },
  { id: 'shared', file: 'classroom-none.json', key: 'compare.shared', sessionSharing: true },
] as const

/** The imbalance chart's scale ignores the first half minute (see Chart). */
const SETTLED_MS = 30_000
const CHART_W = 360
const CHART_H = 150
const M = { l: 44, r: 8, t: 8, b: 22 }

/** Series whose values are counts: integer ticks, and a log scale when they span orders of magnitude. */
const COUNT_SERIES = new Set(['brokenSessions', 'templatesLive'])
/** Pixels between two markers of one line. */
const MARKER_SPACING = 64

/** A configuration's marker as an SVG path at (0, 0). */
const markerPath = (id: string, size = 30) => symbol(seriesMarker(id), size)() ?? ''

/** A configuration's line and marker, as the legend and each column's heading show it. */
export function SeriesKey({ id }: { id: string }) {
  const style = seriesStyle(id)
  return (
    <svg width="30" height="12" aria-hidden="true" className="series-key">
      <line x1="0" y1="6" x2="30" y2="6" stroke={style.color} strokeWidth="3" strokeDasharray={style.dash} />
      <path
        d={markerPath(id, 40)}
        transform="translate(15 6)"
        fill={style.color}
        stroke="var(--panel)"
        strokeWidth="1"
      />
    </svg>
  )
}

function Chart({ title, series, runs }: { title: string; series: string; runs: CompareRunView[] }) {
  const t = useT()
  const svgRef = useRef<SVGSVGElement>(null)
  useLab((s) => s.nowMs) // redraw as time passes
  const data = runs.map((r) => compareData.get(r.id)?.history.series(series) ?? [])
  const maxT = Math.max(1000, ...data.flatMap((d) => d.map((p) => p.t)))
  const imbalance = series === 'imbalance'
  // The balance of the first seconds is that of a handful of connections (one connection: 2.0):
  // its scale comes from what follows, and the early spike is cut at the top of the plot.
  const settled = (p: { t: number }) => !imbalance || p.t >= SETTLED_MS || maxT < 2 * SETTLED_MS
  const values = data.flatMap((d) => d.filter(settled).map((p) => p.v))
  const endT = timeDomainEnd(maxT)
  const x = scaleLinear()
    .domain([0, endT])
    .range([M.l, CHART_W - M.r])
  const counts = COUNT_SERIES.has(series)
  const axis = counts
    ? countAxis(
        values,
        data.map((d) => d.at(-1)?.v ?? 0),
        CHART_H - M.b,
        M.t,
      )
    : (() => {
        const lo = imbalance ? 1 : 0
        const hi = Math.max(imbalance ? 1.1 : 1, ...values)
        const y = scaleLinear()
          .domain([lo, hi])
          .nice()
          .range([CHART_H - M.b, M.t])
        return { y: (v: number) => y(v), ticks: y.ticks(4), log: false }
      })()
  const y = axis.y
  const path = line<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y((p) => y(p.v))
  const tickText = (v: number) => (counts ? v.toLocaleString('en-US') : Number.isInteger(v) ? String(v) : v.toFixed(2))
  const timeText = (k: TimeTick) =>
    k.n === 0
      ? '0'
      : t(k.unit === 'h' ? 'compare.tickH' : k.unit === 'min' ? 'compare.tickMin' : 'compare.tickS', { n: k.n })
  const shownTitle = axis.log ? `${title} · ${t('compare.logScale')}` : title
  return (
    <figure className="chart" data-testid={`chart-${series}`}>
      <figcaption>
        {shownTitle}{' '}
        <button
          type="button"
          className="btn mini"
          onClick={() =>
            svgRef.current && saveBlob(`${series}.svg`, new Blob([svgText(svgRef.current)], { type: 'image/svg+xml' }))
          }
        >
          SVG
        </button>{' '}
        <button
          type="button"
          className="btn mini"
          onClick={() => void (svgRef.current && svgPng(svgRef.current).then((b) => saveBlob(`${series}.png`, b)))}
        >
          PNG
        </button>
      </figcaption>
      <svg ref={svgRef} viewBox={`0 0 ${CHART_W} ${CHART_H}`} role="img" aria-label={shownTitle}>
        {axis.ticks.map((v) => (
          <g key={v}>
            <line x1={M.l} x2={CHART_W - M.r} y1={y(v)} y2={y(v)} stroke="var(--line)" />
            <text x={M.l - 4} y={y(v) + 4} textAnchor="end" className="tick" data-tick={v}>
              {tickText(v)}
            </text>
          </g>
        ))}
        {timeTicks(endT).map((k, i, all) => (
          <text
            key={k.ms}
            x={x(k.ms)}
            y={CHART_H - 6}
            textAnchor={i === 0 ? 'start' : i === all.length - 1 && x(k.ms) > CHART_W - M.r - 12 ? 'end' : 'middle'}
            className="tick"
            data-time-tick={k.ms}
          >
            {timeText(k)}
          </text>
        ))}
        <clipPath id={`plot-${series}`}>
          <rect x={M.l} y={M.t} width={CHART_W - M.l - M.r} height={CHART_H - M.t - M.b} />
        </clipPath>
        {data.map((d, i) => (
          <path
            clipPath={`url(#plot-${series})`}
            key={runs[i].id}
            d={path(d) ?? ''}
            fill="none"
            stroke={seriesStyle(runs[i].id).color}
            strokeDasharray={seriesStyle(runs[i].id).dash}
            strokeWidth={2.2}
          />
        ))}
        {/* markers: where lines coincide, each configuration's shapes still show, side by side */}
        {data.map((d, i) => {
          const id = runs[i].id
          const marker = markerPath(id)
          const style = seriesStyle(id)
          const at = markerIndices(
            d.map((p) => x(p.t)),
            i,
            data.length,
            MARKER_SPACING,
          )
          return (
            <g key={`m-${id}`} clipPath={`url(#plot-${series})`} data-testid={`markers-${series}-${id}`}>
              {at.map((j) => (
                <path
                  key={j}
                  d={marker}
                  transform={`translate(${x(d[j].t).toFixed(1)} ${y(d[j].v).toFixed(1)})`}
                  fill={style.color}
                  stroke="var(--panel)"
                  strokeWidth={1}
                />
              ))}
            </g>
          )
        })}
      </svg>
    </figure>
  )
}

/** Rows of the mini timeline (5 px each in its 130 px canvas). */
const MINI_ROWS = 26

/**
 * A small template timeline for one configuration: the run so far on the time axis, and templates
 * picked evenly through it by creation (oldest at the top), each a bar from its birth to its
 * expiry (or now), lighter where open connections kept it past its timeout.
 */
function MiniTimeline({ id, emptyText }: { id: string; emptyText: string }) {
  const ref = useRef<HTMLCanvasElement>(null)
  const onScreen = useOnScreen(ref)
  const theme = useLab((s) => s.theme)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the theme changes the palette the loop resolves
  useEffect(() => {
    const canvas = ref.current
    if (!canvas) return
    let last = 0
    let drawnFor = ''
    const palette = resolvedPalette()
    // Returns whether it wants another frame: a change held back by the 10-a-second throttle.
    const draw = (wall: number): boolean => {
      if (!onScreen.current) return false
      const data = compareData.get(id)
      const key = `${useLab.getState().epoch}/${useLab.getState().nowMs}/${data?.templates.size}/${canvas.clientWidth}`
      if (key === drawnFor) return false
      if (wall - last < 100) return true
      last = wall
      drawnFor = key
      const w = canvas.clientWidth
      const h = 130
      const dpr = window.devicePixelRatio || 1
      if (canvas.width !== Math.round(w * dpr)) {
        canvas.width = Math.round(w * dpr)
        canvas.height = Math.round(h * dpr)
      }
      const ctx = canvas.getContext('2d')
      if (!ctx) return false
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
      ctx.clearRect(0, 0, w, h)
      const all = [...(data?.templates.values() ?? [])]
      const nowMs = useLab.getState().nowMs
      if (all.length === 0) {
        ctx.fillStyle = palette.muted
        ctx.font = '13px system-ui, sans-serif'
        ctx.textAlign = 'center'
        ctx.fillText(emptyText, w / 2, h / 2)
        return true
      }
      // evenly through creation order, the newest always last
      const n = all.length
      const shown = Math.min(MINI_ROWS, n)
      const step = Math.max(1, n / MINI_ROWS)
      const rows = Array.from({ length: shown }, (_, k) => all[Math.round(n - 1 - (shown - 1 - k) * step)])
      const x = scaleLinear()
        .domain([Math.min(...rows.map((r) => r.createdAt)), Math.max(nowMs, 60_000)])
        .range([0, w - 2])
      rows.forEach((r, i) => {
        const y = i * 5
        const end = r.expiredAt >= 0 ? r.expiredAt : Math.min(nowMs, r.expiresAt)
        const a = Math.max(0, x(r.createdAt))
        const b = x(end)
        ctx.fillStyle = palette.rs[rsIndexNow(r.rsAddr)]
        // one encoding only, the caption's: lighter = kept past its timeout (a bar's end says it expired)
        ctx.globalAlpha = 1
        if (r.firstRearmAt >= 0 && r.firstRearmAt < end) {
          ctx.fillRect(a, y, Math.max(1, x(r.firstRearmAt) - a), 4)
          ctx.globalAlpha *= 0.4
          ctx.fillRect(x(r.firstRearmAt), y, Math.max(1, b - x(r.firstRearmAt)), 4)
        } else ctx.fillRect(a, y, Math.max(1, b - a), 4)
      })
      ctx.globalAlpha = 1
      ctx.strokeStyle = palette.accent
      ctx.beginPath()
      ctx.moveTo(x(nowMs), 0)
      ctx.lineTo(x(nowMs), h)
      ctx.stroke()
      return true
    }
    // asleep while the comparison stands still; its frames (store changes) and a resize wake it
    const loop = frameLoop(draw)
    const ro = new ResizeObserver(() => loop.wake())
    ro.observe(canvas)
    return () => {
      loop.stop()
      ro.disconnect()
    }
  }, [id, theme, onScreen, emptyText])
  return <canvas ref={ref} style={{ width: '100%', height: 130, display: 'block' }} />
}

function RunColumn({ run }: { run: CompareRunView }) {
  const t = useT()
  const colorOf = useRsColorIndex()
  const max = Math.max(4, ...run.rs.map((r) => r.conns))
  return (
    <section className="panel compare-run" aria-labelledby={`run-${run.id}`} data-testid={`run-${run.id}`}>
      <header>
        <h2 id={`run-${run.id}`}>
          <span style={{ marginRight: 6 }}>
            <SeriesKey id={run.id} />
          </span>
          {run.label}
        </h2>
      </header>
      <div className="figures">
        <div className="figure">
          <div className="v">{run.metrics.brokenSessions}</div>
          <div className="k">{t('servers.broken')}</div>
        </div>
        <div className="figure">
          <div className="v">{run.metrics.imbalance.toFixed(2)}</div>
          <div className="k">{t('servers.balanceRun')}</div>
        </div>
        <div className="figure">
          <div className="v">{Math.round(run.metrics.stickiness * 100)}%</div>
          <div className="k">{t('servers.stickiness')}</div>
        </div>
        <div className="figure">
          <div className="v">{run.metrics.templatesLive}</div>
          <div className="k">{t('servers.templatesShort')}</div>
        </div>
      </div>
      <div className="bars" style={{ gridTemplateColumns: 'minmax(8ch, max-content) 1fr 6ch' }}>
        {run.rs.map((r) => (
          <div key={r.label} style={{ display: 'contents' }}>
            <span style={{ fontFamily: 'var(--mono)' }} title={r.label}>
              {shortIp(r.addr)}:{r.label.slice(r.label.lastIndexOf(':') + 1)}
            </span>
            <span className="bar" aria-hidden="true">
              <span style={{ width: `${(r.conns / max) * 100}%`, background: rsVar(colorOf(r.addr)) }} />
            </span>
            <span className="num">{r.conns}</span>
          </div>
        ))}
      </div>
      <p className="what">{t('compare.connsPerServer')}</p>
      <MiniTimeline id={run.id} emptyText={t('compare.noTemplates')} />
      <p className="what">{t('compare.miniTimeline')}</p>
    </section>
  )
}

export function CompareView() {
  const t = useT()
  const runs = useLab((s) => s.compareRuns)
  const nowMs = useLab((s) => s.nowMs)
  const endMs = useLab((s) => s.endMs)
  // the classic textbook example's story in one glance: none breaks sessions, PPC some, fwmark none (at a cost in
  // balance), shared sessions none at no cost
  const [chosen, setChosen] = useState<string[]>(['none', 'ppc', 'fwmark', 'shared'])
  const [error, setError] = useState<string | null>(null)

  const start = async () => {
    setError(null)
    actions.openCompare()
    try {
      const picks = CHOICES.filter((c) => chosen.includes(c.id))
      const files = await Promise.all(picks.map((c) => fetchScenarioFile(c.file)))
      const base = await fetchScenarioFile('classroom-ppc.json')
      const configs: CompareConfig[] = picks.map((c, i) => ({
        id: c.id,
        label: tDyn(t, c.key),
        commands: (files[i] as { commands: string[] }).commands,
        sessionSharing: c.sessionSharing,
      }))
      actions.startCompare(base, configs)
    } catch (e) {
      actions.compareFailed()
      setError(String(e))
    }
  }

  // the comparison starts on its own the first time the view opens
  const started = useRef(false)
  // biome-ignore lint/correctness/useExhaustiveDependencies: start() reads the current choices; it runs once
  useEffect(() => {
    if (started.current) return
    started.current = true
    void start()
    // start() reads the current choices; it runs once
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—')
  /** The summary table and each configuration's figures over time: two CSV files, a table each. */
  const exportCsv = () =>
    saveCsvFiles([
      { name: 'compare-summary.csv', rows: compareSummary(runs) },
      {
        name: 'compare-over-time.csv',
        rows: compareOverTime(
          runs.map((r) => {
            const h = compareData.get(r.id)?.history
            return { label: r.label, seriesOf: h ? (c: string) => h.series(c) : null }
          }),
        ),
      },
    ])
  return (
    <div className="compare area-compare">
      <section className="panel" aria-labelledby="compare-h">
        <header>
          <h2 id="compare-h">{t('compare.title')}</h2>
          <p className="what">{t('compare.what')}</p>
        </header>
        <fieldset className="choices">
          <legend>{t('compare.choose')}</legend>
          {CHOICES.map((c) => (
            <label key={c.id} className="inline">
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                disabled={!chosen.includes(c.id) && chosen.length >= 4}
                onChange={(e) => setChosen((x) => (e.target.checked ? [...x, c.id] : x.filter((y) => y !== c.id)))}
              />
              {tDyn(t, c.key)}
            </label>
          ))}
          <button type="button" className="btn primary" onClick={() => void start()} disabled={chosen.length < 2}>
            {t('compare.run')}
          </button>
          {error && <span className="error-text">{error}</span>}
        </fieldset>
      </section>
      <div className="compare-grid">
        {runs.map((r) => (
          <RunColumn key={r.id} run={r} />
        ))}
      </div>
      {runs.length > 0 && (
        <section className="panel" aria-labelledby="charts-h">
          <header>
            <h2 id="charts-h">{t('compare.overTime')}</h2>
            <p className="what">{t('compare.overTimeWhat')}</p>
          </header>
          <div className="charts">
            <Chart title={t('compare.chartImbalance')} series="imbalance" runs={runs} />
            <Chart title={t('compare.chartBroken')} series="brokenSessions" runs={runs} />
            <Chart title={t('compare.chartTemplates')} series="templatesLive" runs={runs} />
            <Chart title={t('compare.chartMemory')} series="templateKiB" runs={runs} />
          </div>
          <ul className="legend">
            {runs.map((r) => (
              <li key={r.id} data-testid={`legend-${r.id}`}>
                <SeriesKey id={r.id} />
                {r.label}
              </li>
            ))}
          </ul>
        </section>
      )}
      {runs.length > 0 && (
        <section className="panel" aria-labelledby="summary-h">
          <header>
            <h2 id="summary-h">{t('compare.summary')}</h2>
            <p className="what">
              {nowMs >= endMs ? t('compare.summaryEnd') : t('compare.summarySoFar', { t: Math.round(nowMs / 1000) })}
            </p>
          </header>
          <table className="summary" data-testid="summary">
            <thead>
              <tr>
                <th scope="col">{t('compare.configuration')}</th>
                <th scope="col">{t('compare.connections')}</th>
                <th scope="col">{t('servers.broken')}</th>
                <th scope="col">{t('compare.usersBroken')}</th>
                <th scope="col">{t('servers.stickiness')}</th>
                <th scope="col">{t('servers.balanceRun')}</th>
                <th scope="col">{t('servers.refused')}</th>
                <th scope="col">{t('compare.peakTemplates')}</th>
                <th scope="col">{t('compare.memory')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{r.metrics.connections}</td>
                  <td className="num">{r.metrics.brokenSessions}</td>
                  <td className="num">{r.metrics.usersWithBrokenSession}</td>
                  <td className="num">{Math.round(r.metrics.stickiness * 100)}%</td>
                  <td className="num">{fmt(r.metrics.imbalance, 3)}</td>
                  <td className="num">{r.metrics.refused}</td>
                  <td className="num">{r.metrics.templatesPeak}</td>
                  <td className="num">{Math.round(r.metrics.templatePeakBytes / 1024)} KiB</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="what" data-testid="summary-note">
            {t('compare.columnsNote')}
          </p>
          <p className="what">{t('compare.reading')}</p>
          <button type="button" className="btn" onClick={exportCsv} data-testid="compare-csv">
            {t('export.csv')}
          </button>
        </section>
      )}
    </div>
  )
}
