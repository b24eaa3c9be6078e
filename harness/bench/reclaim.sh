#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The proactive reclaim benchmark (make bench-reclaim): Redis, loaded with a
# keyspace much larger than the keys it is asked for, run three ways in one
# benchmark: without DAMON, with our pageout scheme, and with the base
# kernel's own DAMON (DAMOS) and the same scheme.  Swap is on zram in the
# guest.  Prints steady-state RSS and throughput as ratios to the run
# without DAMON; asserts nothing.
#
#   harness/bench/reclaim.sh [--repeat N] [--keys N] [--hot N] [--secs S]
#
# Each repetition boots our kernel (runs "none", then "ours") and the
# reference kernel ("ref"); harness/bench/reclaim-guest.sh runs in the
# guest.  The kernels are those of "make kernel" and of
# harness/bench/build-ref.sh (built by "make bench").  The results go to
# $RESULTS/bench-reclaim/: raw/<repetition>/<run>.txt and table.md.
set -euo pipefail
unset DAMON_VARIANT
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

REF_KERNEL=$CACHE/ref-build/arch/x86/boot/bzImage
repeat=1 args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--repeat) repeat=$2; shift 2 ;;
	--keys|--hot|--secs) args+=("$1" "$2"); shift 2 ;;
	*) die "unknown option $1 (see the head of $0)" ;;
	esac
done
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die "--repeat takes a positive count"
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run 'make kernel'"
[ -f "$REF_KERNEL" ] || die "no reference kernel at $REF_KERNEL: run 'make bench'"

# Redis from Debian; its package would start a server on the host: not
# while installing here.
if ! command -v redis-server > /dev/null || ! command -v redis-benchmark > /dev/null; then
	msg "installing redis-server and redis-tools"
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	apt-get update -q > /dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		redis-server redis-tools > /dev/null ||
		{ rm -f /usr/sbin/policy-rc.d; die "could not install redis"; }
	rm -f /usr/sbin/policy-rc.d
fi

out=$RESULTS/bench-reclaim
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/raw"
for ((k = 1; k <= repeat; k++)); do
	raw=$out/raw/$k
	mkdir -p "$raw"
	msg "repetition $k: our kernel (none, ours)"
	with_lock "$HARNESS/vm.sh" --kernel "$KERNEL" --mem 3072 --timeout 1800 \
		--console "$out/console-ours-$k.log" -- \
		"$HARNESS/bench/reclaim-guest.sh" --out "$raw" "${args[@]}" -- none ours \
		> >(grep --line-buffered '^\[reclaim-guest\]' >&2) ||
		msg "boot failed: see $out/console-ours-$k.log"
	msg "repetition $k: the reference kernel (ref)"
	with_lock "$HARNESS/vm.sh" --kernel "$REF_KERNEL" --mem 3072 --timeout 1800 \
		--console "$out/console-ref-$k.log" -- \
		"$HARNESS/bench/reclaim-guest.sh" --out "$raw" "${args[@]}" -- ref \
		> >(grep --line-buffered '^\[reclaim-guest\]' >&2) ||
		msg "boot failed: see $out/console-ref-$k.log"
done
python3 "$HARNESS/bench/reclaim-analyze.py" "$out" | tee "$out/table.md"
