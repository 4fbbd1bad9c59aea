import { canonicalAddr, type IfAddress, type Interfaces, type NetInterface } from '../net/interfaces'
import type { CommandResult } from './shell'

/**
 * `ip` (iproute2 6.1, Debian 12's 6.1.0-3) on the director, for its interfaces
 * (net/interfaces.ts): `ip addr show [dev] [NAME]` (`ip a`, `ip addr`, `ip -4 addr`,
 * `ip -6 addr`), `ip addr add|del ADDR[/LEN] dev NAME`, `ip link show [dev] [NAME]`, printed
 * as iproute2 prints them (ipaddress.c print_linkinfo(), print_addrinfo()). Other objects and
 * commands are iproute2's own refusals, or the lab's `not supported in this lab`.
 */

const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', exit: 0 })
const fail = (stderr: string, exit = 1): CommandResult => ({ stdout: '', stderr: `${stderr}\n`, exit })

/** iproute2's matches(): the word is a prefix of the keyword. */
const matches = (word: string, keyword: string) => word.length > 0 && keyword.startsWith(word)

/** The objects of ip.c's table, in its order (the first a prefix matches is taken). */
const OBJECTS = [
  'address',
  'addrlabel',
  'maddress',
  'route',
  'rule',
  'neighbor',
  'neighbour',
  'ntable',
  'ntbl',
  'link',
  'l2tp',
  'fou',
  'ila',
  'macsec',
  'tunnel',
  'tuntap',
  'tap',
  'token',
  'tcpmetrics',
  'monitor',
  'xfrm',
  'mroute',
  'mrule',
  'netns',
  'netconf',
  'vrf',
  'sr',
  'nexthop',
  'mptcp',
  'ioam',
  'stats',
  'help',
]

const USAGE = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | fou | help | ila | ioam | l2tp | link |
                   macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
`

/**
 * The link line and its link/ether line (print_linkinfo()); `mode DEFAULT` in `ip link`. Under a
 * family filter (`-4`, `-6`) the link/ether line is not printed at all (its guard:
 * `!filter.family || filter.family == AF_PACKET || show_details`).
 */
function linkLines(d: NetInterface, link: boolean, family: 0 | 4 | 6 = 0): string {
  const flags =
    d.kind === 'loopback'
      ? 'LOOPBACK,UP,LOWER_UP'
      : d.kind === 'dummy'
        ? `BROADCAST,NOARP${d.up ? ',UP,LOWER_UP' : ''}`
        : `BROADCAST,MULTICAST${d.up ? ',UP,LOWER_UP' : ''}`
  const mtu = d.kind === 'loopback' ? 65536 : 1500
  const qdisc = d.kind === 'loopback' ? 'noqueue' : d.kind === 'dummy' ? (d.up ? 'noqueue' : 'noop') : 'fq_codel'
  const state = d.kind === 'ether' ? (d.up ? 'UP' : 'DOWN') : d.up ? 'UNKNOWN' : 'DOWN'
  // a dummy's tx_queue_len is 0: no qlen, and iproute2 leaves the space after `group default`
  const qlen = d.kind === 'dummy' ? ' ' : ' qlen 1000'
  const linkType = d.kind === 'loopback' ? 'loopback' : 'ether'
  const brd = d.kind === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'
  const first = `${d.index}: ${d.name}: <${flags}> mtu ${mtu} qdisc ${qdisc} state ${state}${link ? ' mode DEFAULT' : ''} group default${qlen}\n`
  return family === 0 ? `${first}    link/${linkType} ${d.mac} brd ${brd}\n` : first
}

/** An address's two lines (print_addrinfo()): IPv6 lines end in a space where IPv4 ones name the device. */
function addrLines(d: NetInterface, a: IfAddress): string {
  const head =
    a.family === 4
      ? `    inet ${a.addr}/${a.prefixLen}${a.brd ? ` brd ${a.brd}` : ''} scope ${a.scope}${a.secondary ? ' secondary' : ''} ${d.name}\n`
      : `    inet6 ${a.addr}/${a.prefixLen} scope ${a.scope} \n`
  return `${head}       valid_lft forever preferred_lft forever\n`
}

/**
 * An IPv4 address as iproute2's get_addr_ipv4() reads it: up to four parts, each strtoul(…, 0)
 * (so `010` is 8 and `0x1f` 31) and at most 255, the missing ones 0 (`1.2.3` is 1.2.3.0).
 */
function iprouteIPv4(text: string): string | null {
  const parts = text.split('.')
  if (parts.length > 4) return null
  const out = [0, 0, 0, 0]
  for (const [i, p] of parts.entries()) {
    const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(p)
    if (!m) return null
    const n =
      p.startsWith('0x') || p.startsWith('0X')
        ? Number.parseInt(p, 16)
        : p.startsWith('0')
          ? Number.parseInt(p || '0', 8)
          : Number(p)
    if (n > 255) return null
    out[i] = n
  }
  return out.join('.')
}

/** `ADDR[/LEN]` as get_prefix() reads it (IPv4 as above, IPv6 as inet_pton()); null when it is not one. */
function prefixOf(word: string): { addr: string; len: number; given: boolean } | null {
  const [text, len, extra] = word.split('/')
  if (extra !== undefined) return null
  const v6 = text.includes(':')
  const addr = v6 ? canonicalAddr(6, text) : iprouteIPv4(text)
  if (addr === null) return null
  const max = v6 ? 128 : 32
  if (len === undefined) return { addr, len: max, given: false }
  if (!/^\d+$/.test(len) || Number(len) > max) return null
  return { addr, len: Number(len), given: true }
}

function addrShow(ifs: Interfaces, args: string[], family: 0 | 4 | 6): CommandResult {
  let name: string | null = null
  for (let i = 0; i < args.length; i++) {
    const w = args[i]
    if (w === 'dev') {
      if (args[i + 1] === undefined) return fail('Command line is not complete. Try option "help"', 255)
      name = args[++i]
    } else if (w === 'up' || w === 'scope' || w === 'label') {
      if (w !== 'up') i++
    } else if (name === null) name = w
    else return fail(`Error: either "dev" is duplicate, or "${w}" is a garbage.`)
  }
  let devs = ifs.list
  if (name !== null) {
    const d = ifs.get(name)
    if (!d) return fail(`Device "${name}" does not exist.`)
    devs = [d]
  }
  let out = ''
  for (const d of devs) {
    const addrs = d.addrs.filter((a) => family === 0 || a.family === family)
    if (family !== 0 && addrs.length === 0) continue
    out += linkLines(d, false, family)
    for (const a of addrs) out += addrLines(d, a)
  }
  return ok(out)
}

function addrChange(ifs: Interfaces, op: 'add' | 'del', args: string[]): CommandResult {
  let dev: string | null = null
  let prefix: ReturnType<typeof prefixOf> = null
  let brd = false
  for (let i = 0; i < args.length; i++) {
    const w = args[i]
    if (w === 'dev' || w === 'brd' || w === 'broadcast' || w === 'label' || w === 'scope' || w === 'local') {
      const v = args[i + 1]
      if (v === undefined) return fail('Command line is not complete. Try option "help"', 255)
      i++
      if (w === 'dev') dev = v
      else if (w === 'brd' || w === 'broadcast') brd = true
      else if (w === 'local') prefix = prefixOf(v)
      continue
    }
    if (prefix !== null) return fail(`Error: either "local" is duplicate, or "${w}" is a garbage.`)
    prefix = prefixOf(w)
    if (prefix === null) return fail(`Error: any valid prefix is expected rather than "${w}".`)
  }
  if (dev === null) return fail('Not enough information: "dev" argument is required.')
  if (prefix === null) {
    if (op === 'add') return fail('Not enough information: "local" argument is required.')
    // RTM_DELADDR with no address: the kernel deletes the device's first address
  }
  const d = ifs.get(dev)
  if (!d) return fail(`Cannot find device "${dev}"`)
  if (op === 'add') {
    const p = prefix as NonNullable<typeof prefix>
    return ifs.add(dev, p.addr, p.len, brd).ok ? ok('') : fail('RTNETLINK answers: File exists', 2)
  }
  let warn = ''
  if (prefix && !prefix.given && !prefix.addr.includes(':'))
    warn = `Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length (${prefix.addr}/32) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n`
  const target = prefix ?? { addr: d.addrs.find((a) => a.family === 4)?.addr ?? '', len: 0, given: false }
  const r = ifs.del(dev, target.addr, target.given ? target.len : undefined)
  if (!r.ok) return { stdout: '', stderr: `${warn}RTNETLINK answers: Cannot assign requested address\n`, exit: 2 }
  return { stdout: '', stderr: warn, exit: 0 }
}

function linkShow(ifs: Interfaces, args: string[]): CommandResult {
  let name: string | null = null
  for (let i = 0; i < args.length; i++) {
    const w = args[i]
    if (w === 'dev') name = args[++i] ?? null
    else if (w === 'up') continue
    else if (name === null) name = w
    else return fail(`Error: either "dev" is duplicate, or "${w}" is a garbage.`)
  }
  if (name !== null) {
    const d = ifs.get(name)
    if (!d) return fail(`Device "${name}" does not exist.`)
    return ok(linkLines(d, true))
  }
  return ok(ifs.list.map((d) => linkLines(d, true)).join(''))
}

/** `ip [OPTIONS] OBJECT [COMMAND [ARGS]]` on the director's interfaces. */
export function ipProgram(ifs: Interfaces, argv: readonly string[]): CommandResult {
  const args = [...argv]
  let family: 0 | 4 | 6 = 0
  while (args.length > 0 && args[0].startsWith('-')) {
    const o = args.shift() as string
    const opt = o.replace(/^--?/, '-')
    if (opt === '-4') family = 4
    else if (opt === '-6') family = 6
    else if (opt === '-f' || opt === '-family') {
      const f = args.shift()
      if (f === 'inet') family = 4
      else if (f === 'inet6') family = 6
      else return fail(`Error: argument "${f ?? ''}" is wrong: invalid protocol family`)
    } else if (opt === '-h' || opt === '-help') return { stdout: '', stderr: USAGE, exit: 255 }
    else return fail(`Option "${o}" is unknown, try "ip -help".`, 255)
  }
  const obj = args.shift()
  if (obj === undefined) return { stdout: '', stderr: USAGE, exit: 255 }
  const object = OBJECTS.find((k) => matches(obj, k))
  if (object === undefined) return fail(`Object "${obj}" is unknown, try "ip help".`)
  if (object === 'help') return { stdout: '', stderr: USAGE, exit: 255 }
  const cmd = args.shift()
  if (object === 'address') {
    if (cmd === undefined || matches(cmd, 'show') || matches(cmd, 'list') || cmd === 'lst')
      return addrShow(ifs, args, family)
    if (matches(cmd, 'add')) return addrChange(ifs, 'add', args)
    if (matches(cmd, 'delete')) return addrChange(ifs, 'del', args)
    if (['flush', 'save', 'restore', 'showdump', 'change', 'replace'].some((k) => matches(cmd, k)))
      return fail(`ip address ${cmd}: not supported in this lab`)
    return fail(`Command "${cmd}" is unknown, try "ip address help".`)
  }
  if (object === 'link') {
    if (cmd === undefined || matches(cmd, 'show') || matches(cmd, 'list') || cmd === 'lst') return linkShow(ifs, args)
    if (['add', 'delete', 'set', 'change', 'xstats', 'afstats', 'property'].some((k) => matches(cmd, k)))
      return fail(`ip link ${cmd}: not supported in this lab`)
    return fail(`Command "${cmd}" is unknown, try "ip link help".`)
  }
  return fail(`ip ${object}: not supported in this lab`)
}
