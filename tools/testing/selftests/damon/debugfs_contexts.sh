#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mk_contexts/rm_contexts, and the files of the contexts they make.

# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

mk=$DAMON_DIR/mk_contexts
rm=$DAMON_DIR/rm_contexts

# has_files DIR FILES...: each file exists with its mode (0400 read-only ones).
has_files() {
	local dir=$1 f want got ok=0
	shift
	for f in "$@"; do
		case $f in kdamond_pid | record_stats) want=400 ;; *) want=600 ;; esac
		got=$(stat -c %a "$dir/$f" 2> /dev/null) || got=missing
		[ "$got" = "$want" ] && continue
		ktap_msg "$dir/$f: mode $got, want $want"
		ok=1
	done
	return "$ok"
}

# fresh_context NAME: the files of a new context read their initial values.
fresh_context() {
	expect_content "$DAMON_DIR/$1/attrs" "$DEFAULT_ATTRS" &&
		expect_content "$DAMON_DIR/$1/target_ids" "" &&
		expect_content "$DAMON_DIR/$1/record" "0 none" &&
		expect_content "$DAMON_DIR/$1/record_stats" "0 0 0" &&
		expect_content "$DAMON_DIR/$1/kdamond_pid" "none"
}

# makes_dir INPUT DIR: mk_contexts INPUT makes <damon>/DIR.
makes_dir() { expect_write "$mk" "$1" OK && test -d "$DAMON_DIR/$2"; }

name63=$(printf 'c%.0s' {1..63})
_made_contexts+=(ctx1 ctx2 "$name63" "${name63}c")

check "root files present with their modes" has_files "$DAMON_DIR" "${ROOT_FILES[@]}"
check "mk_contexts 'ctx1' makes ctx1/" makes_dir ctx1 ctx1
check "ctx1/ holds the context files" has_files "$DAMON_DIR/ctx1" "${CTX_FILES[@]}"
check "ctx1's files read their initial values" fresh_context ctx1
check "mk_contexts 'ctx2' with a newline makes ctx2/" makes_dir $'ctx2\n' ctx2
check "a 63-byte name accepted" makes_dir "$name63" "$name63"
check "rm_contexts of the 63-byte name" expect_write "$rm" "$name63" OK

check "ctx1/attrs written" write_reads "$DAMON_DIR/ctx1/attrs" "1 2 3 4 5" "1 2 3 4 5"
check "... root attrs unchanged" expect_content "$DAMON_DIR/attrs" "$(saved attrs)"
check "... ctx2/attrs unchanged" expect_content "$DAMON_DIR/ctx2/attrs" "$DEFAULT_ATTRS"
check "ctx1/record written" \
	write_reads "$DAMON_DIR/ctx1/record" "4096 /tmp/ctx1.data" "4096 /tmp/ctx1.data"
check "... root record unchanged" expect_content "$DAMON_DIR/record" "$(saved record)"
check "ctx1/target_ids written" write_reads "$DAMON_DIR/ctx1/target_ids" "$$" "$$"
check "... ctx2/target_ids unchanged" expect_content "$DAMON_DIR/ctx2/target_ids" ""

while IFS='|' read -r file input want why; do
	check "$want: $why ('${input:0:20}' to ${file##*/})" \
		expect_write "$DAMON_DIR/$file" "$input" "$want"
done <<CASES
mk_contexts|ctx1|EEXIST|an existing context
mk_contexts|attrs|EEXIST|a root file name
mk_contexts|monitor_on|EEXIST|a root file name
mk_contexts|mk_contexts|EEXIST|a root file name
mk_contexts| |EINVAL|an empty name
mk_contexts|a/b|EINVAL|a name with '/'
mk_contexts|/|EINVAL|a name with '/'
mk_contexts|.|EINVAL|'.'
mk_contexts|..|EINVAL|'..'
mk_contexts|${name63}c|EINVAL|a 64-byte name
rm_contexts|ctx3|ENOENT|no such context
rm_contexts|attrs|ENOENT|a root file
rm_contexts|monitor_on|ENOENT|a root file
rm_contexts|ctx1/attrs|ENOENT|a path
rm_contexts|.|ENOENT|'.'
rm_contexts|..|ENOENT|'..'
CASES

check "rm_contexts 'ctx2'" expect_write "$rm" ctx2 OK
check "... ctx2/ is gone" test ! -e "$DAMON_DIR/ctx2"
check "... ctx1/ is still there" expect_content "$DAMON_DIR/ctx1/attrs" "1 2 3 4 5"
check "rm_contexts 'ctx2' again: ENOENT" expect_write "$rm" ctx2 ENOENT
check "rm_contexts 'ctx1'" expect_write "$rm" ctx1 OK
check "mk_contexts 'ctx1' again gives a fresh context" \
	expect_write "$mk" ctx1 OK
check "... whose files read their initial values" fresh_context ctx1
check "rm_contexts 'ctx1' with a newline" expect_write "$rm" $'ctx1\n' OK
check "no context directory left" \
	test -z "$(find "$DAMON_DIR" -mindepth 1 -type d)"

ktap_finish
