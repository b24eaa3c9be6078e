#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "<runner> record -- <command>": boot a fresh DAMON kernel, record what the
# command accesses (harness/record.sh in the guest), and show the reports
# on the host (harness/report.sh).  make record CMD="..." runs this.
#
#   harness/record-vm.sh [options] -- command [args...]
#
# The command runs as root in the guest, in the current directory of the
# host's (read-only) root; only the results folder is writable.
#
# Options:
#   --out DIR      where the record, the console log, heatmap.png and
#                  wss.png go
#                  (default: $RESULTS/record; must be under $RESULTS)
#   --attrs "..."  DAMON attributes, passed to record.sh
#   --timeout SEC  kill the guest after SEC seconds (default 1800)
# Exits with the command's status (124 if the guest timed out).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

out=$RESULTS/record timeout=1800 rec_opts=()
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--attrs) rec_opts+=(--attrs "$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1 (usage: record-vm.sh [options] -- command...)" ;;
	esac
done
[ $# -gt 0 ] || die "usage: record-vm.sh [--out DIR] [--attrs \"...\"] -- command..."
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run 'make kernel'"
[ -x "$REPO/tools/damon/damon-report" ] || die "damon-report missing: run 'make -C tools/damon'"

mkdir -p "$RESULTS" "$out"
RESULTS=$(cd "$RESULTS" && pwd)
out=$(cd "$out" && pwd)
case "$out/" in
"$RESULTS"/*) ;;
*) die "--out $out is not under the results folder $RESULTS, which is all the guest can write" ;;
esac
rm -f "$out/damon.data" "$out/heatmap.png" "$out/wss.png"

msg "booting the DAMON kernel under QEMU to record: $*"
msg "(console log: $out/console.log)"
# Show the guest from record.sh's first message on: the command's output
# and record.sh's, without the firmware and boot noise.
set +e
with_lock "$HARNESS/vm.sh" --timeout "$timeout" --console "$out/console.log" -- \
	"$HARNESS/record.sh" --out "$out" "${rec_opts[@]}" -- "$@" |
	awk '/^\[harness\]/ { shown = 1 } /^reboot: / { next } shown { print; fflush() }'
rc=${PIPESTATUS[0]}
set -e
[ -s "$out/damon.data" ] || die "no record made (exit $rc): see $out/console.log"
"$HARNESS/report.sh" "$out"
exit "$rc"
