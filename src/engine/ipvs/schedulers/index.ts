import { dh } from './dh'
import { fo } from './fo'
import { lblc } from './lblc'
import { lblcr } from './lblcr'
import { lc } from './lc'
import { mh } from './mh'
import { KERNEL_SCHEDULER_NAMES } from './names'
import { nq } from './nq'
import { ovf } from './ovf'
import { rr } from './rr'
import type { AnyScheduler } from './scheduler'
import { sed } from './sed'
import { sh } from './sh'
import { wlc } from './wlc'
import { wrr } from './wrr'

export { KERNEL_SCHEDULER_NAMES } from './names'
export type { AnyScheduler, ScheduleContext, SchedulePacket, Scheduler } from './scheduler'

/** The schedulers this engine models. Adding one is one new file plus one line here. */
const SCHEDULERS: readonly AnyScheduler[] = [rr, wrr, lc, wlc, sh, dh, lblc, lblcr, sed, nq, fo, ovf, mh]

const byName = new Map(SCHEDULERS.map((s) => [s.name, s]))

/** ip_vs_scheduler_get(): the module by exact (case-sensitive) name, or null ("not found"). */
export function findScheduler(name: string): AnyScheduler | null {
  return byName.get(name) ?? null
}

/** Kernel schedulers that this engine does not model yet (scenarios using them cannot be replayed). */
export function missingKernelSchedulers(): string[] {
  return KERNEL_SCHEDULER_NAMES.filter((n) => !byName.has(n))
}
