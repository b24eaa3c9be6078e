#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reclaim unharmed by DAMON: with the multi-gen LRU, under memory pressure,
# a continuously written hot set stays resident with DAMON monitoring its
# process as it does without.  DAMON consumes accessed bits that reclaim
# reads too (and MGLRU skips a PTE table whose non-leaf PMD accessed bit is
# clear), so a bit DAMON cleared without handing the access on would make
# reclaim evict hot pages.
#
# Swap goes on zram.  The memory the test plays in is shrunk by reserving
# hugetlb pages, so that the pressure is reached in seconds even in a large
# guest under emulation.  A workload writes a hot set without pause, a warm
# set every few hundred milliseconds, and holds a larger cold set it wrote
# once; a hog then allocates what is available plus more than the cold set
# and keeps going over its buffer, so that reclaim runs for the whole hold.
# Twice in one boot: without DAMON, then with DAMON monitoring the workload.
# The hot set is asserted on; the warm set, which reclaim may legitimately
# evict in part, is only reported.  The figures are printed as diagnostics.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

workload=$TEST_DIR/pressure_workload
hot_mib=${DAMON_PRESSURE_HOT_MIB:-32}
warm_mib=${DAMON_PRESSURE_WARM_MIB:-16}
warm_ms=${DAMON_PRESSURE_WARM_MS:-200}
cold_mib=${DAMON_PRESSURE_COLD_MIB:-192}
# Memory left available to the test once hugetlb pages took the rest.
arena_mib=${DAMON_PRESSURE_ARENA_MIB:-512}
# How long the hog keeps reclaim going once it is full.
hold=${DAMON_PRESSURE_HOLD_SECS:-8}
# The hog's size: what is available plus this share (%) of the cold set.
over_pct=${DAMON_PRESSURE_OVER_PCT:-125}
# With DAMON, the hot set's mean resident share may be this many points
# below the one without; its major faults this many % of its pages above.
tolerance=${DAMON_PRESSURE_TOLERANCE:-3}
lru_gen=/sys/kernel/mm/lru_gen/enabled
nr_huge=/proc/sys/vm/nr_hugepages

meminfo_mib() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' /proc/meminfo; }
# Field 12 of /proc/PID/stat, the major faults, counted after the comm.
majflt() {
	local s
	s=$(cat "/proc/$1/stat") || return 1
	s=${s##*) }
	# shellcheck disable=SC2086 # word splitting wanted
	set -- $s
	echo "${10}"
}

# ---- prerequisites -------------------------------------------------------

[ -r "$lru_gen" ] || _skip_all "$lru_gen missing: no CONFIG_LRU_GEN"
[ "$(($(cat "$lru_gen")))" -ne 0 ] ||
	_skip_all "the multi-gen LRU is disabled ($lru_gen reads $(cat "$lru_gen"))"
# kmemleak disables itself for good when it cannot allocate its metadata,
# which the deliberate memory shortage here makes it fail to do; the leak
# check of the whole run would then be lost.
[ -e /sys/kernel/debug/kmemleak ] &&
	_skip_all "kmemleak is on: the pressure would disable it for the run"
[ -x "$workload" ] || ktap_bail "$workload not built: run make"
ktap_msg "multi-gen LRU enabled: $(cat "$lru_gen"), MemTotal $(meminfo_mib MemTotal) MiB"

# ---- swap on zram, and the arena -----------------------------------------

if ! zram_swap_on 1G; then
	ktap_fail "swap on zram0"
	ktap_finish
fi
ktap_ok "swap on zram0"

if [ -w "$nr_huge" ] && grep -q '^Hugepagesize: *2048 kB' /proc/meminfo; then
	huge_before=$(cat "$nr_huge")
	on_exit "echo $huge_before > $nr_huge"
	avail=$(meminfo_mib MemAvailable)
	if [ "$avail" -gt "$arena_mib" ]; then
		echo $((huge_before + (avail - arena_mib) / 2)) > "$nr_huge"
	fi
	ktap_msg "hugetlb pages reserved: $(($(cat "$nr_huge") - huge_before))," \
		"MemAvailable $avail -> $(meminfo_mib MemAvailable) MiB"
else
	ktap_msg "no 2 MiB hugetlb pages: the test uses all of MemAvailable" \
		"($(meminfo_mib MemAvailable) MiB)"
fi

# ---- one run -------------------------------------------------------------

monitor() {
	write_reads "$DAMON_DIR/attrs" "$DEFAULT_ATTRS" "$DEFAULT_ATTRS" &&
		write_reads "$DAMON_DIR/target_ids" "$1" "$1" &&
		expect_write "$DAMON_DIR/monitor_on" on OK
}

# Results of the runs, by key (off, on): the hot set's mean resident share
# (per mille) and the workload's major faults under pressure.
declare -A hot_mean=() faults=()
hot_pages=0

# started OUT PID: OUT holds the "ready" line, or PID has exited.
started() { grep -q '^ready ' "$1" || ! kill -0 "$2" 2> /dev/null; }

# run KEY NAME DAMON(yes|no)
run() {
	local key=$1 name=$2 damon=$3 out=/tmp/damon_pressure.$$.$1 hogout pid hog
	local hot warm cold m hp hs hn wp wn cp cs cn start maj0 maj1 hog_mib secs
	local n=0 sum=0 min=1000 hsmax=0 wsum=0 wmin=1000 cmax=0 cend=0 cres=0

	hogout=$out.hog
	on_exit "rm -f $out $hogout"
	start_target "$workload" work "$hot_mib" "$warm_mib" "$warm_ms" "$cold_mib" > "$out"
	pid=$TARGET_PID
	wait_for 300 started "$out" "$pid"
	read -r _ _ hot _ warm _ cold < "$out"
	if [ -z "$cold" ]; then
		ktap_fail "$name: workload populated its sets"
		cat "$out"
		return 1
	fi
	if [ "$damon" = yes ]; then
		if ! monitor "$pid"; then
			ktap_fail "$name: monitoring started"
			return 1
		fi
		ktap_ok "$name: monitoring started"
	fi
	sleep 2
	hog_mib=$(($(meminfo_mib MemAvailable) + cold_mib * over_pct / 100))
	ktap_msg "$name: hot ${hot_mib} MiB at $hot, warm ${warm_mib} MiB at $warm" \
		"(every ${warm_ms} ms), cold ${cold_mib} MiB at $cold, hog ${hog_mib} MiB held ${hold}s"
	maj0=$(majflt "$pid")
	start=$(date +%s)
	"$workload" hog "$hog_mib" "$hold" > "$hogout" &
	hog=$!
	on_exit "kill $hog"
	while kill -0 "$hog" 2> /dev/null; do
		m=$("$workload" measure "$pid" "$hot" "$warm" "$cold")
		read -r hn hp hs wn wp _ cn cp cs <<< "$m"
		if [ -n "$cs" ]; then
			n=$((n + 1))
			m=$((hp * 1000 / hn))
			sum=$((sum + m))
			[ "$m" -lt "$min" ] && min=$m
			[ "$hs" -gt "$hsmax" ] && hsmax=$hs
			m=$((wp * 1000 / wn))
			wsum=$((wsum + m))
			[ "$m" -lt "$wmin" ] && wmin=$m
			cres=$((cp * 1000 / cn))
			cend=$((cs * 1000 / cn))
			[ "$cend" -gt "$cmax" ] && cmax=$cend
		fi
		sleep 0.5
	done
	wait "$hog"
	maj1=$(majflt "$pid")
	secs=$(($(date +%s) - start))
	if [ "$damon" = yes ]; then
		check "$name: monitoring stopped" expect_write "$DAMON_DIR/monitor_on" off OK
	fi
	kill -USR1 "$pid"
	sleep 0.5
	kill "$pid"
	wait "$pid" 2> /dev/null
	if [ "$n" -eq 0 ] || ! grep -q '^done ' "$hogout"; then
		ktap_fail "$name: pressure applied and measured"
		sed 's/^/# hog: /' "$hogout"
		return 1
	fi
	hot_mean[$key]=$((sum / n))
	faults[$key]=$((maj1 - maj0))
	hot_pages=$hn
	ktap_msg "$name: pressure for ${secs}s, hog filled in $(sed -n 's/^full //p' "$hogout")s," \
		"$(sed -n 's/^done passes //p' "$hogout") passes after;" \
		"workload passes over its hot and warm sets: $(sed -n 's/^passes //p' "$out")"
	ktap_msg "$name: hot set resident: mean $(pm "${hot_mean[$key]}")," \
		"min $(pm "$min") ($n samples); major faults ${faults[$key]}" \
		"(hot set: $hn pages, at most $hsmax swapped out at once)"
	ktap_msg "$name: warm set resident: mean $(pm $((wsum / n))), min $(pm "$wmin")"
	ktap_msg "$name: cold set swapped out: at most $(pm "$cmax"), at the end $(pm "$cend")," \
		"resident at the end $(pm "$cres")"
	check "$name: pressure swapped out cold pages" test "$cmax" -gt 0
}

# pm PER_MILLE: as a percentage.
pm() { printf '%d.%d%%' $(($1 / 10)) $(($1 % 10)); }

kernel_log_mark
if run off "no DAMON" no; then
	check "no DAMON: the hot set stays resident (mean >= 95%)" \
		test "${hot_mean[off]}" -ge 950
fi
if run on DAMON yes && [ -n "${hot_mean[off]:-}" ]; then
	allowed=$((2 * faults[off] + hot_pages * tolerance / 100))
	check "DAMON: hot set resident as without (mean within $tolerance points)" \
		test "${hot_mean[on]}" -ge $((hot_mean[off] - tolerance * 10))
	check "DAMON: major faults ${faults[on]} <= $allowed (2x without + $tolerance% of hot)" \
		test "${faults[on]}" -le "$allowed"
fi
check "kernel log clean" kernel_log_clean
ktap_finish
