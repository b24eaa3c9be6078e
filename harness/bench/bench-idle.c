// SPDX-License-Identifier: GPL-2.0
/*
 * bench-idle - the idle page tracking baseline of the DAMON benchmark.
 *
 *   bench-idle --pid PID [--passes N] [--interval-ms MS] [--hot START-END]...
 *
 * One pass does what a user space monitor built on idle page tracking must
 * do to learn which pages of a process were accessed in an interval:
 *
 *   mark   read /proc/PID/maps and /proc/PID/pagemap to find the frame of
 *          every present page of the process, and set the idle bit of each
 *          through /sys/kernel/mm/page_idle/bitmap;
 *   read   after the interval, read the bitmap back for those frames: a
 *          page whose bit was cleared was accessed.
 *
 * The CPU time (user + system, CLOCK_PROCESS_CPUTIME_ID) of both halves is
 * measured; the sleep between them is not.  Transparent huge pages are not
 * handled (page_idle ignores their tail pages): the benchmark's workload
 * maps its buffer with MADV_NOHUGEPAGE.  One line per pass:
 *
 *   pass <i> pages <n> mark_ns <ns> read_ns <ns> accessed <n> hot <n> hot_accessed <n>
 *
 * counts in pages; "hot" counts the present pages inside the --hot ranges.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PM_PRESENT 0x8000000000000000ULL
#define PM_PFN_MASK 0x007fffffffffffffULL
#define CHUNK 4096
#define MAX_HOT 1024

struct frames {
	unsigned long *vaddr;
	unsigned long long *pfn;
	size_t nr, cap;
};

static const char usage[] =
"usage: bench-idle --pid PID [--passes N] [--interval-ms MS]\n"
"                  [--hot START-END]...\n";

static unsigned long hot_start[MAX_HOT], hot_end[MAX_HOT];
static int nr_hot;

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "bench-idle: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void add_frame(struct frames *f, unsigned long va, unsigned long long pfn)
{
	if (f->nr == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 65536;
		f->vaddr = realloc(f->vaddr, f->cap * sizeof(*f->vaddr));
		f->pfn = realloc(f->pfn, f->cap * sizeof(*f->pfn));
		if (!f->vaddr || !f->pfn)
			fail("realloc");
	}
	f->vaddr[f->nr] = va;
	f->pfn[f->nr] = pfn;
	f->nr++;
}

/* The frames of every present page of the process. */
static void collect(int pid, struct frames *f, unsigned long page)
{
	static unsigned long long ent[CHUNK];
	unsigned long start, end, va;
	char path[64], line[512];
	ssize_t got;
	FILE *maps;
	int pm;
	long i;

	f->nr = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	if (!maps)
		fail(path);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pm = open(path, O_RDONLY);
	if (pm < 0)
		fail(path);
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		for (va = start; va < end; va += CHUNK * page) {
			size_t n = (end - va) / page;

			if (n > CHUNK)
				n = CHUNK;
			got = pread(pm, ent, n * sizeof(ent[0]),
				    (off_t)(va / page * sizeof(ent[0])));
			if (got <= 0)
				break;
			for (i = 0; i < got / (long)sizeof(ent[0]); i++) {
				if (!(ent[i] & PM_PRESENT))
					continue;
				if (!(ent[i] & PM_PFN_MASK))
					continue;
				add_frame(f, va + i * page,
					  ent[i] & PM_PFN_MASK);
			}
		}
	}
	close(pm);
	fclose(maps);
}

/*
 * The bitmap's 64-bit words from "first" on, "nr" of them; only runs of
 * words that hold a frame of ours are read or written.  The kernel stops
 * short at the end of memory: the words past it stay as they were.
 */
static void bitmap_io(int fd, unsigned long long *words,
		      unsigned long long first, size_t nr, int write_it)
{
	size_t i = 0, j;
	ssize_t done;

	while (i < nr) {
		if (!words[i]) {
			i++;
			continue;
		}
		for (j = i; j < nr && words[j]; j++)
			;
		if (write_it)
			done = pwrite(fd, words + i, (j - i) * 8,
				      (off_t)((first + i) * 8));
		else
			done = pread(fd, words + i, (j - i) * 8,
				     (off_t)((first + i) * 8));
		if (done < 0 && errno != ENXIO)
			fail("page_idle bitmap");
		if (done <= 0 || done % 8)
			return;
		i += done / 8;
	}
}

static int is_hot(unsigned long va)
{
	int i;

	for (i = 0; i < nr_hot; i++)
		if (va >= hot_start[i] && va < hot_end[i])
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "passes", required_argument, NULL, 'n' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "hot", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long long lo, hi, *mask, *bits;
	long long t0, t1, t2, t3;
	int pid = 0, passes = 3, interval_ms = 100, fd, pass, c;
	size_t nw, k, accessed, hot, hot_accessed;
	struct frames f = { 0 };
	struct timespec gap;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pid = atoi(optarg);
			break;
		case 'n':
			passes = atoi(optarg);
			break;
		case 'i':
			interval_ms = atoi(optarg);
			break;
		case 'H':
			if (nr_hot == MAX_HOT ||
			    sscanf(optarg, "%lx-%lx", &hot_start[nr_hot],
				   &hot_end[nr_hot]) != 2) {
				fprintf(stderr, "bench-idle: bad --hot '%s'\n",
					optarg);
				return 2;
			}
			nr_hot++;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (pid <= 0 || passes <= 0 || interval_ms < 0) {
		fputs(usage, stderr);
		return 2;
	}
	fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	if (fd < 0)
		fail("/sys/kernel/mm/page_idle/bitmap");
	gap.tv_sec = interval_ms / 1000;
	gap.tv_nsec = (interval_ms % 1000) * 1000000L;

	for (pass = 1; pass <= passes; pass++) {
		t0 = cpu_ns();
		collect(pid, &f, page);
		if (!f.nr) {
			fprintf(stderr, "bench-idle: no present page in %d\n",
				pid);
			return 1;
		}
		lo = f.pfn[0];
		hi = lo;
		for (k = 1; k < f.nr; k++) {
			if (f.pfn[k] < lo)
				lo = f.pfn[k];
			if (f.pfn[k] > hi)
				hi = f.pfn[k];
		}
		lo /= 64;
		nw = hi / 64 - lo + 1;
		mask = calloc(nw, 8);
		bits = malloc(nw * 8);
		if (!mask || !bits)
			fail("calloc");
		for (k = 0; k < f.nr; k++)
			mask[f.pfn[k] / 64 - lo] |= 1ULL << (f.pfn[k] % 64);
		bitmap_io(fd, mask, lo, nw, 1);
		t1 = cpu_ns();

		nanosleep(&gap, NULL);

		t2 = cpu_ns();
		memcpy(bits, mask, nw * 8);
		bitmap_io(fd, bits, lo, nw, 0);
		accessed = 0;
		hot = 0;
		hot_accessed = 0;
		for (k = 0; k < f.nr; k++) {
			int busy = !(bits[f.pfn[k] / 64 - lo] &
				     (1ULL << (f.pfn[k] % 64)));
			int h = is_hot(f.vaddr[k]);

			accessed += busy;
			hot += h;
			hot_accessed += busy && h;
		}
		t3 = cpu_ns();
		printf("pass %d pages %zu mark_ns %lld read_ns %lld",
		       pass, f.nr, t1 - t0, t3 - t2);
		printf(" accessed %zu hot %zu hot_accessed %zu\n",
		       accessed, hot, hot_accessed);
		fflush(stdout);
		free(mask);
		free(bits);
	}
	close(fd);
	return 0;
}
