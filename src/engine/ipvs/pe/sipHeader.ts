/**
 * The one header lookup the SIP persistence engine needs: ct_sip_get_header() of
 * net/netfilter/nf_conntrack_sip.c (Linux 6.1.192) for SIP_HDR_CALL_ID ("Call-Id", compact "i",
 * matched by callid_len()), over the datagram's payload bytes. Character classes are the kernel's
 * lib/ctype.c, which counts Latin-1 letters (0xC0–0xFF but × and ÷) as letters.
 */

const isAlpha = (b: number): boolean =>
  (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0xc0 && b !== 0xd7 && b !== 0xf7)
const isAlnum = (b: number): boolean => isAlpha(b) || (b >= 0x30 && b <= 0x39)
const CR = 0x0d
const LF = 0x0a
const SP = 0x20
const TAB = 0x09

/** iswordc(): the characters of a Call-ID word (bytes ≥ 0x80 compare as negative chars, so only letters pass). */
function isWordc(b: number): boolean {
  if (isAlnum(b)) return true
  if (b >= 0x80) return false
  const c = String.fromCharCode(b)
  return (
    '!"%:<>?_`{}~\''.includes(c) ||
    (b >= 0x28 && b <= 0x2b) || // ( ) * +
    (b >= 0x5b && b <= 0x5d) || // [ \ ]
    (b >= 0x2d && b <= 0x2f) // - . /
  )
}

function wordLen(d: Uint8Array, p: number, limit: number): number {
  let len = 0
  while (p < limit && isWordc(d[p])) {
    p++
    len++
  }
  return len
}

/** callid_len(): a word, optionally `@` and a second word (then both must be there). */
function callidLen(d: Uint8Array, p: number, limit: number): number {
  let len = wordLen(d, p, limit)
  p += len
  if (!len || p === limit || d[p] !== 0x40) return len
  p++
  len++
  const domain = wordLen(d, p, limit)
  if (!domain) return 0
  return len + domain
}

/** sip_follow_continuation(): past a line end onto a continuation line, or -1. */
function followContinuation(d: Uint8Array, p: number, limit: number): number {
  if (++p >= limit) return -1
  if (d[p - 1] === CR && d[p] === LF) {
    if (++p >= limit) return -1
  }
  if (d[p] !== SP && d[p] !== TAB) return -1
  for (; p < limit; p++) if (d[p] !== SP && d[p] !== TAB) break
  return p
}

/** sip_skip_whitespace(): blanks and folded line ends; -1 at the end. */
function skipWhitespace(d: Uint8Array, p: number, limit: number): number {
  for (; p < limit; p++) {
    if (d[p] === SP || d[p] === TAB) continue
    if (d[p] !== CR && d[p] !== LF) break
    p = followContinuation(d, p, limit)
    break
  }
  return p >= 0 && p < limit ? p : -1
}

const NAME = [...'call-id'].map((c) => c.charCodeAt(0))
const CNAME = 'i'.charCodeAt(0)
const lower = (b: number): number => (b >= 0x41 && b <= 0x5a ? b + 32 : b)

/**
 * ct_sip_get_header(…, SIP_HDR_CALL_ID, …) from `dataoff`: 1 and the match (offset, length, from
 * the payload's start), 0 when no header was found, -1 when one was but its value is empty.
 * A header starts only after a line end; continuation lines are skipped.
 */
export function sipGetCallIdHeader(
  d: Uint8Array,
  dataoff: number,
): { ret: 1 | 0 | -1; matchoff: number; matchlen: number } {
  const limit = d.length
  let matchoff = 0
  for (let p = dataoff; p < limit; p++) {
    if (d[p] !== CR && d[p] !== LF) continue
    if (++p >= limit) break
    if (d[p - 1] === CR && d[p] === LF) {
      if (++p >= limit) break
    }
    if (d[p] === SP || d[p] === TAB) continue
    if (limit - p >= NAME.length && NAME.every((c, i) => lower(d[p + i]) === c)) p += NAME.length
    else if (limit - p >= 2 && lower(d[p]) === CNAME && !isAlpha(d[p + 1])) p += 1
    else continue
    p = skipWhitespace(d, p, limit)
    if (p < 0) break
    if (d[p] !== 0x3a || ++p >= limit) break
    p = skipWhitespace(d, p, limit)
    if (p < 0) break
    matchoff = p
    const matchlen = callidLen(d, p, limit)
    if (!matchlen) return { ret: -1, matchoff, matchlen: 0 }
    return { ret: 1, matchoff, matchlen }
  }
  return { ret: 0, matchoff, matchlen: 0 }
}
