// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect_workload - keep the mmap_lock of its own address space held for
 * writing most of the time, as a process stuck in a slow mapping change
 * would.
 *
 * Usage: mprotect_workload SIZE_MIB SECONDS
 *
 * Maps and writes SIZE_MIB of anonymous memory (small pages), then for
 * SECONDS flips the protection of the whole buffer between read-only and
 * read-write: each mprotect() changes every PTE of the buffer under the
 * mmap_lock held for writing.  Prints, once populated,
 *
 *	buffer <start>-<end>
 *
 * then the time the first three calls took, the lock held for writing all
 * along,
 *
 *	mprotect <ms> ms
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "damon_util.h"

#define MIB (1024UL * 1024)

int main(int argc, char *argv[])
{
	double end, t0, t1;
	unsigned long size, calls = 0;
	int prot = PROT_READ;
	char *buf;

	if (argc != 3) {
		fprintf(stderr, "usage: mprotect_workload SIZE_MIB SECONDS\n");
		return 2;
	}
	size = strtoul(argv[1], NULL, 0) * MIB;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!size || buf == MAP_FAILED) {
		perror("mprotect_workload: mmap");
		return 1;
	}
	madvise(buf, size, MADV_NOHUGEPAGE);
	memset(buf, 1, size);
	printf("buffer %p-%p\n", buf, buf + size);
	fflush(stdout);

	t0 = now();
	end = t0 + strtod(argv[2], NULL);
	for (; t0 < end; t0 = t1) {
		if (mprotect(buf, size, prot)) {
			perror("mprotect_workload: mprotect");
			return 1;
		}
		t1 = now();
		if (calls++ < 3) {
			printf("mprotect %.0f ms\n", (t1 - t0) * 1000);
			fflush(stdout);
		}
		prot ^= PROT_WRITE;
	}
	return 0;
}
