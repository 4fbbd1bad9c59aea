/**
 * What this build of the engine models. Scenarios (and recordings) that need more are reported as
 * such (`goldenSkipReason()`), never mis-simulated.
 */
export const capabilities = {
  /** iptables -t mangle … -j MARK (firewall marks). */
  netfilter: true,
  /** Services, real servers and clients of family IPv6 (AF_INET6). */
  ipv6: true,
} as const
