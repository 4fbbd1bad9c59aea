import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { at, connect, lnc, request, setup } from '../testkit'

const PPC = [
  'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g -w 2',
]

describe('persistence templates', () => {
  it('a valid template sends every new connection with its key to its server (the scheduler is not asked)', () => {
    const sim = setup(new Simulator(), ...PPC)
    expect(request(sim, '10.0.0.1', 40001)).toBe('192.168.8.102:80')
    expect(request(sim, '10.0.0.2', 40002)).toBe('192.168.8.101:80')
    for (let i = 0; i < 5; i++) expect(request(sim, '10.0.0.1', 40010 + i)).toBe('192.168.8.102:80')
    // rr's cursor did not move for the returning client
    expect(request(sim, '10.0.0.3', 40003)).toBe('192.168.8.102:80')
  })

  it('PPC keys are per port, PCC (port 0) keys are per client, fwmark keys are IP 0.0.0.MARK', () => {
    const sim = setup(new Simulator(), ...PPC)
    request(sim, '10.0.0.1', 40001)
    expect(lnc(sim).filter((l) => l.includes('ASSURED'))).toEqual([
      'TCP 05:00  ASSURED     10.0.0.1:0         192.168.100.100:80 192.168.8.102:80',
    ])
    const pcc = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:0 -s rr -p 300',
      'ipvsadm -a -t 192.168.100.100:0 -r 192.168.8.101',
      'ipvsadm -a -t 192.168.100.100:0 -r 192.168.8.102',
    )
    expect(request(pcc, '10.0.0.1', 40001, 80)).toBe('192.168.8.102:80')
    expect(request(pcc, '10.0.0.1', 40002, 443)).toBe('192.168.8.102:443')
    expect(request(pcc, '10.0.0.1', 40003, 22)).toBe('192.168.8.102:22')
    expect(lnc(pcc).filter((l) => l.includes('ASSURED'))).toEqual([
      'TCP 05:00  ASSURED     10.0.0.1:0         192.168.100.100:0  192.168.8.102:0',
    ])
  })

  it('the netmask makes one template for a whole network (-M 255.255.255.0)', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300 -M 255.255.255.0',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
    )
    expect(request(sim, '10.0.0.1', 40001)).toBe('192.168.8.102:80')
    expect(request(sim, '10.0.0.200', 40002)).toBe('192.168.8.102:80')
    expect(request(sim, '10.0.1.7', 40003)).toBe('192.168.8.101:80')
    expect(
      lnc(sim)
        .filter((l) => l.includes('ASSURED'))
        .map((l) => l.split(/\s+/)[3]),
    ).toEqual(['10.0.0.0:0', '10.0.1.0:0'])
  })

  it('each new connection restarts the timer at -p; packets of existing connections do not', () => {
    const sim = setup(new Simulator(), 'ipvsadm --set 5 5 5', ...PPC.map((l) => l.replace('-p 300', '-p 10')))
    request(sim, '10.0.0.1', 40001)
    at(sim, 4)
    request(sim, '10.0.0.1', 40002)
    expect(lnc(sim).find((l) => l.includes('ASSURED'))).toContain('00:10')
    at(sim, 13.5)
    // the FIN_WAIT entry (5 s) is gone at 9; the template ran out at 14 minus nothing: still listed
    expect(lnc(sim).find((l) => l.includes('ASSURED'))).toContain('00:00')
    at(sim, 14.5)
    expect(lnc(sim)).toEqual([])
  })

  it('re-arms a fixed 60 s while connections still depend on it, and that 60 s sticks (golden: rearm-60s-open-connection)', () => {
    const sim = setup(new Simulator(), 'ipvsadm --set 900 5 5', ...PPC.map((l) => l.replace('-p 300', '-p 10')))
    const c = connect(sim, '10.0.0.1', 40001)
    at(sim, 11)
    expect(lnc(sim).find((l) => l.includes('ASSURED'))).toContain('00:59')
    at(sim, 25)
    sim.tcpClose(c, 'fin')
    at(sim, 69)
    expect(lnc(sim)).toHaveLength(1)
    // a returning client refreshes it to 60 s, not to -p 10
    expect(request(sim, '10.0.0.1', 40002)).toBe('192.168.8.102:80')
    expect(lnc(sim).find((l) => l.includes('ASSURED'))).toContain('01:00')
    // a new client's template shows -p
    request(sim, '10.0.0.2', 40003)
    expect(lnc(sim).find((l) => l.includes('10.0.0.2:0'))).toContain('00:10')
  })

  it('reuses a quiescent (weight 0) server; with expire_quiescent_template=1 the template is invalidated', () => {
    for (const eqt of [0, 1]) {
      const sim = setup(new Simulator(), `sysctl -w net.ipv4.vs.expire_quiescent_template=${eqt}`, ...PPC)
      expect(request(sim, '10.0.0.1', 40001)).toBe('192.168.8.102:80')
      setup(sim, 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.102 -w 0')
      expect(request(sim, '10.0.0.1', 40002)).toBe(eqt ? '192.168.8.101:80' : '192.168.8.102:80')
      if (eqt) expect(lnc(sim).some((l) => l.includes('192.168.100.100:65535 192.168.8.102:65535'))).toBe(true)
    }
  })

  it('a deleted server invalidates its templates (65535, kept until their timer runs out); re-adding brings them back', () => {
    const sim = setup(new Simulator(), ...PPC)
    expect(request(sim, '10.0.0.1', 40001)).toBe('192.168.8.102:80')
    expect(request(sim, '10.0.0.2', 40002)).toBe('192.168.8.101:80')
    setup(sim, 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102')
    expect(request(sim, '10.0.0.1', 40003)).toBe('192.168.8.101:80')
    expect(lnc(sim).filter((l) => l.includes('65535'))).toEqual([
      'TCP 05:00  ASSURED     10.0.0.1:0         192.168.100.100:65535 192.168.8.102:65535',
    ])
    // 10.0.0.3 had a template on .101; delete .101, re-add it: its templates are valid again
    setup(sim, 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g -w 2')
    expect(request(sim, '10.0.0.3', 40004)).toBe('192.168.8.102:80')
    setup(
      sim,
      'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2',
    )
    expect(request(sim, '10.0.0.2', 40005)).toBe('192.168.8.101:80')
    expect(lnc(sim).filter((l) => l.includes('65535'))).toHaveLength(1)
  })

  it('-E never rewrites existing templates (golden: edit-E-change-p)', () => {
    const sim = setup(new Simulator(), ...PPC)
    request(sim, '10.0.0.1', 40001)
    setup(sim, 'ipvsadm -E -t 192.168.100.100:80 -s rr -p 20')
    at(sim, 3)
    request(sim, '10.0.0.1', 40002)
    request(sim, '10.0.0.2', 40003)
    const rows = lnc(sim).filter((l) => l.includes('ASSURED'))
    expect(rows.find((l) => l.includes('10.0.0.1:0'))).toContain('05:00')
    expect(rows.find((l) => l.includes('10.0.0.2:0'))).toContain('00:20')
  })

  it('an overloaded server keeps its persistent clients', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -x 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -x 1',
    )
    connect(sim, '10.0.0.1', 40001)
    connect(sim, '10.0.0.2', 40002)
    expect(connect(sim, '10.0.0.3', 40003).rs).toBeNull()
    expect(connect(sim, '10.0.0.1', 40004).rs).toBe('192.168.8.102:80')
  })
})

describe('the textbook rule (shown beside the kernel, never the model)', () => {
  it('drops a template whose only connections are closed (FIN_WAIT), where the kernel keeps it', async () => {
    const { Simulator, newClientTcp } = await import('../host/simulator')
    const { parseDottedQuad } = await import('../net/ipv4')
    const run = (rule: 'kernel' | 'textbook') => {
      const sim = new Simulator()
      sim.director.templateRule = rule
      sim.run('ipvsadm -A -t 192.168.100.100:80 -s rr -p 10')
      sim.run('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g')
      const c = newClientTcp(
        parseDottedQuad('10.0.0.7') as never,
        40001,
        parseDottedQuad('192.168.100.100') as never,
        80,
      )
      sim.tcpConnect(c)
      sim.advanceTo(2000 as never)
      sim.tcpClose(c, 'fin')
      sim.advanceTo(30_000 as never)
      return [...sim.director.table.all].filter((x) => x.isTemplate).length
    }
    // kernel: the FIN_WAIT entry (120 s) keeps the template, re-armed 60 s at a time
    expect(run('kernel')).toBe(1)
    // textbook: -p 10 after the last connection started, nobody online: gone
    expect(run('textbook')).toBe(0)
  })
})
