#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A small fuzzer: random and huge writes to every file of the interface
# (damon_fuzz: random bytes, long and negative numbers, many PIDs, NUL
# bytes, inputs past 4096 bytes, valid inputs with a byte changed), the
# root's and a context's.  Every rejected write fails with an errno the
# interface documents and changes nothing; every accepted one holds no NUL
# byte, is at most 4096 bytes, and what the file then reads is accepted
# back unchanged.  32 live processes give the PIDs.
#
# DAMON_FUZZ_SEED (random, printed), DAMON_FUZZ_COUNT (3000 writes) and
# DAMON_FUZZ_SECS (30, a bound on the whole run) replay or lengthen a run.
# At least 200 writes must be made.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

fuzz=$TEST_DIR/damon_fuzz
[ -x "$fuzz" ] || ktap_bail "$fuzz not built: run make"
seed=${DAMON_FUZZ_SEED:-$RANDOM$RANDOM}
count=${DAMON_FUZZ_COUNT:-3000}
secs=${DAMON_FUZZ_SECS:-30}
kernel_log_mark
on_exit "rm -f /tmp/damon_fuzz.data"

sleepers=/tmp/damon_fuzz_pids.$$
start_target "$TEST_DIR/damon_stress" sleepers 32 > "$sleepers"
on_exit "rm -f $sleepers"
wait_for 30 test -s "$sleepers"
read -r -a pids < "$sleepers"
[ "${#pids[@]}" -eq 32 ] || ktap_bail "could not start 32 processes"
mk_context fz || ktap_bail "cannot make context fz"
_made_contexts+=(fz0 fz1 fz2)
"$DAMON_WRITE" "$DAMON_DIR/target_ids" "" > /dev/null

ktap_msg "damon_fuzz seed $seed, up to $count writes in $secs s"
start=$SECONDS
"$fuzz" "$DAMON_DIR" "$seed" "$count" "$secs" "${pids[@]}" > /tmp/damon_fuzz.$$ 2>&1
rc=$?
sed 's/^#* */# /' /tmp/damon_fuzz.$$
writes=$(sed -n 's/^writes=\([0-9]*\) .*/\1/p' /tmp/damon_fuzz.$$)
rm -f /tmp/damon_fuzz.$$
ktap_msg "took $((SECONDS - start)) s"
check "no violation in ${writes:-no} random writes (seed $seed)" test "$rc" -eq 0
check "at least 200 writes made" test "${writes:-0}" -ge 200
monitor_off
check "monitoring off" expect_content "$DAMON_DIR/monitor_on" off
check "context fz still there" test -d "$DAMON_DIR/fz"
check "no other context left" \
	test "$(find "$DAMON_DIR" -mindepth 1 -type d | wc -l)" -eq 1
check "many PIDs accepted as targets" \
	write_reads "$DAMON_DIR/target_ids" "${pids[*]}" "${pids[*]}"
check "kernel log clean" kernel_log_clean

ktap_finish
