import { describe, expect, it } from 'vitest'
import { AddrBook, AddrBookCursor } from './addrBook'
import { CompareHost } from './compare'
import { Host } from './host'
import {
  applyAddrBook,
  decodeAddr,
  decodeAttempts,
  decodeTemplates,
  type Frame,
  type Reply,
  type Request,
  V6_ADDR_BASE,
} from './protocol'
import { classroom } from './testScenarios'

const frames = (replies: Reply[]): Frame[] => replies.filter((r): r is Frame => r.type === 'frame')

describe('addresses in the frames: address numbers and the address book', () => {
  it('an IPv4 address travels as itself, an IPv6 one as V6_ADDR_BASE + its index, the same index every time', () => {
    const book = new AddrBook()
    expect(book.encode(0xc0a80865 as never)).toBe(0xc0a80865)
    const a = book.encode('2001:db8:8::101' as never)
    const b = book.encode('2001:db8:8::102' as never)
    expect([a, b]).toEqual([V6_ADDR_BASE, V6_ADDR_BASE + 1])
    expect(book.encode('2001:db8:8::101' as never)).toBe(a)
    expect(book.decode(b)).toBe('2001:db8:8::102')
    expect(book.decode(0xc0a80865)).toBe(0xc0a80865)
    // an index the book never gave, and "no real server"
    expect(book.decode(V6_ADDR_BASE + 9)).toBeNull()
    expect(decodeAddr(-1, [])).toBeNull()
  })

  it("each host's cursor sends the entries it has not sent; the page's copy takes a resent entry as it is", () => {
    const book = new AddrBook()
    const lab = new AddrBookCursor(book)
    const other = new AddrBookCursor(book)
    book.encode('2001:db8::10' as never)
    expect(lab.take()).toEqual({ from: 0, list: ['2001:db8::10'] })
    expect(lab.take()).toBeNull()
    book.encode('2001:db8::11' as never)
    expect(lab.take()).toEqual({ from: 1, list: ['2001:db8::11'] })
    const page: string[] = []
    applyAddrBook(page, { from: 1, list: ['2001:db8::11'] })
    // another host (or a restarted worker) sends the book from 0: the same texts at the same places
    applyAddrBook(page, other.take())
    expect(page).toEqual(['2001:db8::10', '2001:db8::11'])
  })
})

describe('the IPv6 preset through the lab host', () => {
  /** The host after `ms` of the preset, every frame's book folded into one copy, as the page does. */
  function played(ms: number) {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('preset-ipv6-pcc'), name: 'preset-ipv6-pcc' })
    const page: string[] = []
    const seen: Frame[] = []
    const take = (replies: Reply[]) => {
      for (const f of frames(replies)) {
        applyAddrBook(page, f.addrs)
        seen.push(f)
      }
    }
    take(host.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' }))
    take(host.handle({ type: 'seek', toMs: ms }))
    take(host.handle({ type: 'frame', wallMs: 16, listing: null, listingFilter: '' }))
    const text = (n: number) => {
      const a = decodeAddr(n, page)
      return a === null ? null : typeof a === 'string' ? a : `v4:${a}`
    }
    return { host, page, seen, text }
  }

  it('names the IPv6 service, its -M prefix length and its real servers, each address readable from the book', () => {
    const { seen, text } = played(60_000)
    const services = seen.find((f) => f.services)?.services ?? []
    expect(services.map((s) => [s.label, s.family, s.netmask, s.persistSec])).toEqual([
      ['TCP [2001:db8::10]:0', 'inet6', '64', 300],
    ])
    expect(services[0].destinations.map((d) => [d.label, text(d.addr)])).toEqual([
      ['[2001:db8:8::101]:0', '2001:db8:8::101'],
      ['[2001:db8:8::102]:0', '2001:db8:8::102'],
    ])
  })

  it("templates carry the client's /64 prefix; two clients of one /64 share a template, and Why? says so", () => {
    const { host, seen, text } = played(60_000)
    const templates = seen.flatMap((f) => decodeTemplates(f.templates))
    const clients = new Set(templates.map((t) => text(t.client)))
    expect(clients).toEqual(new Set(['2001:db8:a:1::', '2001:db8:a:2::']))
    for (const t of templates) expect(['2001:db8:8::101', '2001:db8:8::102']).toContain(text(t.rsAddr))
    const last = [...seen].reverse().find((f) => f.attempts.length > 0) as Frame
    const attempts = decodeAttempts(last.attempts)
    // every attempt's addresses are in the book: the clients inside the two /64s, the VIP, a real server
    for (const a of attempts) {
      expect(text(a.client)).toMatch(/^2001:db8:a:[12]:/)
      expect(text(a.vip)).toBe('2001:db8::10')
    }
    // the scenario's second connection (2001:db8:a:1::20 on :443) found the first one's template
    const why = host.handle({ type: 'why', id: 1, target: { kind: 'attempt', seq: 2 } })[0] as Extract<
      Reply,
      { type: 'why' }
    >
    expect(why.steps.map((s) => s.key)).toContain('why.attempt.hit')
    expect(why.steps[0].values).toMatchObject({ client: '[2001:db8:a:1::20]:40002', vip: '[2001:db8::10]:443' })
    expect(why.steps.find((s) => s.key === 'why.attempt.hit')?.values).toMatchObject({
      template: '2001:db8:a:1::',
      rs: '2001:db8:8::102',
    })
    const first = host.handle({ type: 'why', id: 2, target: { kind: 'attempt', seq: 1 } })[0] as Extract<
      Reply,
      { type: 'why' }
    >
    expect(first.steps.find((s) => s.key === 'why.attempt.new')?.values).toMatchObject({
      template: '2001:db8:a:1::',
      netmask: '/64',
    })
  })

  it('Why? of a real server by its address number, and of a template, in IPv6 words', () => {
    const { host, seen } = played(60_000)
    const services = seen.find((f) => f.services)?.services ?? []
    const rs = services[0].destinations[1]
    const why = host.handle({ type: 'why', id: 3, target: { kind: 'rs', addr: rs.addr, port: 0 } })[0] as Extract<
      Reply,
      { type: 'why' }
    >
    expect(why.steps[0]).toEqual({
      key: 'why.rs.in',
      values: { rs: '[2001:db8:8::102]:0', service: 'TCP [2001:db8::10]:0', weight: 1, scheduler: 'rr' },
    })
    const [t] = seen.flatMap((f) => decodeTemplates(f.templates))
    const tw = host.handle({ type: 'why', id: 4, target: { kind: 'template', templateId: t.id } })[0] as Extract<
      Reply,
      { type: 'why' }
    >
    expect(tw.steps[0].values).toMatchObject({ client: '2001:db8:a:1::', service: 'TCP [2001:db8::10]:0' })
  })

  it("a probe asks about an IPv6 connection and an IPv6 client's template", () => {
    const host = new Host({ now: () => 0 })
    host.handle({ type: 'load', scenario: classroom('preset-ipv6-pcc'), name: 'preset-ipv6-pcc' })
    const ask = (req: Request) => host.handle(req)[0] as Extract<Reply, { type: 'probe' }>
    expect(ask({ type: 'probe', id: 1, probe: { kind: 'connection-rs', index: 1 } }).answer).toMatchObject({
      ok: true,
      value: '2001:db8:8::102',
    })
    expect(
      ask({ type: 'probe', id: 2, probe: { kind: 'template-live', client: '2001:db8:a:1::', atMs: 4000 } }).answer,
    ).toEqual({ ok: true, value: true })
  })

  it('compare frames carry their IPv6 real servers as address numbers and the book entries for them', () => {
    const compare = new CompareHost({ now: () => 0 })
    const base = classroom('preset-ipv6-pcc')
    const [started] = compare.handle({
      type: 'compare-start',
      base,
      configs: [
        { id: 'pcc', label: 'PCC -M 64', commands: (base as { commands: string[] }).commands },
        {
          id: 'pcc128',
          label: 'PCC, no -M',
          commands: [
            'ipvsadm -A -t [2001:db8::10]:0 -s rr -p 300',
            'ipvsadm -a -t [2001:db8::10]:0 -r 2001:db8:8::101 -g',
            'ipvsadm -a -t [2001:db8::10]:0 -r 2001:db8:8::102 -g',
          ],
        },
      ],
    })
    expect(started.type).toBe('compare-started')
    const [f] = compare.handle({ type: 'frame', wallMs: 0, listing: null, listingFilter: '' })
    if (f.type !== 'compare-frame') throw new Error(f.type)
    const page: string[] = []
    // the cursor sends what this host has not sent (the lab host's entries too: the book is the worker's)
    applyAddrBook(page, f.addrs)
    for (const run of f.runs)
      expect(run.rs.map((r) => [r.label, decodeAddr(r.addr, page)])).toEqual([
        ['[2001:db8:8::101]:0', '2001:db8:8::101'],
        ['[2001:db8:8::102]:0', '2001:db8:8::102'],
      ])
  })
})
