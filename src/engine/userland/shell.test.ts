import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'

describe('the director shell', () => {
  const sim = new Simulator()
  it('pipes, quotes, $? and ;', () => {
    expect(sim.run("printf '%s\\n' 'a b' c | grep -v '^c'").stdout).toBe('a b\n')
    expect(sim.run('false; echo rc=$?').stdout).toBe('rc=1\n')
    expect(sim.run('echo "x $? y" && echo ok || echo no').stdout).toBe('x 0 y\nok\n')
  })
  it('bash messages for unknown commands and syntax errors', () => {
    expect(sim.run('ipvsadmm -Ln')).toEqual({
      stdout: '',
      stderr: 'bash: line 1: ipvsadmm: command not found\n',
      exit: 127,
    })
    expect(sim.run("echo 'unterminated").exit).toBe(2)
    expect(sim.run('| grep x').stderr).toBe("bash: -c: line 1: syntax error near unexpected token `|'\n")
  })
  it('redirections to a descriptor, to itself, and >&word as bash reads them', () => {
    expect(sim.run('echo hi >&1')).toEqual({ stdout: 'hi\n', stderr: '', exit: 0 })
    expect(sim.run('echo hi 2>&2 1>&1').stdout).toBe('hi\n')
    expect(sim.run('echo hi >&2')).toEqual({ stdout: '', stderr: 'hi\n', exit: 0 })
    // `>&1$` is `&> 1$`: a file named "1$", which the director's shell may not write
    expect(sim.run('echo hi >&1$')).toEqual({
      stdout: '',
      stderr: 'bash: line 1: 1$: Read-only file system\n',
      exit: 1,
    })
    expect(sim.run('echo hi >&/dev/null')).toEqual({ stdout: '', stderr: '', exit: 0 })
    expect(sim.run('echo hi 2>&x').stderr).toBe('bash: line 1: x: ambiguous redirect\n')
    expect(sim.run('>&1$').exit).toBeGreaterThan(0)
  })
  it('sysctl and /proc/sys/net/ipv4/vs', () => {
    expect(sim.run('sysctl -w net.ipv4.vs.expire_quiescent_template=1').stdout).toBe(
      'net.ipv4.vs.expire_quiescent_template = 1\n',
    )
    expect(
      sim.run(
        'echo 0 > /proc/sys/net/ipv4/vs/expire_quiescent_template; cat /proc/sys/net/ipv4/vs/expire_quiescent_template',
      ).stdout,
    ).toBe('0\n')
    expect(sim.run('sysctl net.ipv4.vs.nope').exit).toBe(1)
  })
  it('ipvsadm-save and ipvsadm-restore are the scripts around -S and -R', () => {
    const s = new Simulator()
    s.run('ipvsadm -A -t 10.0.0.1:80 -s rr')
    expect(s.run('ipvsadm-save -n').stdout).toBe('-A -t 10.0.0.1:80 -s rr\n')
    expect(s.run("printf '# saved\\n-A -t 10.0.0.2:80 -s wrr\\n' | ipvsadm-restore").exit).toBe(0)
    expect(s.run('ipvsadm-save -n').stdout).toBe('-A -t 10.0.0.2:80 -s wrr\n')
  })
})
