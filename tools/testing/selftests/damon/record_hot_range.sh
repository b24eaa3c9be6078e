#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Record a process with a known hot range, then check the record file: its
# format, record_stats, and that DAMON found the hot range.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

attrs="5000 100000 1000000 10 1000"
secs=${DAMON_MONITOR_SECS:-8}
out=/tmp/damon_workload.$$
rec=/tmp/damon_record.$$.data
on_exit "rm -f $out $rec"
rm -f "$out" "$rec"

# A 256 MiB buffer whose 16 MiB at offset 128 MiB are written all the time.
start_target "$TEST_DIR/access_workload" 256 128 16 600 > "$out"
workload=$TARGET_PID
ready() { [ -s "$out" ] || ! kill -0 "$workload" 2> /dev/null; }
wait_for 300 ready
read -r _ buffer _ hot < "$out"
check "access_workload populated its buffer" test -n "$hot"
ktap_msg "workload $workload: buffer $buffer, hot $hot"

check "attrs set" write_reads "$DAMON_DIR/attrs" "$attrs" "$attrs"
check "record set" write_reads "$DAMON_DIR/record" "4194304 $rec" "4194304 $rec"
check "target set" write_reads "$DAMON_DIR/target_ids" "$workload" "$workload"
check "'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
sleep "$secs"
check "still monitoring after ${secs} s" expect_content "$DAMON_DIR/monitor_on" on
check "'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK
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

ktap_finish
