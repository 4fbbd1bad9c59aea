import { describe, expect, it } from 'vitest'
import type { Request } from '../worker/protocol'
import { client, resetChannel, sendSeek, setSender, settleSeek } from './channel'

describe('one seek at a time', () => {
  it('a seek is done when a frame says the worker handled it, whatever the frames epochs say', () => {
    const sent: Request[] = []
    setSender((r) => sent.push(r))
    resetChannel()
    sendSeek(250_000)
    const first = client.seekId as number
    expect(sent.at(-1)).toEqual({ type: 'seek', toMs: 250_000, id: first })
    // the slider moved on meanwhile: only the latest target waits
    client.pendingSeek = 240_000
    client.pendingSeek = 230_000
    // a frame asked for before the seek, answered after it was sent (a newer epoch or not): not done
    expect(settleSeek(first - 1, 230_000)).toBe(230_000)
    expect(client.seekId).toBe(first)
    expect(sent).toHaveLength(1)
    // the frame after the seek: the waiting target goes, and is the one the slider shows
    expect(settleSeek(first, 230_000)).toBe(230_000)
    const second = client.seekId as number
    expect(second).toBeGreaterThan(first)
    expect(sent.at(-1)).toEqual({ type: 'seek', toMs: 230_000, id: second })
    expect(client.pendingSeek).toBeNull()
    // its answer: done, the slider follows the clock again
    expect(settleSeek(second, 230_000)).toBeNull()
    expect(client.seekId).toBeNull()
    resetChannel()
  })
})
