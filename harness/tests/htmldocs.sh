#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: our two documentation folders build without a warning, with the
# base tree's Documentation/conf.py and Sphinx extensions, as
# "make htmldocs SPHINXDIRS=..." would build them: the same sphinx-build
# command line, run directly on this repository's files, so that neither the
# assembled tree nor the lock is needed.  The ".. kernel-doc::" directives
# read our sources from this repository (kerneldoc_srctree).  Output goes to
# $CACHE/htmldocs.  Needs python3-sphinx and graphviz (make setup).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

dirs=(admin-guide/mm/damon mm/damon)
out=$CACHE/htmldocs
[ -f "$SRC/Documentation/conf.py" ] || { echo "no $SRC: run 'make kernel'"; exit 1; }
command -v sphinx-build > /dev/null || { echo "sphinx-build missing: run 'make setup'"; exit 1; }

passed=0 failed=0
for d in "${dirs[@]}"; do
	log=$out/$d.log
	mkdir -p "$out/$d"
	# -E: read every file again, or a warning shows only at the first run.
	PYTHONDONTWRITEBYTECODE=1 sphinx-build -E -q -b html \
		-c "$SRC/Documentation" -d "$out/.doctrees/$d" \
		-D version=6.12 -D release=6.12 \
		-D kerneldoc_srctree="$REPO" -D kerneldoc_bin="$SRC/scripts/kernel-doc" \
		"$REPO/Documentation/$d" "$out/$d" > "$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -Eq 'WARNING|ERROR|SEVERE|CRITICAL' "$log"; then
		passed=$((passed + 1))
		echo "ok Documentation/$d builds without warnings: $out/$d/index.html"
	else
		failed=$((failed + 1))
		grep -v '^Using .* theme$' "$log"
		echo "not ok Documentation/$d (sphinx-build exit $rc)"
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
