#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: shellcheck on our selftests and the harness scripts.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
files=$(git ls-files -co --exclude-standard -- 'tools/testing/selftests/damon/*.sh' \
	'harness/*.sh' 'harness/tests/*.sh' .ci/run)
shellcheck -x -S warning $files
echo "shellcheck: clean on $(echo $files | wc -w) files"
