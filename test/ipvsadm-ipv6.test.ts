import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../src/engine/host/simulator'

/**
 * What Debian's real ipvsadm 1:1.31-1+b1 printed for IPv6 services and mixed-family destinations,
 * run here under the libnl stand-in (scripts/ipvsadm-stub/run.sh with a fresh state file): each
 * command of `debian-ipv6.commands.txt` as `### ipvsadm CMD`, its output and `exit N`, then
 * `-Ln`, `-Sn` and `-L`. The stand-in is not a kernel (it checks only "already exists"), so the
 * commands are ones the 6.1.192 kernel accepts too. It pins parse_service() (brackets, a bare
 * IPv6 address without port, `[1.2.3.4]:80` losing its port), -M as a prefix length before and
 * after -6, and ipvs_cmp_services()' order (family before protocol, addresses word by word).
 */
describe('IPv6 as the Debian ipvsadm binary parses, lists and saves it', () => {
  it('replays the transcript byte for byte', () => {
    const dir = new URL('./ipvsadm/', import.meta.url)
    const cmds = readFileSync(new URL('debian-ipv6.commands.txt', dir), 'utf8').split('\n').filter(Boolean)
    const sim = new Simulator()
    let out = ''
    for (const l of cmds) {
      const r = sim.run(`ipvsadm ${l}`)
      out += `### ipvsadm ${l}\n${r.stdout}${r.stderr}exit ${r.exit}\n`
    }
    for (const c of ['-Ln', '-Sn', '-L']) out += `### ${c}\n${sim.run(`ipvsadm ${c}`).stdout}`
    expect(out).toBe(readFileSync(new URL('debian-ipv6.transcript.txt', dir), 'utf8'))
  })
})
