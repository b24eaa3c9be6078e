#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DAMON's search of cold memory: a few hot pages among 32 Ki populated pages
# of a 64 GiB mapping, far too many for sampling to meet them, must be found
# within 30 aggregations and then reported alone, through the upper-level
# accessed bits that x86 sets.  The damon:damon_aggregated tracepoint shows
# every aggregation.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

ev=$TRACING_DIR/events/damon/damon_aggregated
out=/tmp/damon_sparse.$$
trace=/tmp/damon_sparse.$$.trace
secs=${DAMON_MONITOR_SECS:-6}
on_exit "rm -f $out $trace"

if [ "$(uname -m)" != x86_64 ]; then
	ktap_skip "search of cold memory" "needs x86's non-leaf accessed bits"
	ktap_finish
fi
if [ ! -d "$ev" ] || ! command -v python3 > /dev/null; then
	ktap_skip "search of cold memory" "needs the tracepoint and python3"
	ktap_finish
fi

# 64 GiB, one page per 2 MiB, 4 hot pages.
start_workload "$out" "$TEST_DIR/sparse_workload" 64 2048 4 600
workload=$TARGET_PID
check "sparse_workload populated its mapping" grep -q '^buffer .* hot ' "$out"
ktap_msg "workload $workload: $(cat "$out")"

trace_start 8192 "$ev"

check "attrs set" write_reads "$DAMON_DIR/attrs" "$DEFAULT_ATTRS" "$DEFAULT_ATTRS"
check "target set" write_reads "$DAMON_DIR/target_ids" "$workload" "$workload"
check "'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
sleep "$secs"
check "'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK
echo 0 > "$ev/enable"
cp "$TRACING_DIR/trace" "$trace"

# found/steady: the aggregation from which every hot page lies in a region
# with accesses, and in the last ten aggregations, how often each one does
# and what share of the accessed bytes of the mapping is hot.
score() {
	python3 - "$trace" "$out" "$1" << 'PY'
import re, sys
trace, out, what = sys.argv[1:4]
words = open(out).read().split()
buf = [int(x, 16) for x in words[1].split('-')]
hot = [[int(x, 16) for x in w.split('-')] for w in words[3:]]
ev = re.compile(r'damon_aggregated: target_id=\d+ nr_regions=(\d+) '
                r'(\d+)-(\d+): (\d+)')
aggs, cur = [], []
for line in open(trace):
    m = ev.search(line)
    if not m:
        continue
    n, s, e, a = (int(x) for x in m.groups())
    cur.append((s, e, a))
    if len(cur) == n:
        aggs.append(cur)
        cur = []
def found(regions, h):
    return any(a and s <= h[0] and h[1] <= e for s, e, a in regions)
first = next((i for i, r in enumerate(aggs)
              if all(found(r, h) for h in hot)), None)
print(f'# {len(aggs)} aggregations; all {len(hot)} hot pages found from '
      f'aggregation {first}')
last = aggs[-10:]
recall = min((sum(found(r, h) for r in last) / max(len(last), 1)
              for h in hot), default=0)
acc = sum(max(0, min(e, buf[1]) - max(s, buf[0]))
          for r in last for s, e, a in r if a)
hot_b = sum(h[1] - h[0] for h in hot) * len(last)
prec = hot_b / acc if acc else 0
print(f'# last {len(last)}: worst hot page found in {recall:.0%}, '
      f'{acc // max(len(last), 1)} accessed bytes of the mapping each, '
      f'precision {prec:.2f}')
ok = {'found': first is not None and first <= 30,
      'steady': len(last) == 10 and recall >= 0.8 and prec >= 0.5}[what]
sys.exit(0 if ok else 1)
PY
}
check "every hot page found within 30 aggregations" score found
check "then reported alone (recall >= 0.8, precision >= 0.5)" score steady

ktap_finish
