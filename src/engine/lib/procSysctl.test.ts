import { describe, expect, it } from 'vitest'
import {
  EINVAL,
  HZ,
  INT_MAX,
  intConv,
  jiffiesConv,
  minmaxConv,
  procDoIntVecWrite,
  procDoUlongVecWrite,
  procGetLong,
  procVecRead,
} from './procSysctl'

/** Linux 6.1.192 kernel/sysctl.c: proc_get_long(), __do_proc_dointvec(), __do_proc_doulongvec_minmax(). */
describe('proc_get_long()', () => {
  it('reads a decimal, a sign, and stops at a space, tab or newline', () => {
    expect(procGetLong('42\n')).toEqual({ val: 42n, neg: false, len: 2 })
    expect(procGetLong('-7 8')).toEqual({ val: 7n, neg: true, len: 2 })
    expect(procGetLong('5\t')).toEqual({ val: 5n, neg: false, len: 1 })
  })
  it('takes base 0 as strtoul does: 0x hex, a leading 0 octal (_parse_integer_fixup_radix())', () => {
    expect(procGetLong('0x10\n')?.val).toBe(16n)
    expect(procGetLong('010\n')?.val).toBe(8n)
    expect(procGetLong('0\n')?.val).toBe(0n)
  })
  it('refuses what does not start with a digit after the sign, or a trailer not in proc_wspace_sep', () => {
    for (const t of ['+1\n', 'abc\n', '-\n', '-', '', ' 1', '1a\n', '08\n', '0x\n', '1,2\n', '1\r\n'])
      expect(procGetLong(t), JSON.stringify(t)).toBeNull()
  })
  it('refuses 21 characters (TMPBUFLEN - 1) and a 64-bit overflow (strtoul_lenient())', () => {
    expect(procGetLong(`${'0'.repeat(20)}1\n`)).toBeNull()
    expect(procGetLong('18446744073709551615\n')?.val).toBe(18446744073709551615n)
    expect(procGetLong('18446744073709551616\n')).toBeNull()
  })
})

describe('the conversions (do_proc_*_conv())', () => {
  it('int: -2147483648 … 2147483647 (do_proc_dointvec_conv())', () => {
    expect(intConv(false, BigInt(INT_MAX))).toBe(INT_MAX)
    expect(intConv(false, BigInt(INT_MAX) + 1n)).toBeNull()
    expect(intConv(true, BigInt(INT_MAX) + 1n)).toBe(-INT_MAX - 1)
    expect(intConv(true, BigInt(INT_MAX) + 2n)).toBeNull()
  })
  it('minmax: extra1 ≤ value ≤ extra2 (do_proc_dointvec_minmax_conv())', () => {
    const c = minmaxConv(0, 3)
    expect([c(false, 0n), c(false, 3n), c(false, 4n), c(true, 1n)]).toEqual([0, 3, null, null])
  })
  it('jiffies: a magnitude above INT_MAX / HZ is refused (do_proc_dointvec_jiffies_conv())', () => {
    const max = Math.floor(INT_MAX / HZ)
    expect(max).toBe(8589934)
    expect(jiffiesConv(false, BigInt(max))).toBe(max)
    expect(jiffiesConv(true, BigInt(max))).toBe(-max)
    expect(jiffiesConv(false, BigInt(max) + 1n)).toBeNull()
  })
})

describe('__do_proc_dointvec() writes', () => {
  it('skips spaces around values and ignores text after the last value the table holds', () => {
    const d = [0]
    expect(procDoIntVecWrite(d, '  7  \n')).toBe(0)
    expect(d).toEqual([7])
    expect(procDoIntVecWrite(d, '8 junk\n')).toBe(0)
    expect(d).toEqual([8])
  })
  it('an empty or all-space write is EINVAL and changes nothing', () => {
    const d = [5]
    expect(procDoIntVecWrite(d, '\n')).toBe(EINVAL)
    expect(procDoIntVecWrite(d, '')).toBe(EINVAL)
    expect(d).toEqual([5])
  })
  it('a vector keeps the values converted before a failing one, and fails', () => {
    const d = [1, 2]
    expect(procDoIntVecWrite(d, '9 x\n')).toBe(EINVAL)
    expect(d).toEqual([9, 2])
    expect(procDoIntVecWrite(d, '4\n')).toBe(0)
    expect(d).toEqual([4, 2])
  })
  it('reads back tab-separated with a newline', () => {
    expect(procVecRead([3, 50])).toBe('3\t50\n')
    expect(procVecRead([-1])).toBe('-1\n')
  })
})

describe('__do_proc_doulongvec_minmax() writes', () => {
  it('takes the whole unsigned long range and refuses a sign', () => {
    const d = [0n]
    expect(procDoUlongVecWrite(d, '18446744073709551615\n')).toBe(0)
    expect(d).toEqual([18446744073709551615n])
    expect(procDoUlongVecWrite(d, '-1\n')).toBe(EINVAL)
    expect(procDoUlongVecWrite(d, '-0\n')).toBe(EINVAL)
    expect(d).toEqual([18446744073709551615n])
  })
})
