import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from './host/simulator'
import { templateKeyFor } from './ipvs/template'
import { formatAddr } from './net/ipv6'
import { at, connect, ip, lnc, setup } from './testkit'
import { IPVSADM_OPTION_WORDS } from './userland/ipvsadm/options'

const VIP = '192.168.100.100'
const RS = ['192.168.8.101', '192.168.8.102', '192.168.8.103']

/** One step of a random director life: traffic, time, and the admin's commands. */
const stepArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('connect' as const),
      client: fc.integer({ min: 1, max: 12 }),
      close: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 200 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('weight' as const),
      rs: fc.integer({ min: 0, max: 2 }),
      w: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), rs: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), rs: fc.integer({ min: 0, max: 2 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('sysctl' as const),
      eqt: fc.integer({ min: 0, max: 1 }),
      enc: fc.integer({ min: 0, max: 1 }),
    }),
  },
)

function newDirector(sched: string, netmask: string): Simulator {
  return setup(
    new Simulator(),
    'ipvsadm --set 20 10 10',
    `ipvsadm -A -t ${VIP}:80 -s ${sched} -p 30 -M ${netmask}`,
    ...RS.map((r) => `ipvsadm -a -t ${VIP}:80 -r ${r} -w 1`),
  )
}

describe('engine invariants (property tests, pinned seeds)', () => {
  it('while a template is valid, every new connection with its key goes to its real server; counters always equal the entries', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('rr', 'wrr', 'lc', 'wlc', 'sh'),
        fc.constantFrom('255.255.255.255', '255.255.255.0'),
        fc.array(stepArb, { minLength: 1, maxLength: 60 }),
        (sched, mask, steps) => {
          const sim = newDirector(sched, mask)
          const d = sim.director
          let t = 0
          let port = 30000
          for (const s of steps) {
            switch (s.kind) {
              case 'connect': {
                const client = `10.0.${s.client % 3}.${s.client}`
                const svc = d.services[0]
                const key = templateKeyFor(svc, { protocol: 6, saddr: ip(client), daddr: ip(VIP), dport: 80 })
                const ct = d.table.findTemplate(key.protocol, key.caddr, key.vaddr, key.vport)
                const valid = ct?.dest?.available && !(d.sysctl.expire_quiescent_template && ct.dest.weight === 0)
                const c = connect(sim, client, port++)
                if (valid && ct?.dest) expect(c.rs).toBe(`${formatAddr(ct.dest.addr)}:80`)
                if (s.close) sim.tcpClose(c, 'fin')
                break
              }
              case 'wait':
                t += s.seconds
                at(sim, t)
                break
              case 'weight':
                sim.run(`ipvsadm -e -t ${VIP}:80 -r ${RS[s.rs]} -w ${s.w}`)
                break
              case 'delete':
                sim.run(`ipvsadm -d -t ${VIP}:80 -r ${RS[s.rs]}`)
                break
              case 'add':
                sim.run(`ipvsadm -a -t ${VIP}:80 -r ${RS[s.rs]} -w 1`)
                break
              case 'sysctl':
                sim.run(
                  `sysctl -w net.ipv4.vs.expire_quiescent_template=${s.eqt} net.ipv4.vs.expire_nodest_conn=${s.enc}`,
                )
                break
            }
            expect(d.checkInvariants()).toEqual([])
            // -Ln's ActiveConn + InActConn equal the connection entries listed by -Lnc for each server.
            const rows = lnc(sim).filter((l) => !/ (ASSURED|NONE) /.test(l))
            for (const svc of d.services)
              for (const dest of svc.destinations) {
                const n = rows.filter((l) => l.endsWith(` ${formatAddr(dest.addr)}:80`)).length
                expect(dest.activeConns + dest.inactConns).toBe(n)
              }
          }
        },
      ),
      { seed: 20261125, numRuns: 150 },
    )
  })

  const serviceLine = fc
    .record({
      proto: fc.constantFrom('-t', '-u', '-f'),
      addr: fc.integer({ min: 1, max: 250 }),
      port: fc.integer({ min: 0, max: 65535 }),
      mark: fc.integer({ min: 1, max: 0x7fffffff }),
      sched: fc.constantFrom('rr', 'wrr', 'lc', 'wlc', 'sh'),
      persistent: fc.option(fc.integer({ min: 1, max: 2678400 })),
      mask: fc.constantFrom('', '255.255.255.0', '255.255.0.0', '24'),
      ops: fc.boolean(),
      dests: fc.array(
        fc.record({
          addr: fc.integer({ min: 1, max: 254 }),
          port: fc.integer({ min: 0, max: 65535 }),
          fwd: fc.constantFrom('-g', '-m', '-i'),
          w: fc.integer({ min: 0, max: 65535 }),
        }),
        { maxLength: 4 },
      ),
    })
    .map((s) => {
      const svc = s.proto === '-f' ? `-f ${s.mark}` : `${s.proto} 10.1.1.${s.addr}:${s.port}`
      const p = s.persistent === null ? '' : ` -p ${s.persistent}${s.mask ? ` -M ${s.mask}` : ''}`
      const ops = s.ops && s.proto !== '-t' ? ' -o' : ''
      return [
        `ipvsadm -A ${svc} -s ${s.sched}${p}${ops}`,
        ...s.dests.map((d) => `ipvsadm -a ${svc} -r 192.168.9.${d.addr}:${d.port} ${d.fwd} -w ${d.w}`),
      ]
    })

  it('-S, then -C, then -R of what -S printed rebuilds the same table', () => {
    const empty = new Simulator().run('ipvsadm -Ln').stdout
    fc.assert(
      fc.property(fc.array(serviceLine, { maxLength: 6 }), (services) => {
        const sim = new Simulator()
        for (const lines of services) for (const l of lines) sim.run(l)
        const before = sim.run('ipvsadm -Ln').stdout
        const saved = sim.run('ipvsadm -S -n').stdout
        expect(sim.run('ipvsadm -C').exit).toBe(0)
        expect(sim.run('ipvsadm -Ln').stdout).toBe(empty)
        const r = sim.run(`printf '%s' '${saved}' | ipvsadm -R`)
        expect(r.exit).toBe(0)
        expect(sim.run('ipvsadm -Ln').stdout).toBe(before)
      }),
      { seed: 7, numRuns: 200 },
    )
  })

  const token = fc.oneof(
    fc.constantFrom(...IPVSADM_OPTION_WORDS, '-Lnc', '-p600', '--', '='),
    fc.constantFrom(
      '10.0.0.1:80',
      '192.168.100:80',
      '[::1]:80',
      'rr',
      'wlc',
      'sh',
      'twos',
      'master',
      'gue',
      'sh-port,sh-fallback',
      ',',
      '255.255.255.0',
      '4294967296',
      '-1',
      '0',
      '65536',
      'http',
    ),
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^[-a-z0-9.:,=[\]]{0,20}$/),
  )

  it('no command line, however malformed, throws out of the engine; each gets an exit status and, on failure, a message', () => {
    const sim = setup(new Simulator(), `ipvsadm -A -t ${VIP}:80 -s rr -p`, `ipvsadm -a -t ${VIP}:80 -r 192.168.8.101`)
    fc.assert(
      fc.property(fc.array(token, { maxLength: 10 }), (words) => {
        const r = sim.run(`ipvsadm ${words.map((w) => `'${w.replace(/'/g, '')}'`).join(' ')}`)
        expect([0, 1, 2, 139, 255]).toContain(r.exit)
        if (r.exit !== 0 && r.exit !== 1) expect(r.stderr.length).toBeGreaterThan(0)
        expect(sim.director.checkInvariants()).toEqual([])
      }),
      { seed: 99, numRuns: 2000 },
    )
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (line) => {
        const r = sim.run(line)
        expect(typeof r.stdout).toBe('string')
        expect(Number.isInteger(r.exit)).toBe(true)
      }),
      { seed: 100, numRuns: 2000 },
    )
  })
})
