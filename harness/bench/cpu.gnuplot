# SPDX-License-Identifier: GPL-2.0
# kdamond CPU against target size for the three methods (harness/bench.sh):
#   gnuplot -e "datafile='cpu.dat'; outfile='cpu.png'" cpu.gnuplot
# cpu.dat (analyze.py) has two blocks: the one 16 MiB hot range at growing
# sizes (lines), then every other workload (points, named).  Left: share of
# one CPU in steady state; right: CPU per aggregation (per pass for idle
# page tracking).
set terminal png size 1400,560
set output outfile
set multiplot layout 1,2 title "Monitoring CPU cost against the target's size (attrs 5 ms / 100 ms, steady state)"
set xlabel "target buffer (MiB, log)"
set logscale xy
set xrange [64:4194304]
set xtics ("128M" 128, "512M" 512, "2G" 2048, "8G" 8192, "64G" 65536, "1T" 1048576)
set grid
set key top left font ",9"
set datafile missing "NaN"
set ylabel "CPU share (% of one CPU)"
plot datafile index 0 using 1:($2 * 100) with linespoints lw 2 pt 7 lc 1 title "ours, 16 MiB hot range", \
     datafile index 0 using 1:($3 * 100) with linespoints lw 2 pt 5 lc 2 title "reference (upstream), 16 MiB hot range", \
     datafile index 0 using 1:($4 * 100) with linespoints lw 2 pt 9 lc 3 title "idle page tracking, one pass per 100 ms", \
     datafile index 1 using 1:($2 * 100) with points pt 7 ps 1.3 lc 1 title "ours, other workloads", \
     datafile index 1 using 1:($3 * 100) with points pt 4 ps 1.3 lc 2 title "reference, other workloads", \
     datafile index 1 using 1:($4 * 100) with points pt 8 ps 1.3 lc 3 title "idle page tracking, other workloads", \
     datafile index 1 using 1:($2 * 100):8 with labels left offset 1,0 font ",7" notitle
set ylabel "CPU per aggregation or pass (ms)"
plot datafile index 0 using 1:($5 * 1000) with linespoints lw 2 pt 7 lc 1 title "ours, 16 MiB hot range", \
     datafile index 0 using 1:($6 * 1000) with linespoints lw 2 pt 5 lc 2 title "reference (upstream), 16 MiB hot range", \
     datafile index 0 using 1:($7 * 1000) with linespoints lw 2 pt 9 lc 3 title "idle page tracking, one pass", \
     datafile index 1 using 1:($5 * 1000) with points pt 7 ps 1.3 lc 1 title "ours, other workloads", \
     datafile index 1 using 1:($6 * 1000) with points pt 4 ps 1.3 lc 2 title "reference, other workloads", \
     datafile index 1 using 1:($7 * 1000) with points pt 8 ps 1.3 lc 3 title "idle page tracking, other workloads", \
     datafile index 1 using 1:($5 * 1000):8 with labels left offset 1,0 font ",7" notitle
unset multiplot
