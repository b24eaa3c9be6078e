#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The intervals of attrs are at most one day (86400000000 us): longer ones
# fail with EINVAL.  Intervals near KTIME_MAX / 1000 us used to pass, and
# the kdamond's sleep deadline then wrapped: it spun on a CPU and never
# aggregated.  At the limit, the kdamond sleeps: it uses next to no CPU.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

f=$DAMON_DIR/attrs
on=$DAMON_DIR/monitor_on
day=86400000000
while IFS='|' read -r input why; do
	check "EINVAL: $why" expect_write "$f" "$input" EINVAL
done <<CASES
9223372036854775 9223372036854775 9223372036854775 10 1000|intervals near KTIME_MAX ns
$((day + 1)) $((day + 1)) $((day + 1)) 10 1000|sampling above one day
5000 $((day + 1)) $((day + 1)) 10 1000|aggregation above one day
5000 100000 $((day + 1)) 10 1000|regions update above one day
CASES
check "one day, each interval: accepted" write_reads "$f" "$day $day $day 10 1000" \
	"$day $day $day 10 1000"

# cpu_ms PID: the CPU time of PID so far, in ms (schedstat, else stat).
cpu_ms() {
	local ns
	if read -r ns _ < "/proc/$1/schedstat" 2> /dev/null; then
		echo $((ns / 1000000))
	else
		awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' \
			"/proc/$1/stat"
	fi
}
start_target sleep 600
check "target set" write_reads "$DAMON_DIR/target_ids" "$TARGET_PID" "$TARGET_PID"
check "'on' accepted" expect_write "$on" on OK
sleep 0.5
kdamond=$(cat "$DAMON_DIR/kdamond_pid")
before=$(cpu_ms "$kdamond")
sleep 2
used=$(($(cpu_ms "$kdamond") - before))
ktap_msg "kdamond CPU over 2 s at one-day intervals: $used ms"
check "the kdamond sleeps (under 200 ms of CPU in 2 s)" [ "$used" -lt 200 ]
check "'off' accepted" expect_write "$on" off OK

ktap_finish
