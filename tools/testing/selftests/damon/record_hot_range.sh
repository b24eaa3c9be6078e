#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Record a process with a known hot range, then check the record file: its
# format, record_stats, that DAMON found the hot range, and that it holds
# exactly the aggregations the damon:damon_aggregated tracepoint reported.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

attrs="5000 100000 1000000 10 1000"
secs=${DAMON_MONITOR_SECS:-8}
out=/tmp/damon_workload.$$
rec=/tmp/damon_record.$$.data
trace=/tmp/damon_record.$$.trace
ev=$TRACING_DIR/events/damon/damon_aggregated
on_exit "rm -f $out $rec $trace"
rm -f "$out" "$rec"

# A 256 MiB buffer whose 16 MiB at offset 128 MiB are written all the time.
start_workload "$out" "$TEST_DIR/access_workload" 256 128 16 600
workload=$TARGET_PID
read -r _ buffer _ hot < "$out"
check "access_workload populated its buffer" test -n "$hot"
ktap_msg "workload $workload: buffer $buffer, hot $hot"

check "attrs set" write_reads "$DAMON_DIR/attrs" "$attrs" "$attrs"
check "record set" write_reads "$DAMON_DIR/record" "4194304 $rec" "4194304 $rec"
check "target set" write_reads "$DAMON_DIR/target_ids" "$workload" "$workload"

# Trace the whole run, in a buffer large enough for every event.
if [ -d "$ev" ]; then
	kb=$(sed 's/.*expanded: \([0-9]*\).*/\1/' "$TRACING_DIR/buffer_size_kb")
	on_exit "echo $kb > $TRACING_DIR/buffer_size_kb"
	on_exit "echo $(cat "$TRACING_DIR/tracing_on") > $TRACING_DIR/tracing_on"
	on_exit "echo 0 > $ev/enable"
	echo 16384 > "$TRACING_DIR/buffer_size_kb"
	echo 1 > "$TRACING_DIR/tracing_on"
	: > "$TRACING_DIR/trace"
	echo 1 > "$ev/enable"
fi
check "'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
sleep "$secs"
check "still monitoring after ${secs} s" expect_content "$DAMON_DIR/monitor_on" on
check "'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK
if [ -d "$ev" ]; then
	echo 0 > "$ev/enable"
	cp "$TRACING_DIR/trace" "$trace"
	lost=$(cat "$TRACING_DIR"/per_cpu/cpu*/stats |
		awk '/^(overrun|dropped events):/ { n += $NF } END { print n + 0 }')
	check "trace buffer lost no event" test "$lost" -eq 0
fi
stats=$(cat "$DAMON_DIR/record_stats")
ktap_msg "record_stats: $stats"
check "record file written by 'off'" test -s "$rec"

if ! command -v python3 > /dev/null; then
	ktap_skip "record file checks" "python3 missing"
	ktap_finish
fi
chk() { python3 "$TEST_DIR/_chk_record.py" "$rec" --attrs "$attrs" "$@"; }
check "record file well formed, targets, record_stats match" \
	chk --pid "$workload" --stats "$stats"
check "hot range found (>= 90% in accessed regions, best of last 5)" \
	chk --hot "$hot" --buffer "$buffer"
check "rest of the buffer mostly idle (<= 50% in accessed regions)" \
	chk --hot "$hot" --buffer "$buffer" --min-hot 0 --max-cold 0.5
if [ -d "$ev" ]; then
	check "one snapshot per traced aggregation, with the traced regions" \
		chk --trace "$trace"
else
	ktap_skip "record against damon_aggregated" "no tracefs event at $ev"
fi

ktap_finish
