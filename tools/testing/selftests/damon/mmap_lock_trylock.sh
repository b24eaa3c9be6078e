#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kdamond never waits for a target's mmap_lock: sampling and the regions
# update (every 20 ms here) only try it, so that a target stuck with its
# lock held (a fault on a dead FUSE mount, queued behind by a writer) cannot
# leave the kdamond asleep in D state.  The target here keeps the lock held
# for writing nearly all the time, one long mprotect() after another; with
# the mmap_lock tracepoints filtered on the kdamond, every attempt must
# return at once (within 10 ms, where a waiting lock waits for the rest of an
# mprotect() of tens of ms), and some attempts must have found the lock
# taken.  The wait a blocking lock would show is measured too: the target's
# mprotect() calls must each hold the lock three times longer than the
# bound, or the test cannot tell and skips.  Needs CONFIG_TRACING.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

start_ev=$TRACING_DIR/events/mmap_lock/mmap_lock_start_locking
ret_ev=$TRACING_DIR/events/mmap_lock/mmap_lock_acquire_returned
out=/tmp/damon_lock_try.$$
trace=/tmp/damon_lock_try.$$.trace
attrs="5000 100000 20000 10 1000"
on_exit "rm -f $out $trace"

if [ ! -d "$start_ev" ] || [ ! -d "$ret_ev" ]; then
	ktap_skip "mmap_lock attempts" "no mmap_lock tracepoints"
	ktap_finish
fi

start_workload "$out" "$TEST_DIR/mprotect_workload" 2048 30
workload=$TARGET_PID
check "mprotect_workload populated its buffer" grep -q '^buffer ' "$out"
check "attrs set" write_reads "$DAMON_DIR/attrs" "$attrs" "$attrs"
check "target set" write_reads "$DAMON_DIR/target_ids" "$workload" "$workload"
check "'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
kdamond=$(cat "$DAMON_DIR/kdamond_pid")
for ev in "$start_ev" "$ret_ev"; do
	on_exit "echo 0 > $ev/filter"
	echo "common_pid == $kdamond" > "$ev/filter"
done
trace_start 8192 "$start_ev" "$ret_ev"
sleep 3
echo 0 > "$start_ev/enable"
echo 0 > "$ret_ev/enable"
check "kdamond $kdamond not in D state" \
	eval "[ \"\$(awk '{ print \$3 }' /proc/$kdamond/stat)\" != D ]"
check "'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK
cp "$TRACING_DIR/trace" "$trace"

# never_waited FILE: the kdamond's lock attempts in FILE each returned
# within 10 ms, and at least one found the lock taken.
never_waited() {
	awk "$TRACE_AWK_TS"'
	/ mmap_lock_start_locking: / { t0 = ts("mmap_lock_start_locking:"); tries++ }
	/ mmap_lock_acquire_returned: / {
		t = ts("mmap_lock_acquire_returned:")
		if (t0 > 0 && t - t0 > worst)
			worst = t - t0
		busy += /success=false/
		t0 = -1
	}
	END {
		printf "# %d attempts, %d found the lock taken, longest %.1f ms\n",
			tries, busy, worst * 1000
		exit !(tries > 0 && busy > 0 && worst < 0.01)
	}' "$1"
}
held=$(awk '/^mprotect/ { if (min == "" || $2 < min) min = $2 } END { print min + 0 }' "$out")
ktap_msg "the target's mprotect() calls, each under the lock held for writing:" \
	"$(grep '^mprotect' "$out" | cut -d' ' -f2- | paste -sd' ')"
if [ "$held" -lt 30 ]; then
	ktap_skip "every attempt returned at once" \
		"the target held its lock for $held ms only, too short to tell"
else
	check "every attempt returned at once, some found the lock taken" \
		never_waited "$trace"
fi

ktap_finish
