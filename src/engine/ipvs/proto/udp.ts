/** UDP as IPVS sees it: a single state, re-armed by every packet (mirrors ip_vs_proto_udp.c). */
export const UDP_STATE_NORMAL = 0
export const UDP_STATE_NAME = 'UDP'
export const UDP_DEFAULT_TIMEOUT_SEC = 300
