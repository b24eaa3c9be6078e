#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build our DAMON kernel: assemble the tree, configure it from tinyconfig plus
# harness/config/damon.config (only when the fragments changed), and run an
# incremental "make bzImage".  The last line printed is the bzImage's path.
#
# DAMON_VARIANT=debug builds the debug kernel instead: debug.config on top of
# damon.config, in its own build directory (see lib.sh).
#
# Extra make arguments (W=1, C=1, ...) are passed through.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fragments=("$HARNESS/config/damon.config")
[ -z "$VARIANT" ] || fragments+=("$HARNESS/config/$VARIANT.config")
for f in "${fragments[@]}"; do [ -f "$f" ] || die "no config fragment $f"; done
"$HARNESS/assemble.sh"

mk() { make -C "$SRC" O="$BUILD" ARCH=x86_64 -j"$JOBS" "$@"; }

want=$(cat "${fragments[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$BUILD/.config" ] || [ "$(cat "$BUILD/.fragment" 2>/dev/null)" != "$want" ]; then
	msg "configuring $BUILD from tinyconfig + ${fragments[*]##*/}"
	mkdir -p "$BUILD"
	mk -s tinyconfig
	(cd "$BUILD" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" \
		"$BUILD/.config" "${fragments[@]}" > /dev/null)
	mk -s olddefconfig
	bad=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=* | "# CONFIG_"*" is not set") ;; *) continue ;; esac
		grep -qxF "$line" "$BUILD/.config" || { msg "not set: $line"; bad=1; }
	done < <(cat "${fragments[@]}")
	[ $bad -eq 0 ] || die "the config fragments did not take effect"
	echo "$want" > "$BUILD/.fragment"
fi

if [ "${1:-}" = --objs ]; then
	shift
	msg "compiling $*"
	mk "$@"
	exit 0
fi
msg "building $KERNEL"
mk -s bzImage "$@"
echo "$KERNEL"
