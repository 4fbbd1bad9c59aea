#!/usr/bin/env python3
"""Runs Debian's ipvsadm under the libnl stand-in for every numeric option x value and writes
one JSON object per line: {"option", "value", "argv", "exit", "stderr", "sent"}.
`sent` is the attribute value the binary put in its netlink request (u32 as unsigned, ports in
host order), or null when it sent nothing. Usage (see README.md):
  IPVSADM=/tmp/ipvsadm-deb/sbin/ipvsadm scripts/ipvsadm-stub/probe.py > test/ipvsadm/debian-limits.jsonl
"""
import json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, 'run.sh')
VALUES = ['0', '-1', '1', '255', '256', '65535', '65536', '65507', '65508', '2147483647', '2147483648',
          '4294967295', '4294967296', '9223372036854775807', '9223372036854775808', '99999999999999999999',
          '0x10', '010', '+5', ' 5', '5 ', '5abc', '', '1e3', '-0', '2678400', '2678401']
M6_EXTRA = ['64abc', '4294967360', '-4294967232', '+64', '64 ', '128.5', '1e2', '18446744073709551680']
SVC = ['-A', '-t', '192.168.100.100:80', '-s', 'rr']
RS = ['-a', '-t', '192.168.100.100:80', '-r', '192.168.8.101']
CASES = {
    '-w': (lambda v: RS + ['-g', '-w', v], [SVC], r'DEST\{.* WEIGHT=(\d+)'),
    '-x': (lambda v: RS + ['-g', '-x', v], [SVC], r'U_THRESH=(\d+)'),
    '-y': (lambda v: RS + ['-g', '-y', v], [SVC], r'L_THRESH=(\d+)'),
    '-p': (lambda v: ['-A', '-t', '192.168.100.100:80', '-s', 'rr', '-p', v], [], r'TIMEOUT=(\d+)'),
    '-M': (lambda v: ['-A', '-t', '192.168.100.100:80', '-s', 'rr', '-p', '60', '-M', v], [], r'NETMASK=(\d+)'),
    '-M6': (lambda v: ['-A', '-t', '[2001:db8::10]:80', '-s', 'rr', '-p', '60', '-M', v], [], r'NETMASK=(\d+)'),
    '-f': (lambda v: ['-A', '-f', v, '-s', 'rr'], [], r'FWMARK=(\d+)'),
    'vport': (lambda v: ['-A', '-t', '192.168.100.100:' + v, '-s', 'rr', '-p'], [], r'SERVICE\{.* PORT=(\d+)'),
    'rport': (lambda v: RS[:4] + ['192.168.8.101:' + v, '-m'], [SVC], r'DEST\{.* PORT=(\d+)'),
    '--set': (lambda v: ['--set', v, '120', '300'], [], r'TIMEOUT_TCP=(\d+)'),
    '--syncid': (lambda v: ['--start-daemon', 'master', '--syncid', v], [], r'SYNC_ID=(\d+)'),
    '--sync-maxlen': (lambda v: ['--start-daemon', 'master', '--sync-maxlen', v], [], r'SYNC_MAXLEN=(\d+)'),
    '--mcast-port': (lambda v: ['--start-daemon', 'master', '--mcast-port', v], [], r'MCAST_PORT=(\d+)'),
    '--mcast-ttl': (lambda v: ['--start-daemon', 'master', '--mcast-ttl', v], [], r'MCAST_TTL=(\d+)'),
    '--tun-port': (lambda v: RS + ['-i', '--tun-type', 'gue', '--tun-port', v], [SVC], r'TUN_PORT=(\d+)'),
}


def run(args, setup, tmp):
    state, log = os.path.join(tmp, 'state'), os.path.join(tmp, 'log')
    for f in (state, log):
        if os.path.exists(f):
            os.remove(f)
    env = dict(os.environ, IPVSSTUB_STATE=state, IPVSSTUB_LOG=log)
    for s in setup:
        subprocess.run([RUN] + s, env=env, capture_output=True, check=True)
    open(log, 'w').close()
    p = subprocess.run([RUN] + args, env=env, capture_output=True, text=True)
    sent = [l for l in open(log).read().splitlines() if l.startswith('ipvsadm->kernel') and 'GET_INFO' not in l]
    return p.returncode, p.stderr, sent


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name, (argv, setup, rx) in CASES.items():
            for v in VALUES + (M6_EXTRA if name == '-M6' else []):
                args = argv(v)
                rc, err, sent = run(args, setup, tmp)
                m = None
                for line in sent:
                    mm = re.search(rx, line)
                    if mm:
                        m = int(mm.group(1))
                print(json.dumps({'option': name, 'value': v, 'argv': args, 'exit': rc, 'stderr': err, 'sent': m}))
                sys.stdout.flush()


main()
