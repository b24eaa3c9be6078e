#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: our kernel C files and headers are checkpatch --strict clean.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
files=$(git ls-files -co --exclude-standard -- 'mm/damon/*.[ch]' 'mm/damon/tests/*.[ch]' \
	include/linux/damon.h include/trace/events/damon.h)
perl "$SRC/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES -f $files | tee /dev/stderr | grep -E 'ERROR|WARNING|CHECK' && exit 1
echo "checkpatch --strict: clean on $(echo $files | wc -w) files"
