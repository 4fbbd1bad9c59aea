import { describe, expect, it } from 'vitest'
import {
  allTexts,
  type DirectorLayoutInput,
  intersects,
  layoutDirector,
  methodLines,
  serviceLines,
  serviceNames,
  textWidth,
} from './directorLayout'

const HEADERS = {
  en: { clients: 'Clients by persistence netmask', services: 'Virtual services', servers: 'Real servers' },
  zh: { clients: '按持久掩码分组的客户端', services: '虚拟服务', servers: '真实服务器' },
}

function input(nSvc: number, width: number, presenter: boolean, lang: 'en' | 'zh'): DirectorLayoutInput {
  const services = Array.from({ length: nSvc }, (_, i) => ({
    name: i === 0 ? 'FWM 80' : `:${443 + i}`,
    // the longest lines a service can have: -p and -M
    lines: i % 2 ? ['wlc · -p 300', '-M 255.255.255.0'] : ['rr · -p 3600'],
  }))
  const servers = Array.from({ length: Math.max(2, nSvc) }, (_, i) => ({
    name: `192.168.8.${101 + i}`,
    lines: i === 1 ? ['Route :80 · Masq :443', lang === 'zh' ? '静默' : 'quiescent'] : ['Tunnel'],
  }))
  const groups = Array.from({ length: 6 }, (_, i) => ({
    label: `10.0.${i * 37}.0/24`,
    sub: i % 2 ? undefined : lang === 'zh' ? `${i + 2} 个客户端` : `${i + 2} clients`,
  }))
  return { width, presenter, headers: HEADERS[lang], groups, others: '+12 more', services, servers }
}

describe('layoutDirector', () => {
  const cases: [number, number, boolean, 'en' | 'zh'][] = []
  for (let n = 1; n <= 6; n++)
    for (const width of [320, 480, 645, 690, 760, 1200])
      for (const presenter of [false, true])
        for (const lang of ['en', 'zh'] as const) cases.push([n, width, presenter, lang])

  it.each(cases)(
    '%i services at %i px (presenter %s, %s): no label overlaps another or a node',
    (n, width, presenter, lang) => {
      const l = layoutDirector(input(n, width, presenter, lang))
      const texts = allTexts(l)
      const nodes = [...l.services.map((s) => s.box), ...l.servers.map((r) => r.box)]
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          expect(intersects(texts[i], texts[j]), `"${texts[i].text}" and "${texts[j].text}"`).toBe(false)
        }
        // a service's own name sits inside its box; any other text stays out of every box
        const own = l.services.find((s) => s.name === texts[i])?.box
        for (const b of nodes)
          if (b !== own) expect(intersects(texts[i], b), `"${texts[i].text}" under a box`).toBe(false)
        expect(texts[i].x).toBeGreaterThanOrEqual(0)
        expect(texts[i].x + texts[i].w).toBeLessThanOrEqual(l.width)
        expect(texts[i].y).toBeGreaterThanOrEqual(0)
        expect(texts[i].y + texts[i].h).toBeLessThanOrEqual(l.height)
      }
      for (let i = 0; i < nodes.length; i++)
        for (let j = i + 1; j < nodes.length; j++) expect(intersects(nodes[i], nodes[j])).toBe(false)
      // every service's lines are drawn, under its own box
      l.services.forEach((s, i) => {
        expect(s.lines.map((t) => t.text)).toEqual(input(n, width, presenter, lang).services[i].lines)
        for (const t of s.lines) expect(t.y).toBeGreaterThanOrEqual(s.box.y + s.box.h)
      })
      // a service's name fits inside its box
      for (const s of l.services) {
        expect(s.name.x).toBeGreaterThanOrEqual(s.box.x)
        expect(s.name.x + s.name.w).toBeLessThanOrEqual(s.box.x + s.box.w)
      }
    },
  )

  it('draws 1:1 when the panel is wide enough, and wider (scaled down) only when it is not', () => {
    expect(layoutDirector(input(2, 690, false, 'en')).width).toBe(690)
    const narrow = layoutDirector(input(2, 200, true, 'en'))
    expect(narrow.width).toBeGreaterThan(200)
  })

  it('presenter mode draws the labels at 16 px or more', () => {
    const l = layoutDirector(input(2, 645, true, 'en'))
    for (const t of allTexts(l)) expect(t.size).toBeGreaterThanOrEqual(16)
  })

  it('estimates wide characters as wider', () => {
    expect(textWidth('静默', 10, false)).toBeGreaterThan(textWidth('ab', 10, false))
  })

  it('finds the overlap the old drawing had: a label under a box 28 units below', () => {
    // the check itself: a line at the old offset (+24 under a 26-high box, boxes 28 apart) hits the next box
    const label = { x: 350, y: 26 + 14 + 24 - 11, w: 80, h: 14 }
    const next = { x: 350, y: 26 + 14 + 28 - 13, w: 80, h: 26 }
    expect(intersects(label, next)).toBe(true)
  })
})

describe('the lines the Director draws', () => {
  const dest = (addr: number, forward: 'Route' | 'Masq' | 'Tunnel' | 'Local') => ({
    addr,
    port: 80,
    label: `x:${addr}`,
    weight: 1,
    forward,
    activeConns: 0,
    inactConns: 0,
    persistConns: 0,
    conns: 0,
  })
  const svc = (label: string, persistSec: number, netmask: string, destinations: ReturnType<typeof dest>[]) => ({
    key: label,
    label,
    family: label.includes('[') ? ('inet6' as const) : ('inet' as const),
    scheduler: 'wlc',
    persistSec,
    netmask,
    destinations,
    hiddenDestinations: 0,
  })

  it('names the scheduler, -p when persistent and -M when set', () => {
    expect(serviceLines(svc('TCP 1.2.3.4:80', 300, '255.255.255.255', []))).toEqual(['wlc · -p 300'])
    expect(serviceLines(svc('TCP 1.2.3.4:80', 0, '255.255.255.255', []))).toEqual(['wlc'])
    expect(serviceLines(svc('TCP 1.2.3.4:0', 300, '255.255.255.0', []))).toEqual(['wlc · -p 300', '-M 255.255.255.0'])
  })

  it('an IPv6 service: -M as the prefix length, and its VIP in the box', () => {
    expect(serviceLines(svc('TCP [2001:db8::10]:0', 300, '64', []))).toEqual(['wlc · -p 300', '-M 64'])
    expect(serviceLines(svc('TCP [2001:db8::10]:0', 300, '128', []))).toEqual(['wlc · -p 300'])
    // one IPv4 VIP: the ports say it all (the usual lab)
    expect(
      serviceNames([svc('TCP 1.2.3.4:80', 0, '255.255.255.255', []), svc('FWM 80', 0, '255.255.255.255', [])], 22),
    ).toEqual([':80', 'FWM 80'])
    // an IPv6 VIP is named; a long one cut in the middle among the others
    expect(serviceNames([svc('TCP [2001:db8::10]:0', 300, '64', [])], 22)).toEqual(['[2001:db8::10]:0'])
    expect(
      serviceNames(
        [
          svc('TCP [2001:db8:1234:5678:9abc::10]:80', 0, '128', []),
          svc('TCP [2001:db8:1234:5678:9abc::11]:80', 0, '128', []),
          svc('TCP 1.2.3.4:80', 0, '255.255.255.255', []),
        ],
        16,
      ),
    ).toEqual(['[2001:db8…::10]:80', '[2001:db8…::11]:80', '1.2.3.4:80'])
  })

  it("names a real server's forwarding method once, or per service when they differ", () => {
    const a = svc('TCP 1.2.3.4:80', 300, '255.255.255.255', [dest(1, 'Route'), dest(2, 'Masq')])
    const b = svc('TCP 1.2.3.4:443', 300, '255.255.255.255', [dest(1, 'Route'), dest(2, 'Tunnel')])
    expect(methodLines([a, b], 1)).toEqual(['Route'])
    expect(methodLines([a, b], 2)).toEqual(['Masq :80', 'Tunnel :443'])
    expect(methodLines([a, b], 3)).toEqual([])
    expect(methodLines([svc('FWM 80', 60, '255.255.255.255', [dest(1, 'Masq')]), b], 1)).toEqual([
      'Masq FWM 80',
      'Route :443',
    ])
  })
})
