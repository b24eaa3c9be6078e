#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: our kernel C files and headers are checkpatch --strict clean,
# file by file (harness/tests/series.sh checks the patches of the series).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$REPO" || exit 1
mapfile -t files < <(git ls-files -co --exclude-standard -- \
	'mm/damon/*.[ch]' include/linux/damon.h include/trace/events/damon.h)
out=$(perl "$SRC/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "${files[@]}" 2>&1)
rc=$?
bad=$(grep -E ': (ERROR|WARNING|CHECK):' <<< "$out")
if [ -n "$bad" ] || [ $rc -ne 0 ]; then
	echo "${bad:-$out}"
	echo "checkpatch --strict: $(grep -c . <<< "$bad") problem(s) in ${#files[@]} files"
	exit 1
fi
echo "checkpatch --strict: clean on ${#files[@]} files"
