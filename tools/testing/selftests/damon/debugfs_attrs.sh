#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# attrs: "<sample_us> <aggr_us> <update_us> <min_nr_regions> <max_nr_regions>".

source "$(dirname "$0")/_common.sh"
damon_require

f=$DAMON_DIR/attrs
check "attrs reads five numbers" \
	grep -qE '^[0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+$' "$f"
check "'1 2 3 4 5' accepted and read back" write_reads "$f" "1 2 3 4 5" "1 2 3 4 5"
check "trailing newline accepted" write_reads "$f" $'5000 100000 1000000 10 1000\n' \
	"$DEFAULT_ATTRS"
check "'1 2 3 4 5' accepted again" write_reads "$f" "1 2 3 4 5" "1 2 3 4 5"

while IFS='|' read -r input why; do
	check "EINVAL: $why ('$input')" expect_write "$f" "$input" EINVAL
done <<'CASES'
1 2 3 4|four fields
1 2 3 4 5 6|six fields
 |whitespace only
1 2 3 4 x|a non-number
1 2 3 4 5x|a number with garbage
-1 2 3 4 5|a negative number
1 2 3 4 99999999999999999999999|overflow
0 2 3 4 5|sample 0
5 4 6 4 5|aggr < sample
5 6 4 4 5|update < sample
1 2 3 2 5|min < 3
1 2 3 5 4|min > max
1 2 3 4 1048577|max above 2^20
1 4294967296 4294967296 4 5|more than 2^32-1 samples per aggregation
CASES
check "file unchanged after the rejected writes" expect_content "$f" "1 2 3 4 5"
check "min == max and aggr == update == sample accepted" \
	write_reads "$f" "7 7 7 3 3" "7 7 7 3 3"
check "max of 2^20 regions accepted" \
	write_reads "$f" "5000 100000 1000000 10 1048576" "5000 100000 1000000 10 1048576"

ktap_finish
