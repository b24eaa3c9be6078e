#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of a harness guest: mount what a system needs on top of the host's
# read-only root, run the command vm.sh left in the shared folder, store
# its exit status there and power off.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
results="" run="" repo=""
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	damon_harness.results=*) results=${arg#*=} ;;
	damon_harness.run=*) run=${arg#*=} ;;
	damon_harness.repo=*) repo=${arg#*=} ;;
	esac
done

# Keep a view of the host's root before tmpfs covers /tmp and the like: a
# checkout under /tmp (as CI may make) must stay visible in the guest.
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/host
mount --bind / /run/host
for d in /tmp /var/tmp /root /dev/shm; do
	mount -t tmpfs -o mode=1777 tmpfs "$d"
done
for p in "$repo" "$results"; do
	[ -n "$p" ] && [ ! -d "$p" ] || continue
	mkdir -p "$p"
	mount --bind "/run/host$p" "$p"
done
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results "$results"

hostname damon-guest
ln -sf /proc/self/fd /dev/fd 2>/dev/null
ln -sf /proc/self/fd/0 /dev/stdin 2>/dev/null
ln -sf /proc/self/fd/1 /dev/stdout 2>/dev/null
ln -sf /proc/self/fd/2 /dev/stderr 2>/dev/null

bash "$run/cmd.sh" < /dev/null
echo $? > "$run/status"
sync
busybox poweroff -f 2>/dev/null || poweroff -f
