#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build our DAMON kernel: assemble the tree, configure it from tinyconfig plus
# harness/config/damon.config (only when the fragment changed), and run an
# incremental "make bzImage".  The last line printed is the bzImage's path.
#
# Extra make arguments (W=1, C=1, ...) are passed through.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fragment=$HARNESS/config/damon.config
"$HARNESS/assemble.sh"

mk() { make -C "$SRC" O="$BUILD" ARCH=x86_64 -j"$JOBS" "$@"; }

want=$(sha256sum < "$fragment" | cut -d' ' -f1)
if [ ! -f "$BUILD/.config" ] || [ "$(cat "$BUILD/.fragment" 2>/dev/null)" != "$want" ]; then
	msg "configuring $BUILD from tinyconfig + $(basename "$fragment")"
	mkdir -p "$BUILD"
	mk -s tinyconfig
	(cd "$BUILD" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" \
		"$BUILD/.config" "$fragment" > /dev/null)
	mk -s olddefconfig
	bad=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qxF "$line" "$BUILD/.config" || { msg "not set: $line"; bad=1; }
	done < "$fragment"
	[ $bad -eq 0 ] || die "the config fragment did not take effect"
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
