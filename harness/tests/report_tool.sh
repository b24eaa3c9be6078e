#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: build damon-report (tools/damon) and run its tests on records
# and perf script texts that they generate.  Needs libpng-dev.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
make -C "$REPO/tools/damon" --no-print-directory
make -C "$REPO/tools/damon" --no-print-directory test
