#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The damon:damon_aggregated tracepoint, through tracefs and through perf:
# its format, its fields (the region age included, which grows while a
# sleeping target's regions stay cold), and perf script lines in the shape
# damo's parser reads, ten fields ending "<start>-<end>: <nr_accesses> <age>".
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

ev=$TRACING_DIR/events/damon/damon_aggregated
fmt='print fmt: "target_id=%lu nr_regions=%u %lu-%lu: %u %u"'
log=/tmp/damon_trace.$$
pdata=/tmp/damon_perf.$$.data
on_exit "rm -f $log $pdata"

# events_ok PID FILE: FILE has damon_aggregated events, all well formed,
# all of target PID, all with start < end, and some region reached the age
# of 10 aggregations (a sleeping target's regions stay cold: 3 s are ~30).
events_ok() {
	awk -v pid="$1" '
	/damon_aggregated: / {
		n++
		line = $0
		sub(/.*damon_aggregated: /, "", line)
		if (line !~ /^target_id=[0-9]+ nr_regions=[0-9]+ [0-9]+-[0-9]+: [0-9]+ [0-9]+$/) {
			if (bad++ < 3) print "# unparsable: " $0
			next
		}
		split(line, f, /[ =:-]+/)
		if (f[2] != pid && wrong++ < 3) print "# target_id not " pid ": " $0
		if (f[5] + 0 >= f[6] + 0 && empty++ < 3) print "# empty region: " $0
		if (f[8] + 0 > age) age = f[8] + 0
	}
	END {
		print "# " n + 0 " damon_aggregated events, oldest region " age + 0
		exit !(n > 0 && !bad && !wrong && !empty && age >= 10)
	}' "$2"
}

# damo_parses FILE: every line of the perf script output FILE splits, at
# white space, into the ten fields damo reads: comm, pid, [cpu], "time:",
# the event, target_id=, nr_regions=, "start-end:", nr_accesses, age.
damo_parses() {
	awk '
	{
		n++
		if (NF != 10 || $4 !~ /^[0-9]+\.[0-9]+:$/ ||
		    $5 != "damon:damon_aggregated:" || $6 !~ /^target_id=[0-9]+$/ ||
		    $7 !~ /^nr_regions=[0-9]+$/ || $8 !~ /^[0-9]+-[0-9]+:$/ ||
		    $9 !~ /^[0-9]+$/ || $10 !~ /^[0-9]+$/)
			if (bad++ < 3) print "# not as damo reads it: " $0
	}
	END { exit !(n > 0 && !bad) }' "$1"
}

# monitor PID: start monitoring PID with the default attributes.
monitor() {
	write_reads "$DAMON_DIR/attrs" "$DEFAULT_ATTRS" "$DEFAULT_ATTRS" &&
		write_reads "$DAMON_DIR/target_ids" "$1" "$1" &&
		expect_write "$DAMON_DIR/monitor_on" on OK
}

if [ ! -d "$TRACING_DIR/events" ]; then
	ktap_skip "tracepoint tests" "tracefs not mounted at $TRACING_DIR"
	ktap_finish
fi
check "event damon:damon_aggregated exists" test -d "$ev"
check "its print format" grep -qF "$fmt" "$ev/format"
for field in "unsigned long target_id" "unsigned int nr_regions" \
	"unsigned long start" "unsigned long end" "unsigned int nr_accesses" \
	"unsigned int age"; do
	check "its field '$field'" grep -qF "field:$field;" "$ev/format"
done

start_target sleep 600
target=$TARGET_PID

# Through tracefs.
tracing_on=$(cat "$TRACING_DIR/tracing_on")
on_exit "echo 0 > $ev/enable; echo $tracing_on > $TRACING_DIR/tracing_on"
echo 1 > "$TRACING_DIR/tracing_on"
: > "$TRACING_DIR/trace"
check "monitoring started" monitor "$target"
check "event enabled" eval "echo 1 > $ev/enable"
sleep 3
echo 0 > "$ev/enable"
check "monitoring stopped" expect_write "$DAMON_DIR/monitor_on" off OK
cp "$TRACING_DIR/trace" "$log"
check "tracefs: events parse, target_id is the PID $target" events_ok "$target" "$log"

# Through perf.
if ! command -v perf > /dev/null; then
	ktap_skip "perf record/script" "perf not installed"
	ktap_finish
fi
check "monitoring started again" monitor "$target"
check "perf record -e damon:damon_aggregated" eval "timeout 120 perf record \
	-e damon:damon_aggregated -a -o $pdata -- sleep 3 > $log 2>&1 ||
	{ sed 's/^/# /' $log; false; }"
check "monitoring stopped" expect_write "$DAMON_DIR/monitor_on" off OK
check "perf script" eval "timeout 120 perf script -i $pdata > $log 2> /dev/null"
check "perf: events parse, target_id is the PID $target" events_ok "$target" "$log"
check "perf: lines in the shape damo's perf script parser reads" damo_parses "$log"

ktap_finish
