# SPDX-License-Identifier: GPL-2.0
# CPU share against target size for the three methods (harness/bench.sh):
#   gnuplot -e "datafile='cpu.dat'; outfile='cpu.png'" cpu.gnuplot
set terminal png size 800,520
set output outfile
set title "Monitoring CPU cost, one 16 MiB hot range (attrs 5 ms / 100 ms)"
set xlabel "target buffer (MiB)"
set ylabel "CPU share (% of one CPU)"
set logscale xy
set xtics (128, 512, 2048, 8192)
set grid
set key top left
set datafile missing "NaN"
plot datafile using 1:($2 * 100) with linespoints lw 2 pt 7 title "our DAMON", \
     datafile using 1:($3 * 100) with linespoints lw 2 pt 5 title "reference (upstream) DAMON", \
     datafile using 1:($4 * 100) with linespoints lw 2 pt 9 title "idle page tracking, one pass per 100 ms"
