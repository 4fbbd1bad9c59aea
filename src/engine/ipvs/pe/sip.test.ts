import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { utf8Bytes } from '../../lib/utf8'
import { asPort } from '../../net/ipv4'
import { connect, ip, lnc, setup } from '../../testkit'
import { getCallId, sipFillParam } from './sip'

/**
 * The SIP persistence engine of Linux 6.1.192: net/netfilter/ipvs/ip_vs_pe_sip.c
 * (ip_vs_sip_fill_param(), get_callid(), ip_vs_sip_ct_match(), ip_vs_sip_show_pe_data()),
 * nf_conntrack_sip.c's ct_sip_get_header() and callid_len(), and what ip_vs_sched_persist()
 * does when fill_param fails (*ignored = -1: NF_DROP, no ICMP).
 */
const req = (headers: string) => `OPTIONS sip:192.168.100.100 SIP/2.0\r\n${headers}\r\n\r\n`
const cid = (s: string) => getCallId(utf8Bytes(s))

describe('get_callid()', () => {
  it('finds Call-ID (any case) and the compact form i, after a line end only', () => {
    expect(cid(req('Via: SIP/2.0/UDP 10.0.0.1\r\nCall-ID: a84b4c76e66710@pc33'))).toBe('a84b4c76e66710@pc33')
    expect(cid(req('call-id:   abc'))).toBe('abc')
    expect(cid(req('i: xyz'))).toBe('xyz')
    expect(cid(req('Max-Forwards: 70\nI:\tq1'))).toBe('q1') // LF-only lines (RFC 2543)
    expect(cid('Call-ID: first-line\r\n')).toBeNull() // the request line is never a header
    expect(cid(req('Identity: x'))).toBeNull() // compact i must not be followed by a letter
  })

  it('refuses a value at the very end, one longer than IP_VS_PEDATA_MAXLEN, and a missing header', () => {
    expect(cid('X\r\nCall-ID: abc')).toBeNull() // no line terminator after it
    expect(cid(req(`Call-ID: ${'a'.repeat(255)}`))).toBe('a'.repeat(255))
    expect(cid(req(`Call-ID: ${'a'.repeat(256)}`))).toBeNull()
    expect(cid(req('To: <sip:x>'))).toBeNull()
    expect(cid(req('Call-ID: a@'))).toBeNull() // callid_len(): a domain after @ or nothing
  })

  it('stops at the first character that is not iswordc() (a space, a semicolon)', () => {
    expect(cid(req('Call-ID: abc def'))).toBeNull() // the value must be followed by CR or LF
    expect(cid(req('Call-ID: abc;x'))).toBeNull()
  })

  it('ip_vs_sip_fill_param(): only UDP with a payload', () => {
    expect(sipFillParam(6, req('Call-ID: abc'))).toBeNull()
    expect(sipFillParam(17, undefined)).toBeNull()
    expect(sipFillParam(17, '')).toBeNull()
    expect(sipFillParam(17, req('Call-ID: abc'))).toBe('abc')
  })

  it('property: any Call-ID word in a request is what the engine keys on', () => {
    const wordc = fc.constantFrom(...'abcXYZ0189!"%()*+-./:<>?[\\]_`{}~\''.split(''))
    fc.assert(
      fc.property(fc.array(wordc, { minLength: 1, maxLength: 255 }), (chars) => {
        const w = chars.join('')
        expect(cid(req(`Call-ID: ${w}`))).toBe(w)
      }),
    )
  })
})

const SIP = [
  'ipvsadm -A -u 192.168.100.100:5060 -s rr -p 300 --pe sip',
  'ipvsadm -a -u 192.168.100.100:5060 -r 192.168.8.101',
  'ipvsadm -a -u 192.168.100.100:5060 -r 192.168.8.102',
]
const send = (sim: Simulator, client: string, port: number, payload?: string) =>
  sim.udpSend(ip(client), asPort(port), ip('192.168.100.100'), asPort(5060), payload)

describe('--pe sip with -p (ip_vs_sched_persist())', () => {
  it('a datagram without a Call-ID is dropped: no entry, no template', () => {
    const sim = setup(new Simulator(), ...SIP)
    expect(send(sim, '10.0.0.1', 5060)).toBeNull()
    expect(send(sim, '10.0.0.1', 5060, req('To: <sip:x>'))).toBeNull()
    expect(lnc(sim)).toEqual([])
  })

  it('every TCP packet is dropped (the SIP engine reads only UDP)', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:5060 -s rr -p 300 --pe sip',
      'ipvsadm -a -t 192.168.100.100:5060 -r 192.168.8.101',
    )
    expect(connect(sim, '10.0.0.1', 40001, 5060).rs).toBeNull()
    expect(lnc(sim)).toEqual([])
  })

  it('one template per <client net, Call-ID>: the same call from other ports sticks, another call is scheduled', () => {
    const sim = setup(new Simulator(), ...SIP)
    const a = send(sim, '10.0.0.1', 40001, req('Call-ID: call-a'))
    expect(send(sim, '10.0.0.1', 40002, req('Call-ID: call-a'))).toBe(a)
    const b = send(sim, '10.0.0.1', 40003, req('Call-ID: call-b'))
    expect(b).not.toBe(a)
    expect(send(sim, '10.0.0.1', 40004, req('i: call-b'))).toBe(b)
    // another client with the same Call-ID: ip_vs_sip_ct_match() compares caddr too
    send(sim, '10.0.0.2', 40001, req('Call-ID: call-a'))
    const templates = lnc(sim).filter((l) => / NONE /.test(l))
    expect(templates.map((l) => l.split(/ +/)[3])).toEqual(['10.0.0.1:0', '10.0.0.1:0', '10.0.0.2:0'])
  })

  it('an existing entry carries later datagrams whatever their Call-ID (no scheduling, no PE)', () => {
    const sim = setup(new Simulator(), ...SIP)
    const a = send(sim, '10.0.0.1', 40001, req('Call-ID: call-a'))
    expect(send(sim, '10.0.0.1', 40001)).toBe(a)
  })

  it('-Lnc --persistent-conn and /proc/net/ip_vs_conn show the PE name and the Call-ID of a template', () => {
    const sim = setup(new Simulator(), ...SIP)
    send(sim, '10.0.0.1', 40001, req('Call-ID: a84b4c76e66710@pc33'))
    const out = sim.run('ipvsadm -Lnc --persistent-conn').stdout.split('\n')
    expect(out[1]).toBe(
      'pro expire state       source             virtual            destination        pe name          pe_data',
    )
    const tpl = out.find((l) => l.includes('NONE'))
    expect(tpl).toMatch(
      /^UDP 05:00 {2}NONE {8}10\.0\.0\.1:0 {9}192\.168\.100\.100:5060 192\.168\.8\.10\d:5060 sip {16}a84b4c76e66710@pc33$/,
    )
    const proc = sim.run('cat /proc/net/ip_vs_conn').stdout
    expect(proc).toMatch(/ NONE {8} {4}300 sip a84b4c76e66710@pc33\n/)
    // without --persistent-conn the row is the usual one
    expect(sim.run('ipvsadm -Lnc').stdout).not.toContain('sip')
  })
})
