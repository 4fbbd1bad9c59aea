import { describe, expect, it } from 'vitest'
import { PoptContext, type PoptOption } from './popt'

const table: PoptOption[] = [
  { long: 'list', short: 'L', arg: 'none', val: 'L' },
  { long: 'numeric', short: 'n', arg: 'none', val: 'n' },
  { long: 'persistent', short: 'p', arg: 'optional', val: 'p' },
  { long: 'scheduler', short: 's', arg: 'required', val: 's' },
]
const all = (argv: string[]) => {
  const ctx = new PoptContext(argv, table)
  const out: unknown[] = []
  for (let i = ctx.next(); i.kind !== 'end'; i = ctx.next()) {
    out.push(i.kind === 'option' ? [i.val, i.arg] : [i.code, i.element])
    if (i.kind === 'error') break
  }
  return { out, leftovers: ctx.leftovers }
}

describe('popt', () => {
  it('splits clustered short options and takes the rest of a cluster as the argument', () => {
    expect(all(['-Ln', '-p600', '-s=rr']).out).toEqual([
      ['L', null],
      ['n', null],
      ['p', '600'],
      ['s', 'rr'],
    ])
  })
  it('an optional argument is taken from the next word only if it does not start with -', () => {
    expect(all(['-p', '-s', 'rr']).out).toEqual([
      ['p', null],
      ['s', 'rr'],
    ])
    expect(all(['-p', '-5']).out).toEqual([
      ['p', null],
      ['BADOPT', '-5'],
    ])
    expect(all(['-p', 'abc']).out).toEqual([['p', 'abc']])
  })
  it('a required argument takes the next word even if it starts with -', () => {
    expect(all(['-s', '-x']).out).toEqual([['s', '-x']])
    expect(all(['-s']).out).toEqual([['NOARG', '-s']])
  })
  it('long options match in full, with =value; flags refuse a value', () => {
    expect(all(['--scheduler=wrr', '--numeric']).out).toEqual([
      ['s', 'wrr'],
      ['n', null],
    ])
    expect(all(['--num']).out).toEqual([['BADOPT', '--num']])
    expect(all(['--numeric=1']).out).toEqual([['UNWANTEDARG', '--numeric=1']])
  })
  it('positionals may sit anywhere; -- ends the options', () => {
    expect(all(['x', '-L', 'y', '--', '-n']).leftovers).toEqual(['x', 'y', '-n'])
  })
})
