import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../../../host/simulator'
import { saveString } from '../xtables'
import { parseMac } from './libxt_mac'

/**
 * The extensions a teacher's script uses (comment, iprange, state, conntrack, mac, LOG): what
 * `-S` writes re-parses to the same rule. Exact texts are pinned by the recordings of the real
 * iptables 1.8.9 (test/iptables.test.ts); these are the invariants between them.
 */

const octet = fc.nat(255)
const addr = fc.tuple(octet, octet, octet, octet).map((a) => a.join('.'))
const hex2 = fc.nat(255).map((n) => n.toString(16).padStart(2, '0'))
const mac = fc.array(hex2, { minLength: 6, maxLength: 6 }).map((a) => a.join(':'))
// bash reads `\'` inside double quotes as two characters, so `'` cannot round-trip through a typed line
const commentText = fc.stringMatching(/^[A-Za-z0-9 _.:"\\-]{1,40}$/)
const states = fc
  .subarray(['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED'], { minLength: 1 })
  .map((a) => a.join(','))
const bang = fc.constantFrom('', '! ')

const piece = fc.oneof(
  commentText.map((c) => `-m comment --comment${saveString(c)}`),
  fc.tuple(bang, addr, addr).map(([b, x, y]) => `-m iprange ${b}--src-range ${x}-${y}`),
  fc.tuple(bang, addr).map(([b, x]) => `-m iprange ${b}--dst-range ${x}`),
  fc.tuple(bang, states).map(([b, s]) => `-m state ${b}--state ${s}`),
  fc
    .tuple(bang, states, fc.constantFrom('6', '17', 'tcp'))
    .map(([b, s, p]) => `-m conntrack ${b}--ctstate ${s} --ctproto ${p}`),
  fc.tuple(bang, addr, fc.nat(32)).map(([b, a, l]) => `-m conntrack ${b}--ctorigdst ${a}/${l}`),
  fc.tuple(bang, mac).map(([b, m]) => `-m mac ${b}--mac-source ${m}`),
)
const target = fc.oneof(
  fc.constant('-j ACCEPT'),
  fc
    .tuple(
      fc.nat(7),
      fc.stringMatching(/^[A-Za-z0-9 :_-]{0,29}$/),
      fc.subarray(['--log-uid', '--log-macdecode', '--log-tcp-sequence']),
    )
    .map(([l, p, f]) => `-j LOG --log-level ${l}${p ? ` --log-prefix${saveString(p)}` : ''} ${f.join(' ')}`.trimEnd()),
)

describe('-S writes a rule that re-parses to itself', () => {
  for (const prog of ['iptables', 'iptables-legacy']) {
    it(`${prog}: any mix of the extensions`, () => {
      fc.assert(
        fc.property(fc.array(piece, { minLength: 1, maxLength: 4 }), target, (pieces, tg) => {
          const sim = new Simulator()
          const add = sim.run(`${prog} -t mangle -A PREROUTING ${pieces.join(' ')} ${tg}`)
          expect(add.exit, add.stderr).toBe(0)
          const saved = sim.run(`${prog} -t mangle -S PREROUTING 2`).stdout
          const rule = sim.run(`${prog} -t mangle -S PREROUTING 1`).stdout.trimEnd()
          expect(saved).toBe('')
          expect(sim.run(`${prog} -t mangle -F PREROUTING`).exit).toBe(0)
          const again = sim.run(`${prog} -t mangle ${rule}`)
          expect(again.exit, again.stderr).toBe(0)
          expect(sim.run(`${prog} -t mangle -S PREROUTING 1`).stdout.trimEnd()).toBe(rule)
          // and -D with the saved text finds it
          expect(sim.run(`${prog} -t mangle ${rule.replace(/^-A/, '-D')}`).exit).toBe(0)
        }),
        { numRuns: 60 },
      )
    })
  }
})

describe('mac: xtopt_parse_ethermac()', () => {
  it('six fields of one or two hex digits, any case; printed as lower-case pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(255), { minLength: 6, maxLength: 6 }), fc.boolean(), (bytes, upper) => {
        const typed = bytes.map((b) => (upper ? b.toString(16).toUpperCase() : b.toString(16))).join(':')
        expect(parseMac(null, typed, false).mac).toBe(bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'))
      }),
    )
  })
  it('refuses five fields, three digits and a trailing field', () => {
    for (const bad of ['00:11:22:33:44', '00:11:22:33:44:555', '0:1:2:3:4:5:6', 'zz:1:2:3:4:5'])
      expect(() => parseMac(null, bad, false)).toThrow()
  })
})

describe('xtables_save_string()', () => {
  it('bare when made of [_-0-9a-zA-Z], else double-quoted with " \\ \' escaped', () => {
    expect(saveString('lvs_fw-1')).toBe(' lvs_fw-1')
    expect(saveString('')).toBe(' ""')
    expect(saveString('web farm')).toBe(' "web farm"')
    expect(saveString(`it's "q" \\`)).toBe(` "it\\'s \\"q\\" \\\\"`)
  })
})
