import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseIpvsadm } from '../src/engine/userland/ipvsadm/parse'

/**
 * What Debian's real ipvsadm 1:1.31-1+b1 did with every numeric option × 27 values (0, -1, max,
 * max+1, 2^31, 2^32, 2^63, hex, octal, signs, spaces, trailing garbage …), run here under the
 * libnl stand-in (scripts/ipvsadm-stub/probe.py): its exit code, its stderr, and the value it put
 * in the netlink request. The engine's parser must refuse the same texts with the same words and
 * take the others with the same value.
 */
interface Row {
  option: string
  value: string
  argv: string[]
  exit: number
  stderr: string
  sent: number | null
}
const rows: Row[] = readFileSync(new URL('./ipvsadm/debian-limits.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as Row)

/** The stub logs a u32 as read from the message; an IPv4 netmask travels in network order. */
const bswap32 = (n: number) =>
  (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | (n >>> 24)) >>> 0

describe('numeric options as the Debian ipvsadm binary takes them', () => {
  it('the recording covers every numeric option', () => {
    expect(new Set(rows.map((r) => r.option))).toEqual(
      new Set([
        '-w',
        '-x',
        '-y',
        '-p',
        '-M',
        '-M6',
        '-f',
        'vport',
        'rport',
        '--set',
        '--syncid',
        '--sync-maxlen',
        '--mcast-port',
        '--mcast-ttl',
        '--tun-port',
      ]),
    )
  })
  it.each(rows.map((r) => [`${r.option} ${JSON.stringify(r.value)}`, r] as const))('%s', (_, r) => {
    const got = parseIpvsadm(r.argv)
    if (r.exit !== 0) {
      expect(got.kind === 'done' ? { exit: got.result.exit, stderr: got.result.stderr } : 'accepted').toEqual({
        exit: r.exit,
        stderr: r.stderr,
      })
      return
    }
    expect(got.kind).toBe('command')
    if (got.kind !== 'command') return
    const e = got.entry
    const value: Record<string, number | null> = {
      '-w': e.dest.weight,
      '-x': e.dest.uThreshold,
      '-y': e.dest.lThreshold,
      '-p': e.svc.timeout,
      '-M': bswap32(e.svc.netmask),
      '-M6': e.svc.netmask,
      '-f': e.svc.fwmark,
      vport: e.svc.port,
      rport: e.dest.port,
      '--set': e.timeouts[0],
      '--syncid': e.daemon.syncid,
      '--tun-port': e.dest.tunPort,
    }
    // the daemon's maxlen, port and ttl are checked for acceptance only: the engine keeps no value yet
    if (r.option in value) expect(value[r.option]).toBe(r.sent)
  })
})
