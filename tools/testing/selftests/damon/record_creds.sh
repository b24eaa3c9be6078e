#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The recorder writes the record file with the credentials of the writer of
# "on", not with the kdamond's (the kernel's, all capabilities).
#
# What the guest kernel can show of a writer's credentials: a write to a
# file with the set-group-ID bit and no group execute bit clears the bit
# unless the writer is in the file's group or has CAP_FSETID.  The file is
# root's, of a group root is not in; "on" is written by root without
# CAP_FSETID (setpriv drops it from the bounding set).  The kdamond's
# header write must clear the bit, as a write(2) of that writer would; with
# the kernel's credentials it stayed.  A control run by root with CAP_FSETID
# keeps the bit.  Quotas, root-reserved blocks and LSMs, which the same
# credentials decide, are not in the test kernel.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

command -v setpriv > /dev/null || _skip_all "setpriv (util-linux) missing"
on=$DAMON_DIR/monitor_on
dir=/tmp/damon_record_creds.$$
rec=$dir/rec
other_gid=54321
mkdir -p "$dir"
on_exit "rm -rf $dir"

start_target sleep 600
"$DAMON_WRITE" "$DAMON_DIR/attrs" "1000 10000 100000 10 40" > /dev/null

# arm: an empty record file, root:other_gid, mode 2600 (u=rw, set-group-ID).
arm() {
	rm -f "$rec" && : > "$rec" && chown "0:$other_gid" "$rec" &&
		chmod 2600 "$rec" && [ "$(stat -c %a "$rec")" = 2600 ] &&
		write_reads "$DAMON_DIR/target_ids" "$TARGET_PID" "$TARGET_PID" &&
		write_reads "$DAMON_DIR/record" "1024 $rec" "1024 $rec"
}
written() { [ "$(stat -c %s "$rec")" -gt 0 ]; }
mode_is() {
	local got
	got=$(stat -c %a "$rec")
	[ "$got" = "$1" ] && return 0
	ktap_msg "mode $got, want $1"
	return 1
}

check "record file armed" arm
check "'on' by root without CAP_FSETID" \
	eval "[ \"\$(setpriv --bounding-set=-fsetid '$DAMON_WRITE' '$on' on)\" = OK ]"
check "the kdamond wrote the header" wait_for 10 written
check "its write cleared the set-group-ID bit, as the writer's would" mode_is 600
check "'off' accepted" expect_write "$on" off OK

check "record file armed again" arm
check "'on' by root with CAP_FSETID" expect_write "$on" on OK
check "the kdamond wrote the header" wait_for 10 written
check "its write kept the set-group-ID bit" mode_is 2600
check "'off' accepted" expect_write "$on" off OK

ktap_finish
