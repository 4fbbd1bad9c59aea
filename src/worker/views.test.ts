import { describe, expect, it } from 'vitest'
import { readDirector, Simulator } from '../engine/index'
import { decodeRsCounters, MAX_SHOWN_DESTINATIONS } from './protocol'
import { rsCounters, servicesView, whyRs } from './views'

function director(rs: number) {
  const sim = new Simulator()
  sim.run('ipvsadm -A -t 192.168.100.100:80 -s rr -p 60')
  for (let i = rs; i >= 1; i--) sim.run(`ipvsadm -a -t 192.168.100.100:80 -r 10.0.0.${i} -g -w ${i}`)
  sim.run('ipvsadm -A -f 7 -s wlc')
  return { sim, api: readDirector(sim.director) }
}

describe('the views a frame carries', () => {
  it('draws the first real servers by address and sums the rest in one counters row', () => {
    const { api } = director(MAX_SHOWN_DESTINATIONS + 4)
    const [web, fwm] = servicesView(api)
    expect([web.label, web.scheduler, web.persistSec, web.netmask]).toEqual([
      'TCP 192.168.100.100:80',
      'rr',
      60,
      '255.255.255.255',
    ])
    expect(fwm.label).toBe('FWM 7')
    expect(web.destinations.map((d) => d.label).slice(0, 3)).toEqual(['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'])
    expect(web.destinations).toHaveLength(MAX_SHOWN_DESTINATIONS)
    expect(web.hiddenDestinations).toBe(4)
    const c = rsCounters(api)
    // the shown ones, then one row summing 17 … 20
    expect(decodeRsCounters(c, 0)?.weight).toBe(1)
    expect(decodeRsCounters(c, MAX_SHOWN_DESTINATIONS)?.weight).toBe(17 + 18 + 19 + 20)
    expect(decodeRsCounters(c, MAX_SHOWN_DESTINATIONS + 1)).toBeNull()
  })

  it('explains a real server, and what weight 0 does to its templates', () => {
    const { sim, api } = director(2)
    sim.run('ipvsadm -e -t 192.168.100.100:80 -r 10.0.0.2 -g -w 0')
    expect(whyRs(api, 0x0a000002, 0).map((s) => s.key)).toEqual(['why.rs.in', 'why.rs.counts', 'why.rs.quiescent'])
    sim.run('sysctl -w net.ipv4.vs.expire_quiescent_template=1')
    expect(whyRs(api, 0x0a000002, 80).map((s) => s.key)).toContain('why.rs.quiescentExpire')
    expect(whyRs(api, 0x0a000009, 0).map((s) => s.key)).toEqual(['why.rs.gone'])
    expect(whyRs(null, 1, 0).map((s) => s.key)).toEqual(['why.rs.gone'])
  })
})
