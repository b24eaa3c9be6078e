#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Proactive reclaim of a real program, in the guest: harness/bench/reclaim.sh
# boots a kernel with this script.
#
#   reclaim-guest.sh --out DIR [--keys N] [--hot N] [--secs S] -- RUN...
#
# RUN is one of
#   none  no DAMON;
#   ours  our DAMON with the scheme "action=pageout nr_accesses=0-0
#         age_aggrs=10-max quota_ms=200": what no sample found accessed
#         for 10 aggregations of 1 s, with at most 200 ms of the kdamond
#         per second spent paging out;
#   ref   the base kernel's DAMON with the same scheme in its own format.
#
# Both sample every 20 ms and aggregate every second: with 100 ms
# aggregations, a page that a client reads a few times a second is seen
# in few of them, and a scheme for idle regions takes it for cold; and
# sampling every 5 ms costs the kdamond four times the CPU, which it
# takes from Redis under emulation.
#
# Each run has swap on a fresh zram device and a fresh redis-server, loaded
# with N cold keys of 4 KiB values (DEBUG POPULATE, in the server) and HOT
# keys of 4 KiB set through redis-benchmark; then redis-benchmark reads the
# hot keys, round after round, for S seconds, monitored or not.  DIR/RUN.txt
# gets "sample <secs> <VmRSS KiB> <VmSwap KiB> <kdamond CPU ns>" every
# second and "round <end secs> <GETs per second>" per benchmark round.
set -uo pipefail

ATTRS="20000 1000000 1000000 10 1000"
OURS_SCHEME="action=pageout nr_accesses=0-0 age_aggrs=10-max quota_ms=200"
# min/max size, min/max nr_accesses, min/max age (aggregations), action 2
# (pageout), quota 200 ms, no byte quota, reset every 1000 ms, weights 1, 3
# and 2 for size, frequency and age as ours, no watermarks.
REF_SCHEME="0 18446744073709551615 0 0 10 4294967295 2 200 0 1000 1 3 2 0 0 0 0 0"
out="" keys=100000 hot=500 secs=150
sock=/tmp/reclaim-redis.sock

die() { printf '[reclaim-guest] error: %s\n' "$*" >&2; exit 1; }
msg() { printf '[reclaim-guest] %s\n' "$*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--keys) keys=$2; shift 2 ;;
	--hot) hot=$2; shift 2 ;;
	--secs) secs=$2; shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1" ;;
	esac
done
[ -n "$out" ] && [ $# -gt 0 ] || die "usage: reclaim-guest.sh --out DIR -- RUN..."
mkdir -p "$out" || die "cannot create $out"
for c in redis-server redis-cli redis-benchmark mkswap swapon; do
	command -v "$c" > /dev/null || die "$c missing"
done

# shellcheck source=SCRIPTDIR/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
cli() { redis-cli -s "$sock" "$@"; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

redis_pid="" bench_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap and between runs
cleanup() {
	[ "$(cat "$on_file" 2> /dev/null)" = on ] && put "$on_file" off
	[ -n "$bench_pid" ] && kill "$bench_pid" 2> /dev/null
	[ -n "$redis_pid" ] && kill -KILL "$redis_pid" 2> /dev/null
	wait 2> /dev/null
	redis_pid="" bench_pid=""
	swapoff /dev/zram0 2> /dev/null
	echo 1 > /sys/block/zram0/reset 2> /dev/null
	return 0
}
trap cleanup EXIT

# load SECS FILE: GET rounds on the hot keys until SECS pass.
load() {
	local end=$(($(date +%s) + $1)) rps
	while [ "$(date +%s)" -lt "$end" ]; do
		rps=$(redis-benchmark -s "$sock" -t get -r "$hot" -n 20000 -d 4096 \
			-c 4 -P 4 --csv 2> /dev/null | awk -F'"' '/^"GET"/ { print $4 }')
		echo "round $(cut -d' ' -f1 /proc/uptime) ${rps:-0}" >> "$2"
	done
}

run() {
	local what=$1 file=$out/$1.txt kpid="" i cpu
	: > "$file"
	echo 2G > /sys/block/zram0/disksize && mkswap /dev/zram0 > /dev/null &&
		swapon /dev/zram0 || { msg "$what: no swap on zram"; return 1; }
	# A Unix socket: the guest's loopback interface may be down.
	redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no --dir /tmp \
		--enable-debug-command yes > "$out/$what.redis.log" 2>&1 &
	redis_pid=$!
	for i in $(seq 600); do
		[ "$(cli ping 2> /dev/null)" = PONG ] && break
		sleep 0.1
	done
	[ "$(cli ping 2> /dev/null)" = PONG ] || { msg "$what: redis did not start"; return 1; }
	msg "$what: populating $keys cold keys and $hot hot keys"
	cli debug populate "$keys" cold 4096 > /dev/null
	redis-benchmark -s "$sock" -t set -r "$hot" -n $((hot * 3)) -d 4096 -P 32 \
		-q > /dev/null 2>&1
	echo "keys $(cli dbsize)" >> "$file"
	echo "populated $(cut -d' ' -f1 /proc/uptime) $(status_kib "$redis_pid" VmRSS)" >> "$file"

	case "$what" in
	ours|ref)
		put "$DAMON_DIR/attrs" "$ATTRS" &&
			put "$DAMON_DIR/target_ids" "$redis_pid" || return 1
		if [ "$what" = ours ]; then
			put "$DAMON_DIR/schemes" "$OURS_SCHEME" || return 1
		else
			put "$DAMON_DIR/schemes" "$REF_SCHEME" || return 1
		fi
		put "$on_file" on || return 1
		kpid=$(cat "$DAMON_DIR/kdamond_pid")
		;;
	esac
	msg "$what: reading the hot keys for $secs s"
	load "$secs" "$file" &
	bench_pid=$!
	for ((i = 0; i < secs; i++)); do
		sleep 1
		cpu=0
		[ -n "$kpid" ] && read -r cpu _ < "/proc/$kpid/schedstat"
		echo "sample $(cut -d' ' -f1 /proc/uptime) $(status_kib "$redis_pid" VmRSS)" \
			"$(status_kib "$redis_pid" VmSwap) $cpu" >> "$file"
	done
	wait "$bench_pid"
	bench_pid=""
	[ -n "$kpid" ] && cat "$DAMON_DIR/schemes" > "$out/$what.schemes"
	cleanup
	msg "$what: done"
}

for r in "$@"; do
	run "$r" || msg "run $r failed"
	cleanup
done
