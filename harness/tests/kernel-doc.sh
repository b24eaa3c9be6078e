#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: the kernel-doc comments of our C files and headers.
#   1. "scripts/kernel-doc -none -Wall" warns about none of them;
#   2. the API has kernel-doc: every function and structure that
#      include/linux/damon.h declares, and every symbol we export
#      (EXPORT_SYMBOL*), is documented in one of our files.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$REPO" || exit 1
kdoc=$SRC/scripts/kernel-doc
[ -f "$kdoc" ] || { echo "no $kdoc: run 'make kernel'"; exit 1; }

mapfile -t files < <(git ls-files -co --exclude-standard -- \
	'mm/damon/*.[ch]' include/linux/damon.h include/trace/events/damon.h)
passed=0 failed=0

# 1. No warning.
warnings=$(perl "$kdoc" -none -Wall "${files[@]}" 2>&1)
if [ -z "$warnings" ]; then
	passed=$((passed + 1))
	echo "ok kernel-doc -none -Wall: no warning on ${#files[@]} files"
else
	failed=$((failed + 1))
	echo "$warnings"
	echo "not ok kernel-doc -none -Wall: $(grep -c . <<< "$warnings") warning(s)"
fi

# 2. The API is documented.  Names declared in damon.h: prototypes and
# static inline functions ("type name(" at the start of a line), and
# structure definitions; plus the exported symbols.
api=$(sed -n -E \
	-e 's/^(static inline )?[a-z_][a-z0-9_ ]*[ *]\**(damon_[a-z0-9_]+)\(.*/\2/p' \
	-e 's/^struct (damon_[a-z0-9_]+) \{$/struct \1/p' include/linux/damon.h
	sed -n -E 's/^EXPORT_SYMBOL(_GPL)?\(([a-z0-9_]+)\);$/\2/p' "${files[@]}")
documented=$(perl "$kdoc" -rst "${files[@]}" 2>/dev/null | sed -n -E \
	-e 's/^\.\. c:function:: .*[ *]\**([a-z0-9_]+) ?\(.*/\1/p' \
	-e 's/^\.\. c:macro:: ([a-z0-9_]+).*/\1/p' \
	-e 's/^\.\. c:(struct|type):: (damon_[a-z0-9_]+)$/struct \2/p')
missing=$(comm -23 <(sort -u <<< "$api") <(sort -u <<< "$documented"))
nr_api=$(sort -u <<< "$api" | grep -c .)
if [ -z "$missing" ]; then
	passed=$((passed + 1))
	echo "ok kernel-doc: all $nr_api API functions and structures are documented"
else
	failed=$((failed + 1))
	while read -r name; do echo "  no kernel-doc: $name"; done <<< "$missing"
	echo "not ok kernel-doc: $(grep -c . <<< "$missing") of $nr_api API names undocumented"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
