# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-2.0
# Shared settings of the DAMON harness; sourced by the other scripts.

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/.." && pwd)
CACHE=${DAMON_CACHE:-/var/cache/damon-harness}
BASE_TARBALL=${DAMON_BASE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=$CACHE/src			# the assembled tree: base minus upstream DAMON plus ours
# The kernel variant: "" for the normal one, or the name of a config fragment
# applied on top of damon.config ("debug": harness/config/debug.config).
VARIANT=${DAMON_VARIANT:-}
BUILD=${DAMON_BUILD:-$CACHE/build${VARIANT:+-$VARIANT}}	# out-of-tree objects of our kernel
KERNEL=$BUILD/arch/x86/boot/bzImage
RESULTS=${DAMON_RESULTS:-$REPO/results}
JOBS=${JOBS:-$(nproc)}
LOCK=$CACHE/.lock

# The paths our patch series owns.  Everything upstream shipped under them is
# deleted from the base before our files go in.
OUR_PATHS=(
	mm/damon
	include/linux/damon.h
	include/trace/events/damon.h
	tools/testing/selftests/damon
	Documentation/admin-guide/mm/damon
	Documentation/mm/damon
)
# Upstream DAMON files outside those paths, deleted as well.
UPSTREAM_EXTRA=(
	Documentation/ABI/testing/sysfs-kernel-mm-damon
	Documentation/translations/zh_CN/mm/damon
	Documentation/translations/zh_CN/admin-guide/mm/damon
	Documentation/translations/zh_TW/admin-guide/mm/damon
)

msg() { printf '[harness] %s\n' "$*" >&2; }
die() { printf '[harness] error: %s\n' "$*" >&2; exit 1; }

# Serialise builds and VM runs: the machines have two cores.
with_lock() {
	mkdir -p "$CACHE"
	flock "$LOCK" "$@"
}
