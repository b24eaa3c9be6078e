// SPDX-License-Identifier: GPL-2.0
/*
 * bench-workload - the access patterns of the DAMON benchmark.
 *
 * Maps an anonymous buffer of small pages (MADV_NOHUGEPAGE where the
 * kernel has madvise(); see below), populates it, then keeps writing one
 * byte in every page of its hot spots, over and over, until it gets
 * SIGTERM or SIGINT (or --secs run out).
 *
 *   --spots N --spot-kib K   N hot spots of K KiB, spread evenly: spot i
 *                            is centred on the middle of the i-th of N
 *                            equal slices of the buffer;
 *   --move-secs S            one spot that moves every S seconds over
 *                            --positions P places (slice middles again,
 *                            visited in order, round and round);
 *   --stride K               a sparse buffer: only the first page of every
 *                            K KiB is populated (one byte written in it),
 *                            the mapping is MAP_NORESERVE;
 *   --random-spots SEED      the N spots at random instead, each starting
 *                            on a populated page (a multiple of the
 *                            stride), none overlapping, the same for the
 *                            same seed and layout; listed by address.
 *
 * What it does goes to --out FILE, one fact a line, flushed as it goes, so
 * that the analysis knows the truth:
 *
 *   buffer <start> <end>
 *   populated <t> <secs it took>
 *   hot <t> <start> <end> [<start> <end>...]   the spots from time t on
 *   tick <t> <pages touched so far>            about once a second
 *   done <t> <pages touched>
 *
 * Addresses in hexadecimal, ends exclusive; times in seconds of
 * CLOCK_MONOTONIC.  The touch rate between two ticks is the workload's
 * speed, to compare monitored and unmonitored runs.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define KIB 1024UL
#define MIB (1024UL * 1024)
#define MAX_SPOTS 1024
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static const char usage[] =
"usage: bench-workload [OPTIONS]\n"
"  --size MIB        buffer size (default 512)\n"
"  --spots N         number of hot spots (default 1)\n"
"  --spot-kib K      size of a hot spot in KiB (default 16384)\n"
"  --move-secs S     one spot, moving every S seconds (default 0: fixed)\n"
"  --positions P     places of the moving spot (default 4)\n"
"  --stride K        populate one page every K KiB (default: every page)\n"
"  --random-spots S  the spots at random populated pages, seed S\n"
"  --secs S          stop after S seconds of touching (default: on SIGTERM)\n"
"  --out FILE        where to write the facts (default: standard output)\n";

static int stop;

static void on_signal(int sig)
{
	__atomic_store_n(&stop, sig, __ATOMIC_RELAXED);
}

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
		fprintf(stderr, "bench-workload: bad value for --%s: '%s'\n",
			opt, s);
		exit(2);
	}
	return v;
}

/* The page-aligned start of a spot centred on the middle of slice i of n. */
static unsigned long spot_start(unsigned long size, unsigned long len,
				unsigned long i, unsigned long n,
				unsigned long page)
{
	unsigned long off = (2 * i + 1) * (size / (2 * n));

	off = off > len / 2 ? off - len / 2 : 0;
	off -= off % page;
	if (off + len > size)
		off = size - len;
	return off;
}

/* splitmix64: the same spots for the same seed, whatever the libc. */
static unsigned long long next_random(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int by_address(const void *a, const void *b)
{
	char *x = *(char * const *)a, *y = *(char * const *)b;

	return x < y ? -1 : x > y;
}

/*
 * nr spots of len bytes at random in the buffer, each starting on a
 * multiple of the stride: the buffer is cut into slots of the stride (or
 * of the spot length rounded up to it, when longer) and nr distinct slots
 * are drawn, so that no two spots overlap.  Sorted by address.
 */
static void random_spots(char **spot, unsigned long nr, char *buf,
			 unsigned long size, unsigned long len,
			 unsigned long stride, unsigned long long seed)
{
	unsigned long slot = (len + stride - 1) / stride * stride;
	unsigned long nr_slots = size / slot, i, j, k;

	for (i = 0; i < nr; i++) {
again:
		k = next_random(&seed) % nr_slots;
		for (j = 0; j < i; j++)
			if (spot[j] == buf + k * slot)
				goto again;
		spot[i] = buf + k * slot;
	}
	qsort(spot, nr, sizeof(*spot), by_address);
}

static void say_hot(FILE *f, double t, char **spot, unsigned long nr,
		    unsigned long len)
{
	unsigned long i;

	fprintf(f, "hot %.6f", t);
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
		{ "spots", required_argument, NULL, 'n' },
		{ "spot-kib", required_argument, NULL, 'k' },
		{ "move-secs", required_argument, NULL, 'm' },
		{ "positions", required_argument, NULL, 'p' },
		{ "stride", required_argument, NULL, 'S' },
		{ "random-spots", required_argument, NULL, 'r' },
		{ "secs", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long size = 512 * MIB, nr = 1, len = 16 * MIB;
	unsigned long move_secs = 0, positions = 4, secs = 0, pos = 0;
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long stride = page, seed = 0;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS, random = 0;
	unsigned long off, i, touches = 0;
	double t, start, next_tick, next_move, deadline;
	static char *spot[MAX_SPOTS];
	const char *outpath = NULL;
	struct sigaction sa;
	char *p;
	FILE *out = stdout;
	char *buf;
	int c;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			size = number("size", optarg, 1UL << 20) * MIB;
			break;
		case 'n':
			nr = number("spots", optarg, MAX_SPOTS);
			break;
		case 'k':
			len = number("spot-kib", optarg, 1UL << 30) * KIB;
			break;
		case 'm':
			move_secs = number("move-secs", optarg, 86400);
			break;
		case 'p':
			positions = number("positions", optarg, MAX_SPOTS);
			break;
		case 't':
			secs = number("secs", optarg, 86400);
			break;
		case 'S':
			stride = number("stride", optarg, 1UL << 30) * KIB;
			break;
		case 'r':
			seed = number("random-spots", optarg, ULONG_MAX);
			random = 1;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (move_secs)
		nr = 1;
	if (optind != argc || !nr || !len || len % page || !positions ||
	    nr * len > size || (move_secs && positions * len > size) ||
	    !stride || stride % page || size % stride ||
	    (random && (move_secs ||
			nr > size / ((len + stride - 1) / stride * stride)))) {
		fprintf(stderr, "bench-workload: %s\n%s",
			"the spots and the stride must be page multiples and fit in the buffer",
			usage);
		return 2;
	}
	if (stride > page)
		flags |= MAP_NORESERVE;
	if (outpath) {
		out = fopen(outpath, "w");
		if (!out) {
			fprintf(stderr, "bench-workload: %s: %s\n", outpath,
				strerror(errno));
			return 1;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	/*
	 * Small pages only: idle page tracking ignores THP tail pages.  A
	 * kernel without madvise() (tinyconfig has none) gets the buffer
	 * populated by mmap() instead, and THP is then the system's choice
	 * (the benchmark's guest sets it to "never").  Populating in the
	 * kernel avoids a user page fault per page, slow under emulation.
	 * A sparse buffer is populated a byte per stride, by page faults.
	 */
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (buf == MAP_FAILED) {
		perror("bench-workload: mmap");
		return 1;
	}
	start = now();
	if (stride > page) {
		madvise(buf, size, MADV_NOHUGEPAGE);
		for (off = 0; off < size; off += stride)
			buf[off] = 1;
	} else if (madvise(buf, size, MADV_NOHUGEPAGE)) {
		munmap(buf, size);
		buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   flags | MAP_POPULATE, -1, 0);
		if (buf == MAP_FAILED) {
			perror("bench-workload: mmap");
			return 1;
		}
	} else if (madvise(buf, size, MADV_POPULATE_WRITE)) {
		for (off = 0; off < size; off += page)
			buf[off] = 1;
	}
	t = now();
	fprintf(out, "buffer 0x%lx 0x%lx\n", (unsigned long)buf,
		(unsigned long)buf + size);
	fprintf(out, "populated %.6f %.3f\n", t, t - start);
	fflush(out);

	for (i = 0; i < nr; i++)
		spot[i] = buf + spot_start(size, len, i, nr, page);
	if (random)
		random_spots(spot, nr, buf, size, len, stride, seed);
	if (move_secs)
		spot[0] = buf + spot_start(size, len, 0, positions, page);
	say_hot(out, t, spot, nr, len);

	next_tick = t + 1;
	next_move = move_secs ? t + move_secs : 0;
	deadline = secs ? t + secs : 0;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < nr; i++) {
			p = spot[i];
			for (off = 0; off < len; off += page)
				p[off]++;
		}
		touches += nr * (len / page);
		t = now();
		if (t >= next_tick) {
			fprintf(out, "tick %.6f %lu\n", t, touches);
			fflush(out);
			next_tick += 1;
		}
		if (move_secs && t >= next_move) {
			pos = (pos + 1) % positions;
			spot[0] = buf + spot_start(size, len, pos, positions,
						   page);
			say_hot(out, t, spot, 1, len);
			next_move += move_secs;
		}
		if (deadline && t >= deadline)
			break;
	}
	fprintf(out, "done %.6f %lu\n", now(), touches);
	if (fclose(out)) {
		perror("bench-workload: closing the output");
		return 1;
	}
	return 0;
}
