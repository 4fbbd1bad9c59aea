/**
 * The weighted schedulers' load comparison, `(__s64)loh * dw > (__s64)doh * lw` (ip_vs_wlc.c,
 * ip_vs_sed.c, ip_vs_nq.c, ip_vs_lblc.c, ip_vs_lblcr.c): h1/w1 > h2/w2 without division, on
 * 64-bit products of two ints. A weight may be up to INT_MAX (Debian's ipvsadm takes `-w` up to
 * 2147483647), so a product can pass 2^53, where a JS number is no longer exact: such products
 * are compared as BigInts, as the kernel's s64 would (two ints never overflow an s64).
 */
const EXACT = 2 ** 53

/** `(s64)a * b > (s64)c * d` for int32 a, b, c, d. */
export function s64MulGreater(a: number, b: number, c: number, d: number): boolean {
  const left = a * b
  const right = c * d
  if (Math.abs(left) < EXACT && Math.abs(right) < EXACT) return left > right
  return BigInt(a) * BigInt(b) > BigInt(c) * BigInt(d)
}
