#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The DAMON benchmark (make bench): our DAMON against the base tree's own
# (upstream) DAMON and against idle page tracking, on the same workloads, in
# one run.  A benchmark, not a test: it prints numbers and asserts nothing.
#
#   harness/bench.sh [--no-build] [--quick] [--only ours|ref|idle]...
#                    [--trace-secs S] [--cpu-secs S] [--repeat N]
#                    [--scenario NAME]...
#
# 1. builds our kernel (harness/build.sh) and the reference kernel
#    (harness/bench/build-ref.sh: the untouched base tree, same config but
#    upstream's DAMON options), each only when stale, and the two tools of
#    harness/bench/;
# 2. boots three times, holding the harness lock for each boot:
#      idle  the reference kernel, idle page tracking passes over every
#            workload;
#      ref   the reference kernel, every workload unmonitored for a few
#            seconds (its speed alone), then monitored by its DAMON;
#      ours  our kernel, the same;
#    (harness/bench/guest.sh is what runs in the guest);
# 3. scores the raw results (harness/bench/analyze.py), prints the table
#    and writes it, with cpu.png, to $RESULTS/bench/.
#
# --quick runs small workloads for a short time (a smoke run of the whole
# chain); --only re-runs some boots and re-scores with the raw results of
# the others left from an earlier run; --repeat N boots ref and ours N
# times each (idle once), in pairs, and the table gives the median of each
# figure and the spread of each ours/ref ratio over the N pairs;
# --scenario NAME (repeatable) runs the named scenarios only.
set -euo pipefail
# The normal kernel: a debug variant's timings would mean nothing.
unset DAMON_VARIANT
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

BENCH=$HARNESS/bench
BIN=$CACHE/bench-bin
REF_KERNEL=$CACHE/ref-build/arch/x86/boot/bzImage
ATTRS="5000 100000 1000000 10 1000"

build=1 quick=0 only=() pick=() trace_secs=20 cpu_secs=8 base_secs=4 repeat=1
while [ $# -gt 0 ]; do
	case "$1" in
	--no-build) build=0; shift ;;
	--quick) quick=1; shift ;;
	--only) only+=("$2"); shift 2 ;;
	--scenario) pick+=("$2"); shift 2 ;;
	--trace-secs) trace_secs=$2; shift 2 ;;
	--cpu-secs) cpu_secs=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	*) die "unknown option $1 (see the head of $0)" ;;
	esac
done
[ ${#only[@]} -gt 0 ] || only=(idle ref ours)
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die "--repeat takes a positive count"

out=$RESULTS/bench
mkdir -p "$out"
out=$(cd "$out" && pwd)
t_start=$(date +%s) waited=0
elapsed() { echo "$(( $(date +%s) - t_start ))s"; }

# locked CMD...: run CMD under the harness lock, adding the time spent
# waiting for it (other sessions' builds and boots) to $waited.
locked() {
	local asked rc=0
	asked=$(date +%s)
	# shellcheck disable=SC2016 # expanded by the inner shell
	with_lock bash -c 'date +%s > "$0"; exec "$@"' "$out/.locked" "$@" || rc=$?
	waited=$((waited + $(cat "$out/.locked" 2> /dev/null || echo "$asked") - asked))
	rm -f "$out/.locked"
	return $rc
}

# The scenarios: NAME:SIZE_MIB:SPOTS:SPOT_KIB:MOVE_SECS[:STRIDE_KIB[:SEED]]
# (harness/bench/guest.sh): a stride populates one page in every STRIDE_KIB
# (MAP_NORESERVE), a seed puts the spots on populated pages at random.  The
# 8 GiB ones and the sparse terabyte (2 GiB resident and 2 GiB of page
# tables) only when the host can give the guest the memory.
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
if [ "$quick" -eq 1 ]; then
	scenarios=(hot16-128M:128:1:16384:0 spots8x1M-512M:512:8:1024:0
		moving16-256M:256:1:16384:3 sparse4G:4096:4:4:0:2048:1)
	trace_secs=8 cpu_secs=3 base_secs=2 mem=2048
else
	scenarios=(hot16-128M:128:1:16384:0 hot16-512M:512:1:16384:0
		hot16-2G:2048:1:16384:0)
	big=()
	if [ "$avail" -ge $((8192 + 6144)) ]; then
		scenarios+=(hot16-8G:8192:1:16384:0)
		big=(dense8G-16p:8192:16:4:0:0:1 sparse1T:1048576:8:4:0:2048:1)
		mem=10240
	else
		msg "only ${avail} MiB available on the host: skipping the 8 GiB and 1 TiB workloads"
		mem=6144
	fi
	scenarios+=(spots8x1M-2G:2048:8:1024:0 spots32x64K-2G:2048:32:64:0
		spots4x256K-4G:4096:4:256:0 moving16-512M:512:1:16384:5
		"${big[@]}")
fi
# --scenario NAME keeps the named scenarios only.
if [ ${#pick[@]} -gt 0 ]; then
	kept=()
	for sc in "${scenarios[@]}"; do
		for name in "${pick[@]}"; do
			[ "${sc%%:*}" = "$name" ] && kept+=("$sc")
		done
	done
	[ ${#kept[@]} -gt 0 ] || die "no scenario named ${pick[*]}"
	scenarios=("${kept[@]}")
fi
printf '%s\n' "${scenarios[@]}" > "$out/scenarios.txt"

# 1. Kernels and tools.
if [ "$build" -eq 1 ]; then
	msg "building our kernel (log: $out/build-ours.log)"
	locked "$HARNESS/build.sh" > "$out/build-ours.log" 2>&1 ||
		{ tail -n 20 "$out/build-ours.log"; die "our kernel did not build"; }
	if ! "$BENCH/build-ref.sh" --check > /dev/null; then
		msg "building the reference kernel (log: $out/build-ref.log; 11 minutes)"
		locked "$BENCH/build-ref.sh" > "$out/build-ref.log" 2>&1 ||
			{ tail -n 20 "$out/build-ref.log"; die "the reference kernel did not build"; }
	fi
fi
[ -f "$KERNEL" ] || die "no kernel at $KERNEL"
[ -f "$REF_KERNEL" ] || die "no reference kernel at $REF_KERNEL"
mkdir -p "$BIN"
for t in bench-workload bench-idle; do
	if [ ! -x "$BIN/$t" ] || [ "$BENCH/$t.c" -nt "$BIN/$t" ]; then
		gcc -O2 -Wall -Wextra -o "$BIN/$t" "$BENCH/$t.c"
	fi
done
msg "kernels and tools ready after $(elapsed)"

# 2. The boots.  Run k of ours or ref (k > 1 with --repeat) goes to
# raw/ours-k; stale runs past the count asked for are removed, so that the
# analysis pairs only the runs of this invocation.
boot() {
	local what=$1 kernel=$2 mode=$3
	local raw=$out/raw/$what
	rm -rf "$raw"
	mkdir -p "$raw"
	msg "boot '$what' ($kernel): ${#scenarios[@]} workloads"
	# Population alone takes minutes for the 8 GiB and 1 TiB workloads
	# under TCG, and an idle tracking pass over the terabyte minutes more.
	locked "$HARNESS/vm.sh" --kernel "$kernel" --mem "$mem" --timeout 3600 \
		--console "$out/console-$what.log" -- \
		"$BENCH/guest.sh" --mode "$mode" --out "$raw" --bin "$BIN" \
		--attrs "$ATTRS" --trace-secs "$trace_secs" --cpu-secs "$cpu_secs" \
		--base-secs "$base_secs" \
		-- "${scenarios[@]}" > >(grep --line-buffered '^\[bench-guest\]' >&2) ||
		msg "boot '$what' failed: see $out/console-$what.log"
	msg "boot '$what' done after $(elapsed) (${waited}s of it waiting for the lock)"
}
for what in "${only[@]}"; do
	case "$what" in
	idle|ref|ours) ;;
	*) die "--only takes ours, ref or idle" ;;
	esac
done
[[ " ${only[*]} " = *" idle "* ]] && boot idle "$REF_KERNEL" idle
for ((k = 1; k <= repeat; k++)); do
	sfx=""
	if [ "$k" -gt 1 ]; then sfx="-$k"; fi
	[[ " ${only[*]} " = *" ref "* ]] && boot "ref$sfx" "$REF_KERNEL" damon
	[[ " ${only[*]} " = *" ours "* ]] && boot "ours$sfx" "$KERNEL" damon
done
for what in ref ours; do
	[[ " ${only[*]} " = *" $what "* ]] || continue
	for d in "$out/raw/$what"-*; do
		[ -d "$d" ] && [ "${d##*-}" -gt "$repeat" ] && rm -rf "$d"
	done
done

# 3. The table and the plot.
read -r _ aggr_us _ <<< "$ATTRS"
python3 "$BENCH/analyze.py" "$out" "$aggr_us" > /dev/null
if command -v gnuplot > /dev/null && [ -s "$out/cpu.dat" ]; then
	gnuplot -e "datafile='$out/cpu.dat'; outfile='$out/cpu.png'" "$BENCH/cpu.gnuplot" ||
		msg "gnuplot failed"
fi
echo "bench: $(elapsed) wall, of which ${waited}s waiting for the harness lock" >> "$out/table.md"
cat "$out/table.md"
echo "bench: table in $out/table.md, plot in $out/cpu.png"
