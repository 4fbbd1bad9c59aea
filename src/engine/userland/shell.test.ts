import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { DIRECTOR_COMMANDS, PROC_FILES } from './commandNames'

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

describe('head, tail, wc, sort and uniq in pipes, as on a director', () => {
  const s = new Simulator()
  s.run('ipvsadm -A -t 192.168.100.100:80 -s rr -p 300')
  s.run('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 2')
  s.run('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g -w 2')
  const ln = s.run('ipvsadm -Ln').stdout
  it('ipvsadm -Ln | head -3 is the listing’s first three lines', () => {
    expect(s.run('ipvsadm -Ln | head -3')).toEqual({
      stdout: `${ln.split('\n').slice(0, 3).join('\n')}\n`,
      stderr: '',
      exit: 0,
    })
    expect(s.run('ipvsadm -Ln | tail -n +4').stdout).toBe(ln.split('\n').slice(3).join('\n'))
  })
  it('ipvsadm -Lnc | wc -l counts the header lines and the entries', () => {
    expect(s.run('ipvsadm -Lnc | wc -l').stdout).toBe('2\n')
    expect(s.run('ipvsadm -Ln | wc').stdout).toMatch(/^ {6}6 +\d+ +\d+\n$/)
  })
  it('sort | uniq -c groups lines; errors are the tools’ own', () => {
    expect(s.run("printf 'b x\\na y\\nb x\\n' | sort -k2 | uniq -c").stdout).toBe('      2 b x\n      1 a y\n')
    expect(s.run('ipvsadm -Ln | head -n x')).toEqual({
      stdout: '',
      stderr: 'head: invalid number of lines: ‘x’\n',
      exit: 1,
    })
    expect(s.run('ipvsadm -Ln | sort -k0').exit).toBe(2)
  })
  it('they read /proc files; a missing file is named', () => {
    expect(s.run('wc -l /proc/net/ip_vs').stdout).toBe(`${ln.split('\n').length - 1} /proc/net/ip_vs\n`)
    expect(s.run('head -1 /proc/sys/net/ipv4/vs/expire_nodest_conn').stdout).toBe('0\n')
    expect(s.run('tail /nope').stderr).toBe("tail: cannot open '/nope' for reading: No such file or directory\n")
  })
  it('every command completion offers is a program at the prompt', () => {
    for (const name of DIRECTOR_COMMANDS) expect(s.run(`${name} --help </dev/null`).exit, name).not.toBe(127)
    for (const f of PROC_FILES) expect(s.run(`cat ${f}`).exit, f).toBe(0)
  })
})
