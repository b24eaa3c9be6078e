#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: the patch series of "make patches", without the patch builds:
# it is generated, every patch is checkpatch --strict clean and the whole
# series applies to a fresh base with git am (harness/patches.sh --no-build).
# The first run commits the base tree to a git repository (a few minutes).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
exec bash "$HARNESS/patches.sh" --no-build --out "$RESULTS/check/patches"
