#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command in a fresh DAMON kernel under QEMU (TCG), virtme style.
#
#   harness/vm.sh [options] -- command [args...]
#
# The guest's root is the host's, shared read-only over 9p, so the host's
# programs (bash, perf, python3, ...) run in it.  /tmp, /run, /var/tmp and
# /root are tmpfs; debugfs and tracefs are mounted.  The results folder
# ($DAMON_RESULTS, default ./results) is shared back writable at the same
# path.  The command runs as root in the caller's working directory; its
# output is streamed and its exit status becomes ours.  A guest that runs
# past the timeout is killed and we exit with 124.
#
# Options:
#   --kernel PATH    bzImage to boot (default: the harness build)
#   --mem MIB        guest memory (default 4096)
#   --cpus N         vCPUs (default 2)
#   --timeout SEC    kill the guest after SEC seconds (default 1800)
#   --append ARGS    extra kernel command line
#   --console FILE   also keep the whole console log in FILE
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=$KERNEL mem=4096 cpus=2 timeout=1800 append="" console=""
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--console) console=$2; shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1 (usage: vm.sh [options] -- command...)" ;;
	esac
done
[ $# -gt 0 ] || die "usage: vm.sh [options] -- command..."
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make kernel'"
command -v qemu-system-x86_64 > /dev/null || die "qemu missing: run 'make setup'"

mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
run=$(mktemp -d "$RESULTS/.vm.XXXXXX")
trap 'rm -rf "$run"' EXIT

# The command travels as a script in the shared folder.
{
	printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
	printf 'export PATH=%q HOME=/root TERM=dumb\n' "$PATH"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} > "$run/cmd.sh"

cmdline="console=ttyS0 earlyprintk=serial panic=-1 oops=panic pti=on"
cmdline+=" root=root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
cmdline+=" ro init=$HARNESS/guest-init.sh loglevel=5 damon_harness.results=$RESULTS"
cmdline+=" damon_harness.run=$run damon_harness.repo=$REPO $append"

# shellcheck disable=SC2054
qemu=(qemu-system-x86_64 -machine q35 -accel tcg,thread=multi -cpu max
	-smp "$cpus" -m "$mem" -kernel "$kernel" -append "$cmdline"
	-nographic -no-reboot -serial mon:stdio -display none -nic none
	-virtfs "local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$RESULTS,mount_tag=results,security_model=none,multidevs=remap")

set +e
if [ -n "$console" ]; then
	timeout -k 10 "$timeout" "${qemu[@]}" < /dev/null 2>&1 | tr -d '\r' | tee "$console"
	rc=${PIPESTATUS[0]}
else
	timeout -k 10 "$timeout" "${qemu[@]}" < /dev/null 2>&1 | tr -d '\r'
	rc=${PIPESTATUS[0]}
fi
set -e

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	msg "guest timed out after ${timeout}s and was killed"
	exit 124
fi
[ -f "$run/status" ] || { msg "guest died before the command finished (qemu exit $rc)"; exit 125; }
exit "$(cat "$run/status")"
