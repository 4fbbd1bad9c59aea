/**
 * LVS Persistence Lab — the engine's public surface. A faithful model of a Linux 6.1 IPVS
 * director with ipvsadm 1.31 in front of it; pure TypeScript, deterministic, no DOM.
 */

export { IPVSADM_OPTION_WORDS } from './cli/ipvsadm/options'
export type { CommandResult } from './cli/ipvsadm/parse'
export { runShell } from './cli/shell'
export type { Connection } from './ipvs/connection'
export type { Destination } from './ipvs/destination'
export { Director, type DirectorEvent, type Packet, type ScheduleDecision, type Verdict } from './ipvs/director'
export { findScheduler, KERNEL_SCHEDULER_NAMES, missingKernelSchedulers } from './ipvs/schedulers'
export type { Service } from './ipvs/service'
export { compareWithRecording, type Mismatch, type RecordingLike } from './scenario/compare'
export { DEFAULT_FINAL_CMDS, type RunResult, runScenario } from './scenario/run'
export { parseScenario, type Scenario, validateScenario } from './scenario/schema'
export { Simulator } from './sim/simulator'
export { type SimMs, secondsToSimMs } from './sim/time'

/** What this build of the engine models; scenarios needing more are reported, not mis-simulated. */
export const capabilities = {
  /** iptables -t mangle … -j MARK (firewall marks). */
  netfilter: true,
  /** Services, real servers and clients of family IPv6 (AF_INET6). */
  ipv6: false,
} as const
export { connectionLine, connectionListing } from './cli/ipvsadm/run'
export { scriptLines } from './cli/script'
export {
  type DestinationReadView,
  type DirectorReadApi,
  type EntryReadView,
  type ForwardName,
  readDirector,
  type ServiceReadView,
} from './ipvs/readApi'
export { groupDigits } from './lib/digits'
export { formatIPv4, parseDottedQuad } from './net/ipv4'
export { type ClientAttempt, type PlayerListener, ScenarioPlayer } from './scenario/player'
export { WALL_CLOCK_EPOCH_MS } from './sim/time'
