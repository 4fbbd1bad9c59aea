/** The scheduler modules a Debian 6.1 kernel ships (`twos` came in 6.2 and is absent). */
export const KERNEL_SCHEDULER_NAMES = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'sh',
  'dh',
  'lblc',
  'lblcr',
  'sed',
  'nq',
  'fo',
  'ovf',
  'mh',
] as const
