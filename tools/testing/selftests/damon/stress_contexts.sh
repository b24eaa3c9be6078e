#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress: mk_contexts and rm_contexts racing with reads and writes of the
# contexts' files, some of them kept open across the removal of their
# context, while monitoring is turned on and off (which starts the contexts
# that got a target).  Every operation fails only as allowed (damon_stress
# ctxrace: ENOENT for a file gone, EIO for one removed while open, EBUSY
# while monitoring, EEXIST, ENOENT); afterwards every context can be
# removed, none is left, no kdamond runs and the kernel log is clean.
#
# DAMON_STRESS_SECS (15) is how long the processes race.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

stress=$TEST_DIR/damon_stress
[ -x "$stress" ] || ktap_bail "$stress not built: run make"
secs=${DAMON_STRESS_SECS:-15}
out=/tmp/damon_stress_ctx.$$
on_exit "rm -f $out.*"
_made_contexts+=(s0 s1 s2 s3)
kernel_log_mark

start_target sleep 600
target=$TARGET_PID
"$DAMON_WRITE" "$DAMON_DIR/record" "0 none" > /dev/null

racers=()
for role in mkrm files mkrm files toggle files; do
	i=${#racers[@]}
	"$stress" ctxrace "$DAMON_DIR" "$role" "$secs" "$i" "$target" > "$out.$i.$role" 2>&1 &
	racers+=($!)
done
bad=0
for p in "${racers[@]}"; do
	wait "$p" || bad=1
done
for f in "$out".*; do
	ktap_msg "${f##*.}: $(cat "$f")"
done
check "every operation failed only as allowed" test "$bad" -eq 0

# count ROLE RESULT: how often RESULT ("mk:OK", ...) came in ROLE's files.
count() {
	cat "$out".*."$1" | tr ' ' '\n' |
		awk -F= -v k="$2" '$1 == k { n += $2 } END { print n + 0 }'
}
check "contexts made and removed ($(count mkrm mk:OK), $(count mkrm rm:OK))" \
	test "$(count mkrm mk:OK)" -gt 0 -a "$(count mkrm rm:OK)" -gt 0
check "contexts' files read and written ($(count files read:OK), $(count files write:OK))" \
	test "$(count files read:OK)" -gt 0 -a "$(count files write:OK)" -gt 0
check "monitoring turned on ($(count toggle on:OK) times)" test "$(count toggle on:OK)" -gt 0
ktap_msg "files gone under the racers: $(count files open:ENOENT) at open," \
	"$(count files read_kept:EIO) reads and $(count files write_kept:EIO) writes" \
	"of files kept open"

monitor_off
all_removed() {
	local c got
	for c in s0 s1 s2 s3; do
		got=$("$DAMON_WRITE" "$DAMON_DIR/rm_contexts" "$c")
		[ "$got" = OK ] || [ "$got" = ENOENT ] ||
			{ ktap_msg "rm_contexts $c: $got"; return 1; }
	done
	test -z "$(find "$DAMON_DIR" -mindepth 1 -type d)"
}
check "every context removed, no directory left" all_removed
check "monitoring off" expect_content "$DAMON_DIR/monitor_on" off
check "no kdamond left" wait_for 10 eval '! grep -qs "^kdamond" /proc/[0-9]*/comm'
check "the root context still works" write_reads "$DAMON_DIR/target_ids" "$target" "$target"
check "kernel log clean" kernel_log_clean

ktap_finish
