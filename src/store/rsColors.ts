/**
 * The real servers' colours for a session: each address gets a palette slot the first time it is
 * seen (the next free one; several new at once, in address order) and keeps it while the session
 * lasts — when it is removed and added again, across rewinds and resets, in every panel and in
 * compare. Only a scenario of another name starts the registry afresh (`forScenario`). Pure
 * functions: a registry is never changed in place, so a selector sees a new object only when an
 * address got its slot.
 */

import { compareAddr } from '../engine/net/ipv6'

/** A real server's address as the registry keys it: an IPv4 address (a number) or an IPv6 one (its text). */
export type AddrKey = number | string

/** The palette's size (src/index.css `--rs-0` … `--rs-7`); beyond it, slots come round again. */
export const RS_COLOR_SLOTS = 8

export interface RsColors {
  /** The scenario the colours were given in. */
  readonly scenario: string
  /** Address → palette slot. */
  readonly slots: ReadonlyMap<AddrKey, number>
}

export const emptyRsColors = (scenario = ''): RsColors => ({ scenario, slots: new Map() })

/** The same registry when every address has its slot already; else a copy with the new ones added. */
export function withAddresses(reg: RsColors, addrs: Iterable<AddrKey | null>): RsColors {
  const fresh = [...new Set(addrs)]
    .filter((a): a is AddrKey => a !== null && !reg.slots.has(a))
    .sort((a, b) => compareAddr(a as never, b as never))
  if (fresh.length === 0) return reg
  const slots = new Map(reg.slots)
  for (const a of fresh) slots.set(a, slots.size % RS_COLOR_SLOTS)
  return { scenario: reg.scenario, slots }
}

/** The registry for a loaded scenario: kept when it is the same scenario again, fresh for another. */
export function forScenario(reg: RsColors, scenario: string): RsColors {
  return reg.scenario === scenario ? reg : emptyRsColors(scenario)
}

/** An address's slot; one the registry never saw (a server beyond the drawn ones) takes the last. */
export function rsSlot(reg: RsColors, addr: AddrKey | null): number {
  return (addr === null ? undefined : reg.slots.get(addr)) ?? RS_COLOR_SLOTS - 1
}
