#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Accesses to hugetlb pages are seen: a process whose buffer is made of
# hugetlb pages keeps 16 MiB of it hot; DAMON must report that range as
# accessed and the rest as mostly idle, as it does for small pages.
# shellcheck disable=SC2317 # functions run through check()

source "$(dirname "$0")/_common.sh"
damon_require

nr_file=/proc/sys/vm/nr_hugepages
out=/tmp/damon_hugetlb.$$
rec=/tmp/damon_hugetlb.$$.data
secs=${DAMON_MONITOR_SECS:-6}
on_exit "rm -f $out $rec"

if [ ! -w "$nr_file" ] || ! grep -q '^Hugepagesize:' /proc/meminfo; then
	ktap_skip "hugetlb accesses" "no hugetlb support in this kernel"
	ktap_finish
fi
size_kb=$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)
# 64 MiB of huge pages, whatever their size (at least one).
want=$(( (65536 + size_kb - 1) / size_kb ))
old=$(cat "$nr_file")
on_exit "echo $old > $nr_file"
echo $((old + want)) > "$nr_file"
if [ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" -lt "$want" ]; then
	ktap_skip "hugetlb accesses" "could not reserve $want huge pages"
	ktap_finish
fi
size_mib=$((want * size_kb / 1024))
hot_mib=$(( size_kb >= 16384 ? size_kb / 1024 : 16 ))
ktap_msg "$want huge pages of $size_kb KiB: buffer $size_mib MiB, hot $hot_mib MiB"

start_workload "$out" "$TEST_DIR/access_workload" "$size_mib" 0 "$hot_mib" 600 hugetlb
workload=$TARGET_PID
read -r _ buffer _ hot < "$out"
check "access_workload mapped its hugetlb buffer" test -n "$hot"
ktap_msg "workload $workload: buffer $buffer, hot $hot"

check "attrs set" write_reads "$DAMON_DIR/attrs" "$DEFAULT_ATTRS" "$DEFAULT_ATTRS"
check "record set" write_reads "$DAMON_DIR/record" "4194304 $rec" "4194304 $rec"
check "target set" write_reads "$DAMON_DIR/target_ids" "$workload" "$workload"
check "'on' accepted" expect_write "$DAMON_DIR/monitor_on" on OK
sleep "$secs"
check "'off' accepted" expect_write "$DAMON_DIR/monitor_on" off OK

if ! command -v python3 > /dev/null; then
	ktap_skip "record file checks" "python3 missing"
	ktap_finish
fi
chk() {
	python3 "$TEST_DIR/_chk_record.py" "$rec" --attrs "$DEFAULT_ATTRS" "$@"
}
check "hot hugetlb range found (>= 90% in accessed regions)" \
	chk --hot "$hot" --buffer "$buffer"
check "rest of the hugetlb buffer mostly idle (<= 50% in accessed regions)" \
	chk --hot "$hot" --buffer "$buffer" --min-hot 0 --max-cold 0.5

ktap_finish
