// SPDX-License-Identifier: GPL-2.0
/*
 * damon-demo-workload - an access pattern that changes, for the DAMON demo.
 *
 * Maps an anonymous buffer, writes every page of it once, leaves it cold
 * for a moment, then
 *
 *   phase 1..N  one hot spot that moves: N positions, one after another,
 *               each written continuously for --move-secs seconds;
 *   phase N+1   two hot spots at once, for --two-secs seconds.
 *
 * Only the hot spots are touched in a phase (one byte in every page, over
 * and over); the rest of the buffer stays cold.  With --out FILE, it writes
 * what it did to FILE, one line per fact, flushed as it goes:
 *
 *   buffer <start> <end>
 *   phase <n> <start_s> <end_s> <start> <end> [<start> <end>]
 *
 * Addresses in hexadecimal, ends exclusive; times in seconds of
 * CLOCK_MONOTONIC, the clock of DAMON's record file (which reads it with
 * a jiffy's resolution).  A phase line is written when the phase ends.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB (1UL << 20)

static const char usage[] =
"usage: damon-demo-workload [OPTIONS]\n"
"  --size MIB       buffer size (default 512)\n"
"  --hot MIB        size of a hot spot (default 32)\n"
"  --moves N        positions of the moving hot spot (default 4)\n"
"  --move-secs S    seconds at each position (default 4)\n"
"  --two-secs S     seconds of the two-hot-spot phase (default 8)\n"
"  --settle S       cold seconds after the buffer is populated (default 2)\n"
"  --out FILE       write the buffer, phases and hot ranges to FILE\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long number(const char *opt, const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v > max) {
		fprintf(stderr, "damon-demo-workload: bad value for --%s: '%s'\n",
			opt, s);
		exit(2);
	}
	return v;
}

/* Write one byte of every page of the spots until the deadline. */
static void heat(volatile char **spot, int nr, unsigned long len,
		 unsigned long page, double secs)
{
	double deadline = now() + secs;
	unsigned long off;
	int i;

	do {
		for (i = 0; i < nr; i++)
			for (off = 0; off < len; off += page)
				spot[i][off]++;
	} while (now() < deadline);
}

static void report(FILE *f, int phase, double start, double end,
		   volatile char **spot, int nr, unsigned long len)
{
	int i;

	if (!f)
		return;
	fprintf(f, "phase %d %.6f %.6f", phase, start, end);
	for (i = 0; i < nr; i++)
		fprintf(f, " 0x%lx 0x%lx", (unsigned long)spot[i],
			(unsigned long)spot[i] + len);
	fputc('\n', f);
	fflush(f);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "hot", required_argument, NULL, 'h' },
		{ "moves", required_argument, NULL, 'm' },
		{ "move-secs", required_argument, NULL, 'M' },
		{ "two-secs", required_argument, NULL, 'T' },
		{ "settle", required_argument, NULL, 'S' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long size = 512 * MIB, hot = 32 * MIB, moves = 4;
	unsigned long move_secs = 4, two_secs = 8, settle = 2;
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE), off, i;
	const char *outpath = NULL;
	volatile char *buf, *spot[2];
	FILE *out = NULL;
	double start;
	int c;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 's': size = number("size", optarg, 1UL << 20) * MIB; break;
		case 'h': hot = number("hot", optarg, 1UL << 20) * MIB; break;
		case 'm': moves = number("moves", optarg, 1000); break;
		case 'M': move_secs = number("move-secs", optarg, 86400); break;
		case 'T': two_secs = number("two-secs", optarg, 86400); break;
		case 'S': settle = number("settle", optarg, 86400); break;
		case 'o': outpath = optarg; break;
		case 'H': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !hot || !moves || 2 * hot > size) {
		fprintf(stderr, "damon-demo-workload: need a hot spot and two hot spots to fit in the buffer\n%s",
			usage);
		return 2;
	}
	if (outpath) {
		out = fopen(outpath, "w");
		if (!out) {
			fprintf(stderr, "damon-demo-workload: %s: %s\n", outpath,
				strerror(errno));
			return 1;
		}
	}

	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("damon-demo-workload: mmap");
		return 1;
	}
	for (off = 0; off < size; off += page)
		buf[off] = 1;
	if (out) {
		fprintf(out, "buffer 0x%lx 0x%lx\n", (unsigned long)buf,
			(unsigned long)buf + size);
		fflush(out);
	}
	printf("damon-demo-workload: buffer 0x%lx-0x%lx (%lu MiB) populated\n",
	       (unsigned long)buf, (unsigned long)buf + size, size / MIB);
	fflush(stdout);
	sleep((unsigned int)settle);

	/*
	 * Phase i of the moving spot is centred on the middle of the i-th of
	 * "moves" equal slices of the buffer; the two spots of the last phase
	 * on the middles of its halves.  Spots are page aligned.
	 */
	for (i = 0; i < moves; i++) {
		off = (2 * i + 1) * (size / (2 * moves));
		off = off > hot / 2 ? off - hot / 2 : 0;
		off -= off % page;
		if (off + hot > size)
			off = size - hot;
		spot[0] = buf + off;
		start = now();
		heat(spot, 1, hot, page, (double)move_secs);
		report(out, (int)i + 1, start, now(), spot, 1, hot);
		printf("damon-demo-workload: phase %lu: hot 0x%lx-0x%lx\n",
		       i + 1, (unsigned long)spot[0], (unsigned long)spot[0] + hot);
		fflush(stdout);
	}
	for (i = 0; i < 2; i++) {
		off = (2 * i + 1) * (size / 4) - hot / 2;
		off -= off % page;
		spot[i] = buf + off;
	}
	start = now();
	heat(spot, 2, hot, page, (double)two_secs);
	report(out, (int)moves + 1, start, now(), spot, 2, hot);
	printf("damon-demo-workload: phase %lu: hot 0x%lx-0x%lx and 0x%lx-0x%lx\n",
	       moves + 1, (unsigned long)spot[0], (unsigned long)spot[0] + hot,
	       (unsigned long)spot[1], (unsigned long)spot[1] + hot);
	if (out && fclose(out)) {
		perror("damon-demo-workload: closing the output");
		return 1;
	}
	return 0;
}
