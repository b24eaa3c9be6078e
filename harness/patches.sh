#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make patches: our files as a numbered patch series against the untouched
# base tree (Debian's linux-source-6.12), with a cover letter, and the checks
# a maintainer would make before applying it.
#
#   harness/patches.sh [--out DIR] [--no-build] [--rebuild]
#
#   1. Generate: the base tarball is committed once into a bare repository
#      ($CACHE/patches.git, branch "base").  The series is then made on top
#      of it with git plumbing from the patch list below ("series"), and
#      written with git format-patch into DIR (default results/patches/).
#   2. checkpatch --strict on every patch.
#   3. git am of the whole series onto a fresh checkout of the base
#      ($CACHE/patches-am); the result must equal the series.
#   4. Unless --no-build: each patch builds on its own.  A checkout of the
#      base ($CACHE/patches-src) is moved from patch to patch and built out
#      of tree in $CACHE/patches-build, configured like harness/build.sh
#      (tinyconfig + harness/config/damon.config), under the lock, with
#      the kselftests once they are in.  A build must succeed with no
#      warning located in our files.  A tree that was
#      built with the same config fragment before is not built again, unless
#      --rebuild.  The first build takes about 11 minutes, the others are
#      incremental.
#
# Ends with "N passed, N failed".  The first patch, which removes the DAMON
# the base tree ships, is generated output: it holds the deleted lines only
# because git am needs them, and it is never committed to our repository.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$RESULTS/patches build=1 rebuild=0 build_commit=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build-one) build_commit=$2; shift 2 ;;	# internal: under the lock
	--out) out=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	--rebuild) rebuild=1; shift ;;
	*) die "usage: patches.sh [--out DIR] [--no-build] [--rebuild]" ;;
	esac
done

GITDIR=$CACHE/patches.git
PSRC=$CACHE/patches-src
PBUILD=$CACHE/patches-build
PAM=$CACHE/patches-am
fragment=$HARNESS/config/damon.config
g() { git --git-dir="$GITDIR" "$@"; }
# Debian's python3 rather than a shim: it runs a few dozen times, and
# scripts/spdxcheck.py of checkpatch needs python3-ply and python3-git.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# Who the series is from: the first maintainer of our MAINTAINERS entry.
ident=$(sed -n 's/^M:\t//p' "$REPO/MAINTAINERS" | head -n 1)
[ -n "$ident" ] || die "no M: line in MAINTAINERS"
export GIT_AUTHOR_NAME=${ident% <*} GIT_AUTHOR_EMAIL=${ident##*<}
GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL%>}
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
# The date of our last commit, so that the same files give the same series.
GIT_AUTHOR_DATE=$(git -C "$REPO" log -1 --format=%cD 2>/dev/null || date -R)
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE

###########################################################################
# The series.  One function per patch, in the order a reviewer reads them.
#
#   subject "..."        the subject line; the body is read from stdin
#   add PATH...          files of ours, in their final state; a directory
#                        means every file of ours under it
#   stage FILE FILTER ARGS...
#                        FILE without the parts later patches bring: our
#                        file through "harness/stage.py FILTER ARGS" (see
#                        there); several stage lines of one FILE chain
#   restore FILE...      a base tree file back to its base content
#   drop_line FILE REGEX a line removed from a base tree file
#
# Every file of ours must reach its final state in exactly one patch: the
# script stops if a file of ours is in no patch (add it to one).
###########################################################################
SERIES=(remove core tracepoint vaddr dbgfs kunit selftests docs maintainers)

# Base tree lines that refer to the DAMON of the base, outside its files:
# removed by the first patch, restored where our files come back (the
# translations and the maintainer profile are not).
HOOKS=(
	'mm/Kconfig ^source "mm/damon/Kconfig"$'
	'mm/Makefile ^obj-\$\(CONFIG_DAMON\) \+= damon/$'
	'tools/testing/selftests/Makefile ^TARGETS \+= damon$'
	'Documentation/admin-guide/mm/index.rst ^   damon/index$'
	'Documentation/mm/index.rst ^   damon/index$'
	'Documentation/translations/zh_CN/admin-guide/mm/index.rst ^   damon/index$'
	'Documentation/translations/zh_TW/admin-guide/mm/index.rst ^   damon/index$'
	'Documentation/translations/zh_CN/mm/index.rst ^   damon/index$'
	'Documentation/maintainer/maintainer-entry-profile.rst ^   \.\./mm/damon/maintainer-profile$'
)

p_remove() {
	subject "mm/damon: remove the existing implementation"
	body <<-'EOF'
	The patches that follow add a new implementation of DAMON, the data
	access monitor, at the paths of the one this tree ships.  Remove the
	existing one first, so that each of them adds whole files that can be
	reviewed on their own rather than a rewrite of files that share
	nothing but their names.

	Remove mm/damon/, include/linux/damon.h, include/trace/events/damon.h,
	the selftests, the documentation with its ABI file and translations,
	and the MAINTAINERS entry, and the lines of mm/Kconfig, mm/Makefile,
	the selftests Makefile and the documentation indexes that refer to
	them.  The tree builds without DAMON after this patch.

	This patch is generated from the base tree and only removes code; it
	is not part of the new implementation.
	EOF
	delete_upstream
	local h
	for h in "${HOOKS[@]}"; do
		drop_line "${h%% *}" "${h#* }"
	done
	maintainers_drop_upstream
}

p_core() {
	subject "mm/damon: add the monitoring core and the adaptive regions"
	body <<-'EOF'
	DAMON tells which parts of a process's memory are accessed and how
	often, at a cost that depends on a number of regions the user bounds
	rather than on the size of the memory.

	Add its core: monitoring contexts with their attributes (sampling,
	aggregation and regions update intervals, minimum and maximum number
	of regions), targets and regions; damon_start() and damon_stop(),
	which run and stop one kernel thread, kdamond, per context; and the
	region algebra with the adaptive regions adjustment, which merges
	regions that are accessed alike and cuts the others so that areas of
	different hotness separate.

	The core knows nothing of address spaces: a table of primitives in
	the context checks the accesses, and callbacks let the user read the
	counts at the end of each aggregation interval.

	Operation schemes act on what the monitoring finds: a scheme names a
	pattern (ranges of region size, access count and age), an action that
	the primitives apply to the matching regions at the end of each
	aggregation, a quota of time and memory per interval, taken by a
	priority when it binds, watermarks of free memory that switch it on
	and off, and statistics.  The next patches add
	a tracepoint, the primitives for virtual address spaces and a debugfs
	interface.  Nothing is exported: the users are built in.
	EOF
	add mm/damon/regions.c mm/damon/schemes.c
	stage mm/damon/core.c drop-line '^#define CREATE_TRACE_POINTS$'
	stage mm/damon/core.c drop-line '^#include <trace/events/damon\.h>$'
	stage mm/damon/core.c drop-function kdamond_trace_aggregated
	stage include/linux/damon.h drop-ifdef CONFIG_DAMON_VADDR
	stage mm/damon/internal.h drop-section 'vaddr\.c:' 'dbgfs\.c:|^#endif.*_MM_DAMON_INTERNAL_H'
	stage mm/damon/internal.h drop-section 'dbgfs\.c:' '^#endif.*_MM_DAMON_INTERNAL_H'
	stage mm/damon/Kconfig kconfig DAMON
	stage mm/damon/Makefile makefile DAMON
	restore mm/Kconfig mm/Makefile
}

p_tracepoint() {
	subject "mm/damon: add the damon_aggregated tracepoint"
	body <<-'EOF'
	Add damon:damon_aggregated, which reports each region of each target
	(target id, number of regions, address range and access count) at
	the end of every aggregation interval, after the regions were merged
	and before the counts are reset: what the after_aggregation callback
	sees.  With it, "perf record -e damon:damon_aggregated" records the
	results of any DAMON user.
	EOF
	add include/trace/events/damon.h mm/damon/core.c
}

p_vaddr() {
	subject "mm/damon: add the virtual address primitives"
	body <<-'EOF'
	Add primitives that monitor the virtual address spaces of processes.

	A target names a process by its struct pid; each use looks up its mm
	and drops it afterwards, so DAMON never pins a process's memory.  The
	mappings are covered by three regions cut at the two largest gaps
	between the VMAs (between the heap and the mmap area, and between the
	mmap area and the stack), so that the huge unmapped parts of the
	address space are never sampled, and the regions are fitted to the
	mappings again every regions update interval.

	The access check makes the page at a random address of each region
	old and checks one sampling interval later whether it is young again,
	through a one-page page table walk that handles transparent huge
	pages under their PMD lock.  The page's young and idle flags are kept
	so that reclaim and idle page tracking lose no access to DAMON.

	The actions of operation schemes (willneed, cold, pageout, hugepage
	and nohugepage) do what madvise() does, without ever waiting for the
	process's mmap_lock: a busy address space is tried again later.
	EOF
	add mm/damon/ops-common.h mm/damon/ops-common.c mm/damon/vaddr.c
	add mm/damon/vaddr-act.c
	add include/linux/damon.h
	stage mm/damon/internal.h drop-section 'dbgfs\.c:' '^#endif.*_MM_DAMON_INTERNAL_H'
	stage mm/damon/Kconfig kconfig DAMON DAMON_VADDR
	stage mm/damon/Makefile makefile DAMON DAMON_VADDR
}

p_dbgfs() {
	subject "mm/damon: add a debugfs interface and its recorder"
	body <<-'EOF'
	Add <debugfs>/damon/, from which an administrator monitors processes:
	attrs sets the monitoring attributes, target_ids the processes,
	monitor_on starts and stops monitoring, kdamond_pid tells the
	kdamond, and mk_contexts and rm_contexts make and remove further
	contexts, each in a directory with its own files, and schemes sets
	the operation schemes, one a line, and shows their statistics.
	Every write is
	parsed whole before anything changes, and fails with one documented
	error.

	The record and record_stats files control a recorder that appends
	the results of every aggregation to a regular file, in a documented
	binary format, through a buffer.  The file is opened when monitoring
	is turned on, with the credentials of the writer of "on".

	The recorder comes with the interface because the interface is built
	around it: each context's callbacks are the recorder's.
	EOF
	add mm/damon/record.h mm/damon/record.c mm/damon/dbgfs.c
	add mm/damon/dbgfs.h mm/damon/dbgfs-schemes.c mm/damon/internal.h
	stage mm/damon/Kconfig kconfig DAMON DAMON_VADDR DAMON_DBGFS
	stage mm/damon/Makefile makefile DAMON DAMON_VADDR DAMON_DBGFS
}

p_kunit() {
	subject "mm/damon: add KUnit tests"
	body <<-'EOF'
	Add KUnit suites for the core (object life cycle, attributes,
	starting and stopping, and the accuracy of a real kdamond on a
	synthetic address space), the region algebra, the operation schemes
	(matching, priorities, quotas, watermarks), the virtual address
	primitives (the three regions, fitting regions to a changed address
	space, the initial split) and the debugfs interface (the input
	parsers, the schemes file and the record encoder), with a
	.kunitconfig:

	  ./tools/testing/kunit/kunit.py run --kunitconfig=mm/damon
	EOF
	add mm/damon/tests/ mm/damon/.kunitconfig mm/damon/Kconfig mm/damon/Makefile
}

p_selftests() {
	subject "selftests/damon: add tests of the debugfs interface"
	body <<-'EOF'
	Add kselftests of the debugfs interface: every file with its formats
	and errors, contexts, turning monitoring on and off, reads and writes
	of any size, recording with its failure cases and the record format,
	the damon_aggregated tracepoint, DAMON together with idle page
	tracking, the effect of each action of a scheme on a process, and a
	fuzzer and stress tests of the interface.  Each test
	prints KTAP and skips when the kernel lacks what it needs.
	EOF
	add tools/testing/selftests/damon/
	restore tools/testing/selftests/Makefile
}

p_docs() {
	subject "Docs/mm/damon: add the admin guide and the design documents"
	body <<-'EOF'
	Add an admin guide (getting started, and the debugfs interface file
	by file with every error, the record format and the tracepoint) and
	the design documents (the mechanism, its measured costs and limits,
	the rejected alternatives, and the API generated from kernel-doc).
	EOF
	add Documentation/admin-guide/mm/damon/ Documentation/mm/damon/
	restore Documentation/admin-guide/mm/index.rst Documentation/mm/index.rst
}

p_maintainers() {
	subject "MAINTAINERS: add DAMON"
	body <<-'EOF'
	Add the entry of DAMON, the data access monitor, with every file of
	the series.
	EOF
	maintainers_add_ours
}

# The cover letter's subject and text; git format-patch adds the shortlog
# and the diffstat.
cover_subject="mm/damon: DAMON, a data access monitor"
cover_text() {
	cat <<-EOF
	DAMON tells user space which memory of a process is hot and which is
	cold.  A kernel thread per monitoring context samples one page per
	memory region every sampling interval and adapts the regions so that
	areas of different hotness separate, so its CPU cost depends on the
	number of regions, not on the size of the process.

	This series is a new implementation of DAMON for Linux 6.12, with
	virtual address primitives, a tracepoint, a debugfs interface that
	can record the results into a file, KUnit tests, kselftests and
	documentation.  Documentation/mm/damon/design.rst describes the
	mechanism, its costs and the alternatives that were rejected.

	Base: Debian's linux-source-6.12, version $base_version.

	Patch 1 removes the DAMON that the base tree ships, because the new
	one lives at the same paths.  It is generated from the base tree by
	our tooling and is not part of the new implementation: it carries the
	deleted lines only so that git am can apply it, and it need not be
	reviewed.  The patches after it add whole files, in the order they
	are best read: the core, the tracepoint, the virtual address
	primitives, the debugfs interface with its recorder, the tests, the
	documentation and the MAINTAINERS entry.  A few files grow over
	several patches (mm/damon/Kconfig, mm/damon/Makefile, core.c,
	internal.h and include/linux/damon.h), so that each patch holds only
	what it needs.  The debugfs interface and its recorder are one patch:
	each context of the interface is built around its recorder.

	Each patch was built on its own (x86_64, tinyconfig plus the DAMON
	options) and checked with checkpatch.pl --strict, and the whole series
	applies to the base with git am.  At the tip, mm/damon/ builds with
	W=1 and passes sparse without warnings, and the KUnit suites and the
	kselftests run in a QEMU guest.
	EOF
}

###########################################################################
# The machinery.
###########################################################################
idx=""		# the temporary index the series is built in
pending=""	# the index updates of the current patch ("mode sha\tpath")
parent=""	# the commit the current patch goes on
nr=0		# the number of the current patch
cur_subject="" cur_body=""
declare -A final=()	# path -> the patch that brings our final version
declare -A staged=()	# path -> 1 while a stage of it is in the series
declare -A blob=()	# path -> its blob in the current patch, if changed
COMMITS=()
gi() { GIT_INDEX_FILE=$idx g "$@"; }

subject() { cur_subject=$1; }
body() { cur_body=$(cat); }

# Set PATH to the content of FILE, with MODE.  The index is updated once per
# patch (it has 90000 entries).
put() {
	local sha
	sha=$(g hash-object -w --stdin < "$2") || die "hash-object $1"
	printf '%s %s\t%s\n' "$3" "$sha" "$1" >> "$pending"
	blob[$1]=$sha
}

# The content of PATH as the current patch leaves it so far.
current() {
	if [ -n "${blob[$1]:-}" ]; then
		g cat-file blob "${blob[$1]}"
	else
		g cat-file blob "$parent:$1"
	fi
}

# Our files under a path: tracked and new ones, as assemble.sh takes them.
ours_under() {
	(cd "$REPO" && git ls-files -co --exclude-standard -- "$1") | sort -u
}

mode_of() { if [ -x "$REPO/$1" ]; then echo 100755; else echo 100644; fi; }

add() {
	local p f n
	for p in "$@"; do
		n=0
		if [ "$p" = MAINTAINERS ]; then
			die "MAINTAINERS is added by maintainers_add_ours"
		fi
		while read -r f; do
			[ -n "$f" ] || continue
			[ -z "${final[$f]:-}" ] || die "$f is added twice (patch ${final[$f]} and $nr)"
			put "$f" "$REPO/$f" "$(mode_of "$f")"
			final[$f]=$nr
			unset "staged[$f]"
			n=$((n + 1))
		done < <(ours_under "$p")
		[ $n -gt 0 ] || die "patch $nr: no file of ours at $p"
	done
}

stage() {
	local f=$1 tmp
	shift
	[ -f "$REPO/$f" ] || die "patch $nr: no file $f to stage"
	[ -z "${final[$f]:-}" ] || die "patch $nr: $f was already added in its final state"
	tmp=$(mktemp)
	# The first stage of a patch starts from our file, the next ones chain.
	if [ -n "${blob[$f]:-}" ]; then
		current "$f" > "$tmp.in"
	else
		cp "$REPO/$f" "$tmp.in"
	fi
	"$PY" "$HARNESS/stage.py" "$@" < "$tmp.in" > "$tmp" ||
		die "patch $nr: staging $f with '$*' failed: update harness/patches.sh"
	put "$f" "$tmp" "$(mode_of "$f")"
	rm -f "$tmp" "$tmp.in"
	staged[$f]=1
}

restore() {
	local f entry
	for f in "$@"; do
		entry=$(g ls-tree base -- "$f")
		[ -n "$entry" ] || die "restore: $f is not in the base tree"
		printf '%s\n' "$entry" >> "$pending"
	done
}

# Remove the lines matching REGEX from a base tree file; a blank line left
# next to another goes too.
drop_line() {
	local f=$1 re=$2 tmp
	tmp=$(mktemp)
	current "$f" > "$tmp.in" 2>/dev/null || die "drop_line: no $f"
	"$PY" "$HARNESS/stage.py" drop-line "$re" < "$tmp.in" > "$tmp" ||
		die "drop_line: nothing matches '$re' in $f"
	put "$f" "$tmp" "$(g ls-tree base -- "$f" | cut -d' ' -f1)"
	rm -f "$tmp" "$tmp.in"
}

# Delete every file of the DAMON the base ships, unread.
delete_upstream() {
	g ls-tree -r --name-only base -- "${OUR_PATHS[@]}" "${UPSTREAM_EXTRA[@]}" |
		sed 's/^/0 0000000000000000000000000000000000000000\t/' >> "$pending"
}

# MAINTAINERS: upstream's entry out, ours in before DAVICOM (as assemble.sh).
maintainers_drop_upstream() {
	local tmp
	tmp=$(mktemp)
	current MAINTAINERS | awk '/^DATA ACCESS MONITOR$/ { skip = 1 }
	     skip && /^$/ { skip = 0; next }
	     !skip' > "$tmp"
	put MAINTAINERS "$tmp" 100644
	rm -f "$tmp"
}
maintainers_add_ours() {
	local tmp
	tmp=$(mktemp)
	current MAINTAINERS | awk -v frag="$REPO/MAINTAINERS" '
		/^DAVICOM FAST ETHERNET/ && !done {
			while ((getline l < frag) > 0) print l
			print ""
			done = 1
		}
		{ print }' > "$tmp"
	grep -q '^DATA ACCESS MONITOR (DAMON)$' "$tmp" || die "could not place our MAINTAINERS entry"
	put MAINTAINERS "$tmp" 100644
	final[MAINTAINERS]=$nr
	rm -f "$tmp"
}

commit_patch() {
	local tree c msg
	gi update-index --index-info < "$pending" || die "update-index"
	: > "$pending"
	blob=()
	tree=$(gi write-tree) || die "write-tree"
	[ "$tree" != "$(g rev-parse "$parent^{tree}")" ] || die "patch $nr ($cur_subject) is empty"
	msg=$(mktemp)
	printf '%s\n\n%s\n\nSigned-off-by: %s\n' "$cur_subject" "$cur_body" "$ident" > "$msg"
	c=$(g commit-tree "$tree" -p "$parent" -F "$msg") || die "commit-tree"
	rm -f "$msg"
	COMMITS+=("$c")
	parent=$c
}

make_base() {
	local stamp tmp ver
	stamp=$(stat -c '%s %Y' "$BASE_TARBALL") || die "$BASE_TARBALL missing: run 'make setup'"
	if [ "$(cat "$GITDIR/base-stamp" 2>/dev/null)" = "$stamp" ] &&
	   g rev-parse -q --verify refs/heads/base > /dev/null; then
		return
	fi
	msg "committing $(basename "$BASE_TARBALL") to $GITDIR (once, a few minutes)"
	rm -rf "$GITDIR" "$PSRC" "$PAM" "$PBUILD/.built"
	git init -q --bare "$GITDIR" || die "git init"
	g config core.looseCompression 1
	g config gc.auto 0
	tmp=$CACHE/patches-unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	nice -n 19 tar -C "$tmp" -xJf "$BASE_TARBALL" || die "unpacking the base"
	ver=$(make -s -C "$tmp"/linux-source-* kernelversion 2>/dev/null)
	(export GIT_INDEX_FILE=$CACHE/patches-base.index
	 rm -f "$GIT_INDEX_FILE"
	 nice -n 19 git --git-dir="$GITDIR" --work-tree="$(echo "$tmp"/linux-source-*)" \
		add -A -f . &&
	 tree=$(g write-tree) &&
	 c=$(printf 'Linux %s\n\nThe base: %s, as Debian ships it (%s).\n' "$ver" \
		"$(basename "$BASE_TARBALL")" "$(debian_version)" |
		GIT_AUTHOR_DATE="$(date -R -r "$BASE_TARBALL")" \
		GIT_COMMITTER_DATE="$(date -R -r "$BASE_TARBALL")" g commit-tree "$tree") &&
	 g update-ref refs/heads/base "$c" && rm -f "$GIT_INDEX_FILE") ||
		die "committing the base"
	rm -rf "$tmp"
	echo "$stamp" > "$GITDIR/base-stamp"
}

debian_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown
}

# A checkout of the base that shares the objects of $GITDIR, so that it
# sees the commits of the series.  A clone, not a worktree: the kernel's
# spdxcheck.py refuses the worktree of a bare repository.
checkout() {
	[ -d "$1/.git" ] && return
	rm -rf "$1"
	g worktree prune
	if ! git clone -q --shared --no-checkout "$GITDIR" "$1" ||
	   ! git -C "$1" config gc.auto 0 ||
	   ! git -C "$1" update-ref refs/heads/base "$(g rev-parse base)" ||
	   ! git -C "$1" checkout -q --detach base; then
		die "checking out the base in $1"
	fi
}

# Build one commit of the series in $PSRC; runs under the lock.
build_one() {
	local commit=$1 line sym
	mk() { make -C "$PSRC" O="$PBUILD" ARCH=x86_64 -j"$JOBS" "$@"; }
	echo "lock taken at $(date +%s)"
	git -C "$PSRC" checkout -q -f --detach "$commit" || return 1
	mkdir -p "$PBUILD"
	mk -s tinyconfig || return 1
	(cd "$PBUILD" && "$PSRC/scripts/kconfig/merge_config.sh" -m -O "$PBUILD" \
		"$PBUILD/.config" "$fragment" > /dev/null) || return 1
	mk -s olddefconfig || return 1
	# Options of DAMON must take effect once the patch defines them.
	while IFS= read -r line; do
		case "$line" in CONFIG_*=* | "# CONFIG_"*" is not set") ;; *) continue ;; esac
		sym=${line#\# }
		sym=${sym%%[= ]*}
		case "$sym" in
		CONFIG_DAMON*)
			grep -qx "config ${sym#CONFIG_}" "$PSRC/mm/damon/Kconfig" 2>/dev/null ||
				continue ;;
		esac
		grep -qxF "$line" "$PBUILD/.config" || { echo "config: not set: $line"; return 1; }
	done < "$fragment"
	mk bzImage || return 1
	# The kselftests, once the patch that adds them is in.
	if grep -qx 'TARGETS += damon' "$PSRC/tools/testing/selftests/Makefile"; then
		echo "building the damon kselftests"
		rm -rf "$PBUILD/kselftest"
		make -C "$PSRC/tools/testing/selftests" TARGETS=damon \
			O="$PBUILD/kselftest" -j"$JOBS" all || return 1
	fi
}

if [ -n "$build_commit" ]; then
	build_one "$build_commit"
	exit
fi

###########################################################################
# 1. Generate.
###########################################################################
mkdir -p "$CACHE"
exec {plock}> "$CACHE/.patches.lock"
flock "$plock"
make_base
base_version=$(debian_version)

idx=$(mktemp)
pending=$(mktemp)
trap 'rm -f "$idx" "$pending"' EXIT
gi read-tree base || die "read-tree base"
parent=$(g rev-parse base)
for p in "${SERIES[@]}"; do
	nr=$((nr + 1))
	cur_subject="" cur_body=""
	"p_$p"
	[ -n "$cur_subject" ] || die "p_$p has no subject"
	commit_patch
done
g update-ref refs/heads/series "$parent"

# Every file of ours is in the series, in its final state.
bad=0
while read -r f; do
	[ -n "${final[$f]:-}" ] || { msg "$f is in no patch: add it to one in harness/patches.sh"; bad=1; }
done < <(for p in "${OUR_PATHS[@]}"; do ours_under "$p"; done)
for f in "${!staged[@]}"; do
	msg "$f is staged but never added in its final state"
	bad=1
done
# ... and nothing else of the base's DAMON is.
extra=$(comm -13 <(for p in "${OUR_PATHS[@]}"; do ours_under "$p"; done | sort -u) \
	<(g ls-tree -r --name-only series -- "${OUR_PATHS[@]}" "${UPSTREAM_EXTRA[@]}" | sort -u))
[ -z "$extra" ] || { msg "in the series but not ours: $extra"; bad=1; }
[ $bad -eq 0 ] || die "the series does not match our files"

rm -rf "$out"
mkdir -p "$out"
order=$(mktemp)
cat > "$order" <<-'EOF'
	MAINTAINERS
	mm/Kconfig
	mm/Makefile
	*Kconfig
	*Makefile
	*.kunitconfig
	include/*
	*.h
	mm/damon/record.c
	*.c
	tools/*
	Documentation/*
EOF
g format-patch -q --cover-letter --numbered -O"$order" -o "$out" base..series ||
	die "format-patch"
cover=$(echo "$out"/0000-*.patch)
text=$(mktemp)
cover_text > "$text"
# The diffstat of the whole range would show our files as rewrites of the
# base's: give the one of the patches after the removal instead.
stat=$(mktemp)
{
	echo "Patch 1 only deletes:"
	g diff --shortstat base "${COMMITS[0]}"
	echo
	echo "Patches 2-${#COMMITS[@]}:"
	g diff --stat=72 --summary -O"$order" "${COMMITS[0]}" series
} > "$stat"
awk -v subj="$cover_subject" -v textfile="$text" -v statfile="$stat" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
	/^\*\*\* BLURB HERE \*\*\*$/ { while ((getline l < textfile) > 0) print l; next }
	/^[^ ].* \([0-9]+\):$/ { shortlog = 1 }
	shortlog && /^$/ {
		print
		while ((getline l < statfile) > 0) print l
		print ""
		shortlog = 0; skip = 1; next
	}
	skip && /^-- $/ { skip = 0 }
	!skip { print }' "$cover" > "$cover.new" && mv "$cover.new" "$cover"
rm -f "$text" "$stat" "$order"
patches=()
for p in "$out"/0*.patch; do
	case "$p" in */0000-*) ;; *) patches+=("$p") ;; esac
done
msg "${#patches[@]} patches and a cover letter in $out (${SECONDS}s)"

passed=0 failed=0
pass() { passed=$((passed + 1)); printf 'ok %s\n' "$*"; }
indent() { printf '%s\n' "$1" | sed 's/^/    /'; }
fail() { failed=$((failed + 1)); printf 'not ok %s\n' "$*"; }

###########################################################################
# 2 and 3. git am onto a fresh base, then checkpatch in the result.
###########################################################################
checkout "$PAM"
git -C "$PAM" am --abort > /dev/null 2>&1
if ! git -C "$PAM" checkout -q -f --detach base ||
   ! git -C "$PAM" clean -q -f -d -x; then
	die "resetting $PAM"
fi
if git -C "$PAM" am -q "${patches[@]}" > "$out/am.log" 2>&1 &&
   [ "$(git -C "$PAM" rev-parse 'HEAD^{tree}')" = "$(g rev-parse 'series^{tree}')" ]; then
	pass "git am: the series applies to a fresh base and gives our tree"
else
	cat "$out/am.log"
	git -C "$PAM" am --abort > /dev/null 2>&1
	fail "git am (see $out/am.log)"
fi

msg "git am checked (${SECONDS}s)"
# A patch that passed before, the same but for its commit id and date, is
# not checked again: checkpatch takes 30 s on the first one alone.
checked=$CACHE/patches-checked
mkdir -p "$checked"
for p in "${patches[@]}"; do
	name=$(basename "$p" .patch)
	key=$checked/$(sed -e '1d' -e '/^Date: /d' "$p" | sha256sum | cut -c1-32)
	if [ -f "$key" ]; then
		pass "checkpatch --strict: $name (checked before)"
		continue
	fi
	res=$(cd "$PAM" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --terse \
		--show-types --ignore FILE_PATH_CHANGES "$p" 2>&1)
	rc=$?
	bad=$(grep -E ': (ERROR|WARNING|CHECK):' <<< "$res")
	if [ $rc -eq 0 ] && [ -z "$bad" ]; then
		touch "$key"
		pass "checkpatch --strict: $name"
	else
		indent "${bad:-$res}"
		fail "checkpatch --strict: $name"
	fi
done
flock -u "$plock"
msg "checkpatch done (${SECONDS}s)"

###########################################################################
# 4. Each patch builds.
###########################################################################
if [ $build -eq 1 ]; then
	checkout "$PSRC"
	mkdir -p "$PBUILD/.built" "$out/build"
	# The key of a build: the tree, the config fragment and what is built.
	cfg=$( (cat "$fragment"; echo "bzImage, kselftests") | sha256sum | cut -c1-16)
	for i in "${!COMMITS[@]}"; do
		c=${COMMITS[$i]}
		name=$(basename "${patches[$i]}" .patch)
		stamp=$PBUILD/.built/$(g rev-parse "$c^{tree}")-$cfg
		log=$out/build/$name.log
		if [ $rebuild -eq 0 ] && [ -f "$stamp" ]; then
			pass "build: $name (this tree built before)"
			continue
		fi
		start=$(date +%s)
		with_lock bash "$HARNESS/patches.sh" --build-one "$c" > "$log" 2>&1
		rc=$?
		got=$(sed -n '1s/^lock taken at //p' "$log")
		secs="$(( $(date +%s) - ${got:-$start} ))s, after $(( ${got:-$start} - start ))s waiting for the lock"
		warn=$(grep -E '(mm/damon/|include/linux/damon\.h|include/trace/events/damon\.h|selftests/damon/)[^ ]*:[0-9]+:[0-9]+: (warning|error):' "$log")
		if [ $rc -eq 0 ] && [ -z "$warn" ]; then
			touch "$stamp"
			pass "build: $name ($secs)"
		else
			[ -z "$warn" ] || indent "$warn"
			indent "$(tail -n 15 "$log")"
			fail "build: $name (exit $rc, see $log)"
		fi
	done
fi

echo "results in $out"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
