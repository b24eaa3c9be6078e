#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two contexts may not record into one file: their runs would interleave in
# it and one's truncation of a partial write would remove the other's
# snapshots.  "on" fails with EBUSY when two record paths name the same
# file (the same path, or another name of its inode: a hard link, a path
# through a symbolic link in a directory component, "/./"), starts nothing
# and changes no file of the interface.  Different files are accepted.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

on=$DAMON_DIR/monitor_on
dir=/tmp/damon_record_same.$$
mkdir -p "$dir/sub"
ln -s sub "$dir/lnk"
on_exit "rm -rf $dir"

start_target sleep 600
pid1=$TARGET_PID
start_target sleep 600
pid2=$TARGET_PID
ctx=same$$
check "context made" mk_context "$ctx"
# targets: give both contexts their target; a run consumes the targets.
targets() {
	write_reads "$DAMON_DIR/target_ids" "$pid1" "$pid1" &&
		write_reads "$DAMON_DIR/$ctx/target_ids" "$pid2" "$pid2"
}
check "targets set" targets

# records PATH1 PATH2: the root context records to PATH1, the other to PATH2.
records() {
	write_reads "$DAMON_DIR/record" "1024 $1" "1024 $1" &&
		write_reads "$DAMON_DIR/$ctx/record" "1024 $2" "1024 $2"
}
stats_before=$(cat "$DAMON_DIR/record_stats")
not_started() {
	expect_content "$on" off && expect_content "$DAMON_DIR/kdamond_pid" none &&
		expect_content "$DAMON_DIR/$ctx/kdamond_pid" none &&
		expect_content "$DAMON_DIR/record_stats" "$stats_before"
}

: > "$dir/sub/rec"
ln "$dir/sub/rec" "$dir/hard"
while IFS='|' read -r p1 p2 why; do
	check "$why: records set" records "$p1" "$p2"
	check "$why: 'on' fails with EBUSY" expect_write "$on" on EBUSY
	check "$why: nothing started" not_started
	check "$why: the file stays empty" eval "[ ! -s '$dir/sub/rec' ]"
done <<CASES
$dir/sub/rec|$dir/sub/rec|the same path
$dir/sub/rec|$dir/hard|a hard link
$dir/sub/rec|$dir/lnk/rec|through a symbolic link
$dir/sub/rec|$dir/sub/./rec|through "/./"
CASES
check "the refusal is logged" \
	eval "dmesg | grep -q 'two contexts record into $dir/sub/rec'"

check "different files: records set" records "$dir/sub/rec" "$dir/sub/rec2"
check "different files: 'on' accepted" expect_write "$on" on OK
check "different files: 'off' accepted" expect_write "$on" off OK
check "both files written" eval "[ -s '$dir/sub/rec' ] && [ -s '$dir/sub/rec2' ]"

# A context that records nothing does not clash with one that does.
check "one context not recording: records set" \
	eval "write_reads '$DAMON_DIR/record' '1024 $dir/sub/rec' '1024 $dir/sub/rec' &&
	write_reads '$DAMON_DIR/$ctx/record' '0 $dir/sub/rec' '0 $dir/sub/rec'"
check "targets set again" targets
check "one context not recording: 'on' accepted" expect_write "$on" on OK
check "'off' accepted" expect_write "$on" off OK

ktap_finish
