import { describe, expect, it } from 'vitest'
import { validateScenario } from './schema'

describe('the scenario schema', () => {
  it('takes a description per locale, and refuses a key that is no locale', () => {
    const ok = validateScenario({ until: 10, description: 'two servers', descriptions: { 'zh-CN': '两台服务器' } })
    expect(ok.ok && ok.scenario.descriptions).toEqual({ 'zh-CN': '两台服务器' })
    const bad = validateScenario({ until: 10, descriptions: { 'Chinese please': '两台服务器' } })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.error).toMatch(/expected a locale such as zh-CN/)
  })

  it('a UDP connection may carry a payload (a SIP request for --pe sip); a TCP one may not', () => {
    const conn = { at: 0, client: '10.0.0.1', clientPort: 5060, vip: '192.168.100.100', vport: 5060, hold: 0 }
    const payload = 'OPTIONS sip:x SIP/2.0\r\nCall-ID: abc\r\n\r\n'
    const ok = validateScenario({ until: 10, connections: [{ ...conn, proto: 'udp', payload }] })
    expect(ok.ok && ok.scenario.connections[0].payload).toBe(payload)
    const tcp = validateScenario({ until: 10, connections: [{ ...conn, proto: 'tcp', payload }] })
    expect(!tcp.ok && tcp.error).toBe('connections[0].payload: a payload is for UDP datagrams ("proto": "udp")')
    const big = validateScenario({ until: 10, connections: [{ ...conn, proto: 'udp', payload: 'é'.repeat(32754) }] })
    expect(!big.ok && big.error).toBe('connections[0].payload: a UDP payload is at most 65,507 bytes')
  })

  it('takes a topology (every field optional) and names the bad field of a wrong one', () => {
    const topology = {
      director: { dip: '192.168.8.1' },
      realServers: { '192.168.8.101': { vip: 'lo', arp_ignore: 0 } },
      router: { addr: '192.168.8.254', locktime_ms: 1000 },
    }
    const ok = validateScenario({ until: 10, topology })
    expect(ok.ok && ok.scenario.topology).toEqual(topology)
    const cases: [unknown, RegExp][] = [
      [{ realServers: { '192.168.8.101': { vip: 'eth0' } } }, /vip: expected "lo", "tunl0" or "none"/],
      [{ realServers: { '192.168.8.101': { arp_announce: 3 } } }, /arp_announce: must be 0…2/],
      [{ realServers: { 'rs-1': {} } }, /expected a dotted-quad IPv4 address/],
      [{ director: { gateway: '10.0.0.1' } }, /topology\.director\.gateway: unknown field/],
      [{ router: { addr: 'gw' } }, /topology\.router\.addr: expected a dotted-quad IPv4 address/],
      [{ router: { base_reachable_time_ms: 0 } }, /topology\.router\.base_reachable_time_ms: must be ≥ 1/],
    ]
    for (const [t, re] of cases) {
      const bad = validateScenario({ until: 10, topology: t })
      expect(!bad.ok && bad.error).toMatch(re)
    }
  })
})
