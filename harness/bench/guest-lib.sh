#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared by the benchmark's guest scripts (guest.sh, reclaim-guest.sh),
# which define msg() before sourcing it.  Sets on_file to the monitor_on
# file of the running kernel: upstream's debugfs interface calls it
# monitor_on_DEPRECATED.

DAMON_DIR=/sys/kernel/debug/damon

# put FILE VALUE: write VALUE to FILE; say why if it fails.
put() {
	local err
	if ! err=$( { printf '%s\n' "$2" > "$1"; } 2>&1); then
		msg "writing '$2' to $1 failed: ${err##*: }"
		return 1
	fi
}

on_file=$DAMON_DIR/monitor_on
[ -e "$on_file" ] || on_file=$DAMON_DIR/monitor_on_DEPRECATED
