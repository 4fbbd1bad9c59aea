/**
 * Helpers for the engine's tests: a simulator with a service, and clients that open and close
 * connections by name. Used only by *.test.ts files.
 */

import { type ClientTcp, clientRs, newClientTcp, type Simulator } from './host/simulator'
import { type IPv4, parseInetAton } from './net/ipv4'
import { type Addr, parseIPv6 } from './net/ipv6'
import type { SimMs } from './sim/time'

export const ip = (s: string): IPv4 => {
  const a = parseInetAton(s)
  if (a === null) throw new Error(`bad address ${s}`)
  return a
}

/** An IPv6 address (inet_pton) or an IPv4 one (inet_aton). */
export const addr = (s: string): Addr => parseIPv6(s) ?? ip(s)

export const VIP = '192.168.100.100'

/** Run command lines and fail loudly if one fails. */
export function setup(sim: Simulator, ...lines: string[]): Simulator {
  for (const l of lines) {
    const r = sim.run(l)
    if (r.exit !== 0) throw new Error(`${l}: exit ${r.exit}: ${r.stderr}`)
  }
  return sim
}

/** A client that connects at the current time; returns the client to close it later. */
export function connect(
  sim: Simulator,
  client: string,
  port: number,
  vport = 80,
  vip = VIP,
): ClientTcp & { rs: string | null } {
  const c = newClientTcp(addr(client), port, addr(vip), vport)
  sim.tcpConnect(c)
  return Object.assign(c, { rs: clientRs(c) })
}

/** Open and immediately close (FIN): what a short HTTP request does. */
export function request(sim: Simulator, client: string, port: number, vport = 80, vip = VIP): string | null {
  const c = connect(sim, client, port, vport, vip)
  sim.tcpClose(c, 'fin')
  return clientRs(c)
}

export const at = (sim: Simulator, seconds: number): void => sim.advanceTo(Math.round(seconds * 1000) as SimMs)

/** The `-Lnc` rows without the header, sorted, for order-free comparisons. */
export function lnc(sim: Simulator): string[] {
  return sim.run('ipvsadm -Lnc').stdout.split('\n').slice(2).filter(Boolean).sort()
}
