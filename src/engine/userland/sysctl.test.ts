import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'

/**
 * procps 4.0.2 src/sysctl.c over the kernel's handlers (../ipvs/sysctl.ts). Options, messages and
 * exit codes without the kernel are pinned by test/sysctl.test.ts (134 lines recorded from the
 * real binary); here, what only a kernel can say: a refused write. WriteSetting() writes
 * "value\n" and close_stream() reports the handler's EINVAL as xwarn("setting key \"%s\""),
 * exit 1, nothing echoed — as Debian 12's sysctl prints for `sysctl -w net.ipv4.tcp_syn_retries=abc`.
 */
describe('sysctl on the director', () => {
  const einval = (key: string) => `sysctl: setting key "${key}": Invalid argument\n`

  it('a value the kernel refuses: the message, exit 1, the value unchanged', () => {
    const sim = new Simulator()
    expect(sim.run('sysctl -w net.ipv4.vs.secure_tcp=4')).toEqual({
      stdout: '',
      stderr: einval('net.ipv4.vs.secure_tcp'),
      exit: 1,
    })
    expect(sim.run('sysctl -w net.ipv4.vs.sync_ports=3').stderr).toBe(einval('net.ipv4.vs.sync_ports'))
    expect(sim.run('sysctl -w net.ipv4.vs.sync_version=2').stderr).toBe(einval('net.ipv4.vs.sync_version'))
    expect(sim.run("sysctl -w net.ipv4.vs.sync_threshold='50 50'").stderr).toBe(einval('net.ipv4.vs.sync_threshold'))
    expect(sim.run('sysctl -n net.ipv4.vs.secure_tcp net.ipv4.vs.sync_ports net.ipv4.vs.sync_version').stdout).toBe(
      '0\n1\n1\n',
    )
  })

  it('several keys: each is written or refused on its own; writes OR their failures', () => {
    const sim = new Simulator()
    expect(sim.run('sysctl -w net.ipv4.vs.sync_retries=9 net.ipv4.vs.expire_nodest_conn=1 net.ipv4.vs.nope=1')).toEqual(
      {
        stdout: 'net.ipv4.vs.expire_nodest_conn = 1\n',
        stderr: `${einval('net.ipv4.vs.sync_retries')}sysctl: cannot stat /proc/sys/net/ipv4/vs/nope: No such file or directory\n`,
        exit: 1,
      },
    )
    expect(sim.director.sysctl.expire_nodest_conn).toBe(1)
  })

  it('the value is echoed as given, the file reads what the kernel kept', () => {
    const sim = new Simulator()
    // update_defense_level(): with memory to spare, strategy 2 is rewritten to 1 at once
    expect(sim.run('sysctl -w net.ipv4.vs.drop_entry=2').stdout).toBe('net.ipv4.vs.drop_entry = 2\n')
    expect(sim.run('sysctl net.ipv4.vs.drop_entry').stdout).toBe('net.ipv4.vs.drop_entry = 1\n')
    expect(sim.run('sysctl -w net.ipv4.vs.sync_ports=0x10').stdout).toBe('net.ipv4.vs.sync_ports = 0x10\n')
    expect(sim.run('cat /proc/sys/net/ipv4/vs/sync_ports').stdout).toBe('16\n')
  })

  it('/proc/sys/net/ipv4/vs files and sysctl agree, both ways, through the same handler', () => {
    const sim = new Simulator()
    expect(sim.run("echo '10 20' > /proc/sys/net/ipv4/vs/sync_threshold")).toEqual({ stdout: '', stderr: '', exit: 0 })
    expect(sim.run('sysctl net.ipv4.vs.sync_threshold').stdout).toBe('net.ipv4.vs.sync_threshold = 10\t20\n')
    expect(sim.run('echo 5 > /proc/sys/net/ipv4/vs/secure_tcp')).toEqual({
      stdout: '',
      stderr: 'bash: line 1: echo: write error: Invalid argument\n',
      exit: 1,
    })
    expect(sim.run('sysctl -w net.ipv4.vs.sync_refresh_period=30').exit).toBe(0)
    expect(sim.run('cat /proc/sys/net/ipv4/vs/sync_refresh_period').stdout).toBe('30\n')
    expect(sim.run('cat /proc/sys/net/ipv4/vs/secure_tcp').stdout).toBe('0\n')
    // only the file's own name: the dotted key is no file there
    expect(sim.run('cat /proc/sys/net/ipv4/vs/net.ipv4.vs.secure_tcp').exit).toBe(1)
    expect(sim.run('echo 1 > /proc/sys/net/ipv4/vs/nope').stderr).toBe(
      'bash: line 1: /proc/sys/net/ipv4/vs/nope: No such file or directory\n',
    )
    // printf '' writes nothing, so no handler runs and nothing is refused
    expect(sim.run("printf '' > /proc/sys/net/ipv4/vs/secure_tcp").exit).toBe(0)
  })

  it('the model sees what sysctl wrote (expire_quiescent_template read by ip_vs_check_template())', () => {
    const sim = new Simulator()
    sim.run('sysctl -q -w net.ipv4.vs.expire_quiescent_template=1')
    expect(sim.director.sysctl.expire_quiescent_template).toBe(1)
    sim.run("echo 'net.ipv4.vs.expire_quiescent_template = 0' | sysctl -q -p -")
    expect(sim.director.sysctl.expire_quiescent_template).toBe(0)
  })

  it('-p - reads standard input through the same handlers', () => {
    const sim = new Simulator()
    expect(sim.run("printf 'net.ipv4.vs.sync_retries = 5\\nnet.ipv4.vs.conntrack = 1\\n' | sysctl -p -")).toEqual({
      stdout: 'net.ipv4.vs.conntrack = 1\n',
      stderr: einval('net.ipv4.vs.sync_retries'),
      exit: 1,
    })
  })
})
