#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# failslab on DAMON's allocations, while setting up and while running.
# Needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS (the debug
# kernel); skips otherwise.  With CONFIG_FAULT_INJECTION_STACKTRACE_FILTER
# only allocations with DAMON's code on the stack fail.
#
#  - Setting up: every write of the interface (attrs, target_ids, record,
#    mk_contexts, rm_contexts, monitor_on on and off) is made once per
#    fault injection point it passes, with /proc/thread-self/fail-nth
#    failing that point only (damon_stress failall).  Each write must then
#    fail with ENOMEM (or, for "on", with the error that opening the record
#    file on tmpfs gives, ENOSPC for a failed inode allocation) and change
#    nothing, or succeed and leave what it leaves without a fault.
#  - Running: the kdamond inherits make-it-fail from kthreadd, and with the
#    task filter its allocations fail at random (20%, then 100%), from its
#    first one on, while it monitors a process whose mappings keep changing
#    and records with a small buffer.  Monitoring goes on, "off" stops it,
#    and the record file holds whole snapshots, as many as recorded.
#
# The kernel log must stay clean, and kmemleak (if built) finds nothing
# once the harness scans.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

fs=/sys/kernel/debug/failslab
stress=$TEST_DIR/damon_stress
[ -d "$fs" ] ||
	_skip_all "no $fs: no CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS"
[ -e /proc/self/fail-nth ] || _skip_all "no /proc/self/fail-nth"
[ -x "$stress" ] || ktap_bail "$stress not built: run make"
[ "$(cat /proc/2/comm 2> /dev/null)" = kthreadd ] || _skip_all "pid 2 is not kthreadd"
kernel_log_mark

# The failslab settings, restored at exit.
knobs=(probability interval times space verbose task-filter ignore-gfp-wait)
[ -e "$fs/require-start" ] && knobs+=(require-start require-end stacktrace-depth)
declare -A saved_knobs
for k in "${knobs[@]}"; do
	saved_knobs[$k]=$(cat "$fs/$k")
done
restore_failslab() {
	local k
	echo 0 > "$fs/probability"
	echo 0 > /proc/2/make-it-fail
	for k in "${knobs[@]}"; do
		echo "${saved_knobs[$k]}" > "$fs/$k"
	done
}
on_exit restore_failslab

# DAMON's text: the run of functions around kdamond_fn in kallsyms whose
# names hold "damon" or start with "dbgfs_", with at most 4 others (inline
# helpers emitted in DAMON's objects) in a row.  Prints its first address,
# the address past its end, and the number of other functions inside.
damon_text() {
	grep -E ' [tT] ' /proc/kallsyms | sort | awk '
	{
		addr[NR] = $1
		name = $3
		pfx[NR] = sub(/^__pfx_/, "", name)
		damon[NR] = name ~ /damon|^dbgfs_/
		if (name == "kdamond_fn" && !pfx[NR]) k = NR
	}
	END {
		if (!k) exit
		lo = hi = k
		for (i = k - 1; i >= 1 && gap <= 8; i--)
			if (damon[i]) { lo = i; gap = 0 } else gap++
		gap = 0
		for (i = k + 1; i <= NR && gap <= 8; i++)
			if (damon[i]) { hi = i; gap = 0 } else gap++
		for (i = lo; i <= hi; i++)
			others += !damon[i] && !pfx[i]
		if (hi < NR) print addr[lo], addr[hi + 1], others + 0
	}'
}
filter="none (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER off)"
if [ -e "$fs/require-start" ]; then
	read -r lo end others < <(damon_text)
	[[ ${end:-0} =~ [1-9a-f] ]] || ktap_bail "kdamond_fn not found in /proc/kallsyms"
	echo "0x$lo" > "$fs/require-start"
	echo "0x$end" > "$fs/require-end"
	echo 32 > "$fs/stacktrace-depth"
	filter="DAMON's text 0x$lo-0x$end ($others other functions inside)"
fi
ktap_msg "stack filter: $filter"
echo N > "$fs/ignore-gfp-wait"		# DAMON allocates with GFP_KERNEL
echo 0 > "$fs/verbose"
echo 0 > "$fs/space"
echo 1 > "$fs/interval"
echo 0 > "$fs/probability"		# fail-nth alone, for now

start_target sleep 600
t1=$TARGET_PID
start_target sleep 600
t2=$TARGET_PID
rec=/tmp/damon_failslab.$$.data
on_exit "rm -f $rec"

# ---- setting up -------------------------------------------------------------

# fail_each FILE INPUT [STEP]...: damon_stress failall, see there.
fail_each() {
	local name="$1 '$2'" got
	got=$("$stress" failall "$DAMON_DIR" "$@" 2>&1)
	local rc=$?
	echo "$got" | grep '^#'
	got=$(echo "$got" | grep '^points=')
	ktap_msg "$name: $got"
	FAULTS=$((FAULTS + $(echo "$got" | sed -n 's/^points=\([0-9]*\).*/\1/p')))
	ON_STATS=$(echo "$got" | sed -n 's/.* stats=//p')
	[ "$rc" -eq 0 ]
}

FAULTS=0
_made_contexts+=(fs1)
check "attrs: each fault fails the write cleanly, or leaves no trace" \
	fail_each attrs "1000 20000 50000 5 50" "pre:attrs=$DEFAULT_ATTRS"
check "target_ids: each fault fails the write cleanly, or leaves no trace" \
	fail_each target_ids "$t1 $t2" "pre:target_ids="
check "record: each fault fails the write cleanly, or leaves no trace" \
	fail_each record "4096 $rec" "pre:record=0 none"
check "mk_contexts: each fault fails the write cleanly, or leaves no trace" \
	fail_each mk_contexts fs1 "post:rm_contexts=fs1"
check "rm_contexts: each fault fails the write cleanly, or leaves no trace" \
	fail_each rm_contexts fs1 "pre:mk_contexts=fs1" "post:rm_contexts=fs1"
# Opening the record file on tmpfs reports a failed inode allocation as
# ENOSPC.  A short run before each attempt leaves counts in record_stats,
# which a failed "on" must not reset.
check "on: each fault fails the write cleanly, or leaves no trace" \
	fail_each monitor_on on "pre:target_ids=$t1" "pre:record=4096 $rec" \
	"run:300" "pre:target_ids=$t1" "unlink:$rec" \
	"post:monitor_on=off" "post:target_ids=" "errno:ENOSPC"
check "on: the run before each attempt recorded ($ON_STATS)" \
	test "${ON_STATS%% *}" -gt 0
check "off: each fault fails the write cleanly, or leaves no trace" \
	fail_each monitor_on off "pre:target_ids=$t1" "pre:record=4096 $rec" \
	"pre:monitor_on=on" "post:monitor_on=off" "post:target_ids="
"$DAMON_WRITE" "$DAMON_DIR/record" "0 none" > /dev/null
ktap_msg "setting up: $FAULTS faults injected"

# ---- running ----------------------------------------------------------------

attrs="1000 10000 20000 10 200"
start_target "$stress" mapper 600
mapper=$TARGET_PID
"$DAMON_WRITE" "$DAMON_DIR/attrs" "$attrs" > /dev/null

# run_failing PERCENT SECONDS: monitor the mapper and t1 with the kdamond's
# allocations failing at PERCENT.
run_failing() {
	local kpid times=1000000 left stats
	rm -f "$rec"
	write_reads "$DAMON_DIR/target_ids" "$mapper $t1" "$mapper $t1" &&
		write_reads "$DAMON_DIR/record" "1024 $rec" "1024 $rec" || return 1
	echo Y > "$fs/task-filter"
	echo "$times" > "$fs/times"
	echo "$1" > "$fs/probability"
	echo 1 > /proc/2/make-it-fail	# inherited by the kdamond
	got=$("$DAMON_WRITE" "$DAMON_DIR/monitor_on" on)
	echo 0 > /proc/2/make-it-fail
	[ "$got" = OK ] || { ktap_msg "'on': $got"; echo 0 > "$fs/probability"; return 1; }
	kpid=$(cat "$DAMON_DIR/kdamond_pid")
	[ "$(cat "/proc/$kpid/make-it-fail")" = 1 ] || ktap_msg "kdamond not failing?"
	sleep "$2"
	if ! reads "$DAMON_DIR/monitor_on" on; then
		ktap_msg "monitoring stopped under the faults"
		echo 0 > "$fs/probability"
		return 1
	fi
	got=$("$DAMON_WRITE" "$DAMON_DIR/monitor_on" off)
	echo 0 > "$fs/probability"
	left=$(cat "$fs/times")
	stats=$(cat "$DAMON_DIR/record_stats")
	ktap_msg "$1%: $((times - left)) faults in $2 s; record_stats $stats"
	FAULTS=$((FAULTS + times - left))
	[ "$got" = OK ] || { ktap_msg "'off': $got"; return 1; }
	wait_for 10 test ! -e "/proc/$kpid" || { ktap_msg "kdamond $kpid still there"; return 1; }
	[ "$((times - left))" -gt 0 ] || { ktap_msg "no fault injected"; return 1; }
	# Even the header may have failed: then nothing is written at all.
	[ ! -s "$rec" ] && [ "${stats%% *}" = 0 ] && return 0
	command -v python3 > /dev/null || return 0
	python3 "$TEST_DIR/_chk_record.py" "$rec" --attrs "$attrs" --stats "$stats" \
		--dropped-ok --empty-ok --runs 1
}

FAULTS=0
check "kdamond allocations failing at 20%: runs, stops, records whole snapshots" \
	run_failing 20 6
check "kdamond allocations failing at 100%: runs, stops, records whole snapshots" \
	run_failing 100 4
ktap_msg "running: $FAULTS faults injected"
check "kernel log clean" kernel_log_clean

ktap_finish
