import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EINVAL, HZ, INT_MAX } from '../lib/procSysctl'
import {
  defaultSysctls,
  readSysctl,
  SYSCTL_KEYS,
  SYSCTL_NAMES,
  SYSCTL_TABLE,
  type SysctlName,
  type Sysctls,
  sysctlHandler,
  updateDefenseLevel,
  writeSysctl,
} from './sysctl'

/**
 * Linux 6.1.192 (Debian's linux-source-6.1): net/netfilter/ipvs/ip_vs_ctl.c vs_vars[] (l. 1907),
 * ip_vs_control_net_init_sysctl() (l. 4084), proc_do_defense_mode() (l. 1823),
 * proc_do_sync_threshold() (l. 1850), proc_do_sync_ports() (l. 1878), update_defense_level()
 * (l. 94); ip_vs_lblc.c / ip_vs_lblcr.c vs_vars_table[] and DEFAULT_EXPIRATION; Debian's
 * config: CONFIG_IP_VS_NFCT=y, CONFIG_IP_VS_DEBUG unset, CONFIG_HZ=250.
 */
describe('the net.ipv4.vs keys of 6.1.192', () => {
  it('every key, its default as read from /proc/sys and its handler', () => {
    const s = defaultSysctls()
    const seen = Object.fromEntries(SYSCTL_TABLE.map((k) => [k.name, [readSysctl(s, k.name), sysctlHandler(k.name)]]))
    expect(seen).toEqual({
      amemthresh: ['1024\n', 'proc_dointvec'],
      am_droprate: ['10\n', 'proc_dointvec'],
      drop_entry: ['0\n', 'proc_do_defense_mode (0–3)'],
      drop_packet: ['0\n', 'proc_do_defense_mode (0–3)'],
      conntrack: ['0\n', 'proc_dointvec'],
      secure_tcp: ['0\n', 'proc_do_defense_mode (0–3)'],
      snat_reroute: ['1\n', 'proc_dointvec'],
      sync_version: ['1\n', 'proc_dointvec_minmax (0–1)'],
      sync_ports: ['1\n', 'proc_do_sync_ports (a power of 2)'],
      sync_persist_mode: ['0\n', 'proc_dointvec'],
      sync_qlen_max: ['15625\n', 'proc_doulongvec_minmax'],
      sync_sock_size: ['0\n', 'proc_dointvec'],
      cache_bypass: ['0\n', 'proc_dointvec'],
      expire_nodest_conn: ['0\n', 'proc_dointvec'],
      sloppy_tcp: ['0\n', 'proc_dointvec'],
      sloppy_sctp: ['0\n', 'proc_dointvec'],
      expire_quiescent_template: ['0\n', 'proc_dointvec'],
      sync_threshold: ['3\t50\n', 'proc_do_sync_threshold'],
      sync_refresh_period: ['0\n', 'proc_dointvec_jiffies'],
      sync_retries: ['0\n', 'proc_dointvec_minmax (0–3)'],
      nat_icmp_send: ['0\n', 'proc_dointvec'],
      pmtu_disc: ['1\n', 'proc_dointvec'],
      backup_only: ['0\n', 'proc_dointvec'],
      conn_reuse_mode: ['1\n', 'proc_dointvec'],
      schedule_icmp: ['0\n', 'proc_dointvec'],
      ignore_tunneled: ['0\n', 'proc_dointvec'],
      run_estimation: ['1\n', 'proc_dointvec'],
      lblc_expiration: ['86400\n', 'proc_dointvec_jiffies'],
      lblcr_expiration: ['86400\n', 'proc_dointvec_jiffies'],
    })
  })
  it('no est_cpulist / est_nice (6.2) and no debug_level (CONFIG_IP_VS_DEBUG unset)', () => {
    expect(SYSCTL_NAMES).not.toContain('est_cpulist')
    expect(SYSCTL_NAMES).not.toContain('debug_level')
    expect(SYSCTL_KEYS).toHaveLength(29)
  })
  it('readdir() lists them by bytes (namecmp() in fs/proc/proc_sysctl.c): am_droprate before amemthresh', () => {
    expect(SYSCTL_KEYS.slice(0, 3)).toEqual([
      'net.ipv4.vs.am_droprate',
      'net.ipv4.vs.amemthresh',
      'net.ipv4.vs.backup_only',
    ])
  })
})

describe('the handlers refuse as the kernel does, and a refused value is not applied', () => {
  const w = (s: Sysctls, name: SysctlName, text: string) => ({
    rc: writeSysctl(s, name, text),
    now: readSysctl(s, name),
  })
  it('proc_do_defense_mode(): 0–3 only', () => {
    const s = defaultSysctls()
    expect(w(s, 'secure_tcp', '4\n')).toEqual({ rc: EINVAL, now: '0\n' })
    expect(w(s, 'drop_entry', '-1\n')).toEqual({ rc: EINVAL, now: '0\n' })
    expect(w(s, 'drop_packet', '3\n')).toEqual({ rc: 0, now: '3\n' })
  })
  it('update_defense_level() at once: 2 becomes 1 while memory is plentiful, 1 becomes 2 when it is short', () => {
    const s = defaultSysctls()
    expect(w(s, 'secure_tcp', '2\n')).toEqual({ rc: 0, now: '1\n' })
    // free + buffer pages below amemthresh: nomem
    expect(w(s, 'amemthresh', '100000000\n')).toEqual({ rc: 0, now: '100000000\n' })
    expect(w(s, 'drop_entry', '1\n')).toEqual({ rc: 0, now: '2\n' })
    // secure_tcp (1) is rewritten too: update_defense_level() looks at all three
    expect(readSysctl(s, 'secure_tcp')).toBe('2\n')
  })
  it('update_defense_level() leaves 0 and 3 alone', () => {
    const s = defaultSysctls()
    s.secure_tcp = 3
    updateDefenseLevel(s, 0)
    expect(s.secure_tcp).toBe(3)
    expect(s.drop_entry).toBe(0)
  })
  it('sync_version 0–1 and sync_retries 0–3 (proc_dointvec_minmax with SYSCTL_ZERO…SYSCTL_ONE / SYSCTL_THREE)', () => {
    const s = defaultSysctls()
    expect(w(s, 'sync_version', '2\n')).toEqual({ rc: EINVAL, now: '1\n' })
    expect(w(s, 'sync_version', '0\n')).toEqual({ rc: 0, now: '0\n' })
    expect(w(s, 'sync_retries', '4\n')).toEqual({ rc: EINVAL, now: '0\n' })
    expect(w(s, 'sync_retries', '3\n')).toEqual({ rc: 0, now: '3\n' })
  })
  it('proc_do_sync_ports(): a power of two, at least 1, no upper bound here (IPVS_SYNC_PORTS_MAX clamps later)', () => {
    const s = defaultSysctls()
    for (const bad of ['0\n', '3\n', '-2\n', '6\n']) expect(w(s, 'sync_ports', bad)).toEqual({ rc: EINVAL, now: '1\n' })
    expect(w(s, 'sync_ports', '1024\n')).toEqual({ rc: 0, now: '1024\n' })
  })
  it('proc_do_sync_threshold(): two values, neither negative, threshold below a non-zero period', () => {
    const s = defaultSysctls()
    expect(w(s, 'sync_threshold', '50 50\n')).toEqual({ rc: EINVAL, now: '3\t50\n' })
    expect(w(s, 'sync_threshold', '-1 50\n')).toEqual({ rc: EINVAL, now: '3\t50\n' })
    expect(w(s, 'sync_threshold', '100 0\n')).toEqual({ rc: 0, now: '100\t0\n' })
    expect(w(s, 'sync_threshold', '10\t20\n')).toEqual({ rc: 0, now: '10\t20\n' })
    // one value: the second is kept (__do_proc_dointvec() stops at the end of the text)
    expect(w(s, 'sync_threshold', '5\n')).toEqual({ rc: 0, now: '5\t20\n' })
  })
  it('proc_do_sync_threshold() stores what was parsed even when the rest fails (rc from proc_dointvec())', () => {
    const s = defaultSysctls()
    expect(w(s, 'sync_threshold', '7 x\n')).toEqual({ rc: EINVAL, now: '7\t50\n' })
  })
  it('proc_dointvec_jiffies: seconds up to INT_MAX / HZ', () => {
    const s = defaultSysctls()
    const max = Math.floor(INT_MAX / HZ)
    expect(w(s, 'lblc_expiration', `${max + 1}\n`)).toEqual({ rc: EINVAL, now: '86400\n' })
    expect(w(s, 'sync_refresh_period', `-${max}\n`)).toEqual({ rc: 0, now: `-${max}\n` })
  })
  it('proc_doulongvec_minmax: sync_qlen_max takes any unsigned long, no sign', () => {
    const s = defaultSysctls()
    expect(w(s, 'sync_qlen_max', '-1\n')).toEqual({ rc: EINVAL, now: '15625\n' })
    expect(w(s, 'sync_qlen_max', '18446744073709551615\n')).toEqual({ rc: 0, now: '18446744073709551615\n' })
  })
  it('proc_dointvec: not a number, a number too big for an int, nothing: EINVAL', () => {
    const s = defaultSysctls()
    for (const bad of ['abc\n', '2147483648\n', '\n', '1.5\n', '+1\n'])
      expect(w(s, 'expire_nodest_conn', bad)).toEqual({ rc: EINVAL, now: '0\n' })
    expect(w(s, 'expire_nodest_conn', '-2147483648\n')).toEqual({ rc: 0, now: '-2147483648\n' })
  })
})

/** What each handler accepts, stated from ip_vs_ctl.c / kernel/sysctl.c independently of the code. */
function kernelAccepts(name: SysctlName, v: bigint[], current: Sysctls): boolean {
  const int = (x: bigint) => x >= -(2n ** 31n) && x <= 2n ** 31n - 1n
  const x = v[0]
  switch (name) {
    case 'drop_entry':
    case 'drop_packet':
    case 'secure_tcp':
      return int(x) && ((x >= 0n && x <= 3n) || Number(x) === current[name])
    case 'sync_version':
      return x === 0n || x === 1n
    case 'sync_retries':
      return x >= 0n && x <= 3n
    case 'sync_ports':
      return int(x) && ((x >= 1n && (x & (x - 1n)) === 0n) || Number(x) === current.sync_ports)
    case 'sync_qlen_max':
      return x >= 0n && x < 2n ** 64n
    case 'sync_refresh_period':
    case 'lblc_expiration':
    case 'lblcr_expiration':
      return x >= -BigInt(Math.floor(INT_MAX / HZ)) && x <= BigInt(Math.floor(INT_MAX / HZ))
    case 'sync_threshold':
      return int(v[0]) && int(v[1]) && v[0] >= 0n && v[1] >= 0n && !(v[0] >= v[1] && v[1] !== 0n)
    default:
      return int(x)
  }
}

describe("property: accepted values read back, refused ones change nothing (but sync_threshold's partial copy)", () => {
  const value = fc.oneof(
    fc.bigInt({ min: -5n, max: 70n }),
    fc.bigInt({ min: -(2n ** 31n) - 2n, max: 2n ** 31n + 2n }),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  )
  it('a value in decimal, as sysctl -w or echo writes it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SYSCTL_NAMES), value, value, (name, a, b) => {
        const s = defaultSysctls()
        const before = Object.fromEntries(SYSCTL_NAMES.map((n) => [n, readSysctl(s, n)]))
        const vals = name === 'sync_threshold' ? [a, b] : [a]
        const rc = writeSysctl(s, name, `${vals.join(' ')}\n`)
        const accepted = kernelAccepts(name, vals, defaultSysctls())
        expect(rc).toBe(accepted ? 0 : EINVAL)
        // update_defense_level(): with the director's memory a defence strategy 2 reads back 1
        const defence = name === 'drop_entry' || name === 'drop_packet' || name === 'secure_tcp'
        let want = accepted ? `${vals.map((v) => (defence && v === 2n ? 1n : v)).join('\t')}\n` : before[name]
        if (name === 'sync_threshold' && !accepted) {
          // proc_do_sync_threshold() stores its copy when the copy passes, even if parsing failed
          // part-way: "A B" with A an int and B not one leaves [A, 50], stored if A < 50
          const int = (x: bigint) => x >= -(2n ** 31n) && x <= 2n ** 31n - 1n
          const copy = [int(a) ? a : 3n, int(a) && int(b) ? b : 50n]
          if (kernelAccepts(name, copy, defaultSysctls())) want = `${copy.join('\t')}\n`
        }
        expect(readSysctl(s, name)).toBe(want)
        for (const other of SYSCTL_NAMES) if (other !== name) expect(readSysctl(s, other)).toBe(before[other])
      }),
      { numRuns: 2000, seed: 20261204 },
    )
  })
  it('any text: EINVAL or not, no other key moves, and a refused single value is not applied', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SYSCTL_NAMES),
        fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[ \t]*-?(0x)?[0-9a-f]{0,22}[ \t\n,.]?[0-9]*\n?$/)),
        (name, text) => {
          const s = defaultSysctls()
          const before = Object.fromEntries(SYSCTL_NAMES.map((n) => [n, readSysctl(s, n)]))
          const rc = writeSysctl(s, name, text)
          expect([0, EINVAL]).toContain(rc)
          if (rc === EINVAL && name !== 'sync_threshold') expect(readSysctl(s, name)).toBe(before[name])
          for (const other of SYSCTL_NAMES) if (other !== name) expect(readSysctl(s, other)).toBe(before[other])
        },
      ),
      { numRuns: 2000, seed: 20261204 },
    )
  })
})
