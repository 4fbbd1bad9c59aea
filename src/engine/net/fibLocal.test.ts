import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { setup } from '../testkit'
import { inetAddrType } from './fibLocal'
import { parseDottedQuad } from './ipv4'

/** inet_addr_type() of Linux 6.1.192 (net/ipv4/fib_frontend.c) over the director's addresses (fib_add_ifaddr()). */
const t = (s: string) => inetAddrType(parseDottedQuad(s) as never)

describe('inet_addr_type()', () => {
  it('answers as the director’s local table does', () => {
    expect(t('0.0.0.0')).toBe('BROADCAST')
    expect(t('255.255.255.255')).toBe('BROADCAST')
    expect(t('0.0.0.1')).toBe('UNICAST') // ipv4_is_zeronet() is 0.0.0.0 only
    expect(t('224.0.0.81')).toBe('MULTICAST')
    expect(t('240.0.0.1')).toBe('UNICAST')
    expect(t('192.168.8.255')).toBe('BROADCAST') // the DIP's /24
    expect(t('10.0.255.255')).toBe('BROADCAST') // the clients' side, /16
    expect(t('127.255.255.255')).toBe('BROADCAST')
    expect(t('192.168.8.1')).toBe('LOCAL')
    expect(t('127.0.0.2')).toBe('LOCAL') // lo's whole /8 is local
    expect(t('192.168.8.0')).toBe('UNICAST') // no route for the network address itself
    expect(t('192.168.9.255')).toBe('UNICAST') // not a connected network
  })

  it('ip_vs_new_dest() refuses a real server that is not LOCAL or UNICAST', () => {
    const sim = setup(new Simulator(), 'ipvsadm -A -t 192.168.100.100:80 -s rr')
    for (const [addr, exit] of [
      ['192.168.8.255', 255],
      ['10.0.255.255', 255],
      ['0.0.0.1', 0],
      ['127.0.0.1', 0],
      ['192.168.8.0', 0],
    ] as const) {
      const r = sim.run(`ipvsadm -a -t 192.168.100.100:80 -r ${addr}`)
      expect([addr, r.exit]).toEqual([addr, exit])
      if (exit) expect(r.stderr).toBe('Invalid operation.  Possibly wrong module version, address not unicast, ...\n')
    }
  })
})
