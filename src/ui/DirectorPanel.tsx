import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { groupDigits } from '../engine/lib/digits'
import { actions, live, useLab } from '../store/index'
import { AttemptHow, type ServiceView } from '../worker/protocol'
import { resolvedPalette, rsIndexNow, rsVar, useRsColorIndex } from './colors'
import { ip } from './format'
import { useOnScreen } from './useOnScreen'
import { useT } from './useT'

const W = 760
const ROW = 28
const TOP = 26
const X_CLIENT = 150
const X_SERVICE = 390
const X_RS = 600
const yGroup = (i: number) => TOP + i * ROW + ROW / 2
/** How long a connection takes to cross the picture (wall ms). */
const FLIGHT_MS = 1400

interface Group {
  key: string
  label: string
  clients: number
  last: number
}

function maskOf(netmask: string): number {
  const p = netmask.split('.').map(Number)
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0 || 0xffffffff
}

/** Client groups from the recent attempts: by persistence netmask when -M is set, else by address. */
function groupClients(services: ServiceView[], limit: number): { groups: Group[]; others: number; mask: number } {
  const masks = services.filter((s) => s.persistSec > 0).map((s) => maskOf(s.netmask))
  const mask = masks.find((m) => m !== 0xffffffff) ?? 0xffffffff
  const byKey = new Map<number, { clients: Set<number>; last: number }>()
  const recent = live.attempts
  for (let i = Math.max(0, recent.length - 1500); i < recent.length; i++) {
    const a = recent[i]
    const k = (a.client & mask) >>> 0
    let g = byKey.get(k)
    if (!g) {
      g = { clients: new Set(), last: 0 }
      byKey.set(k, g)
    }
    g.clients.add(a.client)
    g.last = Math.max(g.last, a.at)
  }
  const all = [...byKey.entries()].sort((a, b) => b[1].last - a[1].last)
  const bits = 32 - Math.clz32(~mask >>> 0)
  const groups = all.slice(0, limit).map(([k, g]) => ({
    key: String(k),
    label: mask === 0xffffffff ? ip(k) : `${ip(k)}/${32 - bits}`,
    clients: g.clients.size,
    last: g.last,
  }))
  return { groups, others: Math.max(0, all.length - limit), mask }
}

/** Which drawn service an attempt belongs to: the fwmark service holding its server, the exact VIP:port, or VIP:0. */
function serviceIndexFor(services: ServiceView[], vip: number, vport: number, rsAddr: number): number {
  const exact = `${ip(vip)}:${vport}`
  const fw = services.findIndex((s) => s.label.startsWith('FWM') && s.destinations.some((d) => d.addr === rsAddr))
  if (fw >= 0) return fw
  const i = services.findIndex((s) => s.label.endsWith(` ${exact}`))
  if (i >= 0) return i
  return services.findIndex((s) => s.label.endsWith(` ${ip(vip)}:0`))
}

export function DirectorPanel() {
  const t = useT()
  const services = useLab((s) => s.services)
  // only what the picture depends on: addresses and weights (counters change every frame)
  const rsShape = useLab((s) => s.rs.map((r) => `${r.addr}/${r.weight}`).join(','))
  const theme = useLab((s) => s.theme)
  // real servers beyond the drawn ones (65,535 would not draw): one node stands for them all
  const moreRs = useLab((s) => s.rsMore.reduce((n, m) => n + m.count, 0))
  const [expanded, setExpanded] = useState(false)
  const [groups, setGroups] = useState<{ groups: Group[]; others: number; mask: number }>({
    groups: [],
    others: 0,
    mask: 0xffffffff,
  })
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const svgRef = useRef<SVGSVGElement>(null)
  const onScreen = useOnScreen(svgRef)
  const groupsRef = useRef(groups)
  useEffect(() => {
    groupsRef.current = groups
  }, [groups])

  const rs = useMemo(
    () =>
      rsShape
        ? rsShape.split(',').map((x) => {
            const [addr, weight] = x.split('/').map(Number)
            return { addr, weight }
          })
        : [],
    [rsShape],
  )
  const rsAddrs = useMemo(() => [...new Set(rs.map((r) => r.addr))].sort((a, b) => a - b), [rs])
  const colorOf = useRsColorIndex()
  const limit = expanded ? 24 : 6
  const nRs = rsAddrs.length + (moreRs > 0 ? 1 : 0)
  const rows = Math.max(groups.groups.length + (groups.others ? 1 : 0), services.length, nRs, 3)
  const H = TOP + rows * ROW + 10

  // client groups follow the traffic twice a second (not every frame: they are labels)
  useEffect(() => {
    const tick = () => setGroups(groupClients(useLab.getState().services, limit))
    tick()
    const id = setInterval(tick, 500)
    return () => clearInterval(id)
  }, [limit])

  const nSvc = services.length
  const ySvc = useCallback((i: number) => TOP + (rows - nSvc) * (ROW / 2) + i * ROW + ROW / 2, [rows, nSvc])
  const yRs = useCallback((i: number) => TOP + (rows - nRs) * (ROW / 2) + i * ROW + ROW / 2, [rows, nRs])

  // connections in flight: drawn on a canvas over the SVG, from the live ring, every animation frame
  // biome-ignore lint/correctness/useExhaustiveDependencies: the theme changes the palette the loop resolves
  useEffect(() => {
    const canvas = canvasRef.current
    const svg = svgRef.current
    if (!canvas || !svg) return
    let raf = 0
    // read in the first drawn frame, not here: a read now would force the new layout inside React's commit
    let palette: ReturnType<typeof resolvedPalette> | null = null
    // the picture's size, kept by a ResizeObserver (reading it every frame would force a layout)
    let rect: DOMRect | null = null
    const ro = new ResizeObserver(() => {
      rect = svg.getBoundingClientRect()
    })
    ro.observe(svg)
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches
    const draw = () => {
      raf = requestAnimationFrame(draw)
      if (!onScreen.current) return
      palette ??= resolvedPalette()
      rect ??= svg.getBoundingClientRect()
      const dpr = window.devicePixelRatio || 1
      if (canvas.width !== Math.round(rect.width * dpr) || canvas.height !== Math.round(rect.height * dpr)) {
        canvas.width = Math.round(rect.width * dpr)
        canvas.height = Math.round(rect.height * dpr)
        canvas.style.width = `${rect.width}px`
        canvas.style.height = `${rect.height}px`
      }
      const ctx = canvas.getContext('2d')
      if (!ctx) return
      const k = (rect.width / W) * dpr
      ctx.setTransform(k, 0, 0, k, 0, 0)
      ctx.clearRect(0, 0, W, H)
      const nowWall = performance.now()
      const st = useLab.getState()
      const svcs = st.services
      const g = groupsRef.current
      const list = live.attempts
      let drawn = 0
      for (let i = list.length - 1; i >= 0 && drawn < 300; i--) {
        const a = list[i]
        const age = nowWall - a.seenAt
        if (age > FLIGHT_MS) break
        // spread a frame's arrivals over the frame so a burst reads as a stream
        const p = reduced ? 1 : Math.min(1, Math.max(0, age / FLIGHT_MS))
        const gi = g.groups.findIndex((x) => x.key === String((a.client & g.mask) >>> 0))
        const y0 = yGroup(gi >= 0 ? gi : g.groups.length)
        const si = serviceIndexFor(svcs, a.vip, a.vport, a.rsAddr)
        const y1 = si >= 0 ? ySvc(si) : TOP + ROW / 2
        let ri = rsAddrs.indexOf(a.rsAddr)
        if (ri < 0 && a.rsAddr >= 0 && nRs > rsAddrs.length) ri = rsAddrs.length
        const color = a.rsAddr >= 0 ? palette.rs[rsIndexNow(a.rsAddr)] : palette.err
        let x: number
        let y: number
        const failed = a.how === AttemptHow.REFUSED || a.how === AttemptHow.DROPPED || a.how === AttemptHow.LOCAL
        if (p < 0.5 || failed || ri < 0) {
          const q = Math.min(1, p * 2)
          x = X_CLIENT + (X_SERVICE - 40 - X_CLIENT) * q
          y = y0 + (y1 - y0) * q
        } else {
          const q = (p - 0.5) * 2
          x = X_SERVICE + 40 + (X_RS - X_SERVICE - 40) * q
          y = y1 + (yRs(ri) - y1) * q
        }
        ctx.globalAlpha = failed ? 1 - p * 0.5 : 1
        if (failed) {
          if (p * 2 >= 1) {
            ctx.strokeStyle = a.how === AttemptHow.REFUSED ? palette.err : palette.muted
            ctx.lineWidth = 2.5
            ctx.beginPath()
            ctx.moveTo(x - 6, y - 6)
            ctx.lineTo(x + 6, y + 6)
            ctx.moveTo(x + 6, y - 6)
            ctx.lineTo(x - 6, y + 6)
            ctx.stroke()
          } else {
            ctx.fillStyle = palette.muted
            ctx.beginPath()
            ctx.arc(x, y, 4, 0, Math.PI * 2)
            ctx.fill()
          }
        } else if (a.how === AttemptHow.TEMPLATE_HIT) {
          // a template decided: hollow ring, no scheduler
          ctx.strokeStyle = color
          ctx.lineWidth = 2.5
          ctx.beginPath()
          ctx.arc(x, y, 5.5, 0, Math.PI * 2)
          ctx.stroke()
        } else {
          ctx.fillStyle = color
          ctx.beginPath()
          ctx.arc(x, y, 5.5, 0, Math.PI * 2)
          ctx.fill()
          if (a.how === AttemptHow.TEMPLATE_NEW && p >= 0.45 && p < 0.75) {
            // the scheduler chose and a template is born: a ring bursts at the service
            const r = 8 + (p - 0.45) * 60
            ctx.globalAlpha = 1 - (p - 0.45) / 0.3
            ctx.strokeStyle = color
            ctx.lineWidth = 2
            ctx.beginPath()
            ctx.arc(X_SERVICE, y1, r, 0, Math.PI * 2)
            ctx.stroke()
          }
        }
        drawn++
      }
      ctx.globalAlpha = 1
    }
    raf = requestAnimationFrame(draw)
    return () => {
      cancelAnimationFrame(raf)
      ro.disconnect()
    }
    // the layout values are read through refs and state each frame
  }, [H, rsAddrs, nRs, theme, ySvc, yRs, onScreen])

  return (
    <section className="panel director area-director" aria-labelledby="director-h">
      <header>
        <h2 id="director-h">{t('director.title')}</h2>
        <p className="what">{t('director.what')}</p>
      </header>
      <div className="stage">
        <svg
          ref={svgRef}
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={t('director.aria', { services: services.length, servers: rsAddrs.length })}
        >
          <text x={X_CLIENT} y={16} textAnchor="end" className="node-sub">
            {groups.mask === 0xffffffff ? t('director.clients') : t('director.clientsByMask')}
          </text>
          <text x={X_SERVICE} y={16} textAnchor="middle" className="node-sub">
            {t('director.services')}
          </text>
          <text x={X_RS} y={16} className="node-sub">
            {t('director.servers')}
          </text>
          {/* paths: service → its real servers */}
          {services.map((s, si) =>
            s.destinations.map((d) => {
              const ri = rsAddrs.indexOf(d.addr)
              return (
                <line
                  key={`${s.key}-${d.label}`}
                  x1={X_SERVICE + 40}
                  y1={ySvc(si)}
                  x2={X_RS - 8}
                  y2={yRs(ri)}
                  stroke={rsVar(colorOf(d.addr))}
                  strokeOpacity={d.weight === 0 ? 0.35 : 0.6}
                  strokeWidth={1.5 + Math.min(4, d.weight)}
                  strokeDasharray={d.weight === 0 ? '4 4' : undefined}
                />
              )
            }),
          )}
          {groups.groups.map((g, i) => (
            <g key={g.key}>
              <line
                x1={X_CLIENT + 6}
                y1={yGroup(i)}
                x2={X_SERVICE - 40}
                y2={services.length ? ySvc(0) : yGroup(i)}
                stroke="var(--line)"
              />
              <circle cx={X_CLIENT} cy={yGroup(i)} r={5} fill="var(--muted)" />
              <text x={X_CLIENT - 10} y={yGroup(i) + 4} textAnchor="end" className="node-label">
                {g.label}
              </text>
              {g.clients > 1 && (
                <text x={X_CLIENT - 10} y={yGroup(i) + 14} textAnchor="end" className="node-sub">
                  {t('director.groupClients', { count: g.clients, n: g.clients })}
                </text>
              )}
            </g>
          ))}
          {groups.others > 0 && (
            <g>
              <text x={X_CLIENT - 10} y={yGroup(groups.groups.length) + 4} textAnchor="end" className="node-sub">
                {t('director.others', { n: groups.others })}
              </text>
            </g>
          )}
          {services.map((s, i) => (
            <g key={s.key}>
              <rect
                x={X_SERVICE - 40}
                y={ySvc(i) - 13}
                width={80}
                height={26}
                rx={6}
                fill="var(--panel)"
                stroke="var(--accent)"
                strokeWidth={2}
              />
              <text
                x={X_SERVICE}
                y={ySvc(i) + 4}
                textAnchor="middle"
                className="node-label"
                style={{ fontFamily: 'var(--mono)', fontSize: 11.5 }}
              >
                {s.label.startsWith('FWM') ? s.label : `:${s.label.split(':').pop()}`}
              </text>
              <text x={X_SERVICE} y={ySvc(i) + 24} textAnchor="middle" className="node-sub">
                {s.scheduler}
                {s.persistSec ? ` · -p ${s.persistSec}` : ''}
                {s.netmask !== '255.255.255.255' ? ` · -M ${s.netmask}` : ''}
              </text>
            </g>
          ))}
          {rsAddrs.map((addr, i) => {
            const quiescent = rs.filter((r) => r.addr === addr).every((r) => r.weight === 0)
            return (
              <g
                key={addr}
                role="button"
                tabIndex={0}
                aria-label={t('director.explainRs', { rs: ip(addr) })}
                onClick={() => actions.select({ kind: 'rs', addr, port: 0 })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault()
                    actions.select({ kind: 'rs', addr, port: 0 })
                  }
                }}
                style={{ cursor: 'pointer' }}
              >
                <rect
                  x={X_RS - 8}
                  y={yRs(i) - 12}
                  width={24}
                  height={24}
                  rx={4}
                  fill={rsVar(colorOf(addr))}
                  opacity={quiescent ? 0.45 : 1}
                />
                <text x={X_RS + 24} y={yRs(i) + 5} className="node-label" style={{ fontFamily: 'var(--mono)' }}>
                  {ip(addr)}
                </text>
                {quiescent && (
                  <text x={X_RS + 24} y={yRs(i) + 18} className="node-sub">
                    {t('servers.quiescent')}
                  </text>
                )}
              </g>
            )
          })}
          {moreRs > 0 && (
            <g data-testid="director-more-rs">
              <rect
                x={X_RS - 8}
                y={yRs(rsAddrs.length) - 12}
                width={24}
                height={24}
                rx={4}
                fill="none"
                stroke="var(--muted)"
                strokeDasharray="3 3"
              />
              <text x={X_RS + 24} y={yRs(rsAddrs.length) + 5} className="node-label">
                {t('servers.more', { count: moreRs, n: groupDigits(moreRs) })}
              </text>
            </g>
          )}
        </svg>
        <canvas ref={canvasRef} />
      </div>
      <ul className="legend" aria-label={t('director.legend')}>
        <li>
          <svg width="14" height="14" aria-hidden="true">
            <circle cx="7" cy="7" r="5" fill="var(--rs-0)" />
          </svg>
          {t('director.legendScheduled')}
        </li>
        <li>
          <svg width="14" height="14" aria-hidden="true">
            <circle cx="7" cy="7" r="5" fill="none" stroke="var(--rs-0)" strokeWidth="2.5" />
          </svg>
          {t('director.legendHit')}
        </li>
        <li>
          <svg width="14" height="14" aria-hidden="true">
            <path d="M2 2 L12 12 M12 2 L2 12" stroke="var(--err)" strokeWidth="2.5" />
          </svg>
          {t('director.legendRefused')}
        </li>
        {(groups.others > 0 || expanded) && (
          <li>
            <button type="button" className="btn" onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
              {expanded ? t('director.collapse') : t('director.expand')}
            </button>
          </li>
        )}
      </ul>
      <p className="visually-hidden">{t('director.summary', { list: rsAddrs.map((a) => ip(a)).join(', ') })}</p>
    </section>
  )
}
