#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs, from Debian's archive only.  Idempotent: it
# does nothing when every package is already there.
set -euo pipefail

PACKAGES=(
	linux-source-6.12 qemu-system-x86 busybox-static
	build-essential flex bison bc libelf-dev libssl-dev cpio kmod
	python3 linux-perf sparse shellcheck rsync libpng-dev
	gnuplot-nox
	python3-sphinx graphviz python3-ply python3-git
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "[harness] setup: all packages present"
	exit 0
fi
echo "[harness] setup: installing ${missing[*]}"
[ "$(id -u)" -eq 0 ] || { echo "[harness] setup must run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
