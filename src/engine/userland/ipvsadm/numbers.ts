/**
 * How Debian's ipvsadm 1:1.31-1+b1 turns an option's text into a number, and the bounds it checks.
 * Read from the binary itself (objdump of /sbin/ipvsadm: the `min`/`max` passed to
 * string_to_number() at each call) and checked by running it under the libnl stand-in in
 * scripts/ipvsadm-stub/; the table of every option × value is in CONTEXT.md beside this file.
 */

/** C's isspace() in the "C" locale: what strtol() skips before the number. */
const C_SPACE = /^[ \t\n\v\f\r]*/

const LONG_MAX = (1n << 63n) - 1n
const LONG_MIN = -(1n << 63n)

/**
 * glibc strtol(s, &end, 10) on x86-64 (64-bit long): leading C whitespace, an optional sign,
 * decimal digits; clamped to LONG_MIN/LONG_MAX with ERANGE on overflow. `end` is how many
 * characters were consumed (0 when there is no digit: then nothing is consumed at all).
 */
export function strtol10(s: string): { value: bigint; end: number; erange: boolean } {
  const ws = C_SPACE.exec(s)?.[0].length ?? 0
  const m = /^[+-]?\d+/.exec(s.slice(ws))
  if (!m) return { value: 0n, end: 0, erange: false }
  const v = BigInt(m[0])
  if (v > LONG_MAX) return { value: LONG_MAX, end: ws + m[0].length, erange: true }
  if (v < LONG_MIN) return { value: LONG_MIN, end: ws + m[0].length, erange: true }
  return { value: v, end: ws + m[0].length, erange: false }
}

/**
 * ipvsadm's string_to_number(s, min, max): strtol() must consume the whole text (so no trailing
 * space, no hex: `0x10` stops at `x`; `010` is ten), no ERANGE, and min ≤ value ≤ max; else -1,
 * here null.
 */
export function stringToNumber(s: string, min: number, max: number): number | null {
  const r = strtol10(s)
  if (r.end === 0 || r.end !== s.length || r.erange) return null
  if (r.value < BigInt(min) || r.value > BigInt(max)) return null
  return Number(r.value)
}

/**
 * glibc atoi(s) = (int) strtol(s, NULL, 10): trailing garbage is ignored, and the long is cut to
 * its low 32 bits (two's complement), so `4294967360` is 64 and an overflow (LONG_MAX) is -1.
 */
export function atoi(s: string): number {
  return Number(BigInt.asIntN(32, strtol10(s).value))
}

/**
 * parse_fwmark(): `unsigned long l = strtol(…)`, refused when garbage follows, ERANGE, `l == 0`
 * or `l > UINT_MAX` (a negative long seen as unsigned is above UINT_MAX, so every negative goes).
 */
export function parseFwmark(s: string): number | null {
  const r = strtol10(s)
  if (r.end === 0 || r.end !== s.length || r.erange) return null
  return r.value >= 1n && r.value <= 0xffffffffn ? Number(r.value) : null
}

const INT_MAX = 0x7fffffff

/** 31 days: ipvsadm's MAX_TIMEOUT, for -p and each of --set's three values. */
export const MAX_TIMEOUT = 86400 * 31

/**
 * The bounds string_to_number() is given, as the Debian binary passes them. They match the 1.31
 * tarball's ipvsadm.c except `-w`: the tarball checks 0…65535, the Debian binary 0…INT_MAX
 * (`mov $0x7fffffff,%edx` before the call at 0x5067), so `-w 70000` and `-w 2147483647` are taken.
 */
export const LIMITS = {
  weight: { min: 0, max: INT_MAX },
  uThreshold: { min: 0, max: INT_MAX },
  lThreshold: { min: 0, max: INT_MAX },
  persistent: { min: 1, max: MAX_TIMEOUT },
  setTimeout: { min: 0, max: MAX_TIMEOUT },
  port: { min: 0, max: 65535 },
  syncid: { min: 0, max: 255 },
  mcastPort: { min: 1, max: 65535 },
  mcastTtl: { min: 1, max: 255 },
  /** 65535 - 20 - 8: an IPv4 datagram's largest UDP payload. */
  syncMaxlen: { min: 1, max: 65535 - 20 - 8 },
  tunPort: { min: 1, max: 65535 },
} as const

/** -M for an IPv6 service: atoi(), then the u32 netmask must be 1…128 ("illegal ipv6 netmask specified"). */
export function parseIpv6Netmask(s: string): number | null {
  const m = atoi(s) >>> 0
  return m >= 1 && m <= 128 ? m : null
}
