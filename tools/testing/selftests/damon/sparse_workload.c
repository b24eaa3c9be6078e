// SPDX-License-Identifier: GPL-2.0
/*
 * sparse_workload - a few hot pages in a huge, sparsely populated mapping,
 * for DAMON's search of cold memory to find.
 *
 * Usage: sparse_workload SIZE_GIB STRIDE_KIB NR_HOT SECONDS [SEED]
 *
 * Maps SIZE_GIB of anonymous memory without reserving it, writes one page
 * in every STRIDE_KIB, picks NR_HOT of those pages at random (SEED, default
 * 1) and prints one line
 *
 *	buffer <start>-<end> hot <start>-<end> [<start>-<end>...]
 *
 * (hexadecimal, ends exclusive, hot pages in address order) once the
 * mapping is populated.  Then, for SECONDS, it keeps writing the hot pages.
 * Sampling alone would need about SIZE / STRIDE samples to meet one of them.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "damon_util.h"

#define KIB 1024UL
#define GIB (1024UL * 1024 * 1024)
#define MAX_HOT 64

static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

static unsigned long parse_num(const char *s)
{
	unsigned long v;
	char *end;

	v = strtoul(s, &end, 0);
	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "sparse_workload: not a number: '%s'\n", s);
		exit(2);
	}
	return v;
}

static int cmp_addr(const void *a, const void *b)
{
	char *const *l = a, *const *r = b;

	return *l < *r ? -1 : *l > *r;
}

int main(int argc, char *argv[])
{
	unsigned long size, stride, nr_hot, seconds, nr_pages, off, i;
	unsigned long page = sysconf(_SC_PAGESIZE);
	static char *hot[MAX_HOT];
	double deadline;
	char *buf;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: sparse_workload SIZE_GIB STRIDE_KIB %s\n",
			"NR_HOT SECONDS [SEED]");
		return 2;
	}
	size = parse_num(argv[1]) * GIB;
	stride = parse_num(argv[2]) * KIB;
	nr_hot = parse_num(argv[3]);
	seconds = parse_num(argv[4]);
	srandom(argc > 5 ? parse_num(argv[5]) : 1);
	if (!size || stride < page || stride % page || size % stride ||
	    !nr_hot || nr_hot > MAX_HOT || nr_hot > size / stride) {
		fprintf(stderr, "sparse_workload: bad sizes\n");
		return 2;
	}

	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == MAP_FAILED) {
		perror("sparse_workload: mmap");
		return 1;
	}
	/* Small pages only: a huge page would make the whole 2 MiB hot. */
	madvise(buf, size, MADV_NOHUGEPAGE);
	for (off = 0; off < size; off += stride)
		buf[off] = 1;
	barrier();

	nr_pages = size / stride;
	for (i = 0; i < nr_hot; i++) {
		unsigned long j;
again:
		off = ((unsigned long)random() << 31 | random()) % nr_pages;
		for (j = 0; j < i; j++) {
			if (hot[j] == buf + off * stride)
				goto again;
		}
		hot[i] = buf + off * stride;
	}
	qsort(hot, nr_hot, sizeof(hot[0]), cmp_addr);

	printf("buffer 0x%lx-0x%lx hot", (unsigned long)buf,
	       (unsigned long)buf + size);
	for (i = 0; i < nr_hot; i++)
		printf(" 0x%lx-0x%lx", (unsigned long)hot[i],
		       (unsigned long)hot[i] + page);
	printf("\n");
	fflush(stdout);

	deadline = now() + seconds;
	while (now() < deadline) {
		for (i = 0; i < nr_hot; i++)
			hot[i][0]++;
		barrier();
	}
	return 0;
}
