// SPDX-License-Identifier: GPL-2.0
/*
 * pressure_workload - a hot set, a cold set and the memory pressure that
 * must evict the cold set and spare the hot one, for lru_gen_pressure.sh.
 *
 * Usage:
 *   pressure_workload work HOT_MIB WARM_MIB WARM_MS COLD_MIB
 *	Maps COLD_MIB, HOT_MIB and WARM_MIB of anonymous memory in base pages
 *	(THP disabled for the process and MADV_NOHUGEPAGE), writes one byte
 *	in every page of each once, prints
 *
 *		ready hot <start>-<end> warm <start>-<end> cold <start>-<end>
 *
 *	(hexadecimal, ends exclusive), then writes one byte in every page of
 *	the hot set, over and over, and in every page of the warm set once
 *	every WARM_MS milliseconds, until killed.  The cold set is not
 *	touched again.  On SIGUSR1 it prints "passes <hot> <warm>", how many
 *	times it went over each.
 *
 *   pressure_workload hog MIB SECONDS
 *	Maps MIB in base pages, writes one byte in every page once (the
 *	allocation that makes the system short of memory), prints
 *	"full <seconds it took>", then keeps going over the whole buffer,
 *	writing one byte a page, for SECONDS: each page of it that was
 *	swapped out comes back, so reclaim goes on while it runs.  Prints
 *	"done passes <N>" and exits.
 *
 *   pressure_workload measure PID START-END...
 *	Reads /proc/PID/pagemap (as root) and prints, on one line, for each
 *	range (hexadecimal, end exclusive) "<pages> <present> <swapped>".
 *
 * Exit status 0, or 1 after a line starting with '#' that says why.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "damon_util.h"

#define MIB		(1024UL * 1024)
#define PM_SWAPPED	62
#define PM_PRESENT	63
#define PM_BATCH	4096

static unsigned long page_size;
/* Set by SIGUSR1, read by the loop: atomics, as the loop never syscalls. */
static int report_passes;

/* The stores are the workload: keep the compiler from dropping them. */
static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

static unsigned long parse_ulong(const char *arg)
{
	char *end;
	unsigned long val = strtoul(arg, &end, 0);

	if (*arg == '\0' || *end != '\0') {
		printf("# bad number '%s'\n", arg);
		exit(1);
	}
	return val;
}

/* @mib of anonymous memory in base pages, each written once. */
static char *map_populated(unsigned long mib)
{
	unsigned long off, size = mib * MIB;
	char *buf;

	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		printf("# mmap %lu MiB: %m\n", mib);
		exit(1);
	}
	/* Best effort: PR_SET_THP_DISABLE covers kernels without madvise(). */
	madvise(buf, size, MADV_NOHUGEPAGE);
	for (off = 0; off < size; off += page_size)
		buf[off] = 1;
	return buf;
}

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_store_n(&report_passes, 1, __ATOMIC_RELAXED);
}

static void touch(char *buf, unsigned long size)
{
	unsigned long off;

	for (off = 0; off < size; off += page_size)
		buf[off]++;
	barrier();
}

static int work(unsigned long hot_mib, unsigned long warm_mib,
		unsigned long warm_ms, unsigned long cold_mib)
{
	unsigned long passes = 0, warm_passes = 0;
	double next_warm;
	char *cold, *hot, *warm;

	signal(SIGUSR1, on_usr1);
	cold = map_populated(cold_mib);
	hot = map_populated(hot_mib);
	warm = map_populated(warm_mib);
	printf("ready hot %#lx-%#lx warm %#lx-%#lx cold %#lx-%#lx\n",
	       (unsigned long)hot, (unsigned long)hot + hot_mib * MIB,
	       (unsigned long)warm, (unsigned long)warm + warm_mib * MIB,
	       (unsigned long)cold, (unsigned long)cold + cold_mib * MIB);
	next_warm = now() + warm_ms / 1000.0;
	for (;;) {
		touch(hot, hot_mib * MIB);
		passes++;
		if (now() >= next_warm) {
			touch(warm, warm_mib * MIB);
			warm_passes++;
			next_warm = now() + warm_ms / 1000.0;
		}
		if (__atomic_load_n(&report_passes, __ATOMIC_RELAXED)) {
			__atomic_store_n(&report_passes, 0, __ATOMIC_RELAXED);
			printf("passes %lu %lu\n", passes, warm_passes);
		}
	}
	return 0;
}

static int hog(unsigned long mib, unsigned long seconds)
{
	unsigned long off, passes = 0, size = mib * MIB;
	double start = now(), end;
	char *buf;

	buf = map_populated(mib);
	printf("full %.1f\n", now() - start);
	end = now() + seconds;
	while (now() < end) {
		for (off = 0; off < size && now() < end; off += 64 * page_size) {
			unsigned long i;

			for (i = off; i < off + 64 * page_size && i < size;
			     i += page_size)
				buf[i]++;
		}
		barrier();
		passes++;
	}
	printf("done passes %lu\n", passes);
	return 0;
}

/* Count the present and the swapped pages of [@start, @end). */
static void count(int fd, unsigned long start, unsigned long end,
		  unsigned long *present, unsigned long *swapped)
{
	static unsigned long long pme[PM_BATCH];
	unsigned long addr, i, n;
	ssize_t len;

	*present = 0;
	*swapped = 0;
	for (addr = start; addr < end; addr += n * page_size) {
		n = (end - addr) / page_size;
		if (n > PM_BATCH)
			n = PM_BATCH;
		len = pread(fd, pme, n * sizeof(pme[0]),
			    addr / page_size * sizeof(pme[0]));
		if (len != (ssize_t)(n * sizeof(pme[0]))) {
			printf("# read pagemap at %#lx: %m\n", addr);
			exit(1);
		}
		for (i = 0; i < n; i++) {
			*present += pme[i] >> PM_PRESENT & 1;
			*swapped += pme[i] >> PM_SWAPPED & 1;
		}
	}
}

static int measure(int nr, char *argv[])
{
	unsigned long start, end, present, swapped;
	char path[64], *dash;
	int i, fd;

	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[0]);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("# open %s: %m\n", path);
		return 1;
	}
	for (i = 1; i < nr; i++) {
		dash = strchr(argv[i], '-');
		if (!dash) {
			printf("# bad range '%s'\n", argv[i]);
			return 1;
		}
		*dash = '\0';
		start = parse_ulong(argv[i]);
		end = parse_ulong(dash + 1);
		count(fd, start, end, &present, &swapped);
		printf("%s%lu %lu %lu", i > 1 ? " " : "",
		       (end - start) / page_size, present, swapped);
	}
	printf("\n");
	close(fd);
	return 0;
}

int main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	if (argc == 6 && !strcmp(argv[1], "work")) {
		prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		return work(parse_ulong(argv[2]), parse_ulong(argv[3]),
			    parse_ulong(argv[4]), parse_ulong(argv[5]));
	}
	if (argc == 4 && !strcmp(argv[1], "hog")) {
		prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		return hog(parse_ulong(argv[2]), parse_ulong(argv[3]));
	}
	if (argc >= 4 && !strcmp(argv[1], "measure"))
		return measure(argc - 2, argv + 2);
	fprintf(stderr, "usage: %s work HOT_MIB WARM_MIB WARM_MS COLD_MIB\n",
		argv[0]);
	fprintf(stderr, "       %s hog MIB SECONDS\n", argv[0]);
	fprintf(stderr, "       %s measure PID START-END...\n", argv[0]);
	return 1;
}
