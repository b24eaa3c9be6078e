#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Recording to a file system that fills up, to paths that cannot be written
# and to a path that vanishes while monitoring.  debugfs_monitor_on.sh
# covers the paths that are not regular files.
#
#  - A 64 KiB tmpfs fills up: monitoring goes on, the loss is counted in
#    record_stats and logged, recording resumes once there is room again,
#    and the file holds whole snapshots, exactly as many as recorded.
#  - The same, but the file may not be truncated back after a partial
#    write (the writer of "on" lacks CAP_DAC_OVERRIDE and the file became
#    read-only for it): recording stops, monitoring goes on, and the file
#    still holds whole snapshots only.
#  - A read-only file system, a missing directory, a directory the writer
#    of "on" may not write: "on" fails with EROFS, ENOENT, EACCES, starts
#    nothing, keeps the targets and creates no file.
#  - The file renamed while monitoring: the records follow it, whole and
#    all there.  The file and its directory removed, and its file system
#    unmounted (lazily), while monitoring: monitoring goes on and "off"
#    works; nothing is created at the path again.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

stress=$TEST_DIR/damon_stress
[ -x "$stress" ] || ktap_bail "$stress not built: run make"
attrs="1000 10000 100000 10 40"
on=$DAMON_DIR/monitor_on
top=/tmp/damon_record_faults.$$
mnt=$top/mnt
mkdir -p "$mnt"
on_exit "umount -l $mnt 2> /dev/null; rm -rf $top"
kernel_log_mark
have_python=0
command -v python3 > /dev/null && have_python=1

mount -t tmpfs -o size=64k,mode=0755 tmpfs "$mnt" 2> /dev/null ||
	_skip_all "cannot mount a tmpfs"
umount "$mnt"

start_target "$TEST_DIR/access_workload" 64 16 16 600 > /dev/null
workload=$TARGET_PID
"$DAMON_WRITE" "$DAMON_DIR/attrs" "$attrs" > /dev/null

# stat_field N: field N of record_stats (1 recorded, 2 dropped, 3 bytes).
stat_field() { cut -d' ' -f"$1" "$DAMON_DIR/record_stats"; }
dropped() { [ "$(stat_field 2)" -gt 0 ]; }
recorded_past() { [ "$(stat_field 1)" -gt "$1" ]; }

# prepare PATH: the workload as target, recording to PATH.
prepare() {
	write_reads "$DAMON_DIR/target_ids" "$workload" "$workload" &&
		write_reads "$DAMON_DIR/record" "1024 $1" "1024 $1"
}

# whole FILE STATS [ARGS...]: FILE holds whole snapshots, one per recorded
# aggregation of STATS.
whole() {
	[ "$have_python" -eq 1 ] || return 0
	local file=$1 stats=$2
	shift 2
	python3 "$TEST_DIR/_chk_record.py" "$file" --attrs "$attrs" \
		--pid "$workload" --stats "$stats" "$@"
}

# ---- a full file system ---------------------------------------------------

mount -t tmpfs -o size=64k,mode=0755 tmpfs "$mnt"
head -c 49152 /dev/zero > "$mnt/pad"
check "target and record set" prepare "$mnt/rec"
check "'on' accepted" expect_write "$on" on OK
check "the file system fills up: drops counted within 60 s" wait_for 60 dropped
sleep 1
check "monitoring goes on" expect_content "$on" on
check "the loss is logged" eval "dmesg | grep -q 'damon-record: $mnt/rec: write failed (-28)'"
rm "$mnt/pad"
recorded=$(stat_field 1)
check "recording resumes once there is room" wait_for 30 recorded_past "$recorded"
check "'off' accepted" expect_write "$on" off OK
stats=$(cat "$DAMON_DIR/record_stats")
ktap_msg "record_stats: $stats; file: $(stat -c %s "$mnt/rec") bytes"
check "whole snapshots, as many as recorded" whole "$mnt/rec" "$stats" --dropped-ok
umount "$mnt"

# ---- a partial write that cannot be truncated -----------------------------

mount -t tmpfs -o size=64k,mode=0755 tmpfs "$mnt"
head -c 49152 /dev/zero > "$mnt/pad"
check "target and record set" prepare "$mnt/rec"
check "'on' by a writer without CAP_DAC_OVERRIDE" \
	eval "[ \"\$('$stress' nodac '$on' on)\" = OK ]"
chmod 0400 "$mnt/rec"
check "the file system fills up: drops counted within 60 s" wait_for 60 dropped
sleep 1
check "monitoring goes on" expect_content "$on" on
check "'off' accepted" expect_write "$on" off OK
stats=$(cat "$DAMON_DIR/record_stats")
ktap_msg "record_stats: $stats; file: $(stat -c %s "$mnt/rec") bytes"
check "whole snapshots, as many as recorded" whole "$mnt/rec" "$stats" --dropped-ok
umount "$mnt"

# ---- paths that cannot be written -----------------------------------------

# refused ERRNO PATH [nodac]: "on" recording to PATH fails with ERRNO,
# nothing starts, the targets stay, no file appears.
refused() {
	local got
	prepare "$2" || return 1
	if [ "${3:-}" = nodac ]; then
		got=$("$stress" nodac "$on" on)
	else
		got=$("$DAMON_WRITE" "$on" on)
	fi
	[ "$got" = "$1" ] || { ktap_msg "'on' recording to $2: $got, want $1"; return 1; }
	reads "$on" off && expect_content "$DAMON_DIR/kdamond_pid" none &&
		expect_content "$DAMON_DIR/target_ids" "$workload" && test ! -e "$2"
}
mount -t tmpfs -o ro,size=64k tmpfs "$mnt"
check "EROFS: a read-only file system" refused EROFS "$mnt/rec"
umount "$mnt"
check "ENOENT: a missing directory" refused ENOENT "$top/none/rec"
mkdir -m 0555 "$top/ro"
check "EACCES: a directory the writer may not write" refused EACCES "$top/ro/rec" nodac

# ---- a path that vanishes -------------------------------------------------

mount -t tmpfs -o size=4m tmpfs "$mnt"
mkdir "$mnt/d"
check "target and record set" prepare "$mnt/d/rec"
check "'on' accepted" expect_write "$on" on OK
check "records written" wait_for 30 recorded_past 10
mv "$mnt/d/rec" "$mnt/moved"
recorded=$(stat_field 1)
check "file renamed: recording goes on" wait_for 30 recorded_past "$recorded"
check "'off' accepted" expect_write "$on" off OK
stats=$(cat "$DAMON_DIR/record_stats")
check "the renamed file holds every aggregation, whole" whole "$mnt/moved" "$stats"
check "nothing created at the old path" test ! -e "$mnt/d/rec"

check "target and record set" prepare "$mnt/d/rec"
check "'on' accepted" expect_write "$on" on OK
check "records written" wait_for 30 recorded_past 10
rm "$mnt/d/rec"
rmdir "$mnt/d"
recorded=$(stat_field 1)
check "file and directory removed: recording goes on" wait_for 30 recorded_past "$recorded"
umount -l "$mnt"
sleep 1
check "file system unmounted: monitoring goes on" expect_content "$on" on
check "'off' accepted" expect_write "$on" off OK
ktap_msg "record_stats: $(cat "$DAMON_DIR/record_stats")"
check "nothing created at the path" test ! -e "$mnt/d/rec"

check "kernel log clean" kernel_log_clean

ktap_finish
