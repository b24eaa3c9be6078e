#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# No lost data: record two processes, one whose mappings keep changing, with
# the smallest buffer (1024 bytes) and a 10 ms aggregation interval, while
# tracing damon:damon_aggregated, in two runs: one with 20 to 80 regions,
# whose snapshots go through the buffer and make it flush hundreds of
# times, and one with 60 to 120 regions, whose snapshots are larger than
# the buffer and written through.  In each run the record file must hold
# exactly as many snapshots as aggregations were traced, in the same order,
# each with the same targets and the same regions (start, end,
# nr_accesses); record_stats must count them all and drop none; the trace
# must have lost no event.
#
# DAMON_MONITOR_SECS (6) is how long each run records.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

stress=$TEST_DIR/damon_stress
[ -x "$stress" ] || ktap_bail "$stress not built: run make"
command -v python3 > /dev/null || _skip_all "python3 missing"
[ -d "$TRACING_DIR/events/damon/damon_aggregated" ] ||
	_skip_all "no damon:damon_aggregated event in $TRACING_DIR"
secs=${DAMON_MONITOR_SECS:-6}
len=1024
ev=$TRACING_DIR/events/damon/damon_aggregated
rec=/tmp/damon_no_loss.$$.data
trace=/tmp/damon_no_loss.$$.trace
on_exit "rm -f $rec $trace"
kernel_log_mark

start_target "$TEST_DIR/access_workload" 64 16 8 600 > /dev/null
workload=$TARGET_PID
start_target "$stress" mapper 600
mapper=$TARGET_PID

tracing_on=$(cat "$TRACING_DIR/tracing_on")
buffer_kb=$(cat "$TRACING_DIR/buffer_size_kb")
on_exit "echo $tracing_on > $TRACING_DIR/tracing_on"
on_exit "echo $buffer_kb > $TRACING_DIR/buffer_size_kb"
on_exit "echo 0 > $ev/enable"
echo 0 > "$TRACING_DIR/tracing_on"
echo 16384 > "$TRACING_DIR/buffer_size_kb"

# lost: the tracing ring buffer overran or dropped events.
lost() {
	awk '/^(overrun|dropped events):/ { n += $NF } END { print n + 0 }' \
		"$TRACING_DIR"/per_cpu/cpu*/stats
}

# replay: how the recorder wrote the snapshots of $rec, replaying its
# buffer on their sizes: "<buffer flushes> <snapshots written through>".
replay() {
	python3 - "$rec" "$TEST_DIR" "$len" << 'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import _chk_record as c
with open(sys.argv[1], 'rb') as f:
    snaps = c.parse(f.read())
room, used, flushes, through = int(sys.argv[3]), 0, 0, 0
for _, targets in snaps:
    size = 20 + sum(12 + 20 * len(r) for _, r in targets)
    if size > room - used and used:
        flushes, used = flushes + 1, 0
    if size <= room - used:
        used += size
    else:
        through += 1
print(flushes + (used > 0), through)
EOF
}

# run NAME ATTRS: record and trace one run of $secs seconds.
run() {
	local name=$1 attrs=$2 stats recorded dropped flushes through
	rm -f "$rec"
	: > "$TRACING_DIR/trace"
	echo 1 > "$ev/enable"
	echo 1 > "$TRACING_DIR/tracing_on"
	check "$name: attrs set" write_reads "$DAMON_DIR/attrs" "$attrs" "$attrs"
	check "$name: record set" write_reads "$DAMON_DIR/record" "$len $rec" "$len $rec"
	check "$name: targets set" write_reads "$DAMON_DIR/target_ids" \
		"$workload $mapper" "$workload $mapper"
	check "$name: 'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
	sleep "$secs"
	check "$name: still monitoring after $secs s" \
		expect_content "$DAMON_DIR/monitor_on" on
	check "$name: 'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK
	echo 0 > "$ev/enable"
	echo 0 > "$TRACING_DIR/tracing_on"
	cp "$TRACING_DIR/trace" "$trace"
	stats=$(cat "$DAMON_DIR/record_stats")
	read -r recorded dropped _ <<< "$stats"
	ktap_msg "$name: record_stats: $stats; file: $(stat -c %s "$rec") bytes"
	check "$name: the trace lost no event" test "$(lost)" -eq 0
	check "$name: 100 or more aggregations recorded ($recorded), none dropped ($dropped)" \
		test "$recorded" -ge 100 -a "$dropped" -eq 0
	check "$name: the record holds every traced aggregation, in order, region by region" \
		python3 "$TEST_DIR/_chk_record.py" "$rec" --attrs "$attrs" \
		--pid "$workload" --pid "$mapper" --stats "$stats" --trace "$trace"
	read -r flushes through < <(replay)
	ktap_msg "$name: $flushes buffer flushes, $through snapshots written through"
	FLUSHES=$((FLUSHES + flushes))
	THROUGH=$((THROUGH + through))
}

FLUSHES=0 THROUGH=0
run buffered "1000 10000 100000 20 80"
run "written through" "1000 10000 100000 60 120"
check "the buffer flushed a hundred times or more ($FLUSHES)" test "$FLUSHES" -ge 100
check "a hundred snapshots or more written through ($THROUGH)" test "$THROUGH" -ge 100
check "kernel log clean" kernel_log_clean

ktap_finish
