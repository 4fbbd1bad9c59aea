#!/bin/bash
# Record what the real sysctl (Debian 12's procps 2:4.0.2-3) prints for each line of
# test/sysctl/commands.txt, into test/sysctl/real-procps-4.0.2.json (read by test/sysctl.test.ts).
# Needs root and util-linux's unshare: each line runs under `bash -c` in a private mount
# namespace whose /proc/sys is a tmpfs holding only net/ipv4/vs, filled with the engine's
# defaults. The files there are plain files, so a value the kernel's proc handler would refuse
# is accepted: the command list leaves such writes out (src/engine/ipvs/sysctl.test.ts has them).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--inside" ]; then
  npx tsx -e "import { defaultSysctls, readSysctl, SYSCTL_NAMES } from './src/engine/ipvs/sysctl'
const s = defaultSysctls()
console.log(JSON.stringify(Object.fromEntries([...SYSCTL_NAMES].reverse().map((n) => [n, readSysctl(s, n)]))))" > /tmp/sysctl-defaults.json
  exec unshare -m --propagation private "$0" --inside
fi
mkdir -p /tmp/sysctl-fake
mount -t tmpfs none /tmp/sysctl-fake
mount --bind /tmp/sysctl-fake /proc/sys
python3 - <<'PY'
import json, os, shutil, subprocess
defaults = json.load(open('/tmp/sysctl-defaults.json'))
version = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'procps'], capture_output=True, text=True).stdout
out = []
for cmd in open('test/sysctl/commands.txt').read().splitlines():
    if not cmd:
        continue
    shutil.rmtree('/proc/sys/net', ignore_errors=True)
    os.makedirs('/proc/sys/net/ipv4/vs')
    for name, text in defaults.items():  # reverse order: tmpfs then lists them sorted, as procfs does
        open('/proc/sys/net/ipv4/vs/' + name, 'w').write(text)
    r = subprocess.run(['bash', '-c', cmd], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    out.append({'cmd': cmd, 'stdout': r.stdout, 'stderr': r.stderr, 'exit': r.returncode})
json.dump({'recordedWith': 'sysctl from procps ' + version + ' (Debian 12), /proc/sys holding net/ipv4/vs only',
           'commands': out}, open('test/sysctl/real-procps-4.0.2.json', 'w'), indent=1, ensure_ascii=False)
print(len(out), 'commands recorded')
PY
