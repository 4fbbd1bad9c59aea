import { describe, expect, it } from 'vitest'
import { parseKeepalivedConf } from './parser'

// Expected texts: Debian 12's keepalived 1:2.2.7-1+b2 run as `keepalived -t -f t.conf` (the
// checker process's lines, each once).
describe('keepalived.conf parser', () => {
  it('reads a virtual server, its real servers and checkers', () => {
    const r = parseKeepalivedConf(
      `! comment
global_defs {
   router_id LVS_DEVEL   # a comment
}
virtual_server 192.168.100.100 80 {
    delay_loop 6
    lb_algo rr
    lb_kind DR
    persistence_timeout 300
    persistence_granularity 255.255.255.0
    protocol TCP
    real_server 192.168.8.101 80 {
        weight 2
        inhibit_on_failure
        TCP_CHECK { connect_timeout 3
            retry 3
            delay_before_retry 1.5
        }
    }
    real_server 192.168.8.102 80 {
        HTTP_GET {
            url {
              path /health
              status_code 200 301-302
            }
        }
    }
}`,
      't.conf',
    )
    expect(r.messages).toEqual([])
    const vs = r.config?.virtualServers[0]
    expect(r.config?.routerId).toBe('LVS_DEVEL')
    expect(vs).toMatchObject({
      port: 80,
      sched: 'rr',
      kind: 'DR',
      protocol: 6,
      persistenceTimeout: 300,
      delayLoop: 6000,
    })
    expect(vs?.granularity).toBe(0xffffff00)
    expect(vs?.realServers[0]).toMatchObject({ weight: 2, inhibit: true, kind: 'DR' })
    expect(vs?.realServers[0].checkers[0]).toMatchObject({
      kind: 'TCP_CHECK',
      connectTimeout: 3000,
      retry: 3,
      delayBeforeRetry: 1500,
    })
    expect(vs?.realServers[1].checkers[0].urls).toEqual([
      {
        path: '/health',
        statusCodes: [
          [200, 200],
          [301, 302],
        ],
      },
    ])
    expect(vs?.realServers[1].weight).toBe(1)
  })

  it('reports wrong values with the line, in keepalived words, and applies nothing', () => {
    const r = parseKeepalivedConf(
      `virtual_server 192.168.100.100 80 {
    delay_loop 6
    lb_algo rrx
    lb_kind DRX
    persistence_timeout abc
    protocol TCPX
    real_server 192.168.8.101 80 {
        weight 1x
        TCP_CHECK {
            nonsense 4
        }
    }
}`,
      't2.conf',
    )
    expect(r.config).toBeNull()
    expect(r.messages).toEqual([
      "(t2.conf: Line 3) Invalid lvs_scheduler 'rrx' - ignoring",
      '(t2.conf: Line 4) PARSER : unknown [DRX] routing method for virtual server.',
      "(t2.conf: Line 5) invalid number 'abc'",
      '(t2.conf: Line 5) persistence_timeout invalid',
      '(t2.conf: Line 6) Unknown protocol TCPX - ignoring',
      "(t2.conf: Line 8) invalid number '1x'",
      '(t2.conf: Line 8) Real server weight 1x is outside range 0-2147483647',
      "(t2.conf: Line 10) Unknown keyword 'nonsense'",
      'Virtual server [192.168.100.100]:none:80: no protocol set - defaulting to UDP',
      "Virtual server [192.168.100.100]:udp:80: no scheduler set, setting default 'wlc'",
      'Virtual server [192.168.100.100]:udp:80: no forwarding method set, setting default NAT',
    ])
  })

  it('loses its way after an unknown block as keepalived does', () => {
    const r = parseKeepalivedConf(
      'virtual_server 10.0.0.1 80 {\n  protocol TCP\n  weird {\n    a 1\n  }\n  real_server 10.0.1.1 80 {\n  }\n}\n',
      't3.conf',
    )
    expect(r.messages).toEqual([
      "(t3.conf: Line 3) Unknown keyword 'weird'",
      "(t3.conf: Line 3) Unexpected '{' - ignoring",
      "(t3.conf: Line 4) Unknown keyword 'a'",
      "(t3.conf: Line 6) Unknown keyword 'real_server'",
      "(t3.conf: Line 6) Unexpected '{' - ignoring",
      "(t3.conf: Line 7) Unknown keyword '}'",
      "(t3.conf: Line 8) Unknown keyword '}'",
      'Virtual server [10.0.0.1]:tcp:80 has no real servers - ignoring',
    ])
  })

  it('counts braces: an extra one, a missing one', () => {
    expect(
      parseKeepalivedConf('virtual_server 10.0.0.1 80 {\n protocol TCP\n}\n}\n', 't5.conf').messages.slice(0, 2),
    ).toEqual(["(t5.conf: Line 4) Extra '}' found", "(t5.conf: Line 4) Unknown keyword '}'"])
    expect(
      parseKeepalivedConf('virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.1.1 80 {\n }\n', 't4.conf')
        .messages[0],
    ).toBe("There are 1 missing '}'s or extra '{'s")
  })

  it('checks numbers and ranges as read_timer() and read_unsigned_strvec() do', () => {
    const r = parseKeepalivedConf(
      'virtual_server 10.0.0.1 80 {\n  delay_loop 0\n  persistence_timeout 0\n  quorum 0\n  real_server 10.0.1.1 80 {\n    weight -1\n  }\n}\n',
      't6.conf',
    )
    expect(r.messages.slice(0, 8)).toEqual([
      "(t6.conf: Line 2) number '0' outside range [0.000001, 18446744073709.551614]",
      "(t6.conf: Line 2) virtual server delay loop '0' invalid - ignoring",
      "(t6.conf: Line 3) number '0' outside range [1, 2678400]",
      '(t6.conf: Line 3) persistence_timeout invalid',
      "(t6.conf: Line 4) number '0' outside range [1, 4294967295]",
      '(t6.conf: Line 4) Quorum 0 must be in [1, 4294967295]. Setting to 1.',
      "(t6.conf: Line 6) negative number '-1'",
      '(t6.conf: Line 6) Real server weight -1 is outside range 0-2147483647',
    ])
  })
})
