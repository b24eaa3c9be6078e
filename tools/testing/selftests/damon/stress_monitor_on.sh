#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress: monitor_on toggled by several processes at once, thousands of
# times.  Each process loops: write the target to target_ids, "on", read
# kdamond_pid and monitor_on, "off", with random pauses; every run records
# into one file.  Each write may only fail as the interface says (damon_stress
# toggle), every "on" that succeeded is matched by one "off", the record
# file holds one whole run per "on", and the kernel log stays clean.
#
# DAMON_STRESS_PROCS (4), DAMON_STRESS_ROUNDS (250 per process) and
# DAMON_STRESS_SECS (40, a bound on the whole loop) change the load; at
# least 1000 writes must be made.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

stress=$TEST_DIR/damon_stress
[ -x "$stress" ] || ktap_bail "$stress not built: run make"
procs=${DAMON_STRESS_PROCS:-4}
rounds=${DAMON_STRESS_ROUNDS:-250}
secs=${DAMON_STRESS_SECS:-40}
attrs="1000 2000 10000 3 10"
rec=/tmp/damon_stress_on_rec.$$.data
out=/tmp/damon_stress_on.$$
on_exit "rm -f $rec $out.*"
rm -f "$rec"
kernel_log_mark

start_target sleep 600
target=$TARGET_PID
check "attrs set" write_reads "$DAMON_DIR/attrs" "$attrs" "$attrs"
check "record set" write_reads "$DAMON_DIR/record" "1024 $rec" "1024 $rec"

start=$SECONDS
togglers=()
for i in $(seq "$procs"); do
	"$stress" toggle "$DAMON_DIR" "$target" "$rounds" "$secs" "$i" > "$out.$i" 2>&1 &
	togglers+=($!)
done
bad=0
for p in "${togglers[@]}"; do
	wait "$p" || bad=1
done
ktap_msg "$procs processes toggled for $((SECONDS - start)) s:"
sed 's/^/#   /' "$out".*
check "every write failed only as allowed" test "$bad" -eq 0

# sum RESULT: the count of RESULT ("on:OK", ...) over all processes.
sum() {
	tr ' ' '\n' < <(cat "$out".*) | awk -F= -v k="$1" '$1 == k { n += $2 } END { print n + 0 }'
}
nr_rounds=$(sum rounds)
nr_on=$(sum on:OK)
nr_off=$(sum off:OK)
still_on=0
if [ "$(cat "$DAMON_DIR/monitor_on")" = on ]; then
	still_on=1
	monitor_off
fi
nr_writes=$((nr_rounds * 3))
ktap_msg "$nr_writes writes in $nr_rounds rounds: $nr_on runs started, $nr_off stopped by 'off'"
check "thousands of writes ($nr_writes >= 1000)" test "$nr_writes" -ge 1000
check "runs started and stopped ($nr_on, $nr_off)" test "$nr_on" -gt 0 -a "$nr_off" -gt 0
check "each 'on' matched by one 'off' ($nr_on = $nr_off + $still_on)" \
	test "$nr_on" -eq $((nr_off + still_on))
check "monitoring off at the end" expect_content "$DAMON_DIR/monitor_on" off
check "no kdamond left" wait_for 10 eval '! grep -qs "^kdamond" /proc/[0-9]*/comm'

if command -v python3 > /dev/null; then
	check "record file: one whole run per 'on' ($nr_on)" \
		python3 "$TEST_DIR/_chk_record.py" "$rec" --attrs "$attrs" \
		--pid "$target" --runs "$nr_on"
else
	ktap_skip "record file checks" "python3 missing"
fi
check "kernel log clean" kernel_log_clean

ktap_finish
