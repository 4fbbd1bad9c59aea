/** The scheduler's interface (struct ip_vs_scheduler) lives with the other shared structs in ../types.ts. */
export type { AnyScheduler, ScheduleContext, SchedulePacket, Scheduler } from '../types'
