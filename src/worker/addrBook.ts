/**
 * The worker's address book: each IPv6 address a frame names gets an index, once, so that it can
 * travel in the frames' Float64 lanes as V6_ADDR_BASE + index beside IPv4 addresses, which travel as
 * themselves (protocol.ts). One book per worker (a module, outside every run, so a rewind's
 * checkpoint neither copies it nor takes an index back); each host sends the entries it has not sent
 * yet with its next frame (`AddrBookCursor`). It grows with the distinct IPv6 addresses shown — a
 * scenario's clients, services and real servers — not with the length of a run.
 */
import type { Addr } from '../engine/index'
import { type AddrBookDelta, decodeAddr, V6_ADDR_BASE } from './protocol'

export class AddrBook {
  private readonly index = new Map<string, number>()
  private readonly list: string[] = []

  /** The address number of `a`: an IPv4 address itself, an IPv6 one V6_ADDR_BASE + its index. */
  encode(a: Addr): number {
    if (typeof a !== 'string') return a >>> 0
    let i = this.index.get(a)
    if (i === undefined) {
      i = this.list.length
      this.list.push(a)
      this.index.set(a, i)
    }
    return V6_ADDR_BASE + i
  }

  /** The address an address number stands for (null: not an address this book gave). */
  decode(n: number): Addr | null {
    return decodeAddr(n, this.list)
  }

  get size(): number {
    return this.list.length
  }

  /** The entries from index `from` on (null: none). */
  since(from: number): AddrBookDelta | null {
    return from >= this.list.length ? null : { from, list: this.list.slice(from) }
  }
}

/** The worker's one book. */
export const addrBook = new AddrBook()

/** What one host has sent of a book: its next frame carries the rest. */
export class AddrBookCursor {
  private sent = 0
  private readonly book: AddrBook

  constructor(book: AddrBook = addrBook) {
    this.book = book
  }

  /** The entries not sent yet, now counted as sent. */
  take(): AddrBookDelta | null {
    const d = this.book.since(this.sent)
    this.sent = this.book.size
    return d
  }
}
