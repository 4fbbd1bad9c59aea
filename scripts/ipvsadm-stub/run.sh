#!/bin/sh
# Runs Debian's real ipvsadm under the libnl stand-in.
# Usage: IPVSADM=/path/to/extracted/sbin/ipvsadm scripts/ipvsadm-stub/run.sh ARGS...
# Prints ipvsadm's stdout/stderr as is; the requests go to $IPVSSTUB_LOG
# (default: stderr, lines starting `ipvsadm->kernel`). Exit code is ipvsadm's.
stub=${IPVSSTUB_DIR:-/tmp/ipvsadm-stub}
[ -f "$stub/libnl-stub.so" ] || "$(dirname "$0")/build.sh" "$stub" >/dev/null || exit 1
: "${IPVSADM:?set IPVSADM to the extracted Debian binary (see README.md)}"
LD_LIBRARY_PATH="$stub" LD_PRELOAD="$stub/libnl-stub.so" exec "$IPVSADM" "$@"
