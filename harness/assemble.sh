#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Assemble the kernel tree: the base from Debian's linux-source-6.12, with
# every upstream DAMON file removed, and our files put in their place.
#
# The base is unpacked once into $CACHE/src.  Later runs only copy the files
# of ours whose content changed, so that kbuild rebuilds only what depends
# on them.  The run fails if any upstream DAMON file survives.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

stamp=$SRC/.harness-base
upstream_list=$CACHE/upstream-damon.sha256
manifest=$CACHE/ours.list

unpack_base() {
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing: run 'make setup'"
	msg "unpacking $(basename "$BASE_TARBALL") into $SRC"
	rm -rf "$SRC" "$CACHE/unpack"
	mkdir -p "$CACHE/unpack"
	tar -C "$CACHE/unpack" -xJf "$BASE_TARBALL"
	mv "$CACHE/unpack"/linux-source-* "$SRC"
	rmdir "$CACHE/unpack"

	# Remember what upstream shipped, to prove later that none of it is left.
	(cd "$SRC" && find "${OUR_PATHS[@]}" "${UPSTREAM_EXTRA[@]}" -type f \
		-exec sha256sum {} + 2>/dev/null) > "$upstream_list"
	(cd "$SRC" && rm -rf "${OUR_PATHS[@]}" "${UPSTREAM_EXTRA[@]}")

	# Drop upstream's MAINTAINERS entry; ours is merged in below.
	awk '/^DATA ACCESS MONITOR$/ { skip = 1 }
	     skip && /^$/ { skip = 0; next }
	     !skip' "$SRC/MAINTAINERS" > "$SRC/MAINTAINERS.base"
	rm -f "$manifest"
	stat -c '%s %Y' "$BASE_TARBALL" > "$stamp"
}

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(stat -c '%s %Y' "$BASE_TARBALL")" ]; then
	unpack_base
fi

# Our files: tracked ones and new ones not yet committed (not ignored).
cd "$REPO"
git ls-files -co --exclude-standard -- "${OUR_PATHS[@]}" | sort -u > "$manifest.new"

# Remove files we no longer have.
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$manifest.new" | while read -r f; do
		rm -f "$SRC/$f"
	done
fi

# Copy what changed, keeping the timestamps of the rest.
changed=0
while read -r f; do
	[ -f "$f" ] || continue
	if ! cmp -s "$f" "$SRC/$f"; then
		mkdir -p "$(dirname "$SRC/$f")"
		cp "$f" "$SRC/$f"
		changed=$((changed + 1))
	fi
	# cp keeps the mode of a file it overwrites: a script made executable
	# after its first copy must become executable in the tree too.
	[ "$(stat -c %a "$f")" = "$(stat -c %a "$SRC/$f")" ] ||
		chmod --reference="$f" "$SRC/$f"
done < "$manifest.new"
mv "$manifest.new" "$manifest"

# MAINTAINERS: our entry goes where upstream's was, before DAVICOM.
awk -v frag="$REPO/MAINTAINERS" '
	/^DAVICOM FAST ETHERNET/ && !done {
		while ((getline l < frag) > 0) print l
		print ""
		done = 1
	}
	{ print }' "$SRC/MAINTAINERS.base" > "$SRC/MAINTAINERS.new"
grep -q '^DATA ACCESS MONITOR (DAMON)$' "$SRC/MAINTAINERS.new" ||
	die "could not place our MAINTAINERS entry"
if cmp -s "$SRC/MAINTAINERS.new" "$SRC/MAINTAINERS"; then
	rm "$SRC/MAINTAINERS.new"
else
	mv "$SRC/MAINTAINERS.new" "$SRC/MAINTAINERS"
fi

# The check: no upstream DAMON file may survive, whether by name (a file of
# theirs we did not replace) or by content (a file of ours equal to theirs).
bad=0
while read -r sum path; do
	if [ -e "$SRC/$path" ]; then
		if ! grep -qxF "$path" "$manifest"; then
			msg "upstream DAMON file survived: $path"
			bad=1
		elif [ "$(sha256sum < "$SRC/$path" | cut -d' ' -f1)" = "$sum" ]; then
			msg "our $path is identical to upstream's"
			bad=1
		fi
	fi
done < "$upstream_list"
for f in $(cd "$SRC" && find "${OUR_PATHS[@]}" -type f 2>/dev/null); do
	grep -qxF "$f" "$manifest" || { msg "file not ours in assembled tree: $f"; bad=1; }
done
if grep -q 'damon@lists.linux.dev' "$SRC/MAINTAINERS"; then
	msg "upstream's DAMON MAINTAINERS entry survived"
	bad=1
fi
[ $bad -eq 0 ] || die "assembled tree holds upstream DAMON code"
msg "assembled $SRC ($changed file(s) updated, no upstream DAMON file left)"
