import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkLayers, cyclesOf, layerOf } from '../scripts/layerCheck'

const report = checkLayers(resolve(import.meta.dirname, '..'))

describe('layers', () => {
  it('the engine imports only downwards', () => {
    expect(report.against.filter((e) => e.from.startsWith('src/engine/'))).toEqual([])
  })

  it('the engine has no runtime import cycle', () => {
    expect(report.cycles.filter((c) => c.some((f) => f.startsWith('src/engine/')))).toEqual([])
  })

  it('nothing imports against the layers, and no runtime import cycle anywhere', () => {
    expect(report.against).toEqual([])
    expect(report.cycles).toEqual([])
  })

  it('finds a cycle and places files in layers', () => {
    expect(
      cyclesOf(
        ['a', 'b', 'c'],
        [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'a' },
          { from: 'b', to: 'c' },
        ],
      ),
    ).toEqual([['a', 'b']])
    expect(layerOf('src/engine/net/ipv4.ts')).toBeLessThan(layerOf('src/engine/ipvs/director.ts'))
    expect(layerOf('src/engine/index.ts')).toBeLessThan(layerOf('src/worker/host.ts'))
  })
})
