import { scaleLinear } from 'd3-scale'
import { select } from 'd3-selection'
import { type D3ZoomEvent, type ZoomBehavior, type ZoomTransform, zoom, zoomIdentity } from 'd3-zoom'
import type { TFunction } from 'i18next'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { PairState } from '../engine/index'
import { tDyn, tFor } from '../i18n/index'
import {
  actions,
  compareAddrNums,
  frameLoop,
  live,
  type TemplateRow,
  type TimelineSort,
  useLab,
  wakeLoops,
} from '../store/index'
import { type AxisMark, axisMarks } from './axisMarks'
import { CommandMarks } from './CommandMarks'
import { resolvedPalette, rsIndexNow } from './colors'
import { type LegendEntry, saveBlob, tickAnchor, timelinePng } from './exporting'
import { clock, ip } from './format'
import {
  type DirectorHeading,
  groupByDirector,
  isHeading,
  lostAt,
  nextRow,
  type TimelineEntry,
  templateCount,
} from './timelineGroups'
import { MONO_EM, rowLabels } from './timelineLabels'
import { useOnScreen } from './useOnScreen'
import { useT } from './useT'

/** The rows' height, label column and font in an exported file (and on screen in the lab). */
const ROW_H = 18
const LABEL_W = 230
/**
 * On screen: the lab's rows, or Presenter's (text at least 16 px for a projector). The canvas is
 * drawn at the device's pixel ratio, so a row's text is as sharp as the HTML around it.
 */
interface RowGeometry {
  rowH: number
  labelW: number
  fontPx: number
}
const LAB_ROWS: RowGeometry = { rowH: ROW_H, labelW: LABEL_W, fontPx: 12 }
const PRESENTER_ROWS: RowGeometry = { rowH: 26, labelW: 300, fontPx: 16 }
/** The rows' viewport before it is measured (the stage gives it the height it has left). */
const VIEW_H0 = 300
/** Seconds of simulated time shown when following "now". */
const DEFAULT_SPAN_MS = 240_000

/** The scale before zooming: the default window, ending a little after now. */
function baseScale(nowMs: number, width: number, labelW = LABEL_W) {
  const end = Math.max(nowMs + DEFAULT_SPAN_MS * 0.15, DEFAULT_SPAN_MS * 0.85)
  return scaleLinear()
    .domain([end - DEFAULT_SPAN_MS, end])
    .range([labelW, width])
}

/** The rows as listed: filtered, sorted, and with two directors grouped under their headings (timelineGroups.ts). */
/**
 * A director's heading: its name, how many templates of the rows are its, and what it is now —
 * holding the VIP (the clients' packets come here), standing by, or without power since when.
 */
function headingText(t: TFunction, h: DirectorHeading, pair: PairState | null): string {
  const d = pair?.directors[h.heading]
  const name = t(h.heading === 0 ? 'director.pair.nameDirector' : 'director.pair.nameBackup')
  const state = !d
    ? ''
    : d.down
      ? t('timeline.headingDown', { at: clock(d.downAt ?? 0) })
      : d.front
        ? t('timeline.headingFront')
        : t('timeline.headingStandby')
  return t('timeline.heading', { name, count: h.count, n: h.count, state })
}

/** The labels of a slice of the rows: a template's as rowLabels cuts them, '' for a heading (drawn apart). */
function entryLabels(entries: readonly TimelineEntry[], maxChars: number): string[] {
  const rows = entries.filter((e): e is TemplateRow => !isHeading(e))
  const labels = rowLabels(rows, maxChars)
  let k = 0
  return entries.map((e) => (isHeading(e) ? '' : labels[k++]))
}

function filterRows(filter: string, sort: TimelineSort): TimelineEntry[] {
  const f = filter.trim().toLowerCase()
  const rows: TemplateRow[] = []
  // the map is in creation order already: only "by expiry" needs a sort
  for (const r of live.templates.values()) {
    if (f && !`${ip(r.client)} ${ip(r.rsAddr)}:${r.rsPort} ${ip(r.vaddrOrMark)}:${r.vport}`.toLowerCase().includes(f))
      continue
    rows.push(r)
  }
  if (sort === 'newest') rows.reverse()
  else if (sort === 'expiry')
    rows.sort((a, b) => Number(a.expiredAt >= 0) - Number(b.expiredAt >= 0) || a.expiresAt - b.expiresAt || a.id - b.id)
  return groupByDirector(rows, useLab.getState().pair)
}

export function TemplateTimeline() {
  const t = useT()
  const filter = useLab((s) => s.timelineFilter)
  const sort = useLab((s) => s.timelineSort)
  const theme = useLab((s) => s.theme)
  const hoverLine = useLab((s) => s.hoverLine)
  const textbook = useLab((s) => s.textbook)
  const divergent = useLab((s) => s.textbookDivergent)
  const markCount = useLab((s) => s.textbookMarkCount)
  const presenter = useLab((s) => s.presenter)
  const geom = presenter ? PRESENTER_ROWS : LAB_ROWS
  const geomRef = useRef(geom)
  useEffect(() => {
    geomRef.current = geom
    wakeLoops()
  }, [geom])
  /** The rows' viewport's height, as laid out (the stage sizes it). */
  const [viewH, setViewH] = useState(VIEW_H0)
  const viewHRef = useRef(VIEW_H0)
  const [follow, setFollow] = useState(true)
  /** Templates listed, and rows drawn (with two directors, their headings too). */
  const [rowCount, setRowCount] = useState(0)
  const [entryCount, setEntryCount] = useState(0)
  /** With two directors: how many templates each one's table has among the rows (its heading's count). */
  const [groups, setGroups] = useState<string | null>(null)
  const [axis, setAxis] = useState<{ x: number; label: string }[]>([])
  const [marks, setMarks] = useState<AxisMark[]>([])
  /** Where the tooltip goes (in the viewport's content coordinates) and the row under the pointer. */
  const [hover, setHover] = useState<{ left: number; top: number; row: TemplateRow } | null>(null)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const viewportRef = useRef<HTMLDivElement>(null)
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null)
  const transformRef = useRef<ZoomTransform>(zoomIdentity)
  const followRef = useRef(follow)
  useEffect(() => {
    followRef.current = follow
    wakeLoops()
  }, [follow])
  const rowsRef = useRef<{ version: number; filter: string; sort: string; rows: TimelineEntry[]; at: number }>({
    version: -1,
    filter: '',
    sort: '',
    rows: [],
    at: 0,
  })
  const widthRef = useRef(800)
  /** The row the keyboard is on (↑/↓ move it, Enter explains it). */
  const cursorRef = useRef(-1)
  const onScreen = useOnScreen(viewportRef)

  useEffect(() => {
    const vp = viewportRef.current
    if (!vp) return
    const ro = new ResizeObserver(() => {
      const h = Math.max(1, Math.floor(vp.clientHeight))
      viewHRef.current = h
      setViewH(h)
      wakeLoops()
    })
    ro.observe(vp)
    return () => ro.disconnect()
  }, [])

  // The base scale maps a window of simulated time to the drawing area; the zoom transform rescales it.

  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.01, 400])
      // wheel scrolls the rows; Ctrl/Shift + wheel zooms time; drag pans time
      .filter((e: Event) =>
        e.type === 'wheel' ? (e as WheelEvent).ctrlKey || (e as WheelEvent).shiftKey : !(e as MouseEvent).button,
      )
      .on('zoom', (e: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        transformRef.current = e.transform
        wakeLoops()
        const source = e.sourceEvent as Event | null
        if (source && source.type !== 'wheel') setFollow(false)
      })
    zoomRef.current = z
    select(canvas).call(z)
    return () => {
      select(canvas).on('.zoom', null)
    }
  }, [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: the theme changes the palette the loop resolves
  useEffect(() => {
    const canvas = canvasRef.current
    const viewport = viewportRef.current
    if (!canvas || !viewport) return
    let lastAxis = 0
    let lastDraw = 0
    let drawnFor = ''
    /** The drawing the axis and the command marks were last computed for. */
    let axisFor = ''
    const palette = resolvedPalette()
    // Returns whether it wants another frame: it drew (something moves), or put off work (rows,
    // a redraw, the axis) that a throttle holds for a later frame. Nothing changed: it sleeps.
    const draw = (wall: number): boolean => {
      // rows: recomputed when the templates changed, at most 4 times a second (on screen or not:
      // the count under the timeline is text)
      const stRows = useLab.getState()
      const cache = rowsRef.current
      const rowsStale = cache.version !== live.version
      if (
        cache.filter !== stRows.timelineFilter ||
        cache.sort !== stRows.timelineSort ||
        (rowsStale && wall - cache.at > 250)
      ) {
        cache.rows = filterRows(stRows.timelineFilter, stRows.timelineSort)
        cache.version = live.version
        cache.filter = stRows.timelineFilter
        cache.sort = stRows.timelineSort
        cache.at = wall
        setRowCount(templateCount(cache.rows))
        setEntryCount(cache.rows.length)
        const heads = cache.rows.filter(isHeading)
        setGroups(heads.length === 2 ? `${heads[0].count}/${heads[1].count}` : null)
      }
      const rowsWaiting = cache.version !== live.version
      // off screen: only the rows (the count is text); coming on screen wakes the loop
      if (!onScreen.current) return rowsWaiting
      // redraw only when something moved, and at most 30 times a second: a timeline needs no more
      const { rowH: ROW_H, labelW: LABEL_W, fontPx } = geomRef.current
      const VIEW_H = viewHRef.current
      // the rows' own recompute time too: rows recomputed after the templates changed (up to 250 ms later) are drawn
      const key = `${ROW_H}/${VIEW_H}/${useLab.getState().nowMs}/${useLab.getState().midRun.length}/${useLab.getState().textbook}/${useLab.getState().locale}/${useLab
        .getState()
        .pair?.directors.map((d) => `${d.downAt}${d.front}`)
        .join()}/${live.version}/${cache.at}/${viewport.scrollTop}/${viewport.clientWidth}/${transformRef.current.k}/${transformRef.current.x}/${followRef.current}/${cursorRef.current}`
      const axisWaiting = axisFor !== drawnFor
      if (key === drawnFor && !axisWaiting) return rowsWaiting
      if (wall - lastDraw < 32 || (key === drawnFor && wall - lastAxis <= 100)) return true
      drawnFor = key
      lastDraw = wall
      const width = viewport.clientWidth
      widthRef.current = width
      const dpr = window.devicePixelRatio || 1
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(VIEW_H * dpr)) {
        canvas.width = Math.round(width * dpr)
        canvas.height = Math.round(VIEW_H * dpr)
        canvas.style.width = `${width}px`
        canvas.style.height = `${VIEW_H}px`
      }
      const ctx = canvas.getContext('2d')
      if (!ctx) return false
      const st = useLab.getState()
      const nowMs = st.nowMs
      const rows = cache.rows
      let x = transformRef.current.rescaleX(baseScale(nowMs, width, LABEL_W))
      if (followRef.current) {
        // keep "now" in view: shift the transformed scale so now sits at 85 % of the width
        const [d0, d1] = x.domain()
        const span = d1 - d0
        const start = Math.max(0, nowMs - span * 0.85)
        x = scaleLinear()
          .domain([start, start + span])
          .range([LABEL_W, width])
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
      ctx.clearRect(0, 0, width, VIEW_H)
      const first = Math.floor(viewport.scrollTop / ROW_H)
      const last = Math.min(rows.length, first + Math.ceil(VIEW_H / ROW_H) + 1)
      const offset = -(viewport.scrollTop % ROW_H)
      ctx.font = `${fontPx}px "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace`
      ctx.textBaseline = 'middle'
      const labels = entryLabels(rows.slice(first, last), Math.floor((LABEL_W - 10) / (MONO_EM * fontPx)))
      for (let i = first; i < last; i++) {
        const e = rows[i]
        const y = offset + (i - first) * ROW_H
        const mid = y + ROW_H / 2
        // a director's heading: drawn last, over the time lines
        if (isHeading(e)) continue
        const r = e
        const color = palette.rs[rsIndexNow(r.rsAddr)]
        // a director that lost power has no table any more: its rows stop there
        const lost = lostAt(r, st.pair)
        if (i === cursorRef.current) {
          ctx.strokeStyle = palette.accent
          ctx.lineWidth = 2
          ctx.strokeRect(1, y + 1, width - 2, ROW_H - 2)
        }
        if (i % 2 === 0) {
          ctx.fillStyle = palette.line
          ctx.globalAlpha = 0.3
          ctx.fillRect(0, y, width, ROW_H)
          ctx.globalAlpha = 1
        }
        const gone = r.expiredAt >= 0 || lost <= nowMs
        ctx.fillStyle = gone ? palette.muted : palette.ink
        ctx.fillText(labels[i - first], 6, mid, LABEL_W - 10)
        const end = Math.min(r.expiredAt >= 0 ? r.expiredAt : r.expiresAt, lost)
        const x0 = Math.max(LABEL_W, x(r.createdAt))
        const xNow = x(Math.min(nowMs, end))
        const xEnd = Math.min(width, x(end))
        const xRearm = r.firstRearmAt >= 0 && r.firstRearmAt < lost ? x(r.firstRearmAt) : null
        ctx.globalAlpha = gone ? 0.55 : 1
        // lived so far
        ctx.fillStyle = color
        const solidEnd = xRearm !== null ? Math.min(xRearm, xNow) : xNow
        if (solidEnd > x0) ctx.fillRect(x0, y + 3, solidEnd - x0, ROW_H - 6)
        // kept past its timeout by open connections (the kernel's 60 s re-arms): hatched
        if (xRearm !== null && xNow > xRearm) {
          const a = Math.max(LABEL_W, xRearm)
          ctx.fillStyle = color
          ctx.globalAlpha *= 0.35
          ctx.fillRect(a, y + 3, xNow - a, ROW_H - 6)
          ctx.globalAlpha = gone ? 0.55 : 1
          ctx.strokeStyle = palette.hatch
          ctx.lineWidth = 1
          ctx.save()
          ctx.beginPath()
          ctx.rect(a, y + 3, xNow - a, ROW_H - 6)
          ctx.clip()
          for (let hx = a - ROW_H; hx < xNow; hx += 6) {
            ctx.moveTo(hx, y + ROW_H - 3)
            ctx.lineTo(hx + ROW_H - 6, y + 3)
          }
          ctx.stroke()
          ctx.restore()
        }
        // the timer's deadline ahead of now: an outline
        if (!gone && xEnd > xNow) {
          ctx.strokeStyle = color
          ctx.lineWidth = 1.5
          ctx.setLineDash([3, 3])
          ctx.strokeRect(Math.max(LABEL_W, xNow), y + 3.5, xEnd - Math.max(LABEL_W, xNow), ROW_H - 7)
          ctx.setLineDash([])
        }
        // the textbook rule would have dropped it here
        const tb = live.textbookMarks.get(r.id)
        if (tb !== undefined && st.textbook) {
          const tx = x(tb)
          if (tx >= LABEL_W && tx <= width) {
            ctx.fillStyle = palette.err
            ctx.globalAlpha = 1
            ctx.fillRect(tx - 1, y, 3, ROW_H)
            ctx.beginPath()
            ctx.moveTo(tx - 6, y)
            ctx.lineTo(tx + 6, y)
            ctx.lineTo(tx, y + 7)
            ctx.closePath()
            ctx.fill()
          }
        }
        // a new connection refreshed the timer here
        ctx.strokeStyle = palette.ink
        ctx.lineWidth = 1.5
        ctx.beginPath()
        for (const rt of r.refreshes) {
          const tx = x(rt)
          if (tx < LABEL_W || tx > width || rt > lost) continue
          ctx.moveTo(tx, y + 1)
          ctx.lineTo(tx, y + ROW_H - 1)
        }
        ctx.stroke()
        ctx.globalAlpha = 1
      }
      // the commands run mid-run: a dotted line down from their marker on the axis
      ctx.strokeStyle = palette.accent
      ctx.lineWidth = 1
      ctx.setLineDash([2, 3])
      ctx.beginPath()
      for (const m of axisMarks(st.midRun, x, LABEL_W, width)) {
        ctx.moveTo(Math.round(m.x) + 0.5, 0)
        ctx.lineTo(Math.round(m.x) + 0.5, VIEW_H)
      }
      ctx.stroke()
      ctx.setLineDash([])
      // now
      const xn = x(nowMs)
      if (xn >= LABEL_W && xn <= width) {
        ctx.strokeStyle = palette.accent
        ctx.lineWidth = 2
        ctx.beginPath()
        ctx.moveTo(xn, 0)
        ctx.lineTo(xn, VIEW_H)
        ctx.stroke()
      }
      ctx.strokeStyle = palette.line
      ctx.beginPath()
      ctx.moveTo(LABEL_W - 0.5, 0)
      ctx.lineTo(LABEL_W - 0.5, VIEW_H)
      ctx.stroke()
      // the directors' headings: a band across the rows, its name, count and state
      ctx.font = `bold ${fontPx}px system-ui, sans-serif`
      for (let i = first; i < last; i++) {
        const e = rows[i]
        if (!isHeading(e)) continue
        const y = offset + (i - first) * ROW_H
        ctx.fillStyle = palette.line
        ctx.fillRect(0, y, width, ROW_H)
        ctx.fillStyle = palette.ink
        ctx.fillText(headingText(tFor(st.locale), e, st.pair), 6, y + ROW_H / 2, width - 12)
      }
      if (wall - lastAxis > 100) {
        lastAxis = wall
        axisFor = key
        setAxis(
          x
            .ticks(Math.max(2, Math.floor((width - LABEL_W) / (fontPx * 7.5))))
            // a label is drawn whole or not at all (centred on its tick, about 3 em wide)
            .filter((v) => x(v) + fontPx * 1.6 <= width)
            .map((v) => ({ x: x(v), label: `${Math.round(v / 1000)} s` })),
        )
        const next = axisMarks(st.midRun, x, LABEL_W, width)
        setMarks((cur) =>
          cur.length === next.length &&
          cur.every((c, i) => Math.abs(c.x - next[i].x) < 0.5 && c.commands.length === next[i].commands.length)
            ? cur
            : next,
        )
      }
      return true
    }
    // asleep while nothing moves; the timeline's own events (scroll, zoom, keys, resize) wake it
    const loop = frameLoop(draw)
    return () => loop.stop()
  }, [theme, onScreen])

  // hover: the row under the pointer, and its line as ipvsadm -Lnc prints it (asked of the worker);
  // asked again twice a second while the clock runs (its expire column counts down), once when paused
  const hoverId = hover?.row.id ?? null
  const playing = useLab((s) => s.playing)
  const shownAt = useLab((s) => (hoverId === null || s.playing ? 0 : s.nowMs))
  // biome-ignore lint/correctness/useExhaustiveDependencies: a paused clock that moved (a step, a seek) asks again
  useEffect(() => {
    if (hoverId === null) return
    actions.requestTemplateLine(hoverId)
    if (!playing) return
    const id = setInterval(() => actions.requestTemplateLine(hoverId), 500)
    return () => clearInterval(id)
  }, [hoverId, playing, shownAt])

  /** The template row under the pointer (a heading is none). */
  const rowAt = (clientY: number): TemplateRow | null => {
    const viewport = viewportRef.current
    const canvas = canvasRef.current
    if (!viewport || !canvas) return null
    const y = clientY - canvas.getBoundingClientRect().top + viewport.scrollTop
    const e = rowsRef.current.rows[Math.floor(y / geomRef.current.rowH)]
    return e && !isHeading(e) ? e : null
  }

  const zoomBy = (k: number) => {
    const canvas = canvasRef.current
    if (canvas && zoomRef.current) zoomRef.current.scaleBy(select(canvas), k, [widthRef.current * 0.85, 0])
  }
  /** The rows shown (all of them, up to 2,000) as a standalone SVG, on the current time axis. */
  const exportSvg = () => {
    const st = useLab.getState()
    const width = Math.max(800, widthRef.current)
    let x = transformRef.current.rescaleX(baseScale(st.nowMs, width))
    if (followRef.current) {
      const [d0, d1] = x.domain()
      const start = Math.max(0, st.nowMs - (d1 - d0) * 0.85)
      x = scaleLinear()
        .domain([start, start + (d1 - d0)])
        .range([LABEL_W, width])
    }
    const rows = rowsRef.current.rows.slice(0, 2000)
    const p = resolvedPalette()
    const top = 26
    const h = top + rows.length * ROW_H + 4
    const clip = (v: number) => Math.max(LABEL_W, Math.min(width, v))
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
    let body = ''
    for (const v of x.ticks(Math.max(2, Math.floor((width - LABEL_W) / 90)))) {
      const tx = x(v)
      if (tx < LABEL_W) continue
      const label = `${Math.round(v / 1000)} s`
      // the last tick's label ends at its tick rather than run off the drawing's right edge
      const anchor = tickAnchor(tx, 0, width, label.length * 3.5)
      const lx = anchor === 'end' ? Math.min(tx, width - 2) : anchor === 'start' ? Math.max(tx, 2) : tx
      body += `<line x1="${tx}" x2="${tx}" y1="${top - 6}" y2="${h}" stroke="${p.line}"/><text x="${lx}" y="${top - 10}" font-size="11" text-anchor="${anchor}" fill="${p.muted}">${label}</text>`
    }
    // every row, cut as the lab's label column cuts them (12 px monospace); a director's heading whole
    const labels = entryLabels(rows, Math.floor((LABEL_W - 10) / (MONO_EM * 12)))
    rows.forEach((e, i) => {
      const y = top + i * ROW_H
      if (isHeading(e)) {
        body += `<rect x="0" y="${y}" width="${width}" height="${ROW_H}" fill="${p.line}"/><text x="6" y="${y + 13}" font-size="12" font-weight="bold" font-family="sans-serif" fill="${p.ink}">${esc(headingText(t, e, st.pair))}</text>`
        return
      }
      const r = e
      const color = p.rs[rsIndexNow(r.rsAddr)]
      const lost = lostAt(r, st.pair)
      const gone = r.expiredAt >= 0 || lost <= st.nowMs
      const end = Math.min(r.expiredAt >= 0 ? r.expiredAt : r.expiresAt, lost)
      const lived = r.expiredAt >= 0 ? Math.min(r.expiredAt, lost) : Math.min(st.nowMs, end)
      const a = clip(x(r.createdAt))
      const rearm = r.firstRearmAt >= 0 && r.firstRearmAt < lost ? clip(x(r.firstRearmAt)) : null
      const b = clip(x(lived))
      body += `<text x="6" y="${y + 13}" font-size="12" font-family="monospace" fill="${gone ? p.muted : p.ink}">${esc(labels[i])}</text>`
      const solid = rearm !== null ? Math.min(rearm, b) : b
      if (solid > a) body += `<rect x="${a}" y="${y + 3}" width="${solid - a}" height="${ROW_H - 6}" fill="${color}"/>`
      if (rearm !== null && b > rearm)
        body += `<rect x="${rearm}" y="${y + 3}" width="${b - rearm}" height="${ROW_H - 6}" fill="${color}" fill-opacity="0.35" stroke="${color}"/><rect x="${rearm}" y="${y + 3}" width="${b - rearm}" height="${ROW_H - 6}" fill="url(#hatch)"/>`
      if (!gone && clip(x(end)) > b)
        body += `<rect x="${b}" y="${y + 3.5}" width="${clip(x(end)) - b}" height="${ROW_H - 7}" fill="none" stroke="${color}" stroke-dasharray="3 3"/>`
      for (const rt of r.refreshes) {
        const tx = x(rt)
        if (tx >= LABEL_W && tx <= width && rt <= lost)
          body += `<line x1="${tx}" x2="${tx}" y1="${y + 1}" y2="${y + ROW_H - 1}" stroke="${p.ink}" stroke-width="1.5"/>`
      }
    })
    const xn = x(st.nowMs)
    if (xn >= LABEL_W && xn <= width)
      body += `<line x1="${xn}" x2="${xn}" y1="${top - 6}" y2="${h}" stroke="${p.accent}" stroke-width="2"/>`
    const svg = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}"><defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="${p.hatch}" stroke-width="1.5"/></pattern></defs><rect width="100%" height="100%" fill="${p.panel}"/>${body}</svg>`
    saveBlob('template-timeline.svg', new Blob([svg], { type: 'image/svg+xml' }))
  }
  /** What is on screen as a picture, with its title, time axis and legend. */
  const exportPng = async () => {
    const canvas = canvasRef.current
    if (!canvas) return
    const st = useLab.getState()
    const p = resolvedPalette()
    const servers = [...new Set(rowsRef.current.rows.flatMap((e) => (isHeading(e) ? [] : [e.rsAddr])))].sort(
      compareAddrNums,
    )
    const legend: LegendEntry[] = [
      ...servers.map((a) => ({ label: ip(a), swatch: 'solid' as const, color: p.rs[rsIndexNow(a)] })),
      { label: t('timeline.legendKept'), swatch: 'kept', color: p.rs[0] },
      { label: t('timeline.legendDeadline'), swatch: 'dashed', color: p.rs[0] },
      { label: t('timeline.legendRefresh'), swatch: 'tick', color: p.ink },
      ...(st.textbook ? [{ label: t('timeline.legendTextbook'), swatch: 'tick' as const, color: p.err }] : []),
      // a picture has no hover: the command legend without its hint
      { label: t('export.legendCommand'), swatch: 'dotted', color: p.accent },
    ]
    const png = await timelinePng(
      canvas,
      {
        title: t('timeline.title'),
        subtitle: `${st.scenarioName} · ${clock(st.nowMs)}`,
        ticks: axis,
        legend,
      },
      p,
    )
    saveBlob('template-timeline.png', png)
  }

  const fit = () => {
    const canvas = canvasRef.current
    const z = zoomRef.current
    if (!canvas || !z) return
    const { endMs, nowMs } = useLab.getState()
    const total = Math.max(nowMs, Math.min(endMs, nowMs + 60_000), 1000)
    z.transform(select(canvas), zoomIdentity.scale(DEFAULT_SPAN_MS / total))
    setFollow(true)
  }

  /** When the hovered row's director lost power (Infinity: it did not). */
  const hoverLost = hover ? lostAt(hover.row, useLab.getState().pair) : Number.POSITIVE_INFINITY
  const [groupDirector, groupBackup] = groups ? groups.split('/').map(Number) : [0, 0]

  const legend = useMemo(
    () => [
      { k: 'timeline.legendLife', style: { background: 'var(--rs-0)' } },
      {
        k: 'timeline.legendKept',
        style: {
          background:
            'repeating-linear-gradient(135deg, color-mix(in srgb, var(--rs-0) 35%, transparent) 0 3px, var(--hatch) 3px 4px)',
        },
      },
      { k: 'timeline.legendDeadline', style: { border: '1.5px dashed var(--rs-0)' } },
      { k: 'timeline.legendRefresh', style: { borderLeft: '2px solid var(--ink)', width: 2 } },
      { k: 'timeline.legendTextbook', style: { borderLeft: '3px solid var(--err)', width: 3 } },
      { k: 'timeline.legendCommand', style: { borderLeft: '2px dotted var(--accent)', width: 2 } },
    ],
    [],
  )

  return (
    <section className="panel timeline area-timeline" aria-labelledby="timeline-h">
      <header>
        <h2 id="timeline-h">{t('timeline.title')}</h2>
        <p className="what">{t('timeline.what')}</p>
        <div className="tools">
          <input
            type="search"
            placeholder={t('timeline.filter')}
            aria-label={t('timeline.filter')}
            value={filter}
            onChange={(e) => actions.setTimelineFilter(e.target.value)}
          />
          <label className="inline">
            {t('timeline.sort')}
            <select value={sort} onChange={(e) => actions.setTimelineSort(e.target.value as TimelineSort)}>
              <option value="newest">{t('timeline.sortNewest')}</option>
              <option value="created">{t('timeline.sortCreated')}</option>
              <option value="expiry">{t('timeline.sortExpiry')}</option>
            </select>
          </label>
          <button type="button" className="btn" onClick={() => zoomBy(1 / 1.6)} aria-label={t('timeline.zoomOut')}>
            −
          </button>
          <button type="button" className="btn" onClick={() => zoomBy(1.6)} aria-label={t('timeline.zoomIn')}>
            +
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void exportPng()}
            title={t('export.pngHint')}
            data-testid="timeline-png"
          >
            PNG
          </button>
          <button
            type="button"
            className="btn"
            onClick={exportSvg}
            title={t('export.svgHint')}
            data-testid="timeline-svg"
          >
            SVG
          </button>
          <button type="button" className="btn" onClick={fit}>
            {t('timeline.fit')}
          </button>
          <label className="inline" title={t('timeline.textbookHint')}>
            <input
              type="checkbox"
              checked={textbook}
              onChange={(e) => actions.setTextbook(e.target.checked)}
              data-testid="textbook"
            />
            {t('timeline.textbook')}
          </label>
          <button type="button" className="btn" aria-pressed={follow} onClick={() => setFollow(!follow)}>
            {t('timeline.follow')}
          </button>
        </div>
      </header>
      <div className="axis-wrap">
        <svg className="axis" aria-hidden="true">
          {axis.map((a) => (
            <g key={a.label} transform={`translate(${a.x},0)`}>
              <line y1={presenter ? 22 : 18} y2={presenter ? 30 : 26} />
              <text y={presenter ? 17 : 13} textAnchor="middle">
                {a.label}
              </text>
            </g>
          ))}
        </svg>
        <CommandMarks marks={marks} />
      </div>
      <div
        className="viewport"
        ref={viewportRef}
        onMouseMove={(e) => {
          const row = rowAt(e.clientY)
          const vp = viewportRef.current
          if (row && vp) {
            const box = vp.getBoundingClientRect()
            const left = Math.max(0, Math.min(e.clientX - box.left + 14, vp.clientWidth - 520))
            const top = e.clientY - box.top + 16 + vp.scrollTop
            setHover((h) => (h && h.row.id === row.id ? { ...h, left, top } : { left, top, row }))
          } else setHover(null)
        }}
        onScroll={wakeLoops}
        onMouseLeave={() => {
          setHover(null)
          actions.requestTemplateLine(null)
        }}
        onClick={(e) => {
          const row = rowAt(e.clientY)
          if (row) actions.select({ kind: 'template', templateId: row.id })
        }}
        onDoubleClick={(e) => {
          // a template's packets: its newest connection, the others to choose from
          const row = rowAt(e.clientY)
          if (row) actions.openPackets({ kind: 'template', templateId: row.id })
        }}
        onKeyDown={(e) => {
          const rows = rowsRef.current.rows
          const vp = viewportRef.current
          if (!rows.length || !vp) return
          const at = rows[cursorRef.current]
          const cursor = at && !isHeading(at) ? at : null
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault()
            wakeLoops()
            const step = e.key === 'ArrowDown' ? 1 : -1
            // headings are passed over: the cursor is on a template
            const next = nextRow(rows, Math.max(-1, Math.min(rows.length, cursorRef.current)), step)
            if (next < 0 || next >= rows.length) return
            cursorRef.current = next
            const { rowH } = geomRef.current
            if (next * rowH < vp.scrollTop) vp.scrollTop = next * rowH
            if ((next + 1) * rowH > vp.scrollTop + viewHRef.current) vp.scrollTop = (next + 1) * rowH - viewHRef.current
          } else if (e.key === 'Enter' && cursor) {
            e.preventDefault()
            actions.select({ kind: 'template', templateId: cursor.id })
          } else if ((e.key === 'p' || e.key === 'P') && cursor) {
            // the row under the cursor's packets (not the page's selection)
            e.preventDefault()
            e.stopPropagation()
            actions.openPackets({ kind: 'template', templateId: cursor.id })
          }
        }}
        aria-keyshortcuts="ArrowUp ArrowDown Enter P"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the rows are walked with ↑/↓ and explained with Enter
        tabIndex={0}
        data-testid="timeline"
        role="group"
        aria-roledescription={t('timeline.roledescription')}
        aria-label={
          groups
            ? t('timeline.ariaPair', { count: rowCount, n: rowCount, director: groupDirector, backup: groupBackup })
            : t('timeline.aria', { count: rowCount, n: rowCount })
        }
      >
        <canvas
          ref={canvasRef}
          style={{ cursor: 'grab' }}
          data-testid="timeline-canvas"
          data-row-height={geom.rowH}
          data-font-px={geom.fontPx}
        />
        <div style={{ height: Math.max(0, entryCount * geom.rowH - viewH) }} />
        {hover && (
          <div className="tooltip" style={{ left: hover.left, top: hover.top }}>
            {hoverLost <= useLab.getState().nowMs
              ? `${rowLabels([hover.row], 80)[0]} — ${t('timeline.lost', { at: clock(hoverLost) })}`
              : hoverLine && hoverLine.templateId === hover.row.id
                ? (hoverLine.line ?? t('timeline.expired', { at: (hover.row.expiredAt / 1000).toFixed(1) }))
                : rowLabels([hover.row], 80)[0]}
          </div>
        )}
      </div>
      <div
        className="timeline-foot"
        role="group"
        aria-label={t('timeline.footLabel')}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls sideways when the legend is long; a scrollable region must be reachable by keyboard
        tabIndex={0}
      >
        <p className="what" data-testid="timeline-count">
          {t('timeline.count', { count: rowCount, n: rowCount })}
          {textbook && divergent >= 0 && ` · ${t('timeline.divergent', { n: divergent, marks: markCount })}`}
          {rowCount === 0 && ` — ${filter.trim() ? t('timeline.noMatch') : t('timeline.empty')}`}
        </p>
        <ul className="legend">
          {legend.map((l) => (
            <li key={l.k}>
              <span
                style={{
                  display: 'inline-block',
                  width: 18,
                  height: 10,
                  marginRight: 5,
                  verticalAlign: 'middle',
                  ...l.style,
                }}
              />
              {tDyn(t, l.k)}
            </li>
          ))}
          <li>{t('timeline.hint')}</li>
        </ul>
      </div>
    </section>
  )
}
