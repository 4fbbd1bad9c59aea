/**
 * TCP as an IPVS director sees it: the state machine, its default timeouts and names
 * (mirrors ip_vs_proto_tcp.c: tcp_states[], tcp_timeouts[], set_tcp_state()).
 */

export const TcpState = {
  NONE: 0,
  ESTABLISHED: 1,
  SYN_SENT: 2,
  SYN_RECV: 3,
  FIN_WAIT: 4,
  TIME_WAIT: 5,
  CLOSE: 6,
  CLOSE_WAIT: 7,
  LAST_ACK: 8,
  LISTEN: 9,
  SYNACK: 10,
} as const
export type TcpState = (typeof TcpState)[keyof typeof TcpState]
export const TCP_STATE_COUNT = 11

export const TCP_STATE_NAMES: readonly string[] = [
  'NONE',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'SYNACK',
]

/** Default per-state timeouts in seconds (tcp_timeouts[]). */
export const TCP_DEFAULT_TIMEOUTS_SEC: readonly number[] = [2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120]

/** Which side sent the packet. INPUT_ONLY is used instead of INPUT while the entry has NOOUTPUT (DR/TUN). */
export const Direction = { INPUT: 0, OUTPUT: 1, INPUT_ONLY: 2 } as const
export type Direction = (typeof Direction)[keyof typeof Direction]

/** The flag class of a TCP packet, chosen by priority RST > SYN > FIN > ACK (tcp_state_idx()). */
export const TcpFlagClass = { SYN: 0, FIN: 1, ACK: 2, RST: 3 } as const
export type TcpFlagClass = (typeof TcpFlagClass)[keyof typeof TcpFlagClass]

export interface TcpFlags {
  syn?: boolean
  ack?: boolean
  fin?: boolean
  rst?: boolean
}

export function tcpFlagClass(f: TcpFlags): TcpFlagClass | -1 {
  if (f.rst) return TcpFlagClass.RST
  if (f.syn) return TcpFlagClass.SYN
  if (f.fin) return TcpFlagClass.FIN
  if (f.ack) return TcpFlagClass.ACK
  return -1
}

const S = {
  NO: TcpState.NONE,
  ES: TcpState.ESTABLISHED,
  SS: TcpState.SYN_SENT,
  SR: TcpState.SYN_RECV,
  FW: TcpState.FIN_WAIT,
  TW: TcpState.TIME_WAIT,
  CL: TcpState.CLOSE,
  CW: TcpState.CLOSE_WAIT,
  LA: TcpState.LAST_ACK,
  LI: TcpState.LISTEN,
  SA: TcpState.SYNACK,
}
const { ES, SS, SR, FW, TW, CL, CW, LA, LI } = S

/** tcp_states[]: [direction][flag class][current state] → next state. Columns: NO ES SS SR FW TW CL CW LA LI SA. */
const TCP_STATES: readonly (readonly (readonly TcpState[])[])[] = [
  // INPUT
  [
    /*syn*/ [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR],
    /*fin*/ [CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW],
    /*ack*/ [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
    /*rst*/ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR],
  ],
  // OUTPUT
  [
    /*syn*/ [SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR],
    /*fin*/ [TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW],
    /*ack*/ [ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES],
    /*rst*/ [CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL],
  ],
  // INPUT_ONLY
  [
    /*syn*/ [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR],
    /*fin*/ [CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW],
    /*ack*/ [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
    /*rst*/ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL],
  ],
]

const SA = S.SA

/**
 * tcp_states_dos[]: the table secure_tcp ≥ 2 switches to (tcp_timeout_change()). A handshake
 * seen from both sides ends in SYNACK, not ESTABLISHED, and an ACK keeps it there (a NAT
 * connection never becomes established, so its template is never assured); DR/TUN's INPUT_ONLY
 * rows take a first SYN to SYNACK.
 */
const TCP_STATES_DOS: readonly (readonly (readonly TcpState[])[])[] = [
  // INPUT
  [
    /*syn*/ [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA],
    /*fin*/ [CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA],
    /*ack*/ [ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA],
    /*rst*/ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL],
  ],
  // OUTPUT
  [
    /*syn*/ [SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA],
    /*fin*/ [TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW],
    /*ack*/ [ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES],
    /*rst*/ [CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL],
  ],
  // INPUT_ONLY
  [
    /*syn*/ [SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA],
    /*fin*/ [CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW],
    /*ack*/ [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
    /*rst*/ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL],
  ],
]

/**
 * The next state for a packet; a packet with no flag at all closes the entry (set_tcp_state()).
 * `dos`: the state table is tcp_states_dos (secure_tcp at 2 or 3, update_defense_level()).
 */
export function nextTcpState(current: TcpState, dir: Direction, flags: TcpFlags, dos = false): TcpState {
  const cls = tcpFlagClass(flags)
  if (cls === -1) return TcpState.CLOSE
  return (dos ? TCP_STATES_DOS : TCP_STATES)[dir][cls][current]
}

/**
 * States counted in ActiveConn (tcp_state_active(), since "ipvs: count pre-established TCP states
 * as active"): ESTABLISHED and the handshake states; every other state counts in InActConn.
 */
export const isActiveTcpState = (s: TcpState): boolean =>
  s === TcpState.ESTABLISHED || s === TcpState.SYN_SENT || s === TcpState.SYN_RECV || s === TcpState.SYNACK
