/**
 * The programs at the director's prompt, by name (the Host's table: userland.ts and the
 * Simulator's iptables programs). Data only: the console's completion reads it on the page.
 * shell.test.ts checks that each runs.
 */
export const DIRECTOR_COMMANDS = [
  'ipvsadm',
  'ipvsadm-save',
  'ipvsadm-restore',
  'iptables',
  'iptables-nft',
  'iptables-legacy',
  'iptables-save',
  'iptables-nft-save',
  'iptables-legacy-save',
  'sysctl',
  'dmesg',
  'journalctl',
  'keepalived',
  'kubectl',
  'kube-proxy',
  'ip',
  'systemctl',
  'ssh',
  'lab-fault',
  'printf',
  'echo',
  'grep',
  'cat',
  'head',
  'tail',
  'wc',
  'sort',
  'uniq',
  'true',
  'false',
] as const

/** The files `cat` (and head, tail, wc, sort, uniq) can read: /proc's IPVS files. */
export const PROC_FILES = ['/proc/net/ip_vs', '/proc/net/ip_vs_conn', '/proc/net/ip_vs_conn_sync'] as const
export const PROC_SYSCTL_DIR = '/proc/sys/net/ipv4/vs/'
