#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: mm/damon/ compiled with W=1 and checked by sparse (C=1) gives
# no warning.  Only our files are compiled, so every warning comes from our
# code, even one located in a base tree header (sparse reports a lock
# imbalance of our function at the line of an inline helper, for example).
# A warning that only the base tree could fix would go in $base_noise.
#
# It builds in its own directory, $CACHE/build-w1, configured like the
# kernel's by build.sh, so that the kernel's objects keep their flags.  The
# objects of mm/damon/ are deleted first: every file is compiled and checked
# again, so that every warning shows at every run.  Takes the lock.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
export DAMON_BUILD=$CACHE/build-w1
unset DAMON_VARIANT
log=$RESULTS/check/host-w1-sparse-build.log
mkdir -p "$(dirname "$log")"

start=$(date +%s)
# shellcheck disable=SC2016 # expanded by the inner shell
with_lock bash -c 'date +%s > "$3"; rm -rf "$1/mm/damon" && exec "$2" --objs W=1 C=1 mm/damon/' \
	_ "$DAMON_BUILD" "$HARNESS/build.sh" "$log.start" > "$log" 2>&1
rc=$?
end=$(date +%s)
got=$(cat "$log.start" 2>/dev/null || echo "$start")
rm -f "$log.start"
echo "built mm/damon/ with W=1 C=1 in $((end - got))s, after $((got - start))s waiting for the lock (exit $rc): $log"

# "path:line:col: warning|error: text", the path made relative to the tree.
base_noise='^$'		# a regex of warnings to ignore; none so far
diags=$(grep -E '^[^ :]+:[0-9]+:[0-9]+: (warning|error): ' "$log" |
	sed -E "s#^$SRC/##; s#^\./##" | sort -u)
ignored=$(grep -E "$base_noise" <<< "$diags" | grep -c .)
diags=$(grep -vE "$base_noise" <<< "$diags")
# gcc tags its warnings with the option, [-W...]; sparse does not.
gcc_ours=$(grep -E '\[-W[^]]*\]$|: error: ' <<< "$diags")
sparse_ours=$(grep -vE '\[-W[^]]*\]$|: error: ' <<< "$diags")

passed=0 failed=0
if [ $rc -eq 0 ] && [ -z "$gcc_ours" ]; then
	passed=$((passed + 1))
	echo "ok W=1: no compiler warning"
else
	failed=$((failed + 1))
	[ -z "$gcc_ours" ] || echo "$gcc_ours"
	[ $rc -eq 0 ] || tail -n 20 "$log"
	echo "not ok W=1: $(grep -c . <<< "$gcc_ours") compiler diagnostic(s), make exit $rc"
fi
if [ $rc -eq 0 ] && [ -z "$sparse_ours" ]; then
	passed=$((passed + 1))
	echo "ok sparse: no warning"
else
	failed=$((failed + 1))
	[ -z "$sparse_ours" ] || echo "$sparse_ours"
	echo "not ok sparse: $(grep -c . <<< "$sparse_ours") warning(s)"
fi
[ "$ignored" -eq 0 ] || echo "($ignored warning(s) matching \$base_noise ignored: see $log)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
