#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side tests of damon-report on inputs that tests/gen writes with known
# content.  Run from tools/damon (make test).  Ends with "N passed, N failed"
# and exits non-zero if anything failed.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
BIN=./damon-report
GEN=./tests/gen
PC=./tests/pngcheck
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $*"; }
ko() { failed=$((failed + 1)); echo "FAIL $*"; }

# same NAME EXPECTED ACTUAL
same() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		ko "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -n 20
	fi
}

# has NAME TEXT PATTERN: a fixed string in the text
has() {
	if grep -qF -- "$3" <<< "$2"; then ok "$1"; else ko "$1: no '$3'"; printf '%s\n' "$2" | head -n 20; fi
}

$GEN fixtures "$T" || { echo "gen failed"; echo "0 passed, 1 failed"; exit 1; }
F=$T

# --- raw: the exact text, from both readers ---
basic_raw='# time_s target start end size nr_accesses
100.000000000 4242 0x400000 0x401000 4096 5
100.000000000 4242 0x401000 0x403000 8192 0
100.000000000 4242 0x7ffff000 0x80000000 4096 20
100.100000000 4242 0x400000 0x402000 8192 3
100.100000000 4242 0x402000 0x403000 4096 0
100.100000000 4242 0x7ffff000 0x80000000 4096 20
100.200000000 4242 0x400000 0x403000 12288 1
100.200000000 4242 0x7ffff000 0x80000000 4096 19
100.200000000 77 0x10000 0x20000 65536 2'
same "raw of a record" "$basic_raw" "$($BIN raw "$F/basic.rec")"
same "raw of perf script text" "$basic_raw" "$($BIN raw "$F/basic.perf")"
same "raw of perf script text on stdin" "$basic_raw" "$($BIN raw - < "$F/basic.perf")"
# Kernels with region ages end each line with the age: read, not kept.
sed 's/: \([0-9]*\)$/: \1 7/' "$F/basic.perf" > "$T/age.perf"
same "raw of perf script text with ages" "$basic_raw" "$($BIN raw "$T/age.perf")"
same "raw of a record on a pipe" "$basic_raw" "$(cat "$F/basic.rec" | $BIN raw -)"
same "raw of a file with two runs" "$basic_raw
# run 2
${basic_raw#*$'\n'}" "$($BIN raw "$F/tworuns.rec")"

# --- wss: percentiles of 1..100 pages, nearest rank ---
out=$($BIN wss "$F/wss.rec")
same "wss percentiles of a known distribution" \
"  p0                   4096  4.0 KiB
  p25                102400  100.0 KiB
  p50                204800  200.0 KiB
  p75                307200  300.0 KiB
  p90                368640  360.0 KiB
  p99                405504  396.0 KiB
  p100               409600  400.0 KiB
  mean               206848  202.0 KiB" "$(grep -E '^  (p[0-9]+|mean) ' <<< "$out")"
has "wss of a shuffled series is stable" "$out" "trend: stable"
out=$($BIN wss --target 4242 "$F/basic.rec")
has "wss trend growing" "$out" "trend: growing, +40.0 KiB/s"
same "wss --target shows one target" 1 "$(grep -c '^target ' <<< "$out")"
same "wss --min-freq 5 counts only hot bytes" "  p50                  4096  4.0 KiB" \
	"$($BIN wss --target 4242 --min-freq 5 "$F/basic.rec" | grep '^  p50 ')"

# --- heatmap: the populated ranges are found, the gaps skipped ---
out=$($BIN heatmap --width 80 --color never "$F/heat.rec")
same "heatmap finds the three populated ranges" \
"  A: 0x555555554000-0x555556554000 (16.0 MiB)
  B: 0x7f0000000000-0x7f0004000000 (64.0 MiB)
  C: 0x7ffffffde000-0x7ffffffff000 (132.0 KiB)" "$(grep -E '^  [A-Z]: ' <<< "$out")"
has "heatmap says the gaps are skipped" "$out" "3 address ranges (gaps between them skipped)"
same "heatmap cells: first row (hot spot at region 3 of B)" \
	"     0.00s  111...................|......5@8.............|4444444444444444444444" \
	"$(sed -n 6p <<< "$out")"
same "heatmap cells: last row (hot spot moved to region 6)" \
	"     4.75s  111...................|.............9@4......|4444444444444444444444" \
	"$(sed -n 37p <<< "$out")"
same "heatmap: one row per time slice, 32 by default" 32 "$(grep -c '^ *[0-9.]*s  ' <<< "$out")"
same "heatmap fits the width" 80 "$(sed -n 6p <<< "$out" | awk '{ print length($0) }')"
out=$(COLUMNS=50 $BIN heatmap --color never "$F/heat.rec")
same "heatmap fits \$COLUMNS" 50 "$(sed -n 6p <<< "$out" | awk '{ print length($0) }')"
out=$($BIN heatmap --width 60 --color never --target 4242 "$F/basic.rec")
same "heatmap of basic: two ranges and known cells" \
"  A: 0x400000-0x403000 (12.0 KiB)
  B: 0x7ffff000-0x80000000 (4.0 KiB)
      time  A                        B                      
     0.00s  33333333................|@@@@@@@@@@@@@@@@@@@@@@@
     0.07s  2222222222222222........|@@@@@@@@@@@@@@@@@@@@@@@
     0.13s  111111111111111111111111|@@@@@@@@@@@@@@@@@@@@@@@" "$(sed -n '2,7p' <<< "$out")"
out=$($BIN heatmap --width 60 --color always "$F/heat.rec")
has "heatmap in colour: hottest cells white" "$out" $'\e[48;5;231m'
has "heatmap in colour: idle cells black" "$out" $'\e[48;5;16m'

# --- PNG: signature and dimensions ---
png_dims() {	# prints "WIDTH HEIGHT" of the IHDR, or nothing
	local sig
	sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
	[ "$sig" == 89504e470d0a1a0a ] || return 1
	[ "$(dd if="$1" bs=1 skip=12 count=4 2>/dev/null)" == IHDR ] || return 1
	od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4, $5*16777216 + $6*65536 + $7*256 + $8 }'
}
out=$($BIN heatmap --width 60 --color never --png "$T/heat.png" --png-size 640x360 "$F/heat.rec")
has "heatmap --png reports the file" "$out" "wrote $T/heat.png (640x360, 1 target, a band of panels each)"
same "PNG signature and the asked dimensions" "640 360" "$(png_dims "$T/heat.png")"
same "PNG ends with IEND" "IEND" "$(tail -c 8 "$T/heat.png" | head -c 4)"
same "libpng reads the dimensions back" "640 360" "$($PC "$T/heat.png" size)"
$BIN heatmap --png "$T/default.png" "$F/basic.rec" > /dev/null
same "PNG default dimensions, two targets" "1000 $((56 + 2 * 314))" "$(png_dims "$T/default.png")"
$BIN heatmap --target 77 --png "$T/one.png" "$F/basic.rec" > /dev/null
same "PNG default dimensions, one target" "1000 600" "$(png_dims "$T/one.png")"
if [ "$(stat -c %s "$T/heat.png")" -lt $((640 * 360 * 3 / 10)) ]; then
	ok "PNG is compressed ($(stat -c %s "$T/heat.png") bytes)"
else
	ko "PNG is not compressed: $(stat -c %s "$T/heat.png") bytes"
fi

# --- the heatmap picture, read back: legend, bands, panels ---
# layout FILE WORD: the lines of the layout chunk that start with WORD
layout() { $PC "$1" text "damon-report layout" | grep "^$2 "; }
# colours FILE X Y W H: the colours of a rectangle, one a line
colours() { $PC "$1" colours "$2" "$3" "$4" "$5" | cut -d' ' -f1; }
# check_heatmap NAME FILE TARGETS...: the legend has a swatch per level; each
# panel's map has only the legend's colours (and no-data grey); each target
# has a band, with at least one legend colour in it
check_heatmap() {
	local name=$1 png=$2 x y w h n id p bad=0 legend extra ids=() drawn
	shift 2
	read -r _ x y w h n <<< "$(layout "$png" legend)"
	legend=$(colours "$png" "$x" "$y" "$w" "$h")
	same "$name: the colour bar has one swatch per level ($n)" "$n" "$(grep -c . <<< "$legend")"
	while read -r _ id p x y w h _; do
		extra=$(colours "$png" "$x" "$y" "$w" "$h" | grep -vxF c8c8c8 |
			grep -vxF -f <(printf '%s\n' "$legend"))
		if [ -n "$extra" ]; then
			bad=1
			echo "  target $id panel $p: colours not in the legend:" $extra
		fi
	done < <(layout "$png" panel)
	same "$name: the map's colours are the legend's" 0 "$bad"
	bad=0
	while read -r _ id x y w h _; do
		ids+=("$id")
		drawn=$(colours "$png" "$x" "$y" "$w" "$h" | grep -cxF -f <(printf '%s\n' "$legend"))
		[ "$drawn" -gt 0 ] || { bad=1; echo "  target $id: nothing drawn"; }
	done < <(layout "$png" band)
	same "$name: every band drawn" 0 "$bad"
	same "$name: a band per target" "$*" "${ids[*]}"
}
check_heatmap "heat.png" "$T/heat.png" 999
# the colour of level L (of N) in the legend of FILE
swatch() {
	local x y w h n sw
	read -r _ x y w h n <<< "$(layout "$1" legend)"
	sw=$((h / n))
	colours "$1" "$x" $((y + h - ($2 + 1) * sw + sw / 2)) 1 1
}
# panel_colours FILE TARGET NAME: the colours of a panel's map
panel_colours() {
	local x y w h
	read -r x y w h <<< "$(layout "$1" panel | awk -v t="$2" -v p="$3" '$2 == t && $3 == p { print $4, $5, $6, $7 }')"
	colours "$1" "$x" "$y" "$w" "$h"
}
read -r _ _ x y w h _ <<< "$(layout "$T/default.png" band | grep '^band 77 ')"
same "a target recorded late is no data until then, on the time axis of all" \
	"c8c8c8 / $(swatch "$T/default.png" 2)" \
	"$(colours "$T/default.png" "$x" "$y" "$w" 1) / $(colours "$T/default.png" "$x" $((y + h - 1)) "$w" 1)"
out=$($BIN heatmap --png "$T/heat.png" "$F/heat.rec")
top=$(swatch "$T/heat.png" 20) eight=$(swatch "$T/heat.png" 8) idle=$(swatch "$T/heat.png" 0)
has "heat.png: the hot spot (20) is in panel B, as the legend's top colour" \
	"$(panel_colours "$T/heat.png" 999 B)" "$top"
has "heat.png: and B is idle elsewhere" "$(panel_colours "$T/heat.png" 999 B)" "$idle"
same "heat.png: the legend's top colour is nowhere else" "" \
	"$( { panel_colours "$T/heat.png" 999 A; panel_colours "$T/heat.png" 999 C; } | grep -xF "$top")"
same "heat.png: the stack (8 all along) is the legend's colour of 8" \
	"$eight" "$(panel_colours "$T/heat.png" 999 C)"
same "heat.png: the panels' absolute ranges" \
"panel 999 A 0x555555554000 0x555556554000
panel 999 B 0x7f0000000000 0x7f0004000000
panel 999 C 0x7ffffffde000 0x7ffffffff000" "$(layout "$T/heat.png" panel | awk '{ print $1, $2, $3, $8, $9 }')"
$BIN heatmap --attrs "5000 100000 1000000 10 1000" --title "my workload" \
	--png "$T/multi.png" "$F/multi.rec" > /dev/null
check_heatmap "multi.png" "$T/multi.png" 100 200 300
same "multi.png: 30 panels for target 300, named up to AD" "30 AD" \
	"$(layout "$T/multi.png" panel | awk '$2 == 300 { n++; last = $3 } END { print n, last }')"
has "multi.png: the title says what was recorded" "$($PC "$T/multi.png" text Title)" "DAMON heatmap: my workload"
has "multi.png: the ranges are in the description" "$($PC "$T/multi.png" text Description)" \
	"AD 0x840000000-0x840100000 (1.0 MiB)"
same "multi.png: 100% of the samples (20 with these attrs) is the top level" 21 \
	"$(layout "$T/multi.png" legend | cut -d' ' -f6)"
$BIN heatmap --target 200 --png "$T/t200.png" "$F/multi.rec" > /dev/null
check_heatmap "--target 200" "$T/t200.png" 200
same "--target 200: the record's scale, 0 to 20" 21 "$(layout "$T/t200.png" legend | cut -d' ' -f6)"
err=$($BIN heatmap --png "$T/small.png" --png-size 400x150 "$F/multi.rec" 2>&1 > /dev/null)
same "a picture too small for its targets: exit 1" 1 $?
has "a picture too small says what to do" "$err" "pick one with --target"
out=$($BIN heatmap --width 400 --color never "$F/multi.rec")
has "heatmap names panels past Z" "$out" "  AD: 0x840000000-0x840100000 (1.0 MiB)"

# --- the working-set picture ---
out=$($BIN wss --png "$T/wss.png" "$F/wss.rec")
has "wss --png reports the file" "$out" "wrote $T/wss.png (1000x600, 1 target)"
same "wss.png: default dimensions" "1000 600" "$($PC "$T/wss.png" size)"
same "wss.png: the percentiles of the text report are marked" \
"p0 4.0 KiB
p25 100.0 KiB
p50 200.0 KiB
p75 300.0 KiB
p90 360.0 KiB
p99 396.0 KiB
p100 400.0 KiB
mean 202.0 KiB" "$(layout "$T/wss.png" mark | cut -d' ' -f3-5)"
read -r _ _ x y w h <<< "$(layout "$T/wss.png" plot)"
has "wss.png: the line is drawn" "$(colours "$T/wss.png" "$x" "$y" "$w" "$h")" 1f4e9a
y50=$(layout "$T/wss.png" mark | awk '$3 == "p50" { print $6 }')
y25=$(layout "$T/wss.png" mark | awk '$3 == "p25" { print $6 }')
if [ "$y50" -lt "$y25" ] && [ "$y50" -gt "$y" ] && [ "$y25" -lt $((y + h)) ]; then
	ok "wss.png: p50 above p25, both in the plot"
else
	ko "wss.png: p50 at $y50, p25 at $y25, plot $y..$((y + h))"
fi
$BIN wss --png "$T/wssm.png" "$F/multi.rec" > /dev/null
same "wss of three targets: a plot each" "100 200 300" "$(layout "$T/wssm.png" plot | cut -d' ' -f2 | xargs)"
same "wss: equal percentiles share a label" "p0-p100,mean 256.0 MiB" \
	"$(layout "$T/wssm.png" mark | awk '$2 == 200 { print $3, $4, $5 }')"

# every input of the fuzzer's corpus: a picture or one error line, quickly
nbad=0
for f in fuzz/corpus/*; do
	for cmd in heatmap wss; do
		timeout 20 $BIN "$cmd" --png "$T/fuzz.png" --png-size 400x300 "$f" > /dev/null 2> "$T/err"
		rc=$?
		if [ $rc -gt 1 ] || { [ $rc -eq 1 ] && [ "$(wc -l < "$T/err")" -ne 1 ]; }; then
			nbad=$((nbad + 1))
			echo "  $cmd --png $f: exit $rc: $(head -n 3 "$T/err")"
		fi
	done
done
same "pictures of every fuzz corpus input" 0 "$nbad"

# --- hot: the known hot regions, ranked ---
out=$($BIN hot "$F/heat.rec")
has "hot: threshold and count" "$out" "target 999: hot means nr_accesses >= 10 (highest seen 20); 2 hot areas"
same "hot: the two hot spots, longest first" \
"   1  0x7f0001332000-0x7f0001998000           6.4 MiB      20.00      30      0.000 s      2.900 s
   2  0x7f0002664000-0x7f0002cca000           6.4 MiB      20.00      20      3.000 s      4.900 s" \
	"$(grep -E '^ +[0-9]+  0x' <<< "$out")"
out=$($BIN hot --min-freq 8 "$F/heat.rec")
same "hot --min-freq 8: the warm stack comes third" \
"   3  0x7ffffffde000-0x7ffffffff000         132.0 KiB       8.00      50      0.000 s      4.900 s" \
	"$(grep -E '^ +3  0x' <<< "$out")"
same "hot --top 1 shows one" 1 "$($BIN hot --top 1 "$F/heat.rec" | grep -cE '^ +[0-9]+  0x')"

# --- bad input: one line on stderr naming the file and where, exit 1 ---
bad() {	# NAME FILE EXPECTED_STDERR
	local err rc
	err=$($BIN raw "$2" 2>&1 > "$T/stdout")
	rc=$?
	if [ $rc -eq 1 ] && [ "$err" == "$3" ] && [ ! -s "$T/stdout" ]; then
		ok "bad input: $1"
	else
		ko "bad input: $1 (exit $rc)"
		printf '  expected: %s\n  got:      %s\n' "$3" "$err"
	fi
}
P="damon-report: $F"
bad "empty file" "$F/empty.rec" "$P/empty.rec: offset 0: empty file"
bad "a directory" "$F" "$P: offset 0: is a directory"
bad "missing file" "$F/nope" "$P/nope: offset 0: cannot open: No such file or directory"
bad "header only" "$F/headeronly.rec" "$P/headeronly.rec: offset 20: empty record: no snapshot after the header"
bad "wrong magic" "$F/badmagic.rec" "$P/badmagic.rec: offset 0: bad magic: not a DAMON record (expected \"damon_recfmt_ver\")"
bad "wrong version" "$F/badver.rec" "$P/badver.rec: offset 16: unsupported record format version 1 (expected 2)"
bad "truncated in a snapshot" "$F/trunc.rec" "$P/trunc.rec: offset 48: nr_regions 3 needs 60 bytes, 48 left (truncated or corrupt)"
bad "truncated by one byte" "$F/trunc-tail.rec" "$P/trunc-tail.rec: offset 284: nr_regions 1 needs 20 bytes, 19 left (truncated or corrupt)"
bad "absurd nr_regions" "$F/absurd-regions.rec" "$P/absurd-regions.rec: offset 48: nr_regions 983104 needs 19662080 bytes, 256 left (truncated or corrupt)"
bad "absurd nr_targets" "$F/absurd-targets.rec" "$P/absurd-targets.rec: offset 36: nr_targets 4294967295 cannot fit in the 268 bytes left (truncated or corrupt)"
bad "start >= end" "$F/startend.rec" "$P/startend.rec: offset 72: region start 4198400 >= end 4198400"
bad "overlapping regions" "$F/overlap.rec" "$P/overlap.rec: offset 72: region 4194304-4206592 overlaps or precedes the previous one"
bad "bad timestamp" "$F/badtime.rec" "$P/badtime.rec: offset 20: bad timestamp 100 s 18446744073709551615 ns"
bad "perf script of another event" "$F/other-event.perf" "$P/other-event.perf: line 3: not a damon:damon_aggregated event"
bad "perf script cut inside a target" "$F/trunc.perf" "$P/trunc.perf: line 5: end of input: target 4242 (from line 4) got 2 of its 3 regions"
bad "perf script start >= end" "$F/startend.perf" "$P/startend.perf: line 1: region start 8192 >= end 4096"
bad "perf script without timestamp" "$F/notime.perf" "$P/notime.perf: line 1: no timestamp before the event name"
sed '2s/$/ x/' "$T/age.perf" > "$T/age-junk.perf"
bad "perf script with junk after the age" "$T/age-junk.perf" "$P/age-junk.perf: line 2: malformed damon_aggregated fields"
sed '2s/$/ /;2s/ 7 $/ 7 8/' "$T/age.perf" > "$T/age-two.perf"
bad "perf script with two numbers after nr_accesses" "$T/age-two.perf" "$P/age-two.perf: line 2: malformed damon_aggregated fields"
printf 'hello\n' > "$T/text.txt"
bad "unrelated text" "$T/text.txt" "$P/text.txt: line 1: not a damon:damon_aggregated event"
printf '\n# comment\n\n' > "$T/blank.perf"
bad "perf script without events" "$T/blank.perf" "$P/blank.perf: line 3: no damon:damon_aggregated event"
# every prefix of a good record is either a clean end or one error line
nbad=0
size=$(stat -c %s "$F/basic.rec")
for ((n = 1; n < size; n++)); do
	head -c "$n" "$F/basic.rec" > "$T/cut.rec"
	err=$($BIN raw "$T/cut.rec" 2>&1 > /dev/null)
	rc=$?
	if [ $rc -eq 0 ]; then
		case $n in 112|204) ;; *) nbad=$((nbad + 1)); echo "  prefix $n accepted" ;; esac
	elif [ $rc -ne 1 ] || [ "$(wc -l <<< "$err")" -ne 1 ] ||
		! grep -q "^damon-report: $T/cut.rec: offset [0-9]*: " <<< "$err"; then
		nbad=$((nbad + 1))
		echo "  prefix $n: exit $rc: $err"
	fi
done
same "every truncation of a record is caught in one line" 0 "$nbad"

# --- usage ---
$BIN > /dev/null 2>&1
same "no arguments: usage, exit 2" 2 $?
$BIN frobnicate "$F/basic.rec" > /dev/null 2>&1
same "unknown command: exit 2" 2 $?
$BIN heatmap --rows 0 "$F/basic.rec" > /dev/null 2>&1
same "bad option value: exit 2" 2 $?
err=$($BIN wss --target 5 "$F/basic.rec" 2>&1 >/dev/null)
same "unknown target: exit 1" "1 damon-report: no target 5 in the input" "$? $err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
