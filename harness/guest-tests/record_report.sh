#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-guest test (make check runs every harness/guest-tests/*.sh inside the
# guest, after the kselftests): record the demo workload with
# harness/record.sh, read the record with damon-report, and check that
#
#   - in every phase, each hot spot the workload reported lies in regions
#     with nr_accesses > 0: >= 80% of its bytes in at least one aggregation
#     of the phase, the first aggregation of the phase not counted (it
#     straddles the move);
#   - in every phase, most of the cold buffer does not: on average over the
#     same aggregations, <= 20% of the buffer outside the phase's hot spots
#     lies in accessed regions.
#
# KTAP on stdout; exits 0 if every test passed, 1 otherwise, 4 if it could
# not run (not root, no DAMON debugfs, tools/damon not built).  Files go to
# $DAMON_TEST_OUT/record_report (default: $RESULTS/guest-tests/record_report).
set -uo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

TOOLS=$REPO/tools/damon
dir=${DAMON_TEST_OUT:-$RESULTS/guest-tests}/record_report
# Shorter than the demo: 3 positions of a 16 MiB spot in 256 MiB, then two.
workload=("$TOOLS/damon-demo-workload" --size 256 --hot 16 --moves 3
	--move-secs 3 --two-secs 4 --settle 1 --out "$dir/workload.txt")
MIN_HOT=0.8 MAX_COLD=0.2

echo "TAP version 13"
skip_all() { echo "1..0 # SKIP $*"; exit 4; }
[ "$(id -u)" -eq 0 ] || skip_all "must be run as root"
[ -d /sys/kernel/debug/damon ] || skip_all "no DAMON debugfs interface"
if [ ! -x "$TOOLS/damon-report" ] || [ ! -x "${workload[0]}" ]; then
	skip_all "tools/damon not built (make -C tools/damon)"
fi

nr=0 failed=0
ok() { nr=$((nr + 1)); echo "ok $nr - $*"; }
not_ok() { nr=$((nr + 1)); failed=$((failed + 1)); echo "not ok $nr - $*"; }
finish() {
	echo "1..$nr"
	echo "# Totals: pass:$((nr - failed)) fail:$failed skip:0"
	[ "$failed" -eq 0 ]
	exit
}

rm -rf "$dir"
mkdir -p "$dir"
if "$HARNESS/record.sh" --out "$dir" -- "${workload[@]}" > "$dir/record.log" 2>&1; then
	ok "record.sh recorded the demo workload"
else
	sed 's/^/# /' "$dir/record.log"
	not_ok "record.sh recorded the demo workload"
	finish
fi
sed 's/^/# /' "$dir/workload.txt"
if "$TOOLS/damon-report" raw "$dir/damon.data" > "$dir/raw.txt" 2> "$dir/raw.err"; then
	ok "damon-report raw read the record ($(grep -vc '^#' "$dir/raw.txt") regions)"
else
	sed 's/^/# /' "$dir/raw.err"
	not_ok "damon-report raw read the record"
	finish
fi

# One line per verdict: "ok|not_ok description".  The workload file comes
# first, then the regions, "time target start end size nr_accesses".
verdicts=$(awk -v min_hot="$MIN_HOT" -v max_cold="$MAX_COLD" '
function hex(s,   v, i, c) {
	v = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		v = v * 16 + c
	}
	return v
}
function ov(a, b, c, d) {	# overlap of [a, b) and [c, d)
	a = a > c ? a : c
	b = b < d ? b : d
	return b > a ? b - a : 0
}
FNR == NR {
	if ($1 == "buffer") { bs = hex($2); be = hex($3) }
	if ($1 == "phase") {
		np++
		pstart[np] = $3; pend[np] = $4; nspot[np] = 0
		for (i = 5; i + 1 <= NF; i += 2) {
			nspot[np]++
			ss[np, nspot[np]] = hex($i); se[np, nspot[np]] = hex($(i + 1))
			sname[np, nspot[np]] = $i "-" $(i + 1)
		}
	}
	next
}
/^#/ { next }
{
	t = $1 + 0
	if (t != cur) { flush(); cur = t; nreg = 0 }
	if ($6 + 0 > 0) { nreg++; rs[nreg] = hex($3); re[nreg] = hex($4) }
}
END {
	flush()
	if (!np || !bs) { print "not_ok the workload reported its buffer and phases"; exit }
	for (p = 1; p <= np; p++) {
		n = used[p]
		if (n < 1) {
			printf "not_ok phase %d: no aggregation after its first one\n", p
			continue
		}
		for (k = 1; k <= nspot[p]; k++) {
			v = best[p, k] >= min_hot ? "ok" : "not_ok"
			printf "%s phase %d (%.1f-%.1f s): hot spot %s in accessed regions, best %.0f%% of %d aggregations (>= %.0f%%)\n", \
				v, p, pstart[p], pend[p], sname[p, k], 100 * best[p, k], n, 100 * min_hot
		}
		m = coldsum[p] / n
		v = m <= max_cold ? "ok" : "not_ok"
		printf "%s phase %d: cold buffer mostly idle, %.1f%% in accessed regions on average (<= %.0f%%)\n", \
			v, p, 100 * m, 100 * max_cold
	}
}
# Account the snapshot at time cur to the phase it ends in, unless it is
# the first aggregation of that phase.
function flush(   p, k, j, hot, cold, hotlen, f) {
	if (cur == "")
		return
	for (p = 1; p <= np; p++)
		if (cur > pstart[p] && cur <= pend[p])
			break
	if (p > np)
		return
	seen[p]++
	if (seen[p] == 1)
		return
	used[p]++
	hotlen = 0; cold = 0
	for (j = 1; j <= nreg; j++)
		cold += ov(rs[j], re[j], bs, be)
	for (k = 1; k <= nspot[p]; k++) {
		hot = 0
		for (j = 1; j <= nreg; j++)
			hot += ov(rs[j], re[j], ss[p, k], se[p, k])
		cold -= hot
		hotlen += se[p, k] - ss[p, k]
		f = hot / (se[p, k] - ss[p, k])
		if (f > best[p, k])
			best[p, k] = f
	}
	coldsum[p] += cold / (be - bs - hotlen)
}
' "$dir/workload.txt" "$dir/raw.txt")

while read -r verdict text; do
	if [ "$verdict" = ok ]; then ok "$text"; else not_ok "$text"; fi
done <<< "$verdicts"
finish
