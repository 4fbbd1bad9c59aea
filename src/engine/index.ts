/**
 * LVS Persistence Lab — the engine's public surface. A faithful model of a Linux 6.1 IPVS
 * director with ipvsadm 1.31 in front of it; pure TypeScript, deterministic, no DOM.
 */

export { capabilities } from './capabilities'
export type { DirectorIndex, DirectorName, PairDirectorState, PairState, VipMove } from './host/pair'
export { Simulator } from './host/simulator'
export type { Connection } from './ipvs/connection'
export type { Destination } from './ipvs/destination'
export { Director, type DirectorEvent, type Packet, type ScheduleDecision, type Verdict } from './ipvs/director'
export {
  type DestinationReadView,
  type DirectorReadApi,
  type EntryReadView,
  type ForwardName,
  readDirector,
  type ServiceReadView,
} from './ipvs/readApi'
export { findScheduler, KERNEL_SCHEDULER_NAMES, missingKernelSchedulers } from './ipvs/schedulers'
export type { Service } from './ipvs/service'
export { SYSCTL_KEYS } from './ipvs/sysctl'
export type { LogLine } from './keepalived/daemon'
export { exportKeepalivedConf } from './keepalived/export'
export { LAB_FAULT_KINDS } from './keepalived/labFault'
export { journalLine } from './keepalived/programs'
export { groupDigits } from './lib/digits'
export { formatIPv4, parseDottedQuad } from './net/ipv4'
export { type Addr, addrFold, compareAddr, formatAddr, formatAddrPort, parseAddr } from './net/ipv6'
export { compareWithRecording, type Mismatch, type RecordingLike } from './scenario/compare'
export { goldenSkipReason } from './scenario/goldenSkip'
export { type ImportAnswer, type ImportKind, recogniseImport, scenarioFromText } from './scenario/imports'
export { type ClientAttempt, type DaemonSource, type PlayerListener, ScenarioPlayer } from './scenario/player'
export { DEFAULT_FINAL_CMDS, type RunResult, runScenario } from './scenario/run'
export { parseScenario, type Scenario, validateScenario } from './scenario/schema'
export { type SimMs, secondsToSimMs, WALL_CLOCK_EPOCH_MS } from './sim/time'
export { IPTABLES_OPTION_WORDS } from './userland/iptables/extensions'
export { IPVSADM_OPTION_WORDS } from './userland/ipvsadm/options'
export { connectionLine, connectionListing } from './userland/ipvsadm/run'
export { scriptLines } from './userland/script'
export type { CommandResult } from './userland/shell'
export { runShell } from './userland/shell'
export { decodeFrame, encodeFrame, type Frame, type IpDatagram } from './wire/headers'
export { changedFields, headerFields, packetsOf } from './wire/hops'
export type { NetfilterStep } from './wire/netfilterPath'
export { type PcapRecord, PcapWriter, readPcap, writePcap } from './wire/pcap'
export { realServerSetup } from './wire/realServerSetup'
export { type Host, type HostRole, Topology, type TopologySpec } from './wire/topology'
export { type Hop, type PacketObserver, Wire, type WirePacket } from './wire/wire'
