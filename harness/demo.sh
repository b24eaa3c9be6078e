#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job (make demo): record tools/damon's demo workload in a fresh
# DAMON kernel and show what DAMON saw.  The workload maps 512 MiB, touches
# it once, then moves a 32 MiB hot spot over 4 places, 4 s each, then keeps
# two hot spots for 8 s.  Everything lands in $RESULTS/demo: the record,
# workload.txt (where the hot spots were, and when), heatmap.png (time
# down, address across, colour for access frequency), wss.png (the working
# set over time) and the console log.  Needs the kernel and tools/damon
# built (make demo does it).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$RESULTS/demo
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
start=$(date +%s)
"$HARNESS/record-vm.sh" --out "$dir" --timeout 900 -- \
	"$REPO/tools/damon/damon-demo-workload" --out "$dir/workload.txt"
echo "demo: recorded and reported in $(( $(date +%s) - start ))s"
