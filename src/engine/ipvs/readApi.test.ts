import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { asIPv4, type Port } from '../net/ipv4'
import type { SimMs } from '../sim/time'
import { readDirector } from './readApi'

function sim(): Simulator {
  const s = new Simulator()
  for (const cmd of [
    'ipvsadm -A -t 192.168.100.100:80 -s wrr -p 300 -M 255.255.255.0',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -m -w 1',
    'ipvsadm -A -f 80 -s rr',
  ])
    s.run(cmd)
  return s
}

describe('the director read API', () => {
  it('shows services and real servers live, and keeps a list while it does not change', () => {
    const s = sim()
    const api = readDirector(s.director)
    const [web, fwm] = api.services()
    expect([web.vport, web.scheduler, web.persistent, web.persistTimeoutMs, web.netmask >>> 0]).toEqual([
      80,
      'wrr',
      true,
      300_000,
      0xffffff00,
    ])
    expect([fwm.fwmark, fwm.persistent, fwm.destinations]).toEqual([80, false, []])
    const list = web.destinations
    expect(list.map((d) => [d.port, d.weight, d.forward])).toEqual([
      [80, 1, 'Masq'],
      [80, 2, 'Route'],
    ])
    expect(web.destinations).toBe(list)
    s.run('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0')
    // a view reads the director now
    expect(list.find((d) => d.forward === 'Route')?.weight).toBe(0)
    s.run('ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102')
    expect(web.destinations).not.toBe(list)
    expect(web.destinations).toHaveLength(1)
  })

  it('finds a live template by id and by client; counters follow the traffic', () => {
    const s = sim()
    const api = readDirector(s.director)
    const tpl: number[] = []
    s.director.onEvent((e) => {
      if (e.type === 'template-created') tpl.push(api.entry(e.template).id)
    })
    expect(s.handshake(asIPv4(0x0a000707), 40001 as Port, asIPv4(0xc0a86464), 80 as Port)).toBe('connected')
    s.director.advanceTo(1000 as SimMs)
    expect(tpl).toHaveLength(1)
    const t = api.findTemplate(tpl[0])
    expect(t?.isTemplate).toBe(true)
    expect(t?.client).toBe(0x0a000700) // masked by -M 255.255.255.0
    expect(t?.service?.vport).toBe(80)
    expect(api.hasLiveTemplateFor(asIPv4(0x0a000700))).toBe(true)
    expect(api.hasLiveTemplateFor(asIPv4(0x0a000800))).toBe(false)
    const dest = api.services()[0].destinations.find((d) => d.addr === t?.rsAddr)
    expect([dest?.persistConns, dest?.conns]).toEqual([1, 1])
    expect(api.findTemplate(tpl[0] + 999)).toBeNull()
    expect(api.checkInvariants()).toEqual([])
    expect(api.expireQuiescentTemplate).toBe(false)
  })
})
