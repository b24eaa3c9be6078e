#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kdamond holds a target's mmap_lock for a bounded number of regions at
# a time: with 1,000 regions, a sampling pass takes the lock once per batch
# of 256 regions, four times, so that the target's mmap() and munmap() never
# wait for a whole pass.  Counted with the mmap_lock tracepoints, filtered
# on the kdamond: its successful acquisitions must be at least three per
# sampling pass (one hold per pass gives one).  Needs CONFIG_TRACING.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

lock_ev=$TRACING_DIR/events/mmap_lock/mmap_lock_acquire_returned
agg_ev=$TRACING_DIR/events/damon/damon_aggregated
out=/tmp/damon_lock_batches.$$
trace=/tmp/damon_lock_batches.$$.trace
# 20 samples per aggregation, 1,000 regions at least.
attrs="5000 100000 1000000 1000 2000"
on_exit "rm -f $out $trace"

if [ ! -d "$lock_ev" ] || [ ! -d "$agg_ev" ]; then
	ktap_skip "mmap_lock holds" "no mmap_lock or damon tracepoints"
	ktap_finish
fi

start_workload "$out" "$TEST_DIR/access_workload" 256 0 16 600
workload=$TARGET_PID
check "access_workload populated its buffer" test -s "$out"
check "attrs set" write_reads "$DAMON_DIR/attrs" "$attrs" "$attrs"
check "target set" write_reads "$DAMON_DIR/target_ids" "$workload" "$workload"
check "'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
kdamond=$(cat "$DAMON_DIR/kdamond_pid")
on_exit "echo 0 > $lock_ev/filter"
check "filter on the kdamond $kdamond" \
	eval "echo 'common_pid == $kdamond && success == 1' > $lock_ev/filter"
sleep 1
trace_start 8192 "$lock_ev" "$agg_ev"
sleep 2
echo 0 > "$lock_ev/enable"
echo 0 > "$agg_ev/enable"
check "'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK
cp "$TRACING_DIR/trace" "$trace"

# holds_bounded FILE: at least three acquisitions per sampling pass, over
# at least five whole aggregations of at least 768 regions on average.  The
# passes of an aggregation are counted as the largest nr_accesses in it (the
# hot range is found accessed by about every pass), since a slow kernel
# (the debug one) makes fewer passes than the attributes ask.  Only the
# acquisitions between the first and the last whole aggregation count.
holds_bounded() {
	awk "$TRACE_AWK_TS"'
	/mmap_lock_acquire_returned:/ { t[++nacq] = ts("mmap_lock_acquire_returned:") }
	/damon_aggregated:/ {
		now = ts("damon:damon_aggregated:")
		if (now < 0)
			now = ts("damon_aggregated:")
		match($0, /nr_regions=[0-9]+/)
		nr = substr($0, RSTART + 11, RLENGTH - 11) + 0
		match($0, /[0-9]+-[0-9]+: [0-9]+/)
		split(substr($0, RSTART, RLENGTH), f, /[-: ]+/)
		# Regions come in address order: a lower start begins the next.
		if (f[1] + 0 < last_start) {
			if (started) {
				passes += mx; aggs++; regions += nr_cur; t_end = now
			} else {
				started = 1; t_start = now
			}
			mx = 0
		}
		last_start = f[1] + 0
		nr_cur = nr
		if (f[3] + 0 > mx) mx = f[3] + 0
	}
	END {
		for (i = 1; i <= nacq; i++)
			acq += t[i] > t_start && t[i] <= t_end
		per_pass = passes ? acq / passes : 0
		printf "# %d acquisitions over %d aggregations of %.0f regions, ",
			acq, aggs, aggs ? regions / aggs : 0
		printf "%d passes: %.2f per pass\n", passes, per_pass
		exit !(aggs >= 5 && regions >= 768 * aggs && per_pass >= 3)
	}' "$1"
}
check "the lock is taken per batch of regions, not per target" holds_bounded "$trace"

ktap_finish
