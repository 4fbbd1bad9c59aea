import { describe, expect, it } from 'vitest'
import en from '../i18n/en.json'
import zh from '../i18n/zh-CN.json'
import type { NetfilterStep, PacketView } from '../worker/protocol'
import { arrowLabel, columnsOf, fieldText, netfilterLines, pcapName, type Tr, windowOf } from './packetsText'

const host = (role: string, addr: string) => ({ role, addr, mac: '02:00:00:00:00:01' })
const pkt = (from: string, to: string, fields: Record<string, string> = {}): PacketView => ({
  n: 1,
  at: 0,
  conn: { proto: 'tcp', client: '10.0.0.1:1', virtual: '192.168.100.100:80', real: null },
  hop: `${from}→${to}`,
  from: host(from, '10.0.0.1'),
  to: host(to, '192.168.100.100'),
  fn: 'tcp_connect',
  fate: 'forwarded',
  madeFrom: null,
  frameLength: 74,
  fields,
  changed: [],
})

describe('the Packets view words', () => {
  it('columns: only the hosts the packets pass, client first, real server last', () => {
    expect(columnsOf([pkt('real-server', 'client'), pkt('client', 'director')])).toEqual([
      'client',
      'director',
      'real-server',
    ])
    expect(columnsOf([pkt('real-server', 'gateway')])).toEqual(['gateway', 'real-server'])
  })
  it('an arrow says flags and addresses; a tunnelled packet its outer header too', () => {
    const f = {
      'ip.src': '10.0.0.1',
      'ip.dst': '192.168.100.100',
      'tcp.flags': 'S',
      'tcp.sport': '1',
      'tcp.dport': '80',
    }
    expect(arrowLabel(pkt('client', 'director', f))).toBe('[S] 10.0.0.1:1 → 192.168.100.100:80')
    const tun = { ...f, 'outer.ip.src': '192.168.8.1', 'outer.ip.dst': '192.168.8.103' }
    expect(arrowLabel(pkt('director', 'real-server', tun))).toBe(
      '[S] 10.0.0.1:1 → 192.168.100.100:80 ‹IPIP 192.168.8.1 → 192.168.8.103›',
    )
    expect(
      arrowLabel(pkt('client', 'director', { 'ip.src': 'a', 'ip.dst': 'b', 'udp.sport': '5', 'udp.dport': '53' })),
    ).toBe('UDP a:5 → b:53')
  })
  it('TCP options as tcpdump writes them; a file name per connection', () => {
    const o = JSON.stringify([{ kind: 'mss', value: 1460 }, { kind: 'sackOK' }, { kind: 'TS', val: 5, ecr: 0 }])
    expect(fieldText('tcp.options', o)).toBe('mss 1460,sackOK,TS val 5 ecr 0')
    expect(fieldText('ip.ttl', '64')).toBe('64')
    expect(pcapName({ conn: { client: '10.0.0.1:1', virtual: '192.168.100.100:80', atMs: 0 } })).toBe(
      '10-0-0-1-1_192-168-100-100-80.pcap',
    )
    expect(pcapName({ conn: null })).toBe('lvs-lab-run.pcap')
    expect(pcapName({ conn: null, fromMs: 2000, toMs: 7500 })).toBe('lvs-lab-2s-7.5s.pcap')
  })
  it("the time window offered: from the connection's second to the present, at least a second long", () => {
    expect(windowOf(2400, 9100)).toEqual({ from: '2', to: '10' })
    expect(windowOf(5000, 5000)).toEqual({ from: '5', to: '6' })
    expect(windowOf(-1, 0)).toEqual({ from: '0', to: '1' })
  })
})

/** The messages of a language, with {{name}} filled as i18next does (escapeValue false). */
const trOf =
  (lang: unknown): Tr =>
  (key, params = {}) => {
    let m: unknown = lang
    for (const part of key.split('.')) m = (m as Record<string, unknown>)[part]
    if (typeof m !== 'string') throw new Error(`no message ${key}`)
    return m.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k]))
  }

describe('the director’s netfilter path in words', () => {
  const steps: NetfilterStep[] = [
    {
      hook: 'PREROUTING',
      table: 'raw',
      chain: 'PREROUTING',
      priority: -300,
      empty: true,
      rules: [],
      verdict: 'ACCEPT',
      mark: 0,
    },
    {
      hook: 'PREROUTING',
      table: 'mangle',
      chain: 'PREROUTING',
      priority: -150,
      rules: [{ n: 2, rule: '-A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x3/0xffffffff' }],
      verdict: 'policy ACCEPT',
      mark: 3,
    },
    { hook: 'routing', table: 'route', chain: 'local', priority: null, rules: [], verdict: 'ACCEPT', mark: 3 },
    {
      hook: 'INPUT',
      table: 'ipvs',
      chain: 'ip_vs_in_hook',
      priority: 99,
      rules: [],
      verdict: 'forwarded',
      mark: 3,
      service: 'FWM 3',
      entry: 'new',
    },
  ]
  it('English: each hook with its priority, the rule that matched by number and -A text, the mark, the service', () => {
    expect(netfilterLines(steps, trOf(en))).toEqual([
      { head: 'raw PREROUTING (-300): no rules', rules: [] },
      {
        head: 'mangle PREROUTING (-150): policy ACCEPT, mark 0x3',
        rules: ['rule 2 matched: -A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x3/0xffffffff'],
      },
      { head: "Routing: the VIP is the director's own address, so the packet goes to INPUT, mark 0x3", rules: [] },
      { head: 'IPVS (ip_vs_in_hook, 99): FWM 3 took it: a new connection entry, mark 0x3', rules: [] },
    ])
  })
  it('中文: the same steps, the rule text and service names as the tools print them', () => {
    const zhLines = netfilterLines(steps, trOf(zh))
    expect(zhLines[1].rules[0]).toBe(
      '匹配规则 2：-A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x3/0xffffffff',
    )
    expect(zhLines[3].head).toBe('IPVS（ip_vs_in_hook，99）：由 FWM 3 接收：新建连接条目，mark 0x3')
  })
  it('no service: the packet is the director’s own', () => {
    const local: NetfilterStep = { ...steps[3], verdict: 'local:no-service', service: null, mark: 0 }
    expect(netfilterLines([local], trOf(en))[0].head).toBe(
      "IPVS (ip_vs_in_hook, 99): not for IPVS: the director's own stack gets it",
    )
  })
})
