#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kdamond_pid shows the kdamond's PID in the reader's PID namespace, as
# target_ids shows the targets': in the initial namespace the PID whose
# /proc entry is the kdamond, in a child namespace 0, since the kdamond, a
# kernel thread, is not visible there (it showed the global PID, which may
# name another process of the child namespace).  Needs CONFIG_PID_NS and
# unshare(1) from util-linux; skips without them.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

command -v unshare > /dev/null || _skip_all "unshare (util-linux) missing"
unshare -p -f --mount-proc true 2> /dev/null ||
	_skip_all "cannot make a PID namespace (CONFIG_PID_NS?)"

on=$DAMON_DIR/monitor_on
start_target sleep 600
check "target set" write_reads "$DAMON_DIR/target_ids" "$TARGET_PID" "$TARGET_PID"
check "'on' accepted" expect_write "$on" on OK

pid=$(cat "$DAMON_DIR/kdamond_pid")
check "initial namespace: kdamond_pid names the kdamond" \
	eval "[ \"\$(cat /proc/$pid/comm 2> /dev/null)\" = kdamond.0 ]"

# in_child FILE: FILE as read from a new PID namespace.
in_child() { unshare -p -f --mount-proc cat "$1"; }
check "child namespace: kdamond_pid reads 0" \
	eval "[ \"\$(in_child '$DAMON_DIR/kdamond_pid')\" = 0 ]"
check "child namespace: target_ids reads 0 too" \
	eval "[ \"\$(in_child '$DAMON_DIR/target_ids')\" = 0 ]"
check "'off' accepted" expect_write "$on" off OK
check "child namespace: kdamond_pid reads none once stopped" \
	eval "[ \"\$(in_child '$DAMON_DIR/kdamond_pid')\" = none ]"

ktap_finish
