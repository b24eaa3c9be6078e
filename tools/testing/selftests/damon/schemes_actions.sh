#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What each action of a scheme does to a real process (access_workload: a
# buffer written once, then a hot part of it written again and again):
#  - stat changes nothing: the process keeps its memory, nothing swaps;
#  - pageout moves the cold part to swap (on zram) and leaves the hot part;
#  - willneed reads swapped-out pages back into the swap cache;
#  - hugepage marks the buffer's VMA for THP (VmFlags "hg") and khugepaged
#    then collapses it; nohugepage marks it "nh".
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

workload=$TEST_DIR/access_workload
f=$DAMON_DIR/schemes
thp=/sys/kernel/mm/transparent_hugepage
[ -x "$workload" ] || ktap_bail "$workload not built: run make"

kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
meminfo_kib() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
stat_of() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$f"; }

# run_scheme SCHEME: monitor the workload with SCHEME until stopped.
run_scheme() {
	expect_write "$DAMON_DIR/target_ids" "$TARGET_PID" OK &&
		expect_write "$f" "$1" OK &&
		expect_write "$DAMON_DIR/monitor_on" on OK
}
stop() { monitor_off; }

# 128 MiB, its last 16 MiB hot; the rest is left alone once written.
out=/tmp/damon_schemes.$$
on_exit "rm -f $out"
if ! zram_swap_on 512M; then
	ktap_fail "swap on zram0"
	ktap_finish
fi
ktap_ok "swap on zram0"
start_workload "$out" "$workload" 128 112 16 600
read -r _ buffer _ hot < "$out"
ktap_msg "workload $TARGET_PID: buffer $buffer, hot $hot"
rss0=$(kib "$TARGET_PID" VmRSS)

# ---- stat ----------------------------------------------------------------
run_scheme "action=stat"
tried() { [ "$(stat_of tried_regions)" -gt 20 ]; }
check "stat: regions tried" wait_for 20 tried
check "stat: the bytes applied are the bytes tried" scheme_applied_all "$f"
stop
check "stat: nothing swapped" [ "$(kib "$TARGET_PID" VmSwap)" -eq 0 ]
check "stat: the memory stays (VmRSS $(kib "$TARGET_PID" VmRSS) KiB, was $rss0)" \
	[ "$(kib "$TARGET_PID" VmRSS)" -ge $((rss0 * 95 / 100)) ]

# ---- pageout -------------------------------------------------------------
run_scheme "action=pageout nr_accesses=0-0 age_aggrs=5-max"
swapped() { [ "$(kib "$TARGET_PID" VmSwap)" -ge $((64 * 1024)) ]; }
check "pageout: over 64 of the 112 cold MiB swapped out within 60 s" wait_for 60 swapped
sleep 2
stop
rss=$(kib "$TARGET_PID" VmRSS)
ktap_msg "pageout: VmSwap $(kib "$TARGET_PID" VmSwap) KiB, VmRSS $rss KiB (was $rss0)," \
	"applied $(stat_of applied_bytes) bytes"
check "pageout: the hot 16 MiB stay resident" [ "$rss" -ge $((16 * 1024)) ]
check "pageout: VmRSS at most half of what it was" [ "$rss" -le $((rss0 / 2)) ]

# ---- willneed ------------------------------------------------------------
cached0=$(meminfo_kib SwapCached)
run_scheme "action=willneed nr_accesses=0-0"
cached() { [ "$(meminfo_kib SwapCached)" -ge $((cached0 + 16 * 1024)) ]; }
check "willneed: 16 MiB more read into the swap cache within 30 s" wait_for 30 cached
stop
ktap_msg "willneed: SwapCached $cached0 -> $(meminfo_kib SwapCached) KiB"

# ---- hugepage, nohugepage ------------------------------------------------
# marked FLAG: a VMA of the workload has FLAG in its VmFlags.
marked() { grep -q "^VmFlags:.* $1" "/proc/$TARGET_PID/smaps"; }
anon_huge() { awk '$1 == "AnonHugePages:" { print $2 }' "/proc/$TARGET_PID/smaps_rollup"; }
if [ ! -d "$thp" ]; then
	ktap_skip "hugepage: no CONFIG_TRANSPARENT_HUGEPAGE"
else
	for k in enabled defrag; do
		on_exit "echo $(sed 's/.*\[\(.*\)\].*/\1/' "$thp/$k") > $thp/$k"
	done
	for k in scan_sleep_millisecs alloc_sleep_millisecs pages_to_scan; do
		on_exit "echo $(cat "$thp/khugepaged/$k") > $thp/khugepaged/$k"
	done
	echo madvise > "$thp/enabled"
	echo madvise > "$thp/defrag"
	echo 100 > "$thp/khugepaged/scan_sleep_millisecs"
	echo 100 > "$thp/khugepaged/alloc_sleep_millisecs"
	echo 8192 > "$thp/khugepaged/pages_to_scan"
	check "hugepage: no VMA marked 'hg' yet" eval '! marked hg'
	run_scheme "action=hugepage nr_accesses=1-max"
	check "hugepage: the hot range's VMA marked 'hg' within 20 s" wait_for 20 marked hg
	collapsed() { [ "$(anon_huge)" -ge 2048 ]; }
	check "hugepage: khugepaged collapsed a huge page within 60 s" wait_for 60 collapsed
	ktap_msg "hugepage: AnonHugePages $(anon_huge) KiB"
	stop
	run_scheme "action=nohugepage"
	check "nohugepage: marked 'nh' within 20 s" wait_for 20 marked nh
	stop
fi
check "no scheme left running" expect_write "$f" "" OK

ktap_finish
