#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# record: "<len> <path>"; len 0 (off) or 1024..4194304, absolute path < 256 bytes.
# record_stats: "<recorded> <dropped> <bytes dropped>".

source "$(dirname "$0")/_common.sh"
damon_require

f=$DAMON_DIR/record
check "record reads '<len> <path>'" grep -qE '^[0-9]+ [^ ]+$' "$f"
check "record_stats reads three numbers" \
	grep -qE '^[0-9]+ [0-9]+ [0-9]+$' "$DAMON_DIR/record_stats"

path255=/$(printf 'a%.0s' {1..254})
check "'4242 /tmp/damon.data' accepted and read back" \
	write_reads "$f" "4242 /tmp/damon.data" "4242 /tmp/damon.data"
check "trailing newline accepted" write_reads "$f" $'4096 /tmp/x\n' "4096 /tmp/x"
check "len 1024 (lowest) accepted" write_reads "$f" "1024 /tmp/x" "1024 /tmp/x"
check "len 4194304 (highest) accepted" \
	write_reads "$f" "4194304 /tmp/x" "4194304 /tmp/x"
check "a 255-byte path accepted" write_reads "$f" "1024 $path255" "1024 $path255"
check "'0 null' accepted and read back" write_reads "$f" "0 null" "0 null"
check "len 0 with a relative path accepted" write_reads "$f" "0 rel/path" "0 rel/path"
check "'4242 /tmp/damon.data' accepted again" \
	write_reads "$f" "4242 /tmp/damon.data" "4242 /tmp/damon.data"

while IFS='|' read -r input why; do
	check "EINVAL: $why ('${input:0:40}')" expect_write "$f" "$input" EINVAL
done <<CASES
abc 2 3|three fields
123|one field
 |whitespace only
1024 /tmp/a /tmp/b|two paths
abc /tmp/x|a non-number length
-1024 /tmp/x|a negative length
99999999999999999999 /tmp/x|overflow
42 /tmp/x|len 42
1023 /tmp/x|len 1023
4194305 /tmp/x|len 4194305
4242 foo.bar|a relative path with len != 0
1024 ${path255}b|a 256-byte path
1024 /$(printf 'A%.0s' {1..1023})|a 1024-byte path
0 ${path255}b|a 256-byte path with len 0
CASES
check "file unchanged after the rejected writes" \
	expect_content "$f" "4242 /tmp/damon.data"

ktap_finish
