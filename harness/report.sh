#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Show a record made by harness/record.sh, on the host:
#
#   harness/report.sh DIR
#
# prints the heatmap of DIR/damon.data for the terminal, writes it as
# DIR/heatmap.png, and prints the working-set summary and the hottest areas
# (tools/damon's damon-report heatmap, wss and hot).  If DIR/workload.txt
# exists (the demo workload's account of its hot spots), it is shown first.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: report.sh DIR"
dir=$1 report=$REPO/tools/damon/damon-report
rec=$dir/damon.data
[ -x "$report" ] || die "$report missing: run 'make -C tools/damon'"
[ -s "$rec" ] || die "no record at $rec"

section() { printf '\n== %s\n' "$*"; }
if [ -s "$dir/workload.txt" ]; then
	section "what the workload did ($dir/workload.txt; times in s of CLOCK_MONOTONIC)"
	cat "$dir/workload.txt"
fi
section "heatmap: time down, address across, colour = access frequency"
"$report" heatmap "$rec"
section "heatmap image"
# It prints the terminal heatmap again, then the line about the image.
"$report" heatmap --png "$dir/heatmap.png" "$rec" | tail -n 1
section "working-set size"
"$report" wss "$rec"
section "hottest areas"
"$report" hot "$rec"
printf '\nrecord: %s\nimage:  %s\n' "$rec" "$dir/heatmap.png"
