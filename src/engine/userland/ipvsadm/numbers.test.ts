import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { atoi, LIMITS, parseFwmark, parseIpv6Netmask, stringToNumber } from './numbers'
import { parseIpvsadm } from './parse'

/**
 * Expectations below are what Debian's ipvsadm 1:1.31-1+b1 did when run under
 * scripts/ipvsadm-stub/ (the full table: test/ipvsadm/debian-limits.jsonl, CONTEXT.md).
 */

/** strtol() base 10 as the C code walks it, one character at a time (the test's own model). */
function cStrtol(s: string): { value: bigint; consumed: number; erange: boolean } {
  let i = 0
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++
  let neg = false
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-'
    i++
  }
  const start = i
  let acc = 0n
  while (i < s.length && s[i] >= '0' && s[i] <= '9') acc = acc * 10n + BigInt(s.charCodeAt(i++) - 48)
  if (i === start) return { value: 0n, consumed: 0, erange: false }
  const v = neg ? -acc : acc
  const max = 2n ** 63n - 1n
  const min = -(2n ** 63n)
  return { value: v > max ? max : v < min ? min : v, consumed: i, erange: v > max || v < min }
}

/** Texts made of what people type into a number: digits, signs, spaces, x, letters, dots. */
const numericText = fc.oneof(
  fc.stringMatching(/^[ +\-0-9xa.]{0,24}$/),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.integer({ min: -10, max: 2 ** 32 + 10 }).map(String),
  fc.constantFrom('2147483647', '2147483648', '4294967295', '4294967296', '65535', '65536', '0x10', '010', ' 5'),
)

describe('string_to_number(): strtol base 10, whole text, min ≤ n ≤ max', () => {
  it.each([
    // [text, min, max, what the Debian binary did]
    ['010', 0, 65535, 10], // octal-looking text is decimal: `-w 010` sent WEIGHT=10
    ['0x10', 0, 65535, null], // stops at x: illegal weight specified
    [' 5', 0, 255, 5], // leading space skipped: --syncid ' 5' sent SYNC_ID=5
    ['5 ', 0, 255, null], // trailing space is garbage: illegal syncid specified
    ['+5', 1, 65535, 5], // a plus sign is taken: --mcast-port +5 sent MCAST_PORT=5
    ['-0', 0, 255, 0], // --syncid -0 sent SYNC_ID=0
    ['-0', 1, 65535, null], // --mcast-port -0: illegal mcast-port specified
    ['', 0, 255, null],
    ['1e3', 0, 2678400, null],
    ['9223372036854775808', 0, 0x7fffffff, null], // ERANGE
  ] as const)('%j in [%i, %i] → %j', (text, min, max, want) => {
    expect(stringToNumber(text, min, max)).toBe(want)
  })

  it('agrees with a character-by-character strtol() on any text and any bounds', () => {
    fc.assert(
      fc.property(numericText, fc.integer({ min: -5, max: 2 ** 31 - 1 }), fc.nat(2 ** 31 - 1), (text, min, span) => {
        const max = Math.min(2 ** 31 - 1, min + span)
        const r = cStrtol(text)
        const ok = r.consumed > 0 && r.consumed === text.length && !r.erange && r.value >= min && r.value <= max
        expect(stringToNumber(text, min, max)).toBe(ok ? Number(r.value) : null)
      }),
      { seed: 20261204, numRuns: 2000 },
    )
  })
})

describe('the bounds of the Debian build', () => {
  const weight = (w: string) => {
    const r = parseIpvsadm(['-a', '-t', '192.168.100.100:80', '-r', '192.168.8.101', '-g', '-w', w])
    return r.kind === 'command' ? r.entry.dest.weight : r.result.stderr
  }
  it('-w takes 0…INT_MAX (the tarball says 65535; the Debian binary passes 0x7fffffff): 70000 and 2147483647 are sent', () => {
    expect(weight('70000')).toBe(70000)
    expect(weight('2147483647')).toBe(2147483647)
    expect(weight('2147483648')).toBe('illegal weight specified\n')
    expect(weight('-1')).toBe('illegal weight specified\n')
  })
  it('for any decimal text, -w is taken exactly when strtol gives 0…2147483647, with that value', () => {
    fc.assert(
      fc.property(numericText, (text) => {
        const r = cStrtol(text)
        const ok = r.consumed > 0 && r.consumed === text.length && !r.erange && r.value >= 0n && r.value <= 2147483647n
        expect(weight(text)).toBe(ok ? Number(r.value) : 'illegal weight specified\n')
      }),
      { seed: 20261205, numRuns: 1500 },
    )
  })
  it('every bound', () => {
    expect(LIMITS).toEqual({
      weight: { min: 0, max: 2147483647 },
      uThreshold: { min: 0, max: 2147483647 },
      lThreshold: { min: 0, max: 2147483647 },
      persistent: { min: 1, max: 2678400 },
      setTimeout: { min: 0, max: 2678400 },
      port: { min: 0, max: 65535 },
      syncid: { min: 0, max: 255 },
      mcastPort: { min: 1, max: 65535 },
      mcastTtl: { min: 1, max: 255 },
      syncMaxlen: { min: 1, max: 65507 },
      tunPort: { min: 1, max: 65535 },
    })
  })
})

describe('parse_fwmark(): strtol into an unsigned long, 1…UINT_MAX', () => {
  it.each([
    ['4294967295', 4294967295], // listed as FWM -1 (golden errors-service)
    ['4294967296', null],
    ['-1', null], // negative longs are huge unsigned ones
    ['-0', null],
    [' 5', 5],
    ['+5', 5],
    ['010', 10],
    ['0x10', null],
  ] as const)('%j → %j', (text, want) => {
    expect(parseFwmark(text)).toBe(want)
  })
})

describe('-M for an IPv6 service: atoi(), i.e. (int) strtol with garbage ignored', () => {
  it.each([
    ['64', 64],
    ['64abc', 64], // Debian: sent NETMASK=64
    ['128.5', 128],
    ['1e2', 1],
    ['4294967360', 64], // 2^32 + 64 cut to int
    ['-4294967232', 64], // -2^32 + 64 cut to int
    ['9223372036854775807', null], // (int) LONG_MAX = -1 → u32 0xffffffff > 128
    ['18446744073709551680', null], // ERANGE → LONG_MAX → -1
    ['0x40', null], // atoi("0x40") = 0
    ['129', null],
  ] as const)('%j → %j', (text, want) => {
    expect(parseIpv6Netmask(text)).toBe(want)
  })
  it('atoi keeps the low 32 bits of strtol, two’s complement', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), (n) => {
        expect(atoi(String(n))).toBe(Number(BigInt.asIntN(32, n)))
      }),
      { seed: 20261206, numRuns: 500 },
    )
  })
})
