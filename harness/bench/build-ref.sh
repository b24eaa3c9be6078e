#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the benchmark's reference kernel: the untouched base tree (Debian's
# linux-source-6.12) with its own, upstream DAMON, configured like ours
# (tinyconfig + harness/config/damon.config) except that our CONFIG_DAMON_*
# lines are replaced by upstream's options for the same features.
#
# The tree is unpacked once into $CACHE/ref-src and never modified; objects
# go to $CACHE/ref-build.  Nothing is rebuilt while the tarball and the
# derived fragment are unchanged.  Hold the harness lock around it:
#   flock "$CACHE/.lock" harness/bench/build-ref.sh
# (build-ref.sh --check, which needs no lock, exits 1 when a build is due.)
# The last line printed is the bzImage's path.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

REF_SRC=$CACHE/ref-src
REF_BUILD=$CACHE/ref-build
REF_KERNEL=$REF_BUILD/arch/x86/boot/bzImage

# Upstream's names: its debugfs interface needs the physical address
# operations and is behind a "deprecated" switch in 6.12.
fragment=$(grep -v '^CONFIG_DAMON' "$HARNESS/config/damon.config"
	cat <<-EOF
	CONFIG_DAMON=y
	CONFIG_DAMON_VADDR=y
	CONFIG_DAMON_PADDR=y
	CONFIG_DAMON_DBGFS_DEPRECATED=y
	CONFIG_DAMON_DBGFS=y
	EOF
)

base=$(stat -c '%s %Y' "$BASE_TARBALL")
want=$( { echo "$base"; echo "$fragment"; } | sha256sum | cut -d' ' -f1)
up_to_date() {
	[ -f "$REF_KERNEL" ] && [ "$(cat "$REF_SRC/.bench-base" 2>/dev/null)" = "$base" ] &&
		[ "$(cat "$REF_BUILD/.bench-stamp" 2>/dev/null)" = "$want" ]
}
# --check: only say whether a build is needed (exit 1), without the lock.
if [ "${1:-}" = --check ]; then
	up_to_date || exit 1
	echo "$REF_KERNEL"
	exit 0
fi
if up_to_date; then
	msg "reference kernel up to date"
	echo "$REF_KERNEL"
	exit 0
fi

if [ "$(cat "$REF_SRC/.bench-base" 2>/dev/null)" != "$base" ]; then
	msg "unpacking $(basename "$BASE_TARBALL") into $REF_SRC (reference tree)"
	rm -rf "$REF_SRC" "$REF_BUILD" "$CACHE/ref-unpack"
	mkdir -p "$CACHE/ref-unpack"
	tar -C "$CACHE/ref-unpack" -xJf "$BASE_TARBALL"
	mv "$CACHE/ref-unpack"/linux-source-* "$REF_SRC"
	rmdir "$CACHE/ref-unpack"
	echo "$base" > "$REF_SRC/.bench-base"
fi

mk() { make -C "$REF_SRC" O="$REF_BUILD" ARCH=x86_64 -j"$JOBS" "$@"; }
mkdir -p "$REF_BUILD"
rm -f "$REF_BUILD/.bench-stamp"
msg "configuring $REF_BUILD from tinyconfig + the reference fragment"
printf '%s\n' "$fragment" > "$REF_BUILD/.bench-fragment"
mk -s tinyconfig
(cd "$REF_BUILD" && "$REF_SRC/scripts/kconfig/merge_config.sh" -m -O "$REF_BUILD" \
	"$REF_BUILD/.config" "$REF_BUILD/.bench-fragment" > /dev/null)
mk -s olddefconfig
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qxF "$line" "$REF_BUILD/.config" || { msg "not set: $line"; bad=1; }
done <<< "$fragment"
[ $bad -eq 0 ] || die "the reference fragment did not take effect"

msg "building $REF_KERNEL (upstream DAMON)"
mk -s bzImage
echo "$want" > "$REF_BUILD/.bench-stamp"
echo "$REF_KERNEL"
