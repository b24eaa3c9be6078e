#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The in-guest half of the DAMON benchmark (harness/bench.sh boots a kernel
# and runs this in it, as root).  For each scenario it starts the workload,
# waits until its buffer is populated, and then
#
#   --mode damon  lets it run unmonitored for BASE_SECS seconds (its speed
#                 alone), then monitors it through debugfs (ours and
#                 upstream's take the same attrs and target_ids formats;
#                 upstream calls the switch monitor_on_DEPRECATED):
#                 TRACE_SECS seconds with the damon_aggregated tracepoint
#                 streamed to trace.txt, then CPU_SECS seconds with tracing
#                 off, over which the kdamond's CPU time (schedstat) and the
#                 workload's speed are taken; every second from "on", the
#                 kdamond's CPU time and voluntary context switches (one a
#                 sleep: the analysis counts the aggregations of the untraced
#                 window by them) go to run.txt as "sample" lines;
#   --mode idle   leaves it unmonitored for CPU_SECS seconds, then runs
#                 PASSES passes of idle page tracking over it (bench-idle),
#                 one pass only on a buffer over 64 GiB (a pass reads the
#                 pagemap of the whole buffer), none past 600 seconds.
#
#   guest.sh --mode M --out DIR --bin DIR [--attrs "..."] [--trace-secs S]
#            [--cpu-secs S] [--base-secs S] [--passes N] -- SCENARIO...
#
# A SCENARIO is NAME:SIZE_MIB:SPOTS:SPOT_KIB:MOVE_SECS[:STRIDE_KIB[:SEED]]
# (bench-workload's --size, --spots, --spot-kib, --move-secs, --stride,
# --random-spots; a stride of 0 or none populates every page, no seed
# spreads the spots evenly).
# Each scenario's files go to DIR/NAME/: workload.txt (bench-workload's
# facts), run.txt (key value lines), trace.txt or idle.txt.
set -uo pipefail

TRACING=/sys/kernel/tracing
mode="" out="" bin="" attrs="5000 100000 1000000 10 1000"
trace_secs=20 cpu_secs=8 base_secs=4 passes=3

die() { printf '[bench-guest] error: %s\n' "$*" >&2; exit 1; }
msg() { printf '[bench-guest] %s\n' "$*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--mode) mode=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--attrs) attrs=$2; shift 2 ;;
	--trace-secs) trace_secs=$2; shift 2 ;;
	--cpu-secs) cpu_secs=$2; shift 2 ;;
	--base-secs) base_secs=$2; shift 2 ;;
	--passes) passes=$2; shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1" ;;
	esac
done
if [ -z "$mode" ] || [ -z "$out" ] || [ -z "$bin" ] || [ $# -eq 0 ]; then
	die "usage: guest.sh --mode damon|idle --out DIR --bin DIR -- scenario..."
fi
mkdir -p "$out" || die "cannot create $out"

uptime_s() { cut -d' ' -f1 /proc/uptime; }
now_ns() { local t=$EPOCHREALTIME; echo "${t/./}000"; }
schedstat_ns() { cut -d' ' -f1 "/proc/$1/schedstat" 2> /dev/null || echo -1; }

# sample PID: "sample <uptime> <CPU ns> <voluntary switches>" of a kdamond,
# with builtins only (no fork to disturb what is measured).
sample() {
	local up cpu key val vcs=-1
	read -r up _ < /proc/uptime
	read -r cpu _ 2> /dev/null < "/proc/$1/schedstat" || cpu=-1
	while read -r key val; do
		[ "$key" = voluntary_ctxt_switches: ] && vcs=$val
	done 2> /dev/null < "/proc/$1/status"
	echo "sample $up $cpu $vcs"
}

# sleep_sampling SECS PID FILE: sleep SECS seconds, sampling PID into FILE
# every second; the seconds are counted from the start, so that the time
# a sleep takes to start (a fork, slow under TCG) does not add up.
sleep_sampling() {
	local i t0 left frac
	t0=${EPOCHREALTIME/./}
	for ((i = 1; i <= $1; i++)); do
		left=$((t0 + i * 1000000 - ${EPOCHREALTIME/./}))
		printf -v frac %06d $((left % 1000000))
		[ "$left" -gt 0 ] && sleep "$((left / 1000000)).$frac"
		sample "$2" >> "$3"
	done
}

# shellcheck source=SCRIPTDIR/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

if [ "$mode" = damon ]; then
	[ -e "$on_file" ] || die "no DAMON debugfs interface in this kernel"
	[ -d "$TRACING/events/damon/damon_aggregated" ] ||
		die "no damon:damon_aggregated tracepoint in this kernel"
fi

wl_pid="" cat_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ "$mode" = damon ] && [ "$(cat "$on_file" 2> /dev/null)" = on ] &&
		put "$on_file" off
	[ -n "$cat_pid" ] && kill "$cat_pid" 2> /dev/null
	[ -n "$wl_pid" ] && kill -KILL "$wl_pid" 2> /dev/null
	return 0
}
trap cleanup EXIT

# Start the workload; wait for its buffer to be populated.
start_workload() {
	local dir=$1 size=$2 spots=$3 kib=$4 move=$5 stride=${6:-0} seed=${7:-} i
	local args=(--size "$size" --spots "$spots" --spot-kib "$kib" --out "$dir/workload.txt")
	[ "$move" -gt 0 ] && args+=(--move-secs "$move")
	[ "$stride" -gt 0 ] && args+=(--stride "$stride")
	[ -n "$seed" ] && args+=(--random-spots "$seed")
	"$bin/bench-workload" "${args[@]}" &
	wl_pid=$!
	# Up to 20 minutes: a sparse terabyte takes a page fault per stride.
	for i in $(seq 12000); do
		grep -q '^populated' "$dir/workload.txt" 2> /dev/null && return 0
		kill -0 "$wl_pid" 2> /dev/null || break
		[ "$i" -gt 0 ] && sleep 0.1
	done
	msg "the workload did not populate its buffer"
	return 1
}

stop_workload() {
	kill -TERM "$wl_pid" 2> /dev/null
	wait "$wl_pid" 2> /dev/null
	wl_pid=""
}

run_damon() {
	local dir=$1 kpid s0 s1 w0 w1 t0 t1 t2 tt0 tt1
	local ev=$TRACING/events/damon/damon_aggregated/enable

	# The workload alone first: its speed unmonitored, in this same boot.
	t0=$(uptime_s)
	sleep "$base_secs"
	echo "base_start $t0" >> "$dir/run.txt"
	echo "base_end $(uptime_s)" >> "$dir/run.txt"

	put "$TRACING/tracing_on" 0
	: > "$TRACING/trace"
	put "$TRACING/trace_clock" mono
	put "$TRACING/buffer_size_kb" 4096
	put "$ev" 1
	put "$TRACING/tracing_on" 1
	cat "$TRACING/trace_pipe" > "$dir/trace.txt" &
	cat_pid=$!

	put "$DAMON_DIR/attrs" "$attrs" || return 1
	put "$DAMON_DIR/target_ids" "$wl_pid" || return 1
	t0=$(uptime_s)
	tt0=$(now_ns)
	put "$on_file" on || return 1
	kpid=$(cat "$DAMON_DIR/kdamond_pid")
	sample "$kpid" >> "$dir/run.txt"
	sleep_sampling "$trace_secs" "$kpid" "$dir/run.txt"
	# Tracing off for the CPU window: the tracepoint's own cost grows with
	# the number of regions and is not the monitor's.
	put "$ev" 0
	t1=$(uptime_s)
	s0=$(schedstat_ns "$kpid")
	w0=$(now_ns)
	tt1=$w0
	sleep_sampling "$cpu_secs" "$kpid" "$dir/run.txt"
	s1=$(schedstat_ns "$kpid")
	w1=$(now_ns)
	t2=$(uptime_s)
	put "$on_file" off
	sleep 0.5
	put "$TRACING/tracing_on" 0
	kill "$cat_pid" 2> /dev/null
	wait "$cat_pid" 2> /dev/null
	cat_pid=""
	{
		echo "kdamond_pid $kpid"
		echo "trace_start $t0"
		echo "trace_end $t1"
		echo "cpu_start $t1"
		echo "cpu_end $t2"
		echo "cpu_ns $((s1 - s0))"
		echo "wall_ns $((w1 - w0))"
		echo "traced_cpu_ns $s0"
		echo "traced_wall_ns $((tt1 - tt0))"
	} >> "$dir/run.txt"
	if [ "$s0" -lt 0 ] || [ "$s1" -lt 0 ]; then
		msg "kdamond $kpid vanished"
	fi
}

run_idle() {
	local dir=$1 t0 t1 hot i
	t0=$(uptime_s)
	sleep "$cpu_secs"
	t1=$(uptime_s)
	echo "cpu_start $t0" >> "$dir/run.txt"
	echo "cpu_end $t1" >> "$dir/run.txt"
	read -ra hot < <(grep '^hot' "$dir/workload.txt" | tail -n 1)
	# Two passes of the big ones are enough (one takes seconds), one of a
	# sparse terabyte (a pass reads its whole pagemap: minutes).
	local n=$passes
	[ "$2" -gt 1024 ] && [ "$n" -gt 2 ] && n=2
	[ "$2" -gt 65536 ] && n=1
	local args=(--pid "$wl_pid" --passes "$n")
	for ((i = 2; i + 1 < ${#hot[@]}; i += 2)); do
		args+=(--hot "${hot[i]#0x}-${hot[i + 1]#0x}")
	done
	echo "idle_passes $n" >> "$dir/run.txt"
	timeout 600 "$bin/bench-idle" "${args[@]}" > "$dir/idle.txt" ||
		msg "bench-idle failed or ran out of time"
}

# Small pages only, for every method alike: idle page tracking ignores THP
# tail pages (the workload asks for MADV_NOHUGEPAGE too, where it can).
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w "$thp" ] && put "$thp" never

msg "kernel $(uname -r), mode $mode, $(nproc) CPUs, $(($(grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2) / 1024)) MiB"
for sc in "$@"; do
	IFS=: read -r name size spots kib move stride seed <<< "$sc"
	dir=$out/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	{
		echo "kernel $(uname -r)"
		echo "mode $mode"
		echo "attrs $attrs"
		echo "thp $(cat "$thp" 2> /dev/null)"
	} > "$dir/run.txt"
	msg "$name: $size MiB, $spots x $kib KiB$([ "$move" -gt 0 ] && echo ", moving every ${move}s")$([ "${stride:-0}" -gt 0 ] && echo ", a page every $stride KiB")$([ -n "$seed" ] && echo ", at random (seed $seed)")"
	if ! start_workload "$dir" "$size" "$spots" "$kib" "$move" "$stride" "$seed"; then
		stop_workload
		continue
	fi
	echo "pid $wl_pid" >> "$dir/run.txt"
	if [ "$mode" = damon ]; then
		run_damon "$dir" || msg "$name: monitoring failed"
	else
		run_idle "$dir" "$size"
	fi
	stop_workload
	msg "$name: done"
done
exit 0
