/**
 * Where the Director panel draws everything: client groups, virtual services with their
 * scheduler / -p / -M lines, real servers with their forwarding method. Pure (no DOM): text widths
 * are estimated from the characters (a little wide, so a drawn label never outgrows its box), and
 * every label's box is returned so a test can check that none overlaps another or a node.
 *
 * Units are the SVG's user units; the panel sets its viewBox width to the drawn width, so a unit is
 * a CSS pixel unless the panel is narrower than the picture needs (then it scales down, evenly).
 */

import type { ServiceView } from '../worker/protocol'
import { abbreviateAll } from './addressText'

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** A text as drawn: its baseline anchor, its size, and the box it covers. */
export interface TextBox extends Box {
  text: string
  tx: number
  ty: number
  anchor: 'start' | 'middle' | 'end'
  size: number
  mono: boolean
}

export interface DirectorLayoutInput {
  /** The drawn width in CSS pixels. */
  width: number
  /** Presenter mode: larger labels (at least 16 px) for a projector. */
  presenter: boolean
  headers: { clients: string; services: string; servers: string }
  /** Client groups, top to bottom: the address (or prefix) and, for several clients, how many. */
  groups: { label: string; sub?: string }[]
  /** "n more" under the groups, if some are not drawn. */
  others?: string
  /** Services top to bottom: the name in the box, and the lines under it (scheduler, -p, -M). */
  services: { name: string; lines: string[] }[]
  /** Real servers top to bottom: the address, and the lines under it (forwarding method, quiescent). */
  servers: { name: string; lines: string[] }[]
}

export interface DirectorLayout {
  width: number
  height: number
  label: number
  sub: number
  xClient: number
  xService: number
  /** The services' boxes' left and right edges (where the paths meet them). */
  svcLeft: number
  svcRight: number
  /** The real servers' swatches' left edge, and the swatches' size. */
  rsLeft: number
  swatch: number
  headers: TextBox[]
  groups: { y: number; label: TextBox; sub?: TextBox }[]
  others?: TextBox
  services: { cy: number; box: Box; name: TextBox; lines: TextBox[] }[]
  servers: { cy: number; box: Box; name: TextBox; lines: TextBox[] }[]
}

const MARGIN = 8
/** Room between columns for the paths (and the client dots). */
const GAP = 30
/** A text's box from its baseline: ascent and full height, in ems (DejaVu and CJK fonts fit). */
const ASCENT = 0.95
const TEXT_H = 1.25
/** Baseline to baseline for stacked lines, in ems. */
const LINE = 1.35

/** A text's estimated width: wide (CJK) characters 1 em, others 0.62 em in monospace, 0.68 em otherwise. */
export function textWidth(text: string, size: number, mono: boolean): number {
  let ems = 0
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0
    ems += c >= 0x2e80 ? 1 : mono ? 0.62 : 0.68
  }
  return ems * size
}

function textBox(
  text: string,
  tx: number,
  ty: number,
  anchor: TextBox['anchor'],
  size: number,
  mono: boolean,
): TextBox {
  const w = textWidth(text, size, mono)
  const x = anchor === 'start' ? tx : anchor === 'end' ? tx - w : tx - w / 2
  return { text, tx, ty, anchor, size, mono, x, y: ty - ASCENT * size, w, h: TEXT_H * size }
}

export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

export function layoutDirector(input: DirectorLayoutInput): DirectorLayout {
  const label = input.presenter ? 17 : 13
  const sub = input.presenter ? 16 : 11.5
  const swatch = input.presenter ? 28 : 24
  const boxH = Math.round(label * 2)

  // horizontal: what each column needs
  const clientText = Math.max(
    0,
    ...input.groups.flatMap((g) => [textWidth(g.label, label, false), g.sub ? textWidth(g.sub, sub, false) : 0]),
    input.others ? textWidth(input.others, sub, false) : 0,
  )
  const clientCol = Math.max(clientText + 10, textWidth(input.headers.clients, sub, false))
  const boxW = Math.max(80, ...input.services.map((s) => textWidth(s.name, label, true) + 16))
  const svcCol = Math.max(
    boxW,
    textWidth(input.headers.services, sub, false),
    ...input.services.flatMap((s) => s.lines.map((l) => textWidth(l, sub, true))),
  )
  const rsText = Math.max(
    0,
    ...input.servers.flatMap((r) => [textWidth(r.name, label, true), ...r.lines.map((l) => textWidth(l, sub, true))]),
  )
  const rsCol = Math.max(swatch + 8 + rsText, textWidth(input.headers.servers, sub, false))
  const needed = MARGIN + clientCol + GAP + svcCol + GAP + rsCol + MARGIN
  // narrower than the picture needs: draw it at the width it needs, the SVG scales it down evenly
  const width = Math.max(input.width, Math.ceil(needed))

  const xClient = MARGIN + clientCol
  const rsLeft = width - MARGIN - rsCol
  // the services halfway between the clients and the servers, each side keeping its gap
  const lo = xClient + GAP + svcCol / 2
  const hi = rsLeft - GAP - svcCol / 2
  const xService = (lo + hi) / 2

  const headerY = 6 + ASCENT * sub
  const headers = [
    textBox(input.headers.clients, xClient, headerY, 'end', sub, false),
    textBox(input.headers.services, xService, headerY, 'middle', sub, false),
    textBox(input.headers.servers, rsLeft, headerY, 'start', sub, false),
  ]
  const top = headerY + (TEXT_H - ASCENT) * sub + 10

  // vertical: each column's rows, then each column centred on the tallest
  // a stack of lines under a first one: its height from the first line's top
  const under = (n: number) => (n ? 2 + TEXT_H * sub + (n - 1) * LINE * sub : 0)
  const anySub = input.groups.some((g) => g.sub)
  const groupPitch = Math.max(28, TEXT_H * label + under(anySub ? 1 : 0) + 8)
  const nGroupRows = input.groups.length + (input.others ? 1 : 0)
  const groupsH = nGroupRows * groupPitch

  const svcSlot = (s: { lines: string[] }) => 2 + boxH + under(s.lines.length) + 10
  const servicesH = input.services.reduce((h, s) => h + svcSlot(s), 0)

  const rsSlot = (r: { lines: string[] }) => 2 + Math.max(swatch, TEXT_H * label + under(r.lines.length)) + 8
  const serversH = input.servers.reduce((h, r) => h + rsSlot(r), 0)

  const tallest = Math.max(groupsH, servicesH, serversH, 3 * 28)
  const height = Math.ceil(top + tallest + 6)

  // lines stacked under a text box, each starting 2 below the one before
  const stack = (first: TextBox, lines: string[], tx: number, anchor: TextBox['anchor']) => {
    let ty = first.y + first.h + 2 + ASCENT * sub
    return lines.map((l) => {
      const t = textBox(l, tx, ty, anchor, sub, true)
      ty += LINE * sub
      return t
    })
  }

  let y = top + (tallest - groupsH) / 2
  const groups = input.groups.map((g) => {
    // the label's box starts 4 below the row's top; the dot sits at the label's middle
    const ty = y + 4 + ASCENT * label
    const cy = ty - 0.35 * label
    y += groupPitch
    const lb = textBox(g.label, xClient - 10, ty, 'end', label, false)
    const sb = g.sub ? textBox(g.sub, xClient - 10, lb.y + lb.h + 2 + ASCENT * sub, 'end', sub, false) : undefined
    return { y: cy, label: lb, sub: sb }
  })
  const others = input.others ? textBox(input.others, xClient - 10, y + 4 + ASCENT * sub, 'end', sub, false) : undefined

  y = top + (tallest - servicesH) / 2
  const svcLeft = xService - boxW / 2
  const services = input.services.map((s) => {
    const box = { x: svcLeft, y: y + 2, w: boxW, h: boxH }
    const cy = box.y + boxH / 2
    const name = textBox(s.name, xService, cy + 0.35 * label, 'middle', label, true)
    // the first line's box starts 2 below the service's box
    const anchor = { ...name, y: box.y + boxH - TEXT_H * label, h: TEXT_H * label }
    const lines = stack(anchor, s.lines, xService, 'middle')
    y += svcSlot(s)
    return { cy, box, name, lines }
  })

  y = top + (tallest - serversH) / 2
  const servers = input.servers.map((r) => {
    const box = { x: rsLeft, y: y + 2, w: swatch, h: swatch }
    const cy = box.y + swatch / 2
    const tx = rsLeft + swatch + 8
    const name = textBox(r.name, tx, r.lines.length ? box.y + ASCENT * label : cy + 0.35 * label, 'start', label, true)
    const lines = stack(name, r.lines, tx, 'start')
    y += rsSlot(r)
    return { cy, box, name, lines }
  })

  return {
    width,
    height,
    label,
    sub,
    xClient,
    xService,
    svcLeft,
    svcRight: svcLeft + boxW,
    rsLeft,
    swatch,
    headers,
    groups,
    others,
    services,
    servers,
  }
}

/** Every text box of a layout (for tests: none may overlap another, nor a node). */
export function allTexts(l: DirectorLayout): TextBox[] {
  return [
    ...l.headers,
    ...l.groups.flatMap((g) => (g.sub ? [g.label, g.sub] : [g.label])),
    ...(l.others ? [l.others] : []),
    ...l.services.flatMap((s) => [s.name, ...s.lines]),
    ...l.servers.flatMap((r) => [r.name, ...r.lines]),
  ]
}

/** A service by its port (`:443` of `TCP 192.168.100.100:443`), or `FWM 80`. */
export function shortName(s: ServiceView): string {
  return s.label.startsWith('FWM') ? s.label : `:${s.label.split(':').pop()}`
}

/** A service label's VIP and port: `TCP [2001:db8::10]:80` → ['2001:db8::10', '80'] (null: a fwmark service). */
function vipAndPort(label: string): [vip: string, port: string] | null {
  if (label.startsWith('FWM')) return null
  const endpoint = label.slice(label.indexOf(' ') + 1)
  const colon = endpoint.lastIndexOf(':')
  const vip = endpoint.slice(0, colon)
  return [vip.startsWith('[') ? vip.slice(1, -1) : vip, endpoint.slice(colon + 1)]
}

/**
 * The names in the services' boxes: the port alone (`:80`) while every service shares one IPv4
 * VIP — the usual lab —, else the VIP too (`[2001:db8::10]:80`, `10.0.0.1:80`), a long IPv6 VIP
 * cut in the middle among the others (`maxChars`, addressText.ts); a fwmark service by its mark.
 */
export function serviceNames(services: readonly ServiceView[], maxChars: number): string[] {
  const eps = services.map((s) => vipAndPort(s.label))
  const vips = [...new Set(eps.flatMap((e) => (e ? [e[0]] : [])))]
  const portsOnly = vips.length <= 1 && services.every((s) => s.family === 'inet')
  const short = abbreviateAll(
    vips.filter((v) => v.includes(':')),
    maxChars,
  )
  return services.map((s, i) => {
    const e = eps[i]
    if (!e) return s.label
    if (portsOnly) return `:${e[1]}`
    const vip = short.get(e[0]) ?? e[0]
    return vip.includes(':') || vip.includes('…') ? `[${vip}]:${e[1]}` : `${vip}:${e[1]}`
  })
}

/** The netmask that groups nothing: IPv4 255.255.255.255, IPv6 a /128. */
const fullMask = (s: ServiceView): boolean => s.netmask === (s.family === 'inet6' ? '128' : '255.255.255.255')

/** The lines under a service: its scheduler and -p, then -M when set (ipvsadm's own words: `-M 255.255.255.0`, `-M 64`). */
export function serviceLines(s: ServiceView): string[] {
  const lines = [s.persistSec ? `${s.scheduler} · -p ${s.persistSec}` : s.scheduler]
  if (!fullMask(s)) lines.push(`-M ${s.netmask}`)
  return lines
}

/**
 * A real server's forwarding method as ipvsadm -Ln names it (Route, Masq, Tunnel, Local); one line
 * per service when its services forward to it differently.
 */
export function methodLines(services: ServiceView[], addr: number): string[] {
  const uses = services.flatMap((s) =>
    s.destinations.filter((d) => d.addr === addr).map((d) => ({ forward: d.forward, svc: shortName(s) })),
  )
  const methods = [...new Set(uses.map((u) => u.forward))]
  if (methods.length <= 1) return methods
  return uses.map((u) => `${u.forward} ${u.svc}`)
}
