#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# monitor_on: on/off, the errors around them, kdamond_pid, and what a
# running monitor forbids.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

on=$DAMON_DIR/monitor_on

# live_kdamond FILE: FILE (a kdamond_pid) names a running kdamond thread.
live_kdamond() {
	local pid
	pid=$(cat "$1")
	[[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2> /dev/null) == kdamond* ]] &&
		return 0
	ktap_msg "${1#"$DAMON_DIR"/} reads '$pid': not a kdamond"
	return 1
}

# stopped: monitoring is off, no kdamond, and the kdamond threads are gone.
stopped() {
	local ctx
	reads "$on" off || return 1
	for ctx in "$DAMON_DIR" "$DAMON_DIR"/*/; do
		[ -d "$ctx" ] || continue
		expect_content "$ctx/kdamond_pid" none || return 1
	done
	wait_for 10 test ! -e "/proc/$kpid" && wait_for 10 test ! -e "/proc/${kpid1:-$kpid}"
}

start_target sleep 600
t0=$TARGET_PID
start_target sleep 600
t1=$TARGET_PID
mk_context ctx1 || ktap_bail "cannot make context ctx1"
"$DAMON_WRITE" "$DAMON_DIR/target_ids" $'\n' > /dev/null

check "monitor_on reads 'off'" expect_content "$on" off
check "kdamond_pid reads 'none'" expect_content "$DAMON_DIR/kdamond_pid" none
check "EPERM: 'off' while off" expect_write "$on" off EPERM
check "EINVAL: 'on' with no target anywhere" expect_write "$on" on EINVAL
for input in onx of o ON " " "on off" "on on"; do
	check "EINVAL: '$input'" expect_write "$on" "$input" EINVAL
done

check "targets set" write_reads "$DAMON_DIR/target_ids" "$t0" "$t0"
check "ctx1 targets set" write_reads "$DAMON_DIR/ctx1/target_ids" "$t1" "$t1"
# A record file that cannot be opened as a data file fails 'on' as a whole.
ln -sf /tmp/damon-selftest-record "/tmp/damon-selftest-link.$$"
on_exit rm -f "/tmp/damon-selftest-link.$$"
while IFS='|' read -r path want; do
	"$DAMON_WRITE" "$DAMON_DIR/record" "1024 $path" > /dev/null
	check "$want: 'on' recording to $path" expect_write "$on" on "$want"
	check "... targets kept" expect_content "$DAMON_DIR/target_ids" "$t0"
done <<PATHS
/dev/null|EINVAL
$DAMON_DIR/monitor_on|EINVAL
/proc/self/status|EINVAL
/tmp|EISDIR
/tmp/damon-selftest-link.$$|ELOOP
PATHS
"$DAMON_WRITE" "$DAMON_DIR/record" "0 none" > /dev/null
check "'on' accepted" expect_write "$on" $'on\n' OK
check "monitor_on reads 'on'" expect_content "$on" on
check "kdamond_pid names a live kdamond" live_kdamond "$DAMON_DIR/kdamond_pid"
check "ctx1/kdamond_pid names a live kdamond" live_kdamond "$DAMON_DIR/ctx1/kdamond_pid"
kpid=$(cat "$DAMON_DIR/kdamond_pid")
kpid1=$(cat "$DAMON_DIR/ctx1/kdamond_pid")
check "the two contexts have two kdamonds" test "$kpid" != "$kpid1"
check "target_ids readable while on" expect_content "$DAMON_DIR/target_ids" "$t0"

_made_contexts+=(ctx2)
while IFS='|' read -r file input want; do
	check "$want while on: '$input' to $file" \
		expect_write "$DAMON_DIR/$file" "$input" "$want"
done <<CASES
monitor_on|on|EBUSY
attrs|1 2 3 4 5|EBUSY
target_ids|$t1|EBUSY
target_ids| |EBUSY
record|0 null|EBUSY
ctx1/attrs|1 2 3 4 5|EBUSY
ctx1/target_ids|$t0|EBUSY
ctx1/record|4096 /tmp/x|EBUSY
mk_contexts|ctx2|EBUSY
rm_contexts|ctx1|EBUSY
monitor_on|onx|EINVAL
CASES

check "'off' accepted" expect_write "$on" off OK
check "off: monitor_on 'off', kdamond_pid 'none', kdamonds exited" stopped
check "EPERM: 'off' again" expect_write "$on" off EPERM
check "targets consumed by the run" expect_content "$DAMON_DIR/target_ids" ""
check "ctx1 targets consumed by the run" expect_content "$DAMON_DIR/ctx1/target_ids" ""
check "attrs kept" expect_content "$DAMON_DIR/attrs" "$(saved attrs)"
check "rm_contexts works again" expect_write "$DAMON_DIR/rm_contexts" ctx1 OK

# Monitoring ends by itself when its last target exits.
kpid1=
check "targets set again" write_reads "$DAMON_DIR/target_ids" "$t0 $t1" "$t0 $t1"
check "'on' accepted" expect_write "$on" on OK
kpid=$(cat "$DAMON_DIR/kdamond_pid")
kill "$t0"
wait "$t0" 2> /dev/null
sleep 1
check "still on while one target lives" expect_content "$on" on
kill "$t1"
wait "$t1" 2> /dev/null
check "off by itself within 60 s once every target exited" \
	wait_for 60 reads "$on" off
check "... kdamond_pid 'none', kdamond exited" stopped
check "EPERM: 'off' after it stopped by itself" expect_write "$on" off EPERM

ktap_finish
