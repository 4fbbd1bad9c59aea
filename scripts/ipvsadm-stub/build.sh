#!/bin/sh
# Builds the libnl stand-in for Debian's ipvsadm (see README.md).
# Usage: scripts/ipvsadm-stub/build.sh [OUTDIR]   (default /tmp/ipvsadm-stub)
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/ipvsadm-stub}
command -v gcc >/dev/null 2>&1 || { echo "build.sh: gcc is needed (apt-get install gcc)" >&2; exit 1; }
mkdir -p "$out"
gcc -O1 -Wall -Wextra -shared -fPIC -o "$out/libnl-stub.so" "$here/libnl-stub.c"
# The binary's DT_NEEDED names must resolve; both point at the stub.
ln -sf libnl-stub.so "$out/libnl-3.so.200"
ln -sf libnl-stub.so "$out/libnl-genl-3.so.200"
echo "$out/libnl-stub.so"
