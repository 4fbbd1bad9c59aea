/** Small text helpers for the panels (the engine's own printers stay in the worker). */
import { addrText, isV6Num, type LabState, useLab } from '../store/index'
import { distinguishingTails, shortName } from './addressText'

export { clock, clockPair } from './clockText'

/** An address number (protocol.ts V6_ADDR_BASE) as ipvsadm -n prints it: `192.168.8.101`, `2001:db8:8::101`. */
export function ip(a: number): string {
  return addrText(a)
}

let tailsFor: { rs: LabState['rs'] | null; runs: LabState['compareRuns'] | null; tails: Map<string, string> } = {
  rs: null,
  runs: null,
  tails: new Map(),
}

/** The distinguishing tails among the real servers configured now (the lab's and the compared runs'), and `text`. */
function rsTails(text: string): ReadonlyMap<string, string> {
  const { rs, compareRuns } = useLab.getState()
  if (tailsFor.rs !== rs || tailsFor.runs !== compareRuns) {
    const texts = [...rs.map((r) => addrText(r.addr)), ...compareRuns.flatMap((c) => c.rs.map((r) => addrText(r.addr)))]
    tailsFor = { rs, runs: compareRuns, tails: distinguishingTails(texts) }
  }
  if (tailsFor.tails.has(text)) return tailsFor.tails
  // a server that is gone (a template's, an old attempt's): its tail among those configured
  return distinguishingTails([...tailsFor.tails.keys(), text])
}

/**
 * A real server as people say it in class: IPv4 the last octet (`.102`); IPv6 its distinguishing
 * tail among the real servers configured (`…::102`, addressText.ts).
 */
export function shortIp(a: number): string {
  if (!isV6Num(a)) return `.${a & 255}`
  const text = addrText(a)
  return shortName(text, rsTails(text))
}

/** ipvsadm's expire column: mm:ss. */
export function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/**
 * The ipvsadm -e/-d service option for a service label (`TCP 1.2.3.4:80` → `-t 1.2.3.4:80`,
 * `TCP [2001:db8::10]:80` → `-t [2001:db8::10]:80`, `FWM 80` → `-f 80`; an IPv6 fwmark service
 * `-f 80 -6`).
 */
export function serviceOption(label: string, family: 'inet' | 'inet6' = 'inet'): string {
  const [proto, rest] = label.split(' ')
  if (proto === 'FWM') return family === 'inet6' ? `-f ${rest} -6` : `-f ${rest}`
  return `${proto === 'UDP' ? '-u' : proto === 'SCTP' ? '--sctp-service' : '-t'} ${rest}`
}

export function forwardOption(forward: string): string {
  return forward === 'Masq' ? '-m' : forward === 'Tunnel' ? '-i' : '-g'
}
