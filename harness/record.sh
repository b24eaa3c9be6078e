#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Record what memory a command accesses, through DAMON's debugfs "record"
# file.  Run INSIDE a DAMON guest, as root, with debugfs mounted:
#
#   harness/vm.sh -- harness/record.sh [options] -- command [args...]
#
# (make record CMD="..." does that and shows the reports on the host.)  The
# command is started and made the only target of the root context;
# recording stops by itself when it exits (or is turned off here if it has
# not).  The record goes to DIR/damon.data, DIR being under the results
# folder, which vm.sh shares back to the host at the same path.  The debugfs files are restored afterwards.  The last line
# printed is "record: <path>"; the exit status is the command's.
#
# Options:
#   --out DIR      where to put damon.data (default: $RESULTS/record)
#   --attrs "..."  DAMON attributes, "<sample_us> <aggr_us> <update_us>
#                  <min_nr_regions> <max_nr_regions>"
#                  (default "5000 100000 1000000 10 1000")
#   --buffer BYTES the in-kernel record buffer (default 1048576)
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

DAMON_DIR=${DAMON_DIR:-/sys/kernel/debug/damon}
out=$RESULTS/record attrs="5000 100000 1000000 10 1000" buffer=1048576
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--attrs) attrs=$2; shift 2 ;;
	--buffer) buffer=$2; shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1 (usage: record.sh [options] -- command...)" ;;
	esac
done
[ $# -gt 0 ] || die "usage: record.sh [--out DIR] [--attrs \"...\"] -- command..."
[ "$(id -u)" -eq 0 ] || die "record.sh must run as root (inside the guest: harness/vm.sh -- harness/record.sh ...)"
[ -d "$DAMON_DIR" ] || die "$DAMON_DIR missing: is debugfs mounted, is this a DAMON kernel?"
[ "$(cat "$DAMON_DIR/monitor_on")" = off ] || die "DAMON is already monitoring"

mkdir -p "$out"
out=$(cd "$out" && pwd)
rec=$out/damon.data
rm -f "$rec"

# put FILE VALUE: one whole write; a refused write is fatal.
put() {
	local err
	if ! err=$( { printf '%s\n' "$2" > "$DAMON_DIR/$1"; } 2>&1); then
		die "writing '$2' to $DAMON_DIR/$1 failed: ${err##*: }"
	fi
}

old_attrs=$(cat "$DAMON_DIR/attrs")
old_record=$(cat "$DAMON_DIR/record")
old_targets=$(cat "$DAMON_DIR/target_ids")
pid="" started=0
# shellcheck disable=SC2317 # run by the EXIT trap
restore() {
	local rc=$?
	if [ "$started" -eq 1 ] && [ "$(cat "$DAMON_DIR/monitor_on")" = on ]; then
		printf 'off\n' > "$DAMON_DIR/monitor_on" 2> /dev/null || true
	fi
	if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
		kill -KILL "$pid" 2> /dev/null || true
	fi
	{
		printf '%s\n' "$old_attrs" > "$DAMON_DIR/attrs"
		printf '%s\n' "$old_record" > "$DAMON_DIR/record"
		printf '%s\n' "$old_targets" > "$DAMON_DIR/target_ids"
	} 2> /dev/null || msg "could not restore every debugfs file"
	exit "$rc"
}
trap restore EXIT
trap 'exit 130' INT TERM

# The command starts at once; it becomes the target as soon as it has
# replaced the forked shell (exec), so that the shell's memory does not show
# in the record.  A command that is itself bash is taken after 2 s.
"$@" &
pid=$!
for _ in $(seq 200); do
	kill -0 "$pid" 2> /dev/null || die "the command exited before it could be monitored"
	[ "/proc/$pid/exe" -ef "/proc/$$/exe" ] || break
	sleep 0.01
done
put attrs "$attrs"
put record "$buffer $rec"
put target_ids "$pid"
put monitor_on on
started=1
msg "recording pid $pid ($*) with attrs '$attrs' into $rec"

set +e
wait "$pid"
status=$?
set -e
pid=""

# Monitoring stops by itself once its only target has exited; give the
# kdamond a few aggregation intervals to notice, then turn it off.
for _ in $(seq 100); do
	[ "$(cat "$DAMON_DIR/monitor_on")" = off ] && break
	sleep 0.1
done
if [ "$(cat "$DAMON_DIR/monitor_on")" = on ]; then
	put monitor_on off
fi
started=0
stats=$(cat "$DAMON_DIR/record_stats")
msg "command exited with status $status; record_stats (recorded, dropped, bytes dropped): $stats"
[ -s "$rec" ] || die "no record written to $rec"
echo "record: $rec"
exit "$status"
