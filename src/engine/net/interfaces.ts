import { formatIPv4, parseDottedQuad } from './ipv4'
import { ipv6FromWords, parseIPv6 } from './ipv6'

/**
 * The director's network interfaces and their addresses, as the kernel keeps them for
 * `ip addr` / `ip link` (net/ipv4/devinet.c, net/ipv6/addrconf.c): lo, eth0 toward the clients,
 * eth1 toward the real servers (the golden README's lab: 10.0.255.254/16 and 192.168.8.1/24, and
 * 2001:db8:ffff::fe/64, 2001:db8:8::1/64), and the devices a program makes — kube-proxy's dummy
 * `kube-ipvs0`, which holds every ClusterIP. `add` and `del` are what `ip addr add|del` and a
 * daemon (kube-proxy, VRRP) call. Plain data: a rewind checkpoint copies it.
 *
 * Which addresses the director's IPVS treats as its own is `fibLocal.ts`'s (the recordings'),
 * not this list: an address added here changes what `ip` prints, not how a packet is forwarded.
 */

export interface IfAddress {
  /** 4 or 6. */
  family: 4 | 6
  /** Dotted quad or IPv6 text (as iproute2 prints it). */
  addr: string
  prefixLen: number
  /** IPv4: the broadcast address when one was given (`brd`), else ''. */
  brd: string
  scope: 'host' | 'global' | 'link'
  /** IPv4: another address of the same subnet and prefix was there first (devinet.c __inet_insert_ifa()). */
  secondary: boolean
}

export interface NetInterface {
  index: number
  name: string
  kind: 'loopback' | 'ether' | 'dummy'
  mac: string
  up: boolean
  addrs: IfAddress[]
}

export type AddrChange = { ok: true } | { ok: false; error: 'exists' | 'no-such-address' | 'no-such-device' }

/** The director's addresses (topology.ts DEFAULT_DIRECTOR, the golden README's lab). */
export interface InterfaceSetup {
  clientSide: string
  dip: string
  clientSide6: string
  dip6: string
}

/** QEMU's first and second NIC (the director's eth0 is DIRECTOR_MAC in netfilter/xt_mac.ts). */
const ETH0_MAC = '52:54:00:12:34:56'
const ETH1_MAC = '52:54:00:12:34:57'
/** A dummy device's address is random (eth_hw_addr_random()); the lab's is fixed, so a run replays. */
const DUMMY_MAC = 'aa:7e:0c:51:d6:3b'

const maskOf = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)

/** The EUI-64 link-local address of a MAC (addrconf.c addrconf_ifid_eui48()). */
function linkLocal(mac: string): string {
  const b = mac.split(':').map((h) => Number.parseInt(h, 16))
  return ipv6FromWords([
    0xfe80,
    0,
    0,
    0,
    ((b[0] ^ 2) << 8) | b[1],
    (b[2] << 8) | 0xff,
    0xfe00 | b[3],
    (b[4] << 8) | b[5],
  ])
}

/** The address in iproute2's form (an IPv6 one compressed as inet_ntop does). */
export function canonicalAddr(family: 4 | 6, text: string): string | null {
  if (family === 4) {
    const a = parseDottedQuad(text)
    return a === null ? null : formatIPv4(a)
  }
  return parseIPv6(text)
}

export class Interfaces {
  readonly list: NetInterface[] = []
  private nextIndex = 1

  constructor(setup: InterfaceSetup) {
    const lo = this.make('lo', 'loopback', '00:00:00:00:00:00', true)
    this.add('lo', '127.0.0.1', 8)
    lo.addrs.push({ family: 6, addr: '::1', prefixLen: 128, brd: '', scope: 'host', secondary: false })
    const eth0 = this.make('eth0', 'ether', ETH0_MAC, true)
    this.add('eth0', setup.clientSide, 16, true)
    this.add('eth0', setup.clientSide6, 64)
    eth0.addrs.push({ family: 6, addr: linkLocal(ETH0_MAC), prefixLen: 64, brd: '', scope: 'link', secondary: false })
    const eth1 = this.make('eth1', 'ether', ETH1_MAC, true)
    this.add('eth1', setup.dip, 24, true)
    this.add('eth1', setup.dip6, 64)
    eth1.addrs.push({ family: 6, addr: linkLocal(ETH1_MAC), prefixLen: 64, brd: '', scope: 'link', secondary: false })
  }

  private make(name: string, kind: NetInterface['kind'], mac: string, up: boolean): NetInterface {
    const dev: NetInterface = { index: this.nextIndex++, name, kind, mac, up, addrs: [] }
    this.list.push(dev)
    return dev
  }

  get(name: string): NetInterface | undefined {
    return this.list.find((d) => d.name === name)
  }

  /** `ip link add NAME type dummy` (kube-proxy's `kube-ipvs0`): made once, down, no ARP. */
  ensureDummy(name: string): NetInterface {
    return this.get(name) ?? this.make(name, 'dummy', DUMMY_MAC, false)
  }

  /**
   * `ip addr add ADDR/LEN [brd +] dev DEV` (RTM_NEWADDR): IPv4 or IPv6 by the address's form. An
   * IPv4 address whose subnet and prefix an earlier one of the device has is secondary.
   */
  add(dev: string, addr: string, prefixLen: number, brd = false): AddrChange {
    const d = this.get(dev)
    if (!d) return { ok: false, error: 'no-such-device' }
    const family = addr.includes(':') ? 6 : 4
    const text = canonicalAddr(family, addr)
    if (text === null) return { ok: false, error: 'no-such-address' }
    if (d.addrs.some((a) => a.family === family && a.addr === text && (family === 6 || a.prefixLen === prefixLen)))
      return { ok: false, error: 'exists' }
    let secondary = false
    let broadcast = ''
    if (family === 4) {
      const n = parseDottedQuad(text) as number
      const m = maskOf(prefixLen)
      secondary = d.addrs.some(
        (a) =>
          a.family === 4 &&
          !a.secondary &&
          a.prefixLen === prefixLen &&
          ((parseDottedQuad(a.addr) as number) & m) >>> 0 === (n & m) >>> 0,
      )
      if (brd && prefixLen < 31) broadcast = formatIPv4((n | ~m) >>> 0)
    }
    const scope = d.kind === 'loopback' && family === 4 ? 'host' : 'global'
    d.addrs.push({ family, addr: text, prefixLen, brd: broadcast, scope, secondary })
    // the kernel lists IPv4 addresses before IPv6 ones, each family in the order added
    d.addrs.sort((a, b) => a.family - b.family)
    return { ok: true }
  }

  /** `ip addr del ADDR[/LEN] dev DEV` (RTM_DELADDR); without LEN the first of that address. */
  del(dev: string, addr: string, prefixLen?: number): AddrChange {
    const d = this.get(dev)
    if (!d) return { ok: false, error: 'no-such-device' }
    const family = addr.includes(':') ? 6 : 4
    const text = canonicalAddr(family, addr)
    const i = d.addrs.findIndex(
      (a) => a.family === family && a.addr === text && (prefixLen === undefined || a.prefixLen === prefixLen),
    )
    if (i < 0) return { ok: false, error: 'no-such-address' }
    const [gone] = d.addrs.splice(i, 1)
    // a primary's first secondary of the same subnet is promoted (net.ipv4.conf.all.promote_secondaries=1 on Debian)
    if (gone.family === 4 && !gone.secondary) {
      const m = maskOf(gone.prefixLen)
      const g = parseDottedQuad(gone.addr) as number
      const next = d.addrs.find(
        (a) =>
          a.family === 4 &&
          a.secondary &&
          a.prefixLen === gone.prefixLen &&
          ((parseDottedQuad(a.addr) as number) & m) >>> 0 === (g & m) >>> 0,
      )
      if (next) next.secondary = false
    }
    return { ok: true }
  }

  /** Does any device hold this address? */
  holds(addr: string): boolean {
    const family = addr.includes(':') ? 6 : 4
    const text = canonicalAddr(family, addr)
    return this.list.some((d) => d.addrs.some((a) => a.family === family && a.addr === text))
  }
}
