import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { type SshHost, sshProgram } from './ssh'

/** Debian 12's OpenSSH 9.2p1, as `ssh` printed on this machine (its usage, getaddrinfo's words). */
describe('ssh', () => {
  const backup: SshHost = {
    addr: '10.0.255.253',
    down: false,
    run: (line) => ({ stdout: `ran: ${line}\n`, stderr: '', exit: 3 }),
  }
  const resolve = (h: string) => (h === 'backup' || h === '10.0.255.253' ? backup : null)

  it('without a destination: the usage, exit 255', () => {
    const r = sshProgram([], resolve)
    expect(r.exit).toBe(255)
    expect(r.stderr.split('\n')[0]).toBe('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]')
    expect(r.stderr.split('\n').at(-2)).toBe(
      '           [-w local_tun[:remote_tun]] destination [command [argument ...]]',
    )
  })

  it('runs the words, joined by spaces, on the host: its output and exit status are ssh’s', () => {
    expect(sshProgram(['backup', 'ipvsadm', '-Lnc'], resolve)).toEqual({
      stdout: 'ran: ipvsadm -Lnc\n',
      stderr: '',
      exit: 3,
    })
    expect(sshProgram(['root@10.0.255.253', 'ipvsadm -L --daemon'], resolve).stdout).toBe('ran: ipvsadm -L --daemon\n')
  })

  it('a name no one has; a host without power; a login shell', () => {
    expect(sshProgram(['backup2', 'true'], resolve)).toEqual({
      stdout: '',
      stderr: 'ssh: Could not resolve hostname backup2: Name or service not known\n',
      exit: 255,
    })
    expect(sshProgram(['backup', 'true'], (h) => (h === 'backup' ? { ...backup, down: true } : null)).stderr).toBe(
      'ssh: connect to host 10.0.255.253 port 22: No route to host\n',
    )
    expect(sshProgram(['backup'], resolve).stderr).toContain('not a login shell')
  })

  it('with one director there is no backup to resolve', () => {
    expect(new Simulator().run('ssh backup ipvsadm -Lnc')).toEqual({
      stdout: '',
      stderr: 'ssh: Could not resolve hostname backup: Name or service not known\n',
      exit: 255,
    })
  })
})
