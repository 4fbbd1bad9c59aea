import { useEffect, useMemo, useRef, useState } from 'react'
import { groupDigits } from '../engine/lib/digits'
import { type IPv6, ipv6Prefix } from '../engine/net/ipv6'
import {
  actions,
  addrPortText,
  addrText,
  compareAddrNums,
  followEvery,
  frameLoop,
  isV6Num,
  live,
  useLab,
} from '../store/index'
import { AttemptHow, type ServiceView } from '../worker/protocol'
import { abbreviateAll } from './addressText'
import { resolvedPalette, rsIndexNow, rsVar, useRsColorIndex } from './colors'
import {
  type DirectorLayout,
  layoutDirector,
  methodLines,
  serviceLines,
  serviceNames,
  type TextBox,
} from './directorLayout'
import { FlightClock } from './flightClock'
import { type Forward, flightAt, flightOf, type Path, REQUEST_SHARE } from './flightPath'
import { ip } from './format'
import { PairStrip } from './PairStrip'
import { useOnScreen } from './useOnScreen'
import { useT } from './useT'

/** The drawn width before the panel is measured. */
const W0 = 760
/**
 * How long a connection's flight takes (wall ms): its packet to the real server in the first
 * two thirds (REQUEST_SHARE: 1.4 s), the reply along its real path in the last.
 */
const FLIGHT_MS = 2100
/** The newest flights whose reply path is drawn as a faint line while the reply flies (or, reduced motion, stands). */
const TRAILS = 12

/** A drawn label of an address is at most this long (an IPv6 address is cut in the middle: addressText.ts). */
const MAX_ADDR_CHARS = 22

interface Group {
  key: string
  /** What is drawn (an IPv6 prefix or address perhaps abbreviated)… */
  label: string
  /** …and the whole of it (the tooltip). */
  full: string
  clients: number
  last: number
}

function maskOf(netmask: string): number {
  const p = netmask.split('.').map(Number)
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0 || 0xffffffff
}

/** What groupClients reads of the services: their persistence and netmasks. */
const persistenceKey = (services: ServiceView[]) => services.map((s) => `${s.persistSec}/${s.netmask}`).join()

/**
 * How the clients are grouped: IPv4 clients by the first IPv4 -M netmask set (else by address),
 * IPv6 clients by the first IPv6 -M prefix length below 128 (else by address).
 */
export interface Grouping {
  mask: number
  plen: number
}

/** The group an attempt's client (an address number) falls in, by the grouping's mask or prefix length. */
function groupKey(client: number, g: Grouping, cache: Map<number, string>): string {
  if (!isV6Num(client)) return String((client & g.mask) >>> 0)
  let k = cache.get(client)
  if (k === undefined) {
    const text = addrText(client)
    k = g.plen >= 128 || text === '?' ? text : ipv6Prefix(text as IPv6, g.plen)
    cache.set(client, k)
  }
  return k
}

function groupingOf(services: ServiceView[]): Grouping {
  const persistent = services.filter((s) => s.persistSec > 0)
  const masks = persistent.filter((s) => s.family === 'inet').map((s) => maskOf(s.netmask))
  const plens = persistent.filter((s) => s.family === 'inet6').map((s) => Number(s.netmask))
  return { mask: masks.find((m) => m !== 0xffffffff) ?? 0xffffffff, plen: plens.find((p) => p < 128) ?? 128 }
}

/** Client groups from the recent attempts: by persistence netmask (IPv6: prefix length) when -M is set, else by address. */
function groupClients(
  services: ServiceView[],
  limit: number,
): { groups: Group[]; others: number; grouping: Grouping; keys: Map<number, string> } {
  const grouping = groupingOf(services)
  const keys = new Map<number, string>()
  const byKey = new Map<string, { v6: boolean; sample: number; clients: Set<number>; last: number }>()
  const recent = live.attempts
  for (let i = Math.max(0, recent.length - 1500); i < recent.length; i++) {
    const a = recent[i]
    const k = groupKey(a.client, grouping, keys)
    let g = byKey.get(k)
    if (!g) {
      g = { v6: isV6Num(a.client), sample: a.client, clients: new Set(), last: 0 }
      byKey.set(k, g)
    }
    g.clients.add(a.client)
    g.last = Math.max(g.last, a.at)
  }
  const all = [...byKey.entries()].sort((a, b) => b[1].last - a[1].last)
  const bits = 32 - Math.clz32(~grouping.mask >>> 0)
  const shown = all.slice(0, limit)
  // IPv6 groups: their texts, cut in the middle among the groups drawn when long
  const short = abbreviateAll(
    shown.filter(([, g]) => g.v6).map(([k]) => k),
    MAX_ADDR_CHARS,
  )
  const groups = shown.map(([k, g]) => {
    if (g.v6) {
      const suffix = grouping.plen < 128 ? `/${grouping.plen}` : ''
      return {
        key: k,
        label: `${short.get(k) ?? k}${suffix}`,
        full: `${k}${suffix}`,
        clients: g.clients.size,
        last: g.last,
      }
    }
    const n = Number(k)
    const label = grouping.mask === 0xffffffff ? ip(n) : `${ip(n)}/${32 - bits}`
    return { key: k, label, full: label, clients: g.clients.size, last: g.last }
  })
  return { groups, others: Math.max(0, all.length - limit), grouping, keys }
}

/** Which drawn service an attempt belongs to: the fwmark service holding its server, the exact VIP:port, or VIP:0. */
function serviceIndexFor(services: ServiceView[], vip: number, vport: number, rsAddr: number): number {
  const exact = addrPortText(vip, vport)
  const fw = services.findIndex((s) => s.label.startsWith('FWM') && s.destinations.some((d) => d.addr === rsAddr))
  if (fw >= 0) return fw
  const i = services.findIndex((s) => s.label.endsWith(` ${exact}`))
  if (i >= 0) return i
  return services.findIndex((s) => s.label.endsWith(` ${addrPortText(vip, 0)}`))
}

/**
 * Each drawn service's real servers' forwarding methods (`ipvsadm -Ln`'s Forward): by
 * `service index/address`, and by address alone for a server beyond the shown ones.
 */
function forwardsOf(services: ServiceView[]): Map<string, Forward> {
  const m = new Map<string, Forward>()
  services.forEach((s, si) => {
    for (const d of s.destinations) {
      m.set(`${si}/${d.addr}`, d.forward)
      if (!m.has(`/${d.addr}`)) m.set(`/${d.addr}`, d.forward)
    }
  })
  return m
}

/** A reply's path as a faint line (a DR/TUN one bends round the director). */
function strokePath(ctx: CanvasRenderingContext2D, path: Path): void {
  const [a, ...rest] = path.stops
  ctx.beginPath()
  ctx.moveTo(a.x, a.y)
  if (path.bend && rest.length === 1) ctx.quadraticCurveTo(path.bend.x, path.bend.y, rest[0].x, rest[0].y)
  else for (const p of rest) ctx.lineTo(p.x, p.y)
  ctx.stroke()
}

/** A text of the layout, drawn; `halo` paints the panel's colour round it so paths crossing it do not hide it. */
function Label({ t, className, halo, testId }: { t: TextBox; className: string; halo?: boolean; testId?: string }) {
  return (
    <text
      x={t.tx}
      y={t.ty}
      textAnchor={t.anchor}
      className={className}
      data-testid={testId}
      style={{
        fontSize: t.size,
        fontFamily: t.mono ? 'var(--mono)' : undefined,
        ...(halo ? { paintOrder: 'stroke', stroke: 'var(--panel)', strokeWidth: 4, strokeLinejoin: 'round' } : {}),
      }}
    >
      {t.text}
    </text>
  )
}

export function DirectorPanel() {
  const t = useT()
  const services = useLab((s) => s.services)
  // only what the picture depends on: addresses and weights (counters change every frame)
  const rsShape = useLab((s) => s.rs.map((r) => `${r.addr}/${r.weight}`).join(','))
  const theme = useLab((s) => s.theme)
  const presenter = useLab((s) => s.presenter)
  // real servers beyond the drawn ones (65,535 would not draw): one node stands for them all
  const moreRs = useLab((s) => s.rsMore.reduce((n, m) => n + m.count, 0))
  const [expanded, setExpanded] = useState(false)
  const [noConnection, setNoConnection] = useState(false)
  const [groups, setGroups] = useState<ReturnType<typeof groupClients>>({
    groups: [],
    others: 0,
    grouping: { mask: 0xffffffff, plen: 128 },
    keys: new Map(),
  })
  // the drawn width in CSS pixels: the picture is laid out at it, so a label's size is its size on screen
  const [drawnWidth, setDrawnWidth] = useState(W0)
  const stageRef = useRef<HTMLDivElement>(null)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const svgRef = useRef<SVGSVGElement>(null)
  const onScreen = useOnScreen(svgRef)
  const groupsRef = useRef(groups)
  // the flights' clock: stands still while paused (connections freeze in the air), kept across redraws
  const [flights] = useState(() => new FlightClock(FLIGHT_MS))
  useEffect(() => {
    groupsRef.current = groups
  }, [groups])

  useEffect(() => {
    const stage = stageRef.current
    if (!stage) return
    const ro = new ResizeObserver((entries) => {
      // floored: the picture is never drawn wider than the panel, so a label is never smaller than its size
      const w = Math.floor(entries[0].contentRect.width)
      if (w > 0) setDrawnWidth(w)
    })
    ro.observe(stage)
    return () => ro.disconnect()
  }, [])

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
  const rsAddrs = useMemo(() => [...new Set(rs.map((r) => r.addr))].sort(compareAddrNums), [rs])
  // a real server's name as drawn (a long IPv6 address cut in the middle, never ambiguously) and in full
  const rsNames = useMemo(() => {
    const full = rsAddrs.map((a) => ip(a))
    const short = abbreviateAll(full, MAX_ADDR_CHARS)
    return rsAddrs.map((_, i) => ({ full: full[i], drawn: short.get(full[i]) ?? full[i] }))
  }, [rsAddrs])
  const svcNames = useMemo(() => serviceNames(services, MAX_ADDR_CHARS), [services])
  const colorOf = useRsColorIndex()
  const limit = expanded ? 24 : 6
  const nRs = rsAddrs.length + (moreRs > 0 ? 1 : 0)

  // client groups follow the traffic (and the services' -M) at most twice a second (not every
  // frame: they are labels); nothing arrives while paused, and nothing is recomputed
  useEffect(() => {
    const follow = followEvery(
      500,
      () => `${live.version}/${persistenceKey(useLab.getState().services)}`,
      () => setGroups(groupClients(useLab.getState().services, limit)),
    )
    return () => follow.stop()
  }, [limit])

  const quiescentWord = t('servers.quiescent')
  const layout = useMemo(
    () =>
      layoutDirector({
        width: drawnWidth,
        presenter,
        headers: {
          clients:
            groups.grouping.mask === 0xffffffff && groups.grouping.plen >= 128
              ? t('director.clients')
              : t('director.clientsByMask'),
          services: t('director.services'),
          servers: t('director.servers'),
        },
        groups: groups.groups.map((g) => ({
          label: g.label,
          sub: g.clients > 1 ? t('director.groupClients', { count: g.clients, n: g.clients }) : undefined,
        })),
        others: groups.others > 0 ? t('director.others', { n: groups.others }) : undefined,
        services: services.map((s, i) => ({ name: svcNames[i], lines: serviceLines(s) })),
        servers: [
          ...rsAddrs.map((addr, i) => {
            const quiescent = rs.filter((r) => r.addr === addr).every((r) => r.weight === 0)
            return {
              name: rsNames[i].drawn,
              lines: [...methodLines(services, addr), ...(quiescent ? [quiescentWord] : [])],
            }
          }),
          ...(moreRs > 0 ? [{ name: t('servers.more', { count: moreRs, n: groupDigits(moreRs) }), lines: [] }] : []),
        ],
      }),
    [drawnWidth, presenter, groups, services, svcNames, rsAddrs, rsNames, rs, moreRs, quiescentWord, t],
  )
  const layoutRef = useRef<DirectorLayout>(layout)
  useEffect(() => {
    layoutRef.current = layout
  }, [layout])
  const L = layout

  // connections in flight: drawn on a canvas over the SVG, from the live ring, every animation frame
  // biome-ignore lint/correctness/useExhaustiveDependencies: the theme changes the palette the loop resolves
  useEffect(() => {
    const canvas = canvasRef.current
    const svg = svgRef.current
    if (!canvas || !svg) return
    // read in the first drawn frame, not here: a read now would force the new layout inside React's commit
    let palette: ReturnType<typeof resolvedPalette> | null = null
    // the picture's size, kept by a ResizeObserver (reading it every frame would force a layout)
    let rect: DOMRect | null = null
    const ro = new ResizeObserver(() => {
      rect = svg.getBoundingClientRect()
      loop.wake()
    })
    ro.observe(svg)
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches
    // whether the last frame drew anything: a blank canvas is not cleared again
    let blank = false
    // what the canvas shows: drawn again only when it changes (paused, the flights stand still)
    let drawnKey = ''
    let drawnLayout: DirectorLayout | null = null
    // the services' methods (forwardsOf), found again when the services change
    let forwardsFor: ServiceView[] | null = null
    let forwards = new Map<string, Forward>()
    // Returns whether it wants another frame: while connections fly (playing, or a step's).
    const draw = (): boolean => {
      if (!onScreen.current) return false
      const st = useLab.getState()
      flights.advance(performance.now(), st.playing)
      const list = live.attempts
      const newest = list[list.length - 1]
      // a connection that came while paused (a step) starts the flights' clock for its flight
      const newestAge =
        newest === undefined ? Number.POSITIVE_INFINITY : flights.now - flights.start(newest, st.playing)
      const running = flights.running(st.playing)
      rect ??= svg.getBoundingClientRect()
      const key = `${flights.now}/${live.epoch}/${list.length}/${newest?.seq}/${rect.width}x${rect.height}`
      if (key === drawnKey && layoutRef.current === drawnLayout) return running && !blank
      drawnKey = key
      drawnLayout = layoutRef.current
      if (blank && newestAge > FLIGHT_MS) return false
      palette ??= resolvedPalette()
      const dpr = window.devicePixelRatio || 1
      if (canvas.width !== Math.round(rect.width * dpr) || canvas.height !== Math.round(rect.height * dpr)) {
        canvas.width = Math.round(rect.width * dpr)
        canvas.height = Math.round(rect.height * dpr)
        canvas.style.width = `${rect.width}px`
        canvas.style.height = `${rect.height}px`
      }
      const ctx = canvas.getContext('2d')
      if (!ctx) return false
      const lay = layoutRef.current
      const k = (rect.width / lay.width) * dpr
      ctx.setTransform(k, 0, 0, k, 0, 0)
      ctx.clearRect(0, 0, lay.width, lay.height)
      const svcs = st.services
      const g = groupsRef.current
      // where an attempt from an undrawn group starts: the "others" row, else the last group
      const yOthers = lay.others
        ? lay.others.y + lay.others.h / 2
        : (lay.groups[lay.groups.length - 1]?.y ?? lay.height / 2)
      const xRs = lay.rsLeft + lay.swatch / 3
      // the methods, looked up once a frame per service and server (not per packet)
      if (forwardsFor !== svcs) {
        forwardsFor = svcs
        forwards = forwardsOf(svcs)
      }
      let drawn = 0
      for (let i = list.length - 1; i >= 0 && drawn < 300; i--) {
        const a = list[i]
        const age = flights.now - flights.start(a, st.playing)
        if (age > FLIGHT_MS) break
        // spread a frame's arrivals over the frame so a burst reads as a stream
        const p = reduced ? 1 : Math.min(1, Math.max(0, age / FLIGHT_MS))
        // the request's own progress (client → real server), as before the reply was drawn
        const pr = reduced ? 1 : Math.min(1, p / REQUEST_SHARE)
        const gi = g.groups.findIndex((x) => x.key === groupKey(a.client, g.grouping, g.keys))
        const y0 = gi >= 0 && gi < lay.groups.length ? lay.groups[gi].y : yOthers
        const si = serviceIndexFor(svcs, a.vip, a.vport, a.rsAddr)
        const y1 = lay.services[Math.max(si, 0)]?.cy ?? lay.height / 2
        let ri = rsAddrs.indexOf(a.rsAddr)
        if (ri < 0 && a.rsAddr >= 0 && nRs > rsAddrs.length) ri = rsAddrs.length
        const yr = lay.servers[ri]?.cy
        const color = a.rsAddr >= 0 ? palette.rs[rsIndexNow(a.rsAddr)] : palette.err
        let x: number
        let y: number
        let reply = false
        const failed = a.how === AttemptHow.REFUSED || a.how === AttemptHow.DROPPED || a.how === AttemptHow.LOCAL
        if (failed || yr === undefined) {
          const q = Math.min(1, pr * 2)
          x = lay.xClient + (lay.svcLeft - lay.xClient) * q
          y = y0 + (y1 - y0) * q
        } else {
          // the real path: a NAT reply back through the director, a DR/TUN one straight to the client
          const flight = flightOf(forwards.get(`${si}/${a.rsAddr}`) ?? forwards.get(`/${a.rsAddr}`) ?? null, {
            client: { x: lay.xClient, y: y0 },
            svcIn: { x: lay.svcLeft, y: y1 },
            svcOut: { x: lay.svcRight, y: y1 },
            rs: { x: xRs, y: yr },
            bottom: lay.height - 4,
          })
          const at = reduced ? { at: flight.request.stops[3], reply: false } : flightAt(flight, p)
          x = at.at.x
          y = at.at.y
          reply = at.reply
          if (flight.reply && drawn < TRAILS && (reply || reduced)) {
            ctx.globalAlpha = 0.4
            ctx.strokeStyle = color
            ctx.lineWidth = 1.5
            ctx.setLineDash([4, 3])
            strokePath(ctx, flight.reply)
            ctx.setLineDash([])
          }
        }
        ctx.globalAlpha = failed ? 1 - pr * 0.5 : 1
        if (failed) {
          if (pr * 2 >= 1) {
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
        } else if (reply) {
          // the reply: a smaller dot with a ring of the panel's colour
          ctx.fillStyle = color
          ctx.strokeStyle = palette.panel
          ctx.lineWidth = 1.5
          ctx.beginPath()
          ctx.arc(x, y, 3.5, 0, Math.PI * 2)
          ctx.fill()
          ctx.stroke()
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
          if (a.how === AttemptHow.TEMPLATE_NEW && pr >= 0.45 && pr < 0.75) {
            // the scheduler chose and a template is born: a ring bursts at the service
            const r = 8 + (pr - 0.45) * 60
            ctx.globalAlpha = 1 - (pr - 0.45) / 0.3
            ctx.strokeStyle = color
            ctx.lineWidth = 2
            ctx.beginPath()
            ctx.arc(lay.xService, y1, r, 0, Math.PI * 2)
            ctx.stroke()
          }
        }
        drawn++
      }
      ctx.globalAlpha = 1
      blank = drawn === 0
      return running && !blank
    }
    const loop = frameLoop(draw)
    return () => {
      loop.stop()
      ro.disconnect()
    }
    // the layout is read through a ref each frame
  }, [rsAddrs, nRs, theme, onScreen, flights])

  return (
    <section className="panel director area-director" aria-labelledby="director-h">
      <header>
        <div className="why-head">
          <h2 id="director-h">{t('director.title')}</h2>
          {/* the selection's (newest) connection, else the newest of all, hop by hop: Presenter hides Why?, not this */}
          <button
            type="button"
            className="btn"
            aria-keyshortcuts="P"
            title={t('packets.openHint')}
            aria-describedby={noConnection ? 'director-packets-none' : undefined}
            onClick={() => setNoConnection(!actions.openPackets(useLab.getState().selection))}
            data-testid="director-packets"
          >
            {t('packets.open')}
          </button>
        </div>
        <p className="what">{t('director.what')}</p>
        {noConnection && (
          <p className="director-note" id="director-packets-none" role="status">
            {t('packets.noConnection')}
          </p>
        )}
      </header>
      <PairStrip />
      <div className="stage" ref={stageRef}>
        <svg
          ref={svgRef}
          viewBox={`0 0 ${L.width} ${L.height}`}
          // a group, not an image: the real servers in it are buttons (an image's parts are not reachable)
          role="group"
          data-testid="director-svg"
          aria-label={t('director.aria', { services: services.length, servers: rsAddrs.length })}
        >
          {L.headers.map((h) => (
            <Label key={h.anchor} t={h} className="node-sub" />
          ))}
          {/* paths: service → its real servers */}
          {services.map((s, si) =>
            s.destinations.map((d) => {
              const ri = rsAddrs.indexOf(d.addr)
              const to = L.servers[ri]
              if (!to || !L.services[si]) return null
              return (
                <line
                  key={`${s.key}-${d.label}`}
                  x1={L.svcRight}
                  y1={L.services[si].cy}
                  x2={L.rsLeft}
                  y2={to.cy}
                  stroke={rsVar(colorOf(d.addr))}
                  strokeOpacity={d.weight === 0 ? 0.35 : 0.6}
                  strokeWidth={1.5 + Math.min(4, d.weight)}
                  strokeDasharray={d.weight === 0 ? '4 4' : undefined}
                />
              )
            }),
          )}
          {groups.groups.map((g, i) => {
            const at = L.groups[i]
            if (!at) return null
            return (
              <g key={g.key}>
                {g.full !== g.label && <title>{g.full}</title>}
                <line
                  x1={L.xClient + 6}
                  y1={at.y}
                  x2={L.svcLeft}
                  y2={L.services.length ? L.services[0].cy : at.y}
                  stroke="var(--line)"
                />
                <circle cx={L.xClient} cy={at.y} r={5} fill="var(--muted)" />
                <Label t={at.label} className="node-label" />
                {at.sub && <Label t={at.sub} className="node-sub" />}
              </g>
            )
          })}
          {L.others && <Label t={L.others} className="node-sub" />}
          {services.map((s, i) => {
            const at = L.services[i]
            if (!at) return null
            return (
              <g key={s.key} data-testid="director-service">
                <title>{s.label}</title>
                <rect
                  x={at.box.x}
                  y={at.box.y}
                  width={at.box.w}
                  height={at.box.h}
                  rx={6}
                  fill="var(--panel)"
                  stroke="var(--accent)"
                  strokeWidth={2}
                  data-testid="director-service-box"
                />
                <Label t={at.name} className="node-label" />
                {at.lines.map((line) => (
                  <Label key={line.text} t={line} className="node-sub" halo testId="director-service-line" />
                ))}
              </g>
            )
          })}
          {rsAddrs.map((addr, i) => {
            const at = L.servers[i]
            if (!at) return null
            const quiescent = rs.filter((r) => r.addr === addr).every((r) => r.weight === 0)
            return (
              <g
                key={addr}
                role="button"
                tabIndex={0}
                aria-label={t('director.explainRs', { rs: rsNames[i].full })}
                onClick={() => actions.select({ kind: 'rs', addr, port: 0 })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault()
                    actions.select({ kind: 'rs', addr, port: 0 })
                  }
                }}
                style={{ cursor: 'pointer' }}
                data-testid="director-rs"
              >
                {rsNames[i].drawn !== rsNames[i].full && <title>{rsNames[i].full}</title>}
                <rect
                  x={at.box.x}
                  y={at.box.y}
                  width={at.box.w}
                  height={at.box.h}
                  rx={4}
                  fill={rsVar(colorOf(addr))}
                  opacity={quiescent ? 0.45 : 1}
                  data-testid="director-rs-box"
                />
                <Label t={at.name} className="node-label" />
                {at.lines.map((line) => (
                  <Label key={line.text} t={line} className="node-sub" halo testId="director-rs-line" />
                ))}
              </g>
            )
          })}
          {moreRs > 0 && L.servers[rsAddrs.length] && (
            <g data-testid="director-more-rs">
              <rect
                x={L.servers[rsAddrs.length].box.x}
                y={L.servers[rsAddrs.length].box.y}
                width={L.swatch}
                height={L.swatch}
                rx={4}
                fill="none"
                stroke="var(--muted)"
                strokeDasharray="3 3"
              />
              <Label t={L.servers[rsAddrs.length].name} className="node-label" />
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
        <li>
          <svg width="30" height="14" aria-hidden="true">
            <path d="M2 10 Q15 14 26 4" fill="none" stroke="var(--rs-0)" strokeWidth="1.5" strokeDasharray="4 3" />
            <circle cx="15" cy="10.5" r="3.5" fill="var(--rs-0)" stroke="var(--panel)" strokeWidth="1.5" />
          </svg>
          {t('director.legendReply')}
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
