#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Show a record made by harness/record.sh, on the host:
#
#   harness/report.sh DIR
#
# prints the heatmap of DIR/damon.data for the terminal, writes it as
# DIR/heatmap.png, prints the working-set summary and writes it over time as
# DIR/wss.png, and prints the hottest areas (tools/damon's damon-report
# heatmap, wss and hot).  If DIR/workload.txt exists (the demo workload's
# account of its hot spots), it is shown first.  If DIR/console.log exists
# (record-vm.sh keeps it), the command and the DAMON attributes that
# record.sh reports in it go into the pictures' titles.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: report.sh DIR"
dir=$1 report=$REPO/tools/damon/damon-report
rec=$dir/damon.data
[ -x "$report" ] || die "$report missing: run 'make -C tools/damon'"
[ -s "$rec" ] || die "no record at $rec"

section() { printf '\n== %s\n' "$*"; }

# The pictures' title and attributes, from record.sh's line
# "recording pid N (command args) with attrs 'A B C D E' into FILE".
pic=()
line=$(grep -a -m 1 "recording pid [0-9]* (.*) with attrs '" "$dir/console.log" 2> /dev/null || true)
if [ -n "$line" ]; then
	attrs=$(sed -n "s/.* with attrs '\([0-9 ]*\)' into .*/\1/p" <<< "$line")
	cmd=$(sed -n "s/.*recording pid [0-9]* (\(.*\)) with attrs '.*/\1/p" <<< "$line")
	first=${cmd%% *}
	[ -n "$attrs" ] && pic+=(--attrs "$attrs")
	[ -n "$cmd" ] && pic+=(--title "${first##*/}${cmd#"$first"}")
fi
if [ -s "$dir/workload.txt" ]; then
	section "what the workload did ($dir/workload.txt; times in s of CLOCK_MONOTONIC)"
	cat "$dir/workload.txt"
fi
section "heatmap: time down, address across, colour = access frequency"
"$report" heatmap "$rec"
section "heatmap image"
# It prints the terminal heatmap again, then the line about the image.
"$report" heatmap "${pic[@]}" --png "$dir/heatmap.png" "$rec" | tail -n 1
section "working-set size"
"$report" wss "${pic[@]}" --png "$dir/wss.png" "$rec"
section "hottest areas"
"$report" hot "$rec"
printf '\nrecord: %s\nimages: %s\n        %s\n' "$rec" "$dir/heatmap.png" "$dir/wss.png"
