#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# schemes: one scheme a line, "key=value" fields, '#' starts a comment.  A
# scheme reads back with every field and its statistics in a comment, and
# what is read can be written back.  A bad line fails the whole write with
# EINVAL, more than 32 schemes with E2BIG, any write while monitoring with
# EBUSY; none of them changes anything.  Writes of up to 24576 bytes are
# taken, so that 32 schemes read back fit.  Statistics move while
# monitoring.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

f=$DAMON_DIR/schemes
zero='# tried_regions=0 tried_bytes=0 applied_regions=0 applied_bytes=0 quota_exceeds=0'
defaults="quota_ms=0 quota_bytes=0 quota_reset_ms=1000"
defaults+=" weight_size=1 weight_nr_accesses=3 weight_age=2"
defaults+=" wmark_free_permille=none wmark_interval_us=1000000"
stat_line="action=stat size_bytes=0-max nr_accesses=0-max age_aggrs=0-max $defaults $zero"
# Every field, away from its default.
pattern="size_bytes=4096-max nr_accesses=0-0 age_aggrs=50-max"
quota="quota_ms=10 quota_bytes=1048576 quota_reset_ms=500"
quota+=" weight_size=0 weight_nr_accesses=5 weight_age=100"
wmarks="wmark_free_permille=50-800 wmark_interval_us=2000"
pageout_line="action=pageout $pattern $quota $wmarks $zero"

check "schemes reads empty" expect_content "$f" ""
check "'action=stat' reads back with every field" \
	write_reads "$f" "action=stat" "$stat_line"
check "every field, in another order, reads back in order" \
	write_reads "$f" "$wmarks action=pageout $quota $pattern" "$pageout_line"
two=$'# two\n\naction=pageout '"$pattern $quota $wmarks"
two+=$' # old\n \naction=stat\n'
check "two schemes, comments and blank lines" \
	write_reads "$f" "$two" "$pageout_line"$'\n'"$stat_line"
check "what it reads is accepted back unchanged" \
	write_reads "$f" "$(cat "$f")" "$pageout_line"$'\n'"$stat_line"

while IFS='|' read -r input why; do
	check "EINVAL: $why ('$input')" expect_write "$f" "$input" EINVAL
done <<'CASES'
size_bytes=0-max|no action
action=free|an unknown action
action=stat colour=red|an unknown field
action=stat action=cold|a repeated field
action=stat quota_ms|a field without a value
action=stat quota_ms=|an empty value
action=stat age_aggrs=5|a range without a dash
action=stat nr_accesses=5-4|an inverted range
action=stat age_aggrs=0-4294967296|a range above 2^32-1
action=stat size_bytes=-1-5|a negative number
action=stat quota_ms=0x10|a hexadecimal number
action=stat quota_ms=max|max outside a range
action=stat quota_reset_ms=0|a zero reset interval
action=stat quota_reset_ms=86400001|a reset interval above a day
action=stat weight_age=101|a weight above 100
action=stat wmark_free_permille=500-100|inverted watermarks
action=stat wmark_free_permille=0-1001|a watermark above 1000
action=stat wmark_free_permille=0-1000 wmark_interval_us=0|a zero watermarks interval
action=stat wmark_interval_us=86400000001|a watermarks interval above a day
CASES
check "EINVAL: a good line, then a bad one" expect_write "$f" $'action=stat\naction=x' EINVAL
check "EINVAL: a control byte" expect_write "$f" $'action=stat\x01' EINVAL
check "E2BIG: 33 schemes" expect_write "$f" "$(printf 'action=stat\n%.0s' {1..33})" E2BIG
check "32 schemes accepted" expect_write "$f" "$(printf 'action=stat\n%.0s' {1..32})" OK
check "32 schemes read back, all of it accepted back (over 4096 bytes)" \
	expect_write "$f" "$(cat "$f")" OK
check "32 schemes still" [ "$(grep -c '^action=stat ' "$f")" -eq 32 ]
check "an empty write clears" write_reads "$f" "" ""
io=$TEST_DIR/damon_io
check "a 24576-byte write (padded) accepted" \
	test "$("$io" write "$f" 24576 0 action=stat 2> /dev/null)" = OK
check "... and reads back" expect_content "$f" "$stat_line"
check "a 24577-byte write: EINVAL" \
	test "$("$io" write "$f" 24577 0 action=cold 2> /dev/null)" = EINVAL
check "... changing nothing" expect_content "$f" "$stat_line"
check "an empty write clears" write_reads "$f" "" ""

check "a new context has its own, empty, schemes" mk_context sch
check "a context's schemes are its own" write_reads "$DAMON_DIR/sch/schemes" \
	"action=stat" "$stat_line"
check "the root's schemes stay empty" expect_content "$f" ""
check "the context's schemes cleared" write_reads "$DAMON_DIR/sch/schemes" "" ""
"$DAMON_WRITE" "$DAMON_DIR/rm_contexts" sch > /dev/null

# While monitoring: EBUSY, and a stat scheme's statistics move.
start_target sleep 600
check "target set" write_reads "$DAMON_DIR/target_ids" "$TARGET_PID" "$TARGET_PID"
check "stat scheme set" write_reads "$f" "action=stat" "$stat_line"
check "'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
check "EBUSY while monitoring" expect_write "$f" "action=cold" EBUSY
check "EBUSY for an empty write too" expect_write "$f" "" EBUSY
tried() { sed -n 's/.* tried_regions=\([0-9]*\) .*/\1/p' "$f"; }
tried_grows() { [ "$(tried)" -gt 0 ]; }
check "the statistics move while monitoring" wait_for 10 tried_grows
check "stat applies to every byte it tries" scheme_applied_all "$f"
check "'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK
check "the statistics stay after 'off'" tried_grows
check "after 'off', schemes change again" write_reads "$f" "" ""

ktap_finish
