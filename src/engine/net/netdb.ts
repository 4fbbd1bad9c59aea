import { SCTP_SERVICES, TCP_SERVICES, UDP_SERVICES } from '../data/etcServices'

type ProtoName = 'tcp' | 'udp' | 'sctp'

/** The services by port and by name per protocol, built on first use (importing this module costs nothing). */
let tables: { byPort: Map<ProtoName, Map<number, string>>; byName: Map<ProtoName, Map<string, number>> } | null = null

function servicesTables(): NonNullable<typeof tables> {
  if (tables) return tables
  const byPort = new Map<ProtoName, Map<number, string>>()
  const byName = new Map<ProtoName, Map<string, number>>()
  for (const [proto, table] of [
    ['tcp', TCP_SERVICES],
    ['udp', UDP_SERVICES],
    ['sctp', SCTP_SERVICES],
  ] as const) {
    const ports = new Map<number, string>()
    const names = new Map<string, number>()
    for (const [port, ...names_] of table) {
      if (!ports.has(port)) ports.set(port, names_[0])
      for (const n of names_) if (!names.has(n)) names.set(n, port)
    }
    byPort.set(proto, ports)
    byName.set(proto, names)
  }
  tables = { byPort, byName }
  return tables
}

/** getservbyport(): the official name of a port in Debian's /etc/services, or null. */
export function serviceNameOf(port: number, proto: ProtoName): string | null {
  return servicesTables().byPort.get(proto)?.get(port) ?? null
}

/** getservbyname(): a port by service name or alias, or null. */
export function servicePortOf(name: string, proto: ProtoName): number | null {
  return servicesTables().byName.get(proto)?.get(name) ?? null
}

/**
 * gethostbyname() for IPv4. The simulated director has no DNS (a browser has none to offer), only
 * its /etc/hosts: `localhost` and its own name. Anything else does not resolve.
 */
export function resolveHost(name: string): number | null {
  // 127.0.0.1 (a constant, so that the option tables importing this module stay light for the UI)
  if (name === 'localhost' || name === 'localhost.localdomain') return 0x7f000001
  return null
}
