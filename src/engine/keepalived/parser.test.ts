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

// VRRP's texts: keepalived 2.2.7's sources (vrrp/vrrp_parser.c, core/global_parser.c, vrrp/vrrp.c
// vrrp_complete_instance(), lib/parser.c), as `keepalived -t` prints them (no "WARNING - ").
describe('keepalived.conf parser: VRRP', () => {
  const VRRP = `global_defs {
   router_id LVS_A
   lvs_sync_daemon eth0 VI_1 id 7 maxlen 1400 port 8848 ttl 2 group 224.0.0.81
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 2
    nopreempt
    preempt
    preempt_delay 2.5
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        192.168.100.100/24 dev eth0 label eth0:1
        192.168.100.101
    }
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    virtual_ipaddress { 192.168.100.102 }
}
`

  it('reads vrrp_instance and lvs_sync_daemon, completing them as vrrp_complete_instance() does', () => {
    const r = parseKeepalivedConf(VRRP, 'v.conf')
    expect(r.messages).toEqual(['(VI_1) Warning - preempt delay will not work with initial state MASTER - clearing'])
  })

  it('the same, valid: defaults (priority 100 → BACKUP, advert_int 1 s, VRRPv2, garp 5 s × 5) and the syncid', () => {
    const valid = VRRP.replace('    preempt_delay 2.5\n', '')
    const r = parseKeepalivedConf(valid, 'v.conf')
    expect(r.messages).toEqual([])
    const [a, b] = r.config?.vrrpInstances ?? []
    expect(a).toMatchObject({
      name: 'VI_1',
      line: 5,
      state: 'MASTER',
      interface: 'eth0',
      vrid: 51,
      priority: 150,
      advertIntUs: 2_000_000,
      version: 2,
      nopreempt: false,
      preemptDelayUs: 0,
      auth: { type: 'PASS', pass: '1111' },
      garpDelayUs: 5_000_000,
      garpRepeat: 5,
    })
    expect(a.vips).toEqual([
      { addr: 0xc0a86464, prefixLen: 24, dev: 'eth0', label: 'eth0:1' },
      { addr: 0xc0a86465, prefixLen: 32, dev: null, label: null },
    ])
    expect(b).toMatchObject({ state: 'BACKUP', priority: 100, advertIntUs: 1_000_000, vips: [{ addr: 0xc0a86466 }] })
    expect(r.config?.lvsSyncDaemon).toEqual({
      ifname: 'eth0',
      instance: 'VI_1',
      syncid: 7,
      maxlen: 1400,
      port: 8848,
      ttl: 2,
      group: 0xe0000051,
    })
    // without id the syncid is the instance's virtual_router_id
    const d = parseKeepalivedConf(valid.replace(/lvs_sync_daemon .*/, 'lvs_sync_daemon eth1 VI_2'), 'v.conf')
    expect(d.config?.lvsSyncDaemon).toMatchObject({ ifname: 'eth1', instance: 'VI_2', syncid: 52 })
  })

  it("reports wrong values in keepalived's words, with the line", () => {
    const r = parseKeepalivedConf(
      `vrrp_instance VI_1 {
  state MASTR
  interface eth0
  virtual_router_id 300
  priority 0
  advert_int 0
  preempt_delay 2000
  version 4
  virtual_ipaddress {
    192.168.100.300
    10.0.0.1/33
    10.0.0.2 dev
    10.0.0.3 scope link
  }
  authentication {
    auth_type MD5
  }
}
`,
      'b.conf',
    )
    expect(r.config).toBeNull()
    expect(r.messages).toEqual([
      "(b.conf: Line 2) (VI_1) unknown state 'MASTR', defaulting to BACKUP",
      "(b.conf: Line 4) number '300' outside range [1, 255]",
      "(b.conf: Line 4) (VI_1): VRID '300' not valid - must be between 1 & 255",
      "(b.conf: Line 5) number '0' outside range [1, 255]",
      '(b.conf: Line 5) (VI_1) Priority not valid! must be between 1 & 255. Using default 100',
      "(b.conf: Line 6) number '0' outside range [0.010000, 255.000000]",
      '(b.conf: Line 6) (VI_1) Advert interval (0) not valid! Must be > 0 - ignoring',
      "(b.conf: Line 7) number '2000' outside range [0.000000, 1000.000000]",
      '(b.conf: Line 7) (VI_1) Preempt_delay not valid! must be between 0-1000',
      "(b.conf: Line 8) number '4' outside range [2, 3]",
      '(b.conf: Line 8) (VI_1): Version must be either 2 or 3',
      '(b.conf: Line 10) VRRP parsed invalid IP 192.168.100.300. skipping IP...',
      "(b.conf: Line 11) number '33' outside range [0, 32]",
      '(b.conf: Line 11) Invalid address prefix len 33 for address 10.0.0.1/33 - using 32',
      '(b.conf: Line 12) No dev parameter specified for 10.0.0.2',
      "(b.conf: Line 13) 'scope' is not supported in this lab",
      "(b.conf: Line 16) (VI_1) unknown authentication type 'MD5'",
      // chk_min_cfg(): the VRRP process stops at the first instance without a virtual router id
      '(VI_1) the virtual router id must be set',
    ])
  })

  it('VRRPv2 rounds a fractional advert_int (and says so); VRRPv3 takes 10 ms units', () => {
    const conf = (extra: string, adv: string) =>
      `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n advert_int ${adv}\n${extra} virtual_ipaddress {\n  10.0.0.1\n }\n}\n`
    expect(parseKeepalivedConf(conf('', '0.5'), 'a.conf').messages).toEqual([
      '(VI_1) VRRPv2 advertisement interval 0.500000s must be an integer. rounding',
    ])
    const v3 = parseKeepalivedConf(conf(' version 3\n', '0.5'), 'a.conf')
    expect(v3.messages).toEqual([])
    expect(v3.config?.vrrpInstances[0]).toMatchObject({ version: 3, advertIntUs: 500_000 })
    expect(parseKeepalivedConf(`global_defs {\n vrrp_version 3\n}\n${conf('', '0.125')}`, 'a.conf').messages).toEqual([
      '(VI_1) VRRPv3 advertisement interval 0.125000s must be in units of 10ms - rounding',
    ])
    expect(parseKeepalivedConf(conf('', '1.1234567'), 'a.conf').messages[0]).toBe(
      "(a.conf: Line 4) number '1.1234567' has too many decimal places",
    )
  })

  it('skips what the lab does not model, saying so, and reads on in the instance', () => {
    const r = parseKeepalivedConf(
      `vrrp_script chk {
  script "/bin/true"
}
vrrp_instance VI_1 {
  interface eth0
  track_script {
    chk
  }
  unicast_peer {
    10.0.0.9
  }
  notify_master /bin/true
  virtual_router_id 9
  virtual_ipaddress {
    10.0.0.1
  }
}
`,
      'u.conf',
    )
    expect(r.messages).toEqual([
      "(u.conf: Line 1) 'vrrp_script' is not supported in this lab",
      "(u.conf: Line 6) 'track_script' is not supported in this lab",
      "(u.conf: Line 9) 'unicast_peer' is not supported in this lab",
      "(u.conf: Line 12) 'notify_master' is not supported in this lab",
    ])
  })

  it('completes as vrrp_complete_instance(): priority ↔ state, nopreempt, preempt_delay, authentication, VRIDs', () => {
    const one = (body: string, name = 'VI_1', vrid = 1) =>
      `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n${body} virtual_ipaddress {\n  10.0.0.${vrid}\n }\n}\n`
    const owner = parseKeepalivedConf(one(' state MASTER\n nopreempt\n'), 'c.conf')
    expect(owner.messages).toEqual(['(VI_1) nopreempt is incompatible with priority 255. resetting nopreempt'])
    expect(parseKeepalivedConf(one(' state MASTER\n priority 100\n nopreempt\n'), 'c.conf').messages).toEqual([
      '(VI_1) Warning - nopreempt will not work with initial state MASTER - clearing',
    ])
    expect(parseKeepalivedConf(one(' nopreempt\n preempt_delay 3\n'), 'c.conf').messages).toEqual([
      '(VI_1) preempt_delay is incompatible with nopreempt mode - resetting',
    ])
    expect(parseKeepalivedConf(one(' priority 255\n'), 'c.conf').messages).toEqual([])
    expect(parseKeepalivedConf(one(' priority 255\n'), 'c.conf').config?.vrrpInstances[0].state).toBe('MASTER')
    expect(parseKeepalivedConf(one(' authentication {\n  auth_type PASS\n }\n'), 'c.conf').messages).toEqual([
      '(VI_1) Authentication specified but no password given. Ignoring',
    ])
    expect(
      parseKeepalivedConf(one(' version 3\n authentication {\n  auth_type PASS\n  auth_pass 123456789\n }\n'), 'c.conf')
        .messages,
    ).toEqual([
      '(c.conf: Line 7) Truncating auth_pass to 8 characters',
      '(VI_1) VRRP version 3 does not support authentication. Ignoring.',
    ])
    expect(parseKeepalivedConf(one('', 'VI_1', 5) + one('', 'VI_2', 5), 'c.conf').messages).toEqual([
      'VI_1 and VI_2 both use VRID 5 with IPv4 on interface eth0',
    ])
    expect(parseKeepalivedConf(one('') + one('', 'VI_1', 2), 'c.conf').messages).toEqual([
      '(c.conf: Line 8) vrrp instance VI_1 already defined',
    ])
    expect(parseKeepalivedConf(' vrrp_instance {\n}\n', 'c.conf').messages[0]).toBe(
      '(c.conf: Line 1) vrrp_instance must have a name',
    )
    const noVip = parseKeepalivedConf('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\n', 'c.conf')
    expect(noVip.messages).toEqual(['(VI_1) No VIP specified; at least one is sensible'])
    const noIf = parseKeepalivedConf('vrrp_instance VI_1 {\n virtual_router_id 1\n}\n', 'c.conf')
    expect(noIf.messages).toEqual(['(VI_1) Unknown interface!'])
  })

  it("checks interfaces against the director's when it knows them", () => {
    const text =
      'vrrp_instance VI_1 {\n interface eth7\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1 dev eth9\n }\n}\n'
    expect(parseKeepalivedConf(text, 'i.conf', { interfaces: ['lo', 'eth0'] }).messages).toEqual([
      "(i.conf: Line 2) WARNING - interface eth7 for vrrp_instance VI_1 doesn't exist",
      "(i.conf: Line 5) WARNING - interface eth9 for ip address 10.0.0.1 doesn't exist",
      'Non-existent interface specified in configuration',
    ])
    expect(parseKeepalivedConf(text, 'i.conf').messages).toEqual([])
  })

  it('lvs_sync_daemon: the old positional syncid, a missing instance, bad values', () => {
    const inst =
      'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n'
    const g = (line: string) => parseKeepalivedConf(`global_defs {\n ${line}\n}\n${inst}`, 's.conf')
    const old = g('lvs_sync_daemon eth0 VI_1 3')
    expect(old.messages).toEqual(['(s.conf: Line 2) Please use keyword "id" before lvs_sync_daemon SYNCID'])
    expect(g('lvs_sync_daemon eth0 VI_1').config?.lvsSyncDaemon?.syncid).toBe(9)
    expect(g('lvs_sync_daemon eth0 VI_9').messages).toEqual([
      'Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config',
    ])
    expect(g('lvs_sync_daemon eth0 VI_1 id 300 port 0 group 10.0.0.1 ttl').messages).toEqual([
      "(s.conf: Line 2) number '300' outside range [0, 255]",
      '(s.conf: Line 2) Invalid syncid (300) - defaulting to vrid',
      "(s.conf: Line 2) number '0' outside range [1, 65535]",
      '(s.conf: Line 2) Invalid lvs_sync_daemon port (0) - ignoring',
      '(s.conf: Line 2) lvs_sync_daemon group address 10.0.0.1 is not multicast - ignoring',
      '(s.conf: Line 2) No value specified for lvs_sync_daemon ttl - ignoring',
    ])
    expect(g('lvs_sync_daemon').messages).toEqual(['(s.conf: Line 2) lvs_sync_daemon requires interface'])
  })
})
