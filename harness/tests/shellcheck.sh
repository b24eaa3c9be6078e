#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: shellcheck on our shell scripts, following what they source
# (-x -P SCRIPTDIR).  The selftests are part of the patch series and must be
# clean at every severity; the harness and the tools' test scripts at
# severity "warning" and above.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$REPO" || exit 1
mapfile -t selftests < <(git ls-files -co --exclude-standard -- \
	'tools/testing/selftests/damon/*.sh')
mapfile -t others < <(git ls-files -co --exclude-standard -- \
	'harness/*.sh' 'tools/damon/*.sh' .ci/run)
passed=0 failed=0
if shellcheck -x -P SCRIPTDIR "${selftests[@]}"; then
	passed=$((passed + 1))
	echo "ok shellcheck: selftests clean (${#selftests[@]} files)"
else
	failed=$((failed + 1))
	echo "not ok shellcheck: selftests"
fi
if shellcheck -x -P SCRIPTDIR -S warning "${others[@]}"; then
	passed=$((passed + 1))
	echo "ok shellcheck -S warning: harness and tools clean (${#others[@]} files)"
else
	failed=$((failed + 1))
	echo "not ok shellcheck -S warning: harness and tools"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
