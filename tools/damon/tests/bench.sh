#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Measures (does not assert) the time damon-report takes to read and report
# a 100 MB synthetic record, with many small snapshots and with few large
# ones.  BENCH_MB and BENCH_DIR override the size and the scratch place.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${BENCH_MB:-100}
dir=$(mktemp -d "${BENCH_DIR:-/tmp}/damon-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
for nr in 30 999; do
	f=$dir/big-$nr.rec
	./tests/gen big "$f" "$mb" "$nr"
	for cmd in raw heatmap wss hot; do
		opts=()
		[ "$cmd" == heatmap ] && opts=(--width 120 --color never --png "$dir/h.png")
		[ "$cmd" == wss ] && opts=(--png "$dir/w.png")
		start=$(date +%s.%N)
		./damon-report "$cmd" "${opts[@]}" "$f" > /dev/null
		end=$(date +%s.%N)
		printf '  %-8s %6.2f s\n' "$cmd" "$(echo "$end - $start" | bc)"
	done
done
