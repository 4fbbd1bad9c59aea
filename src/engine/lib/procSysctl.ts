/**
 * The kernel's generic number handlers behind /proc/sys files (kernel/sysctl.c, Linux 6.1.192):
 * how a text written to a sysctl file becomes integers, which texts are refused with EINVAL, and
 * how the values read back. A ctl_table's data is an array here (`maxlen / sizeof(int)` items).
 *
 * The write path mirrors `__do_proc_dointvec()` / `__do_proc_doulongvec_minmax()`: at most
 * PAGE_SIZE-1 bytes are looked at; each value is `proc_skip_spaces()`, then `proc_get_long()`
 * (an optional `-`, a digit, `strtoul` with base 0 — `0x` hex, leading `0` octal — at most 20
 * characters, and a space, tab or newline or the end after it); a conversion refuses what does not
 * fit; values already converted stay written when a later one fails; text left over after the
 * last value the table holds is ignored; a write with no value at all is EINVAL.
 * Source read (linux-source-6.1, 6.1.192, kernel/sysctl.c): proc_skip_spaces() l. 274,
 * strtoul_lenient() l. 309, proc_get_long() l. 346, do_proc_dointvec_conv() l. 447,
 * __do_proc_dointvec() l. 491, do_proc_dointvec_minmax_conv() l. 846,
 * __do_proc_doulongvec_minmax() l. 1047, do_proc_dointvec_jiffies_conv() l. 1175. The parsing was
 * also checked against a running kernel through `sysctl -w net.ipv4.tcp_syn_retries=…`
 * (`0x6`, `06`, `6 7`, ` 6` accepted; `+6`, `6a`, `6,`, `0x`, `08`, 21 digits, empty refused).
 */

/** A write the handler refused: the kernel's -EINVAL, as write(2) reports it. */
export const EINVAL = 'EINVAL'
export type ProcWriteResult = 0 | typeof EINVAL

/** CONFIG_HZ of Debian 12's amd64 kernel (`CONFIG_HZ_250=y`). */
export const HZ = 250
export const INT_MAX = 0x7fffffff
const ULONG_MAX = (1n << 64n) - 1n
const PAGE_SIZE = 4096
/** proc_get_long()'s TMPBUFLEN: 22, of which 21 characters are ever looked at. */
const TMPBUFLEN = 22

/** The kernel's isspace() on the ASCII range: space, \t \n \v \f \r (and 0xA0, Latin-1 NBSP). */
const isSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r') || c === '\u00a0'
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
/** proc_wspace_sep[]: the characters that may follow a number. */
const isSep = (c: string): boolean => c === ' ' || c === '\t' || c === '\n'

/** One number read by proc_get_long(): its magnitude, its sign and how many characters it used. */
interface LongRead {
  val: bigint
  neg: boolean
  len: number
}

/** The digit value of c in base (or -1): _parse_integer()'s test. */
function digitValue(c: string | undefined, base: number): number {
  if (c === undefined) return -1
  const lc = c.toLowerCase()
  let v = -1
  if (lc >= '0' && lc <= '9') v = lc.charCodeAt(0) - 48
  else if (lc >= 'a' && lc <= 'f') v = lc.charCodeAt(0) - 87
  return v >= 0 && v < base ? v : -1
}

/**
 * proc_get_long() on `text` (what is left of the buffer): null for -EINVAL. strtoul_lenient()
 * with base 0 (`_parse_integer_fixup_radix()`); an overflow of 64 bits is -EINVAL.
 */
export function procGetLong(text: string): LongRead | null {
  if (text.length <= 0) return null
  const tmp = text.slice(0, TMPBUFLEN - 1)
  let p = 0
  let neg = false
  if (tmp[0] === '-' && text.length > 1) {
    neg = true
    p = 1
  }
  if (!isDigit(tmp[p])) return null
  let base = 10
  if (tmp[p] === '0') {
    base = tmp[p + 1]?.toLowerCase() === 'x' && digitValue(tmp[p + 2], 16) >= 0 ? 16 : 8
    if (base === 16) p += 2
  }
  let val = 0n
  for (let d = digitValue(tmp[p], base); d >= 0; d = digitValue(tmp[++p], base)) {
    val = val * BigInt(base) + BigInt(d)
    if (val > ULONG_MAX) return null
  }
  const len = p
  // "We don't know if the next char is whitespace": 21 characters used is refused.
  if (len === TMPBUFLEN - 1) return null
  if (len < text.length && !isSep(text[len])) return null
  return { val, neg, len }
}

/** A conversion of one value (do_proc_*_conv): the int to store, or null for -EINVAL. */
export type IntConv = (neg: boolean, val: bigint) => number | null

/** do_proc_dointvec_conv(): -2147483648 … 2147483647. */
export const intConv: IntConv = (neg, val) => {
  if (neg) return val > BigInt(INT_MAX) + 1n ? null : -Number(val)
  return val > BigInt(INT_MAX) ? null : Number(val)
}

/** do_proc_dointvec_minmax_conv(): an int, and min ≤ it ≤ max (extra1, extra2). */
export const minmaxConv =
  (min: number, max: number): IntConv =>
  (neg, val) => {
    const v = intConv(neg, val)
    return v === null || v < min || v > max ? null : v
  }

/**
 * do_proc_dointvec_jiffies_conv(): the value is seconds, stored as seconds × HZ; a magnitude
 * above INT_MAX / HZ is refused. Reading divides by HZ again, so seconds are kept here as they
 * read back (the stored jiffies are always a multiple of HZ).
 */
export const jiffiesConv: IntConv = (neg, val) => {
  if (val > BigInt(Math.floor(INT_MAX / HZ))) return null
  return neg ? -Number(val) : Number(val)
}

/**
 * The loop both write halves share (__do_proc_dointvec(), __do_proc_doulongvec_minmax()): up to
 * data.length numbers, each through `conv` (null: -EINVAL); `data` is changed in place as far as it
 * got, as the kernel does.
 */
function procVecWrite<T>(data: T[], text: string, conv: (neg: boolean, val: bigint) => T | null): ProcWriteResult {
  let buf = text.slice(0, PAGE_SIZE - 1)
  let first = true
  let err = false
  for (let i = 0; buf.length && i < data.length; i++, first = false) {
    buf = skipSpaces(buf)
    if (!buf.length) break
    const r = procGetLong(buf)
    const v = r ? conv(r.neg, r.val) : null
    if (!r || v === null) {
      err = true
      break
    }
    data[i] = v
    buf = buf.slice(r.len)
  }
  return first || err ? EINVAL : 0
}

/** The write half of __do_proc_dointvec(). */
export function procDoIntVecWrite(data: number[], text: string, conv: IntConv = intConv): ProcWriteResult {
  return procVecWrite(data, text, conv)
}

/** The write half of __do_proc_doulongvec_minmax() without min/max: a sign is -EINVAL. */
export function procDoUlongVecWrite(data: bigint[], text: string): ProcWriteResult {
  return procVecWrite(data, text, (neg, val) => (neg ? null : val))
}

/** The read half of both: the values in decimal, tab-separated, and a newline. */
export function procVecRead(data: readonly (number | bigint)[]): string {
  return `${data.map(String).join('\t')}\n`
}

function skipSpaces(buf: string): string {
  let i = 0
  while (i < buf.length && isSpace(buf[i])) i++
  return buf.slice(i)
}
