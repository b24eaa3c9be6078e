#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# target_ids: whitespace-separated PIDs of user processes; all or nothing.

source "$(dirname "$0")/_common.sh"
damon_require

f=$DAMON_DIR/target_ids
start_target sleep 600
p1=$TARGET_PID
start_target sleep 600
p2=$TARGET_PID

# A PID with no process: count down from pid_max.
nopid=$(($(cat /proc/sys/kernel/pid_max) - 1))
while [ -e "/proc/$nopid" ]; do nopid=$((nopid - 1)); done

check "empty write clears" write_reads "$f" $'\n' ""
check "one PID accepted and read back" write_reads "$f" "$p1" "$p1"
check "two PIDs read back in order" write_reads "$f" "$p2 $p1" "$p2 $p1"
check "tabs, newlines and extra spaces accepted" \
	write_reads "$f" $'  '"$p1"$'\t'"$p2"$'  \n' "$p1 $p2"
check "init (pid 1) accepted" write_reads "$f" "1 $p1" "1 $p1"

while IFS='|' read -r input why; do
	check "EINVAL: $why ('$input')" expect_write "$f" "$input" EINVAL
done <<CASES
$p2 abc|a non-number
abc $p2|a non-number first
${p2}abc|a number with garbage
$p2 -$p1|a negative number
$p2 $p2|a duplicate
$p1 $p2 $p1|a duplicate, not adjacent
$p2 $nopid|a PID with no process
0|PID 0
$p2 99999999999999999999999|overflow
CASES
check "file unchanged after the rejected writes" expect_content "$f" "1 $p1"

if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	check "EINVAL: a kernel thread (kthreadd, pid 2)" expect_write "$f" "$p1 2" EINVAL
else
	ktap_skip "EINVAL: a kernel thread" "pid 2 is not kthreadd here"
fi

kill "$p2"
wait "$p2" 2> /dev/null
check "EINVAL: a process that exited and was reaped" expect_write "$f" "$p2" EINVAL
check "empty write clears again" write_reads "$f" $'\n' ""

ktap_finish
