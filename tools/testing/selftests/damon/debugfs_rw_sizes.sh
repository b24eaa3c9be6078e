#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reads and writes of any size and at any offset, on every file, idle and
# while monitoring.  Every readable file reads the same whole, 1 byte at a
# time, in odd chunks, with pread() at odd offsets and with a 1 GiB count.
# A write is taken whole from offset 0 and up to 4096 bytes: longer ones
# (8 MiB, 1 GiB) and ones at another offset fail with EINVAL and change
# nothing.  The kernel logs no warning meanwhile.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

io=$TEST_DIR/damon_io
[ -x "$io" ] || ktap_bail "$io not built: run make"
kernel_log_mark

# reads_ok FILE [--changing]: damon_io's read checks pass on FILE.
reads_ok() {
	local got
	got=$("$io" read ${2:+"$2"} "$1" 2> /dev/null)
	[[ $got == "OK "* ]] && return 0
	ktap_msg "${1#"$DAMON_DIR"/}: $got"
	return 1
}

# Everything a write could change, read by one process: damon_state is
# too slow for this many writes under emulation.
state() { grep -r --exclude=record_stats . "$DAMON_DIR" 2> /dev/null; }

# expect_io FILE COUNT OFFSET INPUT WANT: a write of COUNT bytes (INPUT
# padded with whitespace) at OFFSET gives WANT, OK or an errno name.
expect_io() {
	local got
	got=$("$io" write "$1" "$2" "$3" "$4" 2> /dev/null)
	[ "$got" = "$5" ] && return 0
	ktap_msg "write of $2 bytes at $3 ('$4') to ${1#"$DAMON_DIR"/}: got $got, want $5"
	return 1
}

# unchanged BEFORE: the interface reads as BEFORE (an earlier state).
unchanged() {
	[ "$1" = "$(state)" ] && return 0
	diff <(echo "$1") <(state) | sed 's/^/#   /'
	return 1
}

# bad_sizes FILE INPUT: writes of INPUT that are too long or not at offset
# 0 fail with EINVAL and change nothing.
bad_sizes() {
	local f=$1 input=$2 name=${1#"$DAMON_DIR"/} off before
	before=$(state)
	check "$name: 1 GiB write: EINVAL" expect_io "$f" $((1 << 30)) 0 "$input" EINVAL
	check "$name: 8 MiB write: EINVAL" expect_io "$f" $((8 << 20)) 0 "$input" EINVAL
	check "$name: 4097-byte write: EINVAL" expect_io "$f" 4097 0 "$input" EINVAL
	for off in 1 7 4096; do
		check "$name: write at offset $off: EINVAL" \
			expect_io "$f" "${#input}" "$off" "$input" EINVAL
	done
	check "$name: the rejected writes changed nothing" unchanged "$before"
}

start_target sleep 600
pid=$TARGET_PID
mk_context ctx1 || ktap_bail "cannot make context ctx1"
check "targets set" write_reads "$DAMON_DIR/target_ids" "$pid" "$pid"
# Schemes that never act (no free memory is in 0-0 permille), so that their
# files read as lines that do not move while monitoring.
never="wmark_free_permille=0-0"
check "schemes set" expect_write "$DAMON_DIR/schemes" \
	$'action=stat '"$never"$'\naction=pageout nr_accesses=0-0 '"$never" OK
check "ctx1/schemes set" expect_write "$DAMON_DIR/ctx1/schemes" "action=cold $never" OK

# Idle: every file.
for f in "${ROOT_FILES[@]}" "${CTX_FILES[@]/#/ctx1/}"; do
	case $f in
	mk_contexts | rm_contexts)
		check "$f: read fails with EINVAL (write-only)" \
			test "$("$io" read "$DAMON_DIR/$f" 2> /dev/null)" = EINVAL ;;
	*) check "$f: reads of any size and offset agree" reads_ok "$DAMON_DIR/$f" ;;
	esac
done

for f in attrs ctx1/attrs record ctx1/record target_ids; do
	input=$(cat "$DAMON_DIR/$f")
	bad_sizes "$DAMON_DIR/$f" "$input"
	check "$f: 4096-byte write (padded) accepted" \
		expect_io "$DAMON_DIR/$f" 4096 0 "$input" OK
	check "$f: ... and reads back" expect_content "$DAMON_DIR/$f" "$input"
done
bad_sizes "$DAMON_DIR/mk_contexts" ctx2
_made_contexts+=(ctx2)
check "mk_contexts: 4096-byte write (padded) accepted" \
	expect_io "$DAMON_DIR/mk_contexts" 4096 0 ctx2 OK
check "... ctx2 made" test -d "$DAMON_DIR/ctx2"
bad_sizes "$DAMON_DIR/rm_contexts" ctx2
check "rm_contexts: 4096-byte write (padded) accepted" \
	expect_io "$DAMON_DIR/rm_contexts" 4096 0 ctx2 OK
check "... ctx2 removed" test ! -e "$DAMON_DIR/ctx2"
bad_sizes "$DAMON_DIR/monitor_on" on
check "monitor_on: 4096-byte 'on' (padded) accepted" \
	expect_io "$DAMON_DIR/monitor_on" 4096 0 on OK
check "... monitoring" expect_content "$DAMON_DIR/monitor_on" on

# Monitoring: the same reads; record_stats may change between them.
for f in "${ROOT_FILES[@]}" "${CTX_FILES[@]/#/ctx1/}"; do
	case $f in
	mk_contexts | rm_contexts) ;;
	*record_stats)
		check "$f: reads of any size and offset while monitoring" \
			reads_ok "$DAMON_DIR/$f" --changing ;;
	*)
		check "$f: reads of any size and offset agree while monitoring" \
			reads_ok "$DAMON_DIR/$f" ;;
	esac
done
input=$(cat "$DAMON_DIR/attrs")
before=$(state)
check "attrs: 1 GiB write while monitoring: EINVAL" \
	expect_io "$DAMON_DIR/attrs" $((1 << 30)) 0 "$input" EINVAL
check "attrs: 4096-byte write while monitoring: EBUSY" \
	expect_io "$DAMON_DIR/attrs" 4096 0 "$input" EBUSY
check "monitor_on: 1 GiB 'off': EINVAL" \
	expect_io "$DAMON_DIR/monitor_on" $((1 << 30)) 0 off EINVAL
check "the rejected writes changed nothing" unchanged "$before"
check "monitor_on: 4096-byte 'off' (padded) accepted" \
	expect_io "$DAMON_DIR/monitor_on" 4096 0 off OK
check "... stopped" expect_content "$DAMON_DIR/monitor_on" off

check "no kernel warning logged meanwhile" kernel_log_clean
ktap_finish
