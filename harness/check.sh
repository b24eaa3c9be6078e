#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The project's test command (make check): build what is stale, boot our
# kernel once, collect the KUnit results of the suites that ran at boot,
# run the DAMON kselftests inside the guest, run the host-side tests, and
# end with one line "N passed, N failed" (skips counted apart).  Exits
# non-zero on any failure, on a splat in the kernel log, or on a hung guest.
#
# DAMON_VARIANT=debug (make check-debug) does the same on the debug kernel
# (harness/config/debug.config: KASAN, lockdep, kmemleak, failslab, ...),
# scans for leaks with kmemleak at the end of the guest run, and leaves out
# the host-side tests, which do not depend on the kernel.  Its results go
# to results/check-debug/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$RESULTS/check${VARIANT:+-$VARIANT}
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0 skipped=0
failures=()	# what failed, repeated in the summary (a CI log shows its end)
where=		# the program whose subtests are being read, for that list
pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$*"; }
fail() {
	local m=$*

	failed=$((failed + 1))
	failures+=("${where:+$where: }${m#"${m%%[! ]*}"}")
	printf 'FAIL %s\n' "$*"
}
skip() { skipped=$((skipped + 1)); printf 'SKIP %s\n' "$*"; }
summary() {
	local f

	for f in "${failures[@]}"; do
		printf 'failed: %s\n' "$f"
	done
	echo "results in $out"
	if [ $skipped -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ $failed -eq 0 ]
	exit
}

# 1. The kernel.
if with_lock "$HARNESS/build.sh" > "$out/build.log" 2>&1; then
	pass "${VARIANT:+$VARIANT }kernel build (upstream DAMON removed, ours assembled)"
else
	tail -n 30 "$out/build.log"
	fail "kernel build: see $out/build.log"
	summary
fi

# 2. The kselftests, installed on the host with the selftests Makefile.
ksft=$CACHE/kselftest${VARIANT:+-$VARIANT}
rm -rf "$ksft"
if make -C "$SRC/tools/testing/selftests" TARGETS=damon O="$ksft-build" \
	INSTALL_PATH="$ksft" install > "$out/kselftest-install.log" 2>&1; then
	pass "kselftest install"
else
	tail -n 20 "$out/kselftest-install.log"
	fail "kselftest install: see $out/kselftest-install.log"
fi

# 2b. The report tool and the demo workload, for the in-guest tests (the
# guest's root is read-only, so they are built here).
if make -C "$REPO/tools/damon" > "$out/tools-build.log" 2>&1; then
	pass "tools/damon build"
else
	tail -n 20 "$out/tools-build.log"
	fail "tools/damon build: see $out/tools-build.log"
fi

# 3. One boot: KUnit ran during it; then the kselftests, then our in-guest
# tests (harness/guest-tests/*.sh, KTAP each, files under $out).
cat > "$out/guest.sh" <<GUEST
#!/bin/bash
dmesg -t > "$out/kunit.log"
if [ -x "$ksft/run_kselftest.sh" ]; then
	# The runner appends each test's output through /dev/stdout: append
	# here too, or the two writers overwrite each other's lines.
	: > "$out/kselftest.tap"
	"$ksft/run_kselftest.sh" >> "$out/kselftest.tap" 2>&1
fi
for t in "$HARNESS"/guest-tests/*.sh; do
	[ -e "\$t" ] || continue
	name=\$(basename "\$t" .sh)
	DAMON_TEST_OUT="$out" bash "\$t" > "$out/guest-\$name.tap" 2>&1
	echo \$? > "$out/guest-\$name.rc"
done
# kmemleak (debug kernel): two scans, so that what a scan catches in flight
# is not reported; what is unreferenced at the second one is a leak.
if [ -w /sys/kernel/debug/kmemleak ]; then
	if echo scan > /sys/kernel/debug/kmemleak && sleep 6 &&
		echo scan > /sys/kernel/debug/kmemleak; then
		cat /sys/kernel/debug/kmemleak > "$out/kmemleak.log"
	else
		echo "kmemleak: no scan (disabled?)" > "$out/kmemleak.log"
	fi
fi
dmesg > "$out/dmesg.log"
exit 0
GUEST
chmod +x "$out/guest.sh"
start=$(date +%s)
timeout=${DAMON_CHECK_TIMEOUT:-2400}
[ -z "$VARIANT" ] || timeout=${DAMON_CHECK_TIMEOUT:-3600}
with_lock "$HARNESS/vm.sh" --timeout "$timeout" \
	--console "$out/console.log" -- "$out/guest.sh" > /dev/null
rc=$?
echo "guest ran for $(( $(date +%s) - start ))s"
if [ $rc -eq 0 ]; then
	pass "guest booted and ran the tests"
else
	tail -n 40 "$out/console.log"
	fail "guest (exit $rc): see $out/console.log"
fi

# 4. KUnit, parsed by the base tree's own parser.
if [ -s "$out/kunit.log" ]; then
	python3 "$SRC/tools/testing/kunit/kunit.py" parse "$out/kunit.log" \
		> "$out/kunit.txt" 2>&1
	sed -n 's/^\[[0-9:]*\] //p' "$out/kunit.txt" | grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]' |
		grep -v '^=' > "$out/kunit-cases.txt"
	line=$(grep -E 'Ran [0-9]+ tests?' "$out/kunit.txt" | tail -n 1)
	kp=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<< "$line")
	kf=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<< "$line")
	kc=$(sed -n 's/.*crashed: \([0-9]*\).*/\1/p' <<< "$line")
	ks=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<< "$line")
	echo "KUnit: ${line:-no results}"
	grep -E '\[(FAILED|CRASHED)\]' "$out/kunit.txt" | sed 's/^/  /'
	while read -r l; do
		failures+=("KUnit $l")
	done < <(grep -E '\[(FAILED|CRASHED)\]' "$out/kunit-cases.txt")
	passed=$((passed + ${kp:-0}))
	failed=$((failed + ${kf:-0} + ${kc:-0}))
	skipped=$((skipped + ${ks:-0}))
	[ -n "$kp" ] || fail "KUnit: no results parsed (see $out/kunit.txt)"
else
	fail "KUnit: no kernel log from the guest"
fi

# 5. kselftests: every subtest a program reports, plus a failure for a
# program that failed (timeout, crash) without reporting a failed subtest.
if [ -s "$out/kselftest.tap" ]; then
	sub_failed=0
	while IFS= read -r l; do
		case "$l" in
		"# ok "*"# SKIP"*|"# not ok "*"# SKIP"*) skip "  ${l#*ok }" ;;
		"# not ok "*) fail "  ${l#\# not ok }"; sub_failed=1 ;;
		"# ok "*) pass "  ${l#\# ok }" ;;
		"# selftests: "*) echo "${l#\# }"; where=${l##* } ;;
		"not ok "*"# SKIP"*|"ok "*"# SKIP"*) skip "kselftest ${l#*ok }"; sub_failed=0 ;;
		"not ok "*)
			[ $sub_failed -eq 1 ] || fail "kselftest ${l#not ok }"
			sub_failed=0 ;;
		"ok "*) sub_failed=0 ;;
		esac
	done < "$out/kselftest.tap"
	where=
	grep -E '^(not )?ok ' "$out/kselftest.tap" | sed 's/^/  /'
else
	fail "kselftests: no output (see $out/console.log)"
fi

# 5b. Our in-guest tests: every "ok"/"not ok" line of their KTAP, plus a
# failure for a test that failed without reporting a failed case.
for t in "$HARNESS"/guest-tests/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	tap=$out/guest-$name.tap
	if [ ! -s "$tap" ]; then
		fail "guest $name: no output (see $out/console.log)"
		continue
	fi
	echo "guest $name:"
	grep -E '^#' "$tap" | sed 's/^/  /'
	where=$name gf=0 gn=0
	while IFS= read -r l; do
		case "$l" in
		"ok "*"# SKIP"*|"not ok "*"# SKIP"*) skip "  ${l#*ok }"; gn=$((gn + 1)) ;;
		"not ok "*) fail "  ${l#not ok }"; gf=1; gn=$((gn + 1)) ;;
		"ok "*) pass "  ${l#ok }"; gn=$((gn + 1)) ;;
		"1..0 # SKIP"*) skip "guest $name: ${l#*SKIP }"; gn=$((gn + 1)) ;;
		esac
	done < "$tap"
	where=
	rc=$(cat "$out/guest-$name.rc" 2> /dev/null || echo none)
	if [ $gf -eq 0 ] && { [ $gn -eq 0 ] || { [ "$rc" != 0 ] && [ "$rc" != 4 ]; }; }; then
		fail "guest $name (exit $rc): see $tap"
	fi
done

# 6. The kernel log must be clean.
splats='BUG:|WARNING:|Oops|general protection fault|Kernel panic|kernel BUG at|UBSAN:|KASAN:|sleeping function called|INFO: task .* blocked|Call Trace:|kmemleak:.*new suspected'
splats+='|ODEBUG:|list_(add|del) corruption|possible .*locking'
if [ -s "$out/dmesg.log" ] && ! grep -Eq "$splats" "$out/dmesg.log" "$out/console.log"; then
	pass "kernel log free of oopses, BUGs and WARNs"
else
	grep -En "$splats" "$out/dmesg.log" "$out/console.log" | head -n 20
	fail "kernel log: splat found or log missing"
fi
if grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$BUILD/.config"; then
	if [ -f "$out/kmemleak.log" ] && [ ! -s "$out/kmemleak.log" ]; then
		pass "kmemleak: no leak after the run"
	else
		head -n 40 "$out/kmemleak.log" 2> /dev/null
		fail "kmemleak: leaks reported, or no scan (see $out/kmemleak.log)"
	fi
fi

# 7. Host-side tests (not for a kernel variant: they do not depend on it).
for t in "$HARNESS"/tests/*.sh; do
	[ -z "$VARIANT" ] || break
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	bash "$t" > "$out/host-$name.log" 2>&1
	rc=$?
	# A host test that counts its own cases ends with "N passed, N failed".
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/host-$name.log" | tail -n 1)
	if [ -n "$counts" ]; then
		hp=${counts%% passed*}
		hf=${counts#*passed, }
		hf=${hf%% failed*}
		passed=$((passed + hp))
		failed=$((failed + hf))
		echo "host $name: $counts"
	fi
	if [ $rc -ne 0 ]; then
		tail -n 20 "$out/host-$name.log"
		fail "host $name: see $out/host-$name.log"
	elif [ -z "$counts" ]; then
		pass "host $name"
	fi
done

summary
