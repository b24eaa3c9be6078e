#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared code of the DAMON selftests; sourced by every test, never run.
#
#   damon_require      the dependency gate: prints why and exits 4 (skip)
#   ktap_*, check      KTAP output; ktap_finish prints the plan and exits
#   expect_write       assert a write's result (OK or an errno name) and,
#                      for a rejected write, that no DAMON file changed
#   on_exit            register cleanup; the interface is restored anyway

# A misspelt variable must fail the test, not make it pass vacuously.
set -u

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

DAMON_DIR=${DAMON_DIR:-/sys/kernel/debug/damon}
TRACING_DIR=${TRACING_DIR:-/sys/kernel/tracing}
TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DAMON_WRITE=$TEST_DIR/damon_write
ROOT_FILES=(attrs target_ids schemes record record_stats kdamond_pid
	monitor_on mk_contexts rm_contexts)
# shellcheck disable=SC2034 # used by the tests
CTX_FILES=(attrs target_ids schemes record record_stats kdamond_pid)
# shellcheck disable=SC2034
DEFAULT_ATTRS="5000 100000 1000000 10 1000"

# ---- KTAP ----------------------------------------------------------------

_ktap_nr=0
_ktap_failed=0
_ktap_skipped=0

ktap_msg() { echo "# $*"; }

ktap_ok() { _ktap_nr=$((_ktap_nr + 1)); echo "ok $_ktap_nr - $*"; }

ktap_fail() {
	_ktap_nr=$((_ktap_nr + 1))
	_ktap_failed=$((_ktap_failed + 1))
	echo "not ok $_ktap_nr - $*"
}

ktap_skip() {
	_ktap_nr=$((_ktap_nr + 1))
	_ktap_skipped=$((_ktap_skipped + 1))
	echo "ok $_ktap_nr - $1 # SKIP ${2:-}"
}

# check DESCRIPTION COMMAND [ARGS...]: one test line from a command's status.
check() {
	local desc=$1
	shift
	if "$@"; then ktap_ok "$desc"; else ktap_fail "$desc"; fi
}

# Plan at the end (allowed by TAP 13): the number of tests is what ran.
ktap_finish() {
	echo "1..$_ktap_nr"
	local pass=$((_ktap_nr - _ktap_failed - _ktap_skipped))

	echo "# Totals: pass:$pass fail:$_ktap_failed skip:$_ktap_skipped"
	[ "$_ktap_failed" -eq 0 ] && [ "$_ktap_nr" -gt 0 ] && exit "$KSFT_PASS"
	exit "$KSFT_FAIL"
}

# ---- the dependency gate -------------------------------------------------

_skip_all() {
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

damon_require() {
	local f
	echo "TAP version 13"
	[ "$(id -u)" -eq 0 ] || _skip_all "must be run as root"
	awk '$3 == "debugfs" { found = 1 } END { exit !found }' /proc/mounts ||
		_skip_all "debugfs is not mounted"
	[ -d "$DAMON_DIR" ] ||
		_skip_all "$DAMON_DIR missing: kernel without CONFIG_DAMON_DBGFS?"
	for f in "${ROOT_FILES[@]}"; do
		[ -e "$DAMON_DIR/$f" ] || ktap_bail "$DAMON_DIR/$f missing"
	done
	[ -x "$DAMON_WRITE" ] || ktap_bail "$DAMON_WRITE not built: run make"
	[ "$(cat "$DAMON_DIR/monitor_on")" = off ] ||
		_skip_all "DAMON is monitoring already: not disturbing it"
	save_interface
	trap _cleanup EXIT
	trap 'exit 1' INT TERM
}

ktap_bail() {
	echo "Bail out! $*"
	exit "$KSFT_FAIL"
}

# ---- state: save, snapshot, restore --------------------------------------

declare -A _saved=()

# The content a root file had when save_interface ran.
saved() { printf '%s' "${_saved[$1]}"; }
_exit_hooks=()
_made_contexts=()

# on_exit COMMAND...: run at exit, before the interface is restored.
on_exit() { _exit_hooks+=("$*"); }

save_interface() {
	local f
	for f in attrs record target_ids schemes; do
		_saved[$f]=$(cat "$DAMON_DIR/$f")
	done
}

# Everything a write could change (record_stats and the statistics of the
# schemes, after their '#', move while monitoring).
damon_state() {
	local f
	for f in "$DAMON_DIR"/* "$DAMON_DIR"/*/*; do
		case ${f##*/} in mk_contexts | rm_contexts | record_stats) continue ;; esac
		[ -f "$f" ] && echo "${f#"$DAMON_DIR"/}: $(sed 's/ #.*//' "$f")"
	done
}

monitor_off() {
	[ "$(cat "$DAMON_DIR/monitor_on")" = on ] || return 0
	"$DAMON_WRITE" "$DAMON_DIR/monitor_on" off > /dev/null
}

_cleanup() {
	local i f
	for ((i = ${#_exit_hooks[@]} - 1; i >= 0; i--)); do
		eval "${_exit_hooks[i]}" > /dev/null 2>&1
	done
	monitor_off
	for f in "${_made_contexts[@]}"; do
		[ -d "$DAMON_DIR/$f" ] &&
			"$DAMON_WRITE" "$DAMON_DIR/rm_contexts" "$f" > /dev/null
	done
	for f in attrs record target_ids schemes; do
		[ "$(cat "$DAMON_DIR/$f")" = "${_saved[$f]}" ] && continue
		# Saved targets may have exited meanwhile: clear them then.
		"$DAMON_WRITE" "$DAMON_DIR/$f" "${_saved[$f]}" > /dev/null ||
			{ [ "$f" = target_ids ] && "$DAMON_WRITE" "$DAMON_DIR/$f" "" > /dev/null; }
		[ "$(cat "$DAMON_DIR/$f")" = "${_saved[$f]}" ] ||
			echo "# warning: could not restore $f to '${_saved[$f]}'"
	done
}

# mk_context NAME: make a context that is removed at exit.
mk_context() {
	_made_contexts+=("$1")
	[ "$("$DAMON_WRITE" "$DAMON_DIR/mk_contexts" "$1")" = OK ]
}

# ---- assertions ----------------------------------------------------------

# expect_write FILE INPUT WANT: WANT is OK or an errno name (EINVAL, ...).
# A write expected to fail must also leave every DAMON file as it was.
expect_write() {
	local file=$1 input=$2 want=$3 before got
	[ "$want" = OK ] || before=$(damon_state)
	got=$("$DAMON_WRITE" "$file" "$input")
	if [ "$got" != "$want" ]; then
		ktap_msg "write '$input' to ${file#"$DAMON_DIR"/}: got $got, want $want"
		return 1
	fi
	[ "$want" = OK ] && return 0
	if [ "$before" != "$(damon_state)" ]; then
		ktap_msg "rejected write '$input' to ${file#"$DAMON_DIR"/} changed the interface:"
		diff <(echo "$before") <(damon_state) | sed 's/^/#   /'
		return 1
	fi
}

# expect_content FILE WANT: the file reads WANT (trailing newline dropped).
expect_content() {
	local got
	got=$(cat "$1")
	[ "$got" = "$2" ] && return 0
	ktap_msg "${1#"$DAMON_DIR"/} reads '$got', want '$2'"
	return 1
}

# write_reads FILE INPUT WANT: the write is accepted and the file reads WANT.
write_reads() { expect_write "$1" "$2" OK && expect_content "$1" "$3"; }

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	local tries=$(($1 * 10))
	shift
	until "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

reads() { [ "$(cat "$1")" = "$2" ]; }

# A process to monitor: "start_target CMD..." sets TARGET_PID; killed at exit.
start_target() {
	"$@" &
	TARGET_PID=$!
	on_exit "kill $TARGET_PID; wait $TARGET_PID"
}

# start_workload FILE CMD...: start_target CMD, its output going to FILE,
# and wait up to 300 s for the first line it prints once its memory is
# ready (or for it to die).  The workload's PID is TARGET_PID.
start_workload() {
	local out=$1

	shift
	start_target "$@" > "$out"
	wait_for 300 _printed_or_gone "$out" "$TARGET_PID"
}
_printed_or_gone() { [ -s "$1" ] || ! kill -0 "$2" 2> /dev/null; }

# trace_start KB EVENT_DIR...: clear the trace buffer, KB per CPU, and
# enable the events; the buffer size, tracing_on and the events are put
# back at exit.
trace_start() {
	local kb=$1 old_kb ev

	shift
	old_kb=$(sed 's/.*expanded: \([0-9]*\).*/\1/' "$TRACING_DIR/buffer_size_kb")
	on_exit "echo $old_kb > $TRACING_DIR/buffer_size_kb"
	on_exit "echo $(cat "$TRACING_DIR/tracing_on") > $TRACING_DIR/tracing_on"
	echo "$kb" > "$TRACING_DIR/buffer_size_kb"
	echo 1 > "$TRACING_DIR/tracing_on"
	: > "$TRACING_DIR/trace"
	for ev in "$@"; do
		on_exit "echo 0 > $ev/enable"
		echo 1 > "$ev/enable"
	done
}

# An awk function for the scripts that read the trace: ts(EVENT), the
# timestamp (in seconds) of the current line if it is an EVENT event, given
# with its colon ("mmap_lock_released:"), or -1.
# shellcheck disable=SC2016,SC2034 # awk code; used by the scripts that source this
TRACE_AWK_TS='
function ts(ev,   i) {
	for (i = 1; i < NF; i++)
		if ($(i + 1) == ev)
			return substr($i, 1, length($i) - 1) + 0
	return -1
}'

# ---- schemes -------------------------------------------------------------

# scheme_applied_all FILE: the first scheme of the schemes FILE tried some
# bytes and applied its action to every one of them.  One read: the
# statistics move while monitoring.
scheme_applied_all() {
	sed -n 's/.* tried_bytes=\([0-9]*\) .* applied_bytes=\([0-9]*\) .*/\1 \2/p' "$1" |
		awk 'NR == 1 && $1 == $2 && $1 > 0 { ok = 1 } END { exit !ok }'
}

# ---- swap ----------------------------------------------------------------

# zram_swap_on SIZE: swap on zram0 of SIZE (such as 1G), taken off and the
# device reset at exit.  Skips the test where the kernel or util-linux lack
# what it needs; fails (returns 1) if the swap could not be set up.
zram_swap_on() {
	local zram=/sys/block/zram0 c

	[ -e /proc/swaps ] || _skip_all "/proc/swaps missing: no CONFIG_SWAP"
	[ -d "$zram" ] || _skip_all "$zram missing: no CONFIG_ZRAM"
	[ -b /dev/zram0 ] || _skip_all "/dev/zram0 missing (no devtmpfs?)"
	for c in mkswap swapon swapoff; do
		command -v "$c" > /dev/null || _skip_all "$c (util-linux) missing"
	done
	[ "$(cat "$zram/disksize")" -eq 0 ] || _skip_all "zram0 is in use already"
	on_exit "echo 1 > $zram/reset"
	on_exit "swapoff /dev/zram0"
	echo "$1" > "$zram/disksize" && mkswap /dev/zram0 > /dev/null &&
		swapon /dev/zram0 && grep -q '^/dev/zram0 ' /proc/swaps
}

# ---- the kernel log ------------------------------------------------------

# What a kernel in trouble prints: oopses, BUG and WARN, KASAN, lockdep,
# sleeping in atomic context, list and object debugging, hung tasks.
KERNEL_SPLATS='BUG:|WARNING:|Oops|general protection fault|Kernel panic|kernel BUG at'
KERNEL_SPLATS+='|UBSAN:|KASAN:|sleeping function called|INFO: task .* blocked'
KERNEL_SPLATS+='|Call Trace:|ODEBUG:|list_(add|del) corruption|possible .*locking'

# kernel_log_mark: remember where the kernel log ends.
kernel_log_mark() { _log_mark=$(dmesg | wc -l); }

# kernel_log_clean: no splat in the kernel log since kernel_log_mark; the
# first lines of one are shown.
kernel_log_clean() {
	local new
	new=$(dmesg | tail -n +"$((${_log_mark:-0} + 1))" | grep -E "$KERNEL_SPLATS")
	[ -z "$new" ] && return 0
	echo "$new" | head -n 10 | sed 's/^/# /'
	return 1
}
