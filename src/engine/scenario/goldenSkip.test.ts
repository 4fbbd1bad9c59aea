import { describe, expect, it } from 'vitest'
import { goldenSkipReason } from './goldenSkip'

const scenario = (commands: string[], client = '10.0.0.1', vip = '192.168.100.100') =>
  JSON.stringify({
    name: 't',
    commands,
    connections: [{ at: 0, client, clientPort: 40001, proto: 'tcp', vip, vport: 80, hold: 1 }],
    midCommands: [],
    snapshots: [],
    until: 5,
  })

describe('goldenSkipReason: what the engine cannot replay, by rule', () => {
  it('replays IPv6 services, clients and -f MARK -6 (the IPv6 model is on)', () => {
    expect(
      goldenSkipReason(
        scenario(
          ['ipvsadm -A -t [2001:db8::100]:80 -s rr -p 60 -M 64', 'ipvsadm -A -f 9 -6 -s rr'],
          '2001:db8:a::1',
          '2001:db8::100',
        ),
      ),
    ).toBeNull()
  })

  it('skips a scenario that marks IPv6 packets with ip6tables (no IPv6 tables in the model)', () => {
    expect(
      goldenSkipReason(scenario(['ip6tables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 9'])),
    ).toBe('uses ip6tables (IPv6 firewall marks are not modelled yet)')
  })
})
