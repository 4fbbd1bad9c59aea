import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'

const run = (line: string, ...before: string[]) => {
  const sim = new Simulator()
  for (const b of before) sim.run(b)
  return sim.run(line)
}
const err = (line: string, ...before: string[]) => {
  const r = run(line, ...before)
  return [r.stderr, r.exit]
}

describe('ipvsadm parsing and errors (exact texts and exit codes of 1.31)', () => {
  it.each([
    ['ipvsadm --foo', "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 255],
    ['ipvsadm -t 1.2.3.4:80', "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 255],
    ['ipvsadm -A -t 1.2.3.4:80 --bogus', '--bogus: unknown option\n', 255],
    ['ipvsadm -A -E -t 1.2.3.4:80', "invalid option `-E'\n", 2],
    ['ipvsadm -A -t 1.2.3.4:80 -s', '-s: missing argument\n', 255],
    ['ipvsadm -A -t 1.2.3.4:80 -p -5', '-5: unknown option\n', 255],
    ['ipvsadm -A -t 1.2.3.4:80 -p 0', "invalid timeout value `0' specified\n", 2],
    ['ipvsadm -A -t 1.2.3.4:80 -p 2678401', "invalid timeout value `2678401' specified\n", 2],
    ['ipvsadm -A -t 1.2.3.300:80', 'illegal virtual server address[:port] specified\n', 2],
    ['ipvsadm -A -t 1.2.3.4:0 -s rr', 'Zero port specified for non-persistent service\n', 2],
    ['ipvsadm -A -t 1.2.3.4:80 -o', 'One-Packet Scheduling is only for UDP virtual services\n', 2],
    ['ipvsadm -A -t 1.2.3.4:80 -s rr -b sh-port', "incompatible scheduler flag `sh-port'\n", 2],
    ['ipvsadm -A -t 1.2.3.4:80 -s rr -b bogus', "invalid scheduler flag `bogus'\n", 2],
    ['ipvsadm -A -f 0', "invalid fwmark value `0' specified\n", 2],
    ['ipvsadm -A -f 0x10', "invalid fwmark value `0x10' specified\n", 2],
    ['ipvsadm -A -s rr', "You need to supply the 'service-address' option for the 'add-service' command\n", 2],
    ['ipvsadm -D -t 1.2.3.4:80 -s rr', "Illegal 'scheduler' option with the 'delete-service' command\n", 2],
    ['ipvsadm -a -t 1.2.3.4:80 -s rr', "Illegal 'scheduler' option with the 'add-server' command\n", 2],
    ['ipvsadm -A -t 1.2.3.4:80 -u 1.2.3.4:80', "multiple 'service-address' options specified\n", 2],
    ['ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1 -m -g', "multiple 'forwarding-method' options specified\n", 2],
    ['ipvsadm -L -n -c --stats', 'options conflicts in the list command\n', 2],
    [
      'ipvsadm -Ln -c -t 1.2.3.4:80',
      "The option 'service-address' conflicts with the 'connection' option in the 'list' command\n",
      2,
    ],
    ['ipvsadm --set 5 5', '--set option requires 3 timeout values\n', 2],
    ['ipvsadm --set a b c', "invalid timeout value `a' specified\n", 2],
    ['ipvsadm --set 10 -1 0', '-1: unknown option\n', 255],
    ['ipvsadm -C extra', 'unexpected argument extra\n', 2],
    ['ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1 -w 2147483648', 'illegal weight specified\n', 2],
    ['ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1 -w 1.5', 'illegal weight specified\n', 2],
    ['ipvsadm --start-daemon bogus', 'illegal start-daemon parameter specified\n', 2],
    ['ipvsadm --stop-daemon bogus', 'illegal start_daemon specified\n', 2],
    ['ipvsadm -A -6', '-6 used before -f\n\n', 2],
    ['ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1 --tun-type gue', 'Tunnel options conflict with forward method\n', 2],
    [
      'ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1 -i --tun-type gue',
      "You need to supply the 'tun-port' option for the 'gue' tunnel type\n",
      2,
    ],
    ['ipvsadm -D -t 1.2.3.4:80 -p abc -s rr', "invalid timeout value `abc' specified\n", 2],
  ])('%s', (line, stderr, exit) => {
    expect(err(line)).toEqual([stderr, exit])
  })

  it('kernel refusals exit 255 with libipvs texts', () => {
    const svc = 'ipvsadm -A -t 1.2.3.4:80 -s rr'
    expect(err(svc, svc)).toEqual(['Service already exists\n', 255])
    expect(err('ipvsadm -A -t 1.2.3.4:80 -s twos')).toEqual(['Scheduler or persistence engine not found\n', 255])
    expect(err('ipvsadm -A -t 1.2.3.4:80 -s RR')).toEqual(['Scheduler or persistence engine not found\n', 255])
    expect(err('ipvsadm -E -t 1.2.3.4:81 -s rr', svc)).toEqual(['No such service\n', 255])
    expect(err('ipvsadm -a -t 1.2.3.4:81 -r 1.1.1.1', svc)).toEqual(['Service not defined\n', 255])
    expect(err('ipvsadm -e -t 1.2.3.4:80 -r 1.1.1.1', svc)).toEqual(['No such destination\n', 255])
    expect(err('ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1 -y 10', svc)).toEqual(['Numerical result out of range\n', 255])
    expect(err('ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1:8080 -g', svc, 'ipvsadm -a -t 1.2.3.4:80 -r 1.1.1.1')).toEqual([
      'Destination already exists\n',
      255,
    ])
    expect(err('ipvsadm -L -t 1.2.3.4:9')).toEqual(['No such service\n', 1])
    expect(err('ipvsadm -Z -t 1.2.3.4:9')).toEqual(['No such service\n', 255])
  })

  it('accepts what inet_aton and the real tool accept', () => {
    const sim = new Simulator()
    expect(sim.run('ipvsadm -A -t 192.168.100:80 -s rr').exit).toBe(0)
    expect(sim.run('ipvsadm -A -t 192.168.100.100:http -s rr -p 60 -M 24').exit).toBe(0)
    expect(sim.run('ipvsadm -A -f 4294967295 -s rr').exit).toBe(0)
    expect(sim.run('ipvsadm -A -t 192.168.100.100:83').exit).toBe(0)
    expect(sim.run('ipvsadm -S -n').stdout).toBe(
      '-A -f -1 -s rr\n-A -t 192.168.0.100:80 -s rr\n-A -t 192.168.100.100:80 -s rr -p 60 -M 0.0.0.24\n-A -t 192.168.100.100:83 -s wlc\n',
    )
  })

  it('-p alone means 360 s (ipvsadm default, not the kernel 300)', () => {
    expect(run('ipvsadm -Ln', 'ipvsadm -A -t 1.2.3.4:80 -p -s wrr').stdout).toContain(
      'TCP  1.2.3.4:80 wrr persistent 360\n',
    )
  })

  it('-E sends a complete service: persistence and scheduler reset when not given', () => {
    expect(run('ipvsadm -S -n', 'ipvsadm -A -t 1.2.3.4:80 -s rr -p 100', 'ipvsadm -E -t 1.2.3.4:80').stdout).toBe(
      '-A -t 1.2.3.4:80 -s wlc\n',
    )
  })

  it('-h and -v print to stdout and exit 0', () => {
    expect(run('ipvsadm -v').stdout).toBe('ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n')
    expect(run('ipvsadm -h').stdout.split('\n')).toHaveLength(83)
  })

  it('-R runs lines, stops at ipvsadm errors, goes on after kernel errors, and knows no comments', () => {
    const sim = new Simulator()
    const r = sim.run(
      "printf '%s\\n' '-A -t 1.1.1.1:80 -s rr' '-A -t 1.1.1.1:80 -s rr' '-A -t 1.1.1.2:80 -s rr' | ipvsadm -R",
    )
    expect([r.stderr, r.exit]).toEqual(['Service already exists\n', 0])
    expect(sim.run("printf '# c\\n-A -t 1.1.1.3:80\\n' | ipvsadm -R").exit).toBe(255)
    expect(sim.run("printf -- '-A -t 1.1.1.4:80 -p x\\n-A -t 1.1.1.5:80\\n' | ipvsadm -R").exit).toBe(2)
    expect(sim.run('ipvsadm -S -n').stdout).toBe('-A -t 1.1.1.1:80 -s rr\n-A -t 1.1.1.2:80 -s rr\n')
  })
})
