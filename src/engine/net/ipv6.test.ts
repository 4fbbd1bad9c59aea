import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import { describe, expect, it } from 'vitest'
import { addrFold, addrWords32, type IPv6, ipv6FromFirstWord, ipv6Prefix, parseAddr, parseIPv6, procIPv6 } from './ipv6'

describe('parseIPv6 — inet_pton(AF_INET6)', () => {
  it('keeps one text per address: the form glibc inet_ntop() prints', () => {
    expect(parseIPv6('2001:0db8:0000:0000:0000:0000:0000:0010')).toBe('2001:db8::10')
    expect(parseIPv6('2001:DB8::A')).toBe('2001:db8::a')
    // the first of two equal zero runs is compressed; a single zero group never is
    expect(parseIPv6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1')
    expect(parseIPv6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1')
    expect(parseIPv6('::')).toBe('::')
    expect(parseIPv6('::1')).toBe('::1')
  })

  it('prints IPv4-mapped and IPv4-compatible addresses with a dotted tail, as inet_ntop6() does', () => {
    expect(parseIPv6('::ffff:192.168.8.1')).toBe('::ffff:192.168.8.1')
    expect(parseIPv6('::ffff:c0a8:801')).toBe('::ffff:192.168.8.1')
    // ipaddr.js alone would turn this one into an IPv4-mapped address
    expect(parseIPv6('::1.2.3.4')).toBe('::1.2.3.4')
  })

  it('refuses what inet_pton refuses: zones, two ::, IPv4 text, too many groups', () => {
    for (const bad of ['fe80::1%eth0', '1::2::3', '192.168.1.1', '1:2:3:4:5:6:7:8:9', '2001:db8::g', '[::1]', ''])
      expect(parseIPv6(bad), bad).toBeNull()
  })

  it('parseAddr reads a strict dotted quad as IPv4 (a number) and anything with colons as IPv6 (a string)', () => {
    expect(parseAddr('10.0.0.1')).toBe(0x0a000001)
    expect(parseAddr('2001:db8:a::1')).toBe('2001:db8:a::1')
    expect(parseAddr('10.1')).toBeNull()
  })
})

describe('address helpers the kernel and libipvs use', () => {
  it('ipv6Prefix is ipv6_addr_prefix(): the first plen bits, the rest zero', () => {
    const a = parseIPv6('2001:db8:a:b:c:d:e:f') as IPv6
    expect(ipv6Prefix(a, 64)).toBe('2001:db8:a:b::')
    expect(ipv6Prefix(a, 48)).toBe('2001:db8:a::')
    expect(ipv6Prefix(a, 52)).toBe('2001:db8:a::')
    expect(ipv6Prefix(a, 61)).toBe('2001:db8:a:8::')
    expect(ipv6Prefix(a, 1)).toBe('::')
    expect(ipv6Prefix(a, 128)).toBe(a)
  })

  it('agrees with ipaddr.js on which addresses share a prefix (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 1, max: 128 }), (bytes, plen) => {
        const text = ipaddr.fromByteArray([...bytes]).toString()
        const a = parseIPv6(text) as IPv6
        const p = parseIPv6(ipv6Prefix(a, plen)) as IPv6
        expect(ipaddr.IPv6.parse(p).match(ipaddr.IPv6.parse(text), plen)).toBe(true)
        expect(ipv6Prefix(p, plen)).toBe(p)
      }),
    )
  })

  it('addrWords32 is ntohl(s6_addr32[i]); an IPv4 address is its first word (libipvs compares these)', () => {
    expect(addrWords32(parseIPv6('2001:db8:1::2') as IPv6)).toEqual([0x20010db8, 0x00010000, 0, 2])
    expect(addrWords32(parseAddr('192.168.8.1') as number as never)).toEqual([0xc0a80801, 0, 0, 0])
  })

  it('addrFold xors the four words, as ip_vs_conn_hashkey(), ip_vs_sh_hashkey() and ip_vs_dh_hashkey() do', () => {
    expect(addrFold(parseIPv6('2001:db8:1::2') as IPv6)).toBe((0x20010db8 ^ 0x00010000 ^ 2) >>> 0)
  })

  it('procIPv6 is %pI6: eight four-digit groups (ip_vs_conn_seq_show())', () => {
    expect(procIPv6(parseIPv6('2001:db8:a::1') as IPv6)).toBe('2001:0db8:000a:0000:0000:0000:0000:0001')
  })

  it('a v6 fwmark template names the mark in its first 32 bits (ip_vs_sched_persist(): { .ip = htonl(fwmark) })', () => {
    expect(ipv6FromFirstWord(9)).toBe('0:9::')
    expect(ipv6FromFirstWord(0x10009)).toBe('1:9::')
  })
})
