import type { Errno } from '../../ipvs/director'

/** Every text ipvsadm 1.31 prints on its own account (ipvsadm.c, libipvs.c), in one place. */
export const VERSION_LINE = 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)'
export const TRY_HELP = (argv0: string): string => `Try \`${argv0} -h' or '${argv0} --help' for more information.\n`

export const msg = {
  invalidOption: (el: string) => `invalid option \`${el}'`,
  unexpectedArgument: (a: string) => `unexpected argument ${a}`,
  setNeedsThree: '--set option requires 3 timeout values',
  invalidTimeout: (v: string) => `invalid timeout value \`${v}' specified`,
  illegalVirtualServer: 'illegal virtual server address[:port] specified',
  illegalRealServer: 'illegal real server address[:port] specified',
  invalidFwmark: (v: string) => `invalid fwmark value \`${v}' specified`,
  illegalMask: 'illegal virtual server persistent mask specified',
  illegalIpv6Mask: 'illegal ipv6 netmask specified',
  illegalWeight: 'illegal weight specified',
  illegalUThreshold: 'illegal u_threshold specified',
  illegalLThreshold: 'illegal l_threshold specified',
  illegalSyncid: 'illegal syncid specified',
  illegalMcastPort: 'illegal mcast-port specified',
  illegalMcastTtl: 'illegal mcast-ttl specified',
  illegalSyncMaxlen: 'illegal sync-maxlen specified',
  illegalTunnelPort: 'illegal tunnel port specified',
  illegalTunnelType: 'illegal tunnel type specified',
  invalidMcastGroup4: (v: string) => `invalid IPv4 mcast-group \`${v}'`,
  invalidMcastGroup6: (v: string) => `invalid IPv6 mcast-group \`${v}'`,
  ipv6BeforeF: '-6 used before -f\n',
  illegalStartDaemon: 'illegal start-daemon parameter specified',
  illegalStopDaemon: 'illegal start_daemon specified',
  multipleOptions: (name: string) => `multiple '${name}' options specified`,
  needOption: (opt: string, cmd: string) => `You need to supply the '${opt}' option for the '${cmd}' command`,
  illegalOption: (opt: string, cmd: string) => `Illegal '${opt}' option with the '${cmd}' command`,
  conflictingOptions: (a: string, b: string, cmd: string) =>
    `The option '${a}' conflicts with the '${b}' option in the '${cmd}' command`,
  needTunnelOption: (opt: string, t: string) => `You need to supply the '${opt}' option for the '${t}' tunnel type`,
  illegalTunnelOption: (opt: string, t: string) => `Illegal '${opt}' option with the '${t}' tunnel type`,
  conflictingTunnelOptions: (a: string, b: string, t: string) =>
    `The option '${a}' conflicts with the '${b}' option in the '${t}' tunnel type`,
  listConflict: 'options conflicts in the list command',
  zeroPort: 'Zero port specified for non-persistent service',
  onePacketUdpOnly: 'One-Packet Scheduling is only for UDP virtual services',
  differentFamily: 'Different address family is allowed only for tunneling servers',
  tunnelOptionsConflict: 'Tunnel options conflict with forward method',
  incompatibleSchedFlag: (f: string) => `incompatible scheduler flag \`${f}'`,
  invalidSchedFlag: (f: string) => `invalid scheduler flag \`${f}'`,
  noSuchService: 'No such service',
} as const

/** The libipvs call a command made (ipvs_func), which selects the wording of a kernel error. */
export type IpvsFunc =
  | 'add_service'
  | 'update_service'
  | 'del_service'
  | 'zero_service'
  | 'add_dest'
  | 'update_dest'
  | 'del_dest'
  | 'start_daemon'
  | 'stop_daemon'
  | 'get_service'
  | 'other'

/** Extra kernel errors beyond the control plane's Errno that a command can meet. */
export type KernelErrno = Errno | 'EAFNOSUPPORT' | 'ENODEV' | 'EPERM' | 'ENOMEM'

// mirrors ipvs_strerror() (libipvs.c): per-call texts first, then generic ones, then strerror().
export function ipvsStrerror(func: IpvsFunc, err: KernelErrno): string {
  const specific: Partial<Record<IpvsFunc, Partial<Record<KernelErrno, string>>>> = {
    add_service: { EEXIST: 'Service already exists', ENOENT: 'Scheduler or persistence engine not found' },
    update_service: { ESRCH: 'No such service', ENOENT: 'Scheduler or persistence engine not found' },
    del_service: { ESRCH: 'No such service' },
    zero_service: { ESRCH: 'No such service' },
    add_dest: { ESRCH: 'Service not defined', EEXIST: 'Destination already exists' },
    update_dest: { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
    del_dest: { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
    start_daemon: { EEXIST: 'Daemon has already run' },
    stop_daemon: { ESRCH: 'No daemon is running' },
    get_service: { ESRCH: 'No such service' },
  }
  const text = specific[func]?.[err]
  if (text) return text
  switch (err) {
    case 'EPERM':
      return 'Permission denied (you must be root)'
    case 'EINVAL':
      return 'Invalid operation.  Possibly wrong module version, address not unicast, ...'
    case 'ENOMEM':
      return 'Memory allocation problem'
    case 'EAFNOSUPPORT':
      return 'Operation not supported with specified address family'
    case 'ERANGE':
      return 'Numerical result out of range'
    case 'ENOENT':
      return 'No such file or directory'
    case 'ESRCH':
      return 'No such process'
    case 'EEXIST':
      return 'File exists'
    case 'ENODEV':
      return 'No such device'
    case 'EPROTONOSUPPORT':
      return 'Protocol not supported'
  }
}
