import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8Bytes } from './utf8'

describe('utf8Bytes', () => {
  it('encodes as the platform TextEncoder does', () => {
    const enc = new TextEncoder()
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect([...utf8Bytes(s)]).toEqual([...enc.encode(s)])
      }),
    )
    expect([...utf8Bytes('Call-ID: é\ud800')]).toEqual([...enc.encode('Call-ID: é\ud800')])
  })
})
