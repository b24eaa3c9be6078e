#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress: targets that exit at random moments while monitored, and PIDs
# that get reused.
#
#  - Rounds of a few short-lived processes (0.5 to 2.5 s) as targets: each
#    round starts monitoring them, then either waits for monitoring to end
#    by itself, or writes "off" at a random moment, maybe as it ends.
#    Every write fails only as allowed, every round ends with no kdamond,
#    and the record file holds one whole run per "on".
#  - A target that exits and whose PID a new process takes (clone3 with
#    set_tid) while monitoring goes on for another target: the new process
#    is not monitored under the old target's id, though it is once its PID
#    is written again.
#
# DAMON_STRESS_ROUNDS (20) and DAMON_STRESS_SECS (30) bound the rounds.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

stress=$TEST_DIR/damon_stress
[ -x "$stress" ] || ktap_bail "$stress not built: run make"
rounds=${DAMON_STRESS_ROUNDS:-20}
secs=${DAMON_STRESS_SECS:-30}
attrs="1000 10000 20000 5 50"
on=$DAMON_DIR/monitor_on
rec=/tmp/damon_stress_targets.$$.data
rec1=/tmp/damon_reuse1.$$.data
rec2=/tmp/damon_reuse2.$$.data
out=/tmp/damon_reuse.$$.out
on_exit "rm -f $rec $rec1 $rec2 $out"
rm -f "$rec" "$rec1" "$rec2"
kernel_log_mark
have_python=0
command -v python3 > /dev/null && have_python=1

no_kdamond() { ! grep -qs '^kdamond' /proc/[0-9]*/comm; }

check "attrs set" write_reads "$DAMON_DIR/attrs" "$attrs" "$attrs"
check "record set" write_reads "$DAMON_DIR/record" "1024 $rec" "1024 $rec"

# ---- targets exiting at random moments ----------------------------------

nr_on=0 nr_raced=0 nr_self=0 nr_off=0 nr_late=0 bad=0 round=0
deadline=$((SECONDS + secs))
while [ "$round" -lt "$rounds" ] && [ "$SECONDS" -lt "$deadline" ]; do
	round=$((round + 1))
	kids=()
	for _ in 1 2 3; do
		"$stress" life $((500 + RANDOM % 2000)) &
		kids+=($!)
	done
	got=$("$DAMON_WRITE" "$DAMON_DIR/target_ids" "${kids[*]}")
	if [ "$got" != OK ]; then
		# A process exited before the write: only EINVAL is allowed.
		[ "$got" = EINVAL ] || { ktap_msg "round $round: target_ids $got"; bad=1; }
		nr_raced=$((nr_raced + 1))
		wait "${kids[@]}"
		continue
	fi
	got=$("$DAMON_WRITE" "$on" on)
	case $got in
	OK) nr_on=$((nr_on + 1)) ;;
	*) ktap_msg "round $round: 'on' $got"; bad=1 ;;
	esac
	if [ $((RANDOM % 2)) -eq 0 ]; then
		sleep "$((RANDOM % 2)).$((RANDOM % 10))"
		got=$("$DAMON_WRITE" "$on" off)
		case $got in
		OK) nr_off=$((nr_off + 1)) ;;
		EPERM) nr_late=$((nr_late + 1)) ;;	# it had stopped by itself
		*) ktap_msg "round $round: 'off' $got"; bad=1 ;;
		esac
	else
		nr_self=$((nr_self + 1))
	fi
	wait "${kids[@]}"
	if ! wait_for 20 reads "$on" off || ! wait_for 10 no_kdamond; then
		ktap_msg "round $round: still monitoring 20 s after its targets exited"
		bad=1
		monitor_off
	fi
	if [ "$(cat "$DAMON_DIR/target_ids")" != "" ]; then
		ktap_msg "round $round: targets not consumed by the run"
		bad=1
	fi
done
ktap_msg "$round rounds: $nr_on runs, $nr_raced targets gone before the write," \
	"$nr_self left to stop by themselves, $nr_off stopped by 'off'," \
	"$nr_late 'off' after they stopped by themselves"
check "every round ended cleanly, writes failed only as allowed" test "$bad" -eq 0
check "runs started ($nr_on)" test "$nr_on" -gt 0
if [ "$have_python" -eq 1 ]; then
	check "record file: one whole run per 'on' ($nr_on)" \
		python3 "$TEST_DIR/_chk_record.py" "$rec" --attrs "$attrs" \
		--runs "$nr_on" --empty-ok
fi

# ---- a PID reused while monitored -----------------------------------------

# marked REC PID: print how many of target PID's regions in REC, over all
# snapshots, overlap the marker and were found accessed.
marked() {
	python3 - "$1" "$2" "$TEST_DIR" "$marker" << 'EOF'
import sys
sys.path.insert(0, sys.argv[3])
import _chk_record as c
lo, hi = (int(x, 0) for x in sys.argv[4].split('-'))
with open(sys.argv[1], 'rb') as f:
    snaps = c.parse(f.read())
print(sum(1 for _, targets in snaps for tid, regions in targets
          if tid == int(sys.argv[2])
          for start, end, acc in regions if start < hi and lo < end and acc))
EOF
}

start_target sleep 600
keeper=$TARGET_PID
sleep 600 &
victim=$!
check "two targets set" write_reads "$DAMON_DIR/target_ids" "$victim $keeper" "$victim $keeper"
check "record set" write_reads "$DAMON_DIR/record" "4096 $rec1" "4096 $rec1"
check "'on' accepted" expect_write "$on" on OK
kill "$victim"
wait "$victim" 2> /dev/null
"$stress" reuse "$victim" 600 > "$out" 2>&1 &
reuser=$!
wait_for 30 test -s "$out"
read -r _ pid _ marker < "$out"
if [ "${pid:-}" != "$victim" ]; then
	ktap_skip "PID reuse" "could not take PID $victim again: $(cat "$out")"
	ktap_finish
fi
on_exit "kill $victim"
ktap_msg "PID $victim exited and was taken by a new process, marker $marker"
sleep 3
check "still monitoring the other target" expect_content "$on" on
check "target_ids still names the old target" \
	expect_content "$DAMON_DIR/target_ids" "$victim $keeper"
check "'off' accepted" expect_write "$on" off OK
check "the new process's PID accepted as a target" \
	write_reads "$DAMON_DIR/target_ids" "$victim" "$victim"
check "record set" write_reads "$DAMON_DIR/record" "4096 $rec2" "4096 $rec2"
check "'on' accepted" expect_write "$on" on OK
sleep 3
check "'off' accepted" expect_write "$on" off OK
if [ "$have_python" -eq 1 ]; then
	n1=$(marked "$rec1" "$victim")
	n2=$(marked "$rec2" "$victim")
	ktap_msg "accessed regions on the marker: $n1 under the old target, $n2 once written again"
	check "the new process not monitored as the old target" test "$n1" = 0
	check "... but monitored once its PID was written again" test "$n2" -gt 0
else
	ktap_skip "PID reuse record checks" "python3 missing"
fi
kill "$victim"
wait "$reuser"

check "no kdamond left" wait_for 10 no_kdamond
check "kernel log clean" kernel_log_clean

ktap_finish
