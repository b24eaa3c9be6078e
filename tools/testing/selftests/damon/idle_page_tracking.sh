#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DAMON and idle page tracking together.  A page marked idle through
# /sys/kernel/mm/page_idle/bitmap, then accessed, must read "not idle" even
# if DAMON sampled it in between and so consumed its accessed bit; a page
# nobody accessed must still read idle.  For base pages and for transparent
# huge pages, each with DAMON and, as a control, without.  Idle page tracking
# knows a huge page by its head page only: the bits of its tail pages never
# read idle (mm/page_idle.c skips tail pages), so only heads are checked.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

bitmap=/sys/kernel/mm/page_idle/bitmap
workload=$TEST_DIR/page_idle_workload
# How long DAMON samples after the workload accessed its hot pages.
secs=${DAMON_IDLE_SECS:-3}

# started OUT PID: OUT holds the "ready" line, or PID has exited.
started() { grep -q '^ready ' "$1" || ! kill -0 "$2" 2> /dev/null; }
touched() { grep -q '^touched$' "$1" || ! kill -0 "$2" 2> /dev/null; }

monitor() {
	write_reads "$DAMON_DIR/attrs" "$DEFAULT_ATTRS" "$DEFAULT_ATTRS" &&
		write_reads "$DAMON_DIR/target_ids" "$1" "$1" &&
		expect_write "$DAMON_DIR/monitor_on" on OK
}

# run_case NAME DAMON(yes|no) WORKLOAD_ARGS...: mark the workload's units
# idle, let it access its hot units once (while DAMON monitors it, with
# DAMON=yes), wait, and check what the bitmap and PG_idle say.
run_case() {
	local name=$1 damon=$2 out=/tmp/damon_idle.$$.$1 pid rc res
	local hot hot_idle hot_flag cold cold_idle cold_flag
	shift 2
	on_exit "rm -f $out"
	start_target "$workload" "$@" > "$out"
	pid=$TARGET_PID
	wait_for 120 started "$out" "$pid"
	if ! grep -q '^ready ' "$out"; then
		wait "$pid"
		rc=$?
		grep '^# ' "$out"
		if [ "$rc" -eq "$KSFT_SKIP" ]; then
			ktap_skip "$name" "no transparent huge pages to be had"
		else
			ktap_fail "$name: units mapped, on the LRU, read idle" \
				"once marked (exit $rc)"
		fi
		return
	fi
	ktap_ok "$name: units mapped, on the LRU, read idle once marked"
	if [ "$damon" = yes ]; then
		check "$name: monitoring started" monitor "$pid"
		# Let the kdamond arm its first sampling addresses.
		sleep 0.5
	fi
	kill -USR1 "$pid"
	wait_for 60 touched "$out" "$pid"
	sleep "$secs"
	[ "$damon" = yes ] &&
		check "$name: monitoring stopped" expect_write "$DAMON_DIR/monitor_on" off OK
	kill -USR1 "$pid"
	wait "$pid"
	rc=$?
	grep '^# ' "$out"
	res=$(sed -n 's/^result //p' "$out")
	if [ "$rc" -ne 0 ] || [ -z "$res" ]; then
		ktap_fail "$name: workload reported (exit $rc)"
		return
	fi
	# shellcheck disable=SC2086 # word splitting wanted
	set -- $res
	hot=$2 hot_idle=$4 hot_flag=$6 cold=$8 cold_idle=${10} cold_flag=${12}
	ktap_msg "$name: hot units: $hot, idle: $hot_idle, PG_idle set before the read: $hot_flag"
	ktap_msg "$name: untouched units: $cold, idle: $cold_idle, PG_idle set: $cold_flag"
	all_flagged() { [ "$hot_flag" -eq "$hot" ] && [ "$cold_flag" -eq "$cold" ]; }
	check "$name: every accessed unit reads not idle" test "$hot_idle" -eq 0
	check "$name: every untouched unit reads idle" test "$cold_idle" -eq "$cold"
	if [ "$damon" = yes ]; then
		# Evidence that DAMON consumed accessed bits of hot units: the
		# bitmap read of those found no bit and relied on PG_idle.
		local cleared="$((hot - hot_flag)) of $hot"

		check "$name: DAMON cleared PG_idle of accessed units ($cleared)" \
			test "$hot_flag" -lt "$hot"
		check "$name: DAMON cleared PG_idle of no untouched unit" \
			test "$cold_flag" -eq "$cold"
	else
		check "$name: without DAMON, PG_idle stays set until the bitmap read" \
			all_flagged
	fi
}

if [ ! -e "$bitmap" ]; then
	ktap_skip "idle page tracking" "$bitmap missing: CONFIG_IDLE_PAGE_TRACKING?"
	ktap_finish
fi
if [ ! -x "$workload" ]; then
	ktap_bail "$workload not built: run make"
fi

# 4 MiB of base pages, the 256 KiB at 2 MiB accessed.
run_case "base pages, no DAMON" no 1024 512 64
run_case "base pages, DAMON" yes 1024 512 64
# Four 2 MiB huge pages, the second accessed.
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r "$thp" ] && ! grep -q '\[never\]' "$thp"; then
	run_case "huge pages, no DAMON" no --thp 4 1 1
	run_case "huge pages, DAMON" yes --thp 4 1 1
else
	ktap_skip "huge pages" "transparent huge pages not enabled"
fi

ktap_finish
