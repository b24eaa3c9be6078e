// SPDX-License-Identifier: GPL-2.0
/*
 * access_workload - a process with a known hot range, for DAMON to find.
 *
 * Usage: access_workload [SIZE_MIB [HOT_OFFSET_MIB [HOT_SIZE_MIB [SECONDS [hugetlb]]]]]
 *        defaults:          256       128              16          60
 *
 * Maps an anonymous buffer of SIZE_MIB, writes every page of it once, then
 * prints one line
 *
 *	buffer <start>-<end> hot <start>-<end>
 *
 * (hexadecimal addresses, ends exclusive) and, for SECONDS, keeps writing
 * one byte in every page of the hot range.  The rest of the buffer is not
 * touched again.  The line is printed only once the buffer is populated,
 * so a test can wait for it before it starts monitoring.  With "hugetlb",
 * the buffer is made of hugetlb pages of the default size (MAP_HUGETLB).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "damon_util.h"

#define MIB (1024UL * 1024)

/* The stores are the workload: keep the compiler from dropping them. */
static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

static unsigned long arg_or(int argc, char *argv[], int i, unsigned long def)
{
	char *end;
	unsigned long val;

	if (argc <= i)
		return def;
	val = strtoul(argv[i], &end, 0);
	if (*argv[i] == '\0' || *end != '\0') {
		fprintf(stderr, "access_workload: bad number '%s'\n", argv[i]);
		exit(2);
	}
	return val;
}

int main(int argc, char *argv[])
{
	unsigned long size = arg_or(argc, argv, 1, 256) * MIB;
	unsigned long hot_off = arg_or(argc, argv, 2, 128) * MIB;
	unsigned long hot_size = arg_or(argc, argv, 3, 16) * MIB;
	unsigned long seconds = arg_or(argc, argv, 4, 60);
	int hugetlb = argc > 5 && !strcmp(argv[5], "hugetlb");
	unsigned long page = sysconf(_SC_PAGESIZE);
	char *buf, *hot;
	unsigned long off;
	double deadline;

	if (!size || !hot_size || hot_off + hot_size > size || hot_off + hot_size < hot_off) {
		fprintf(stderr, "access_workload: hot range must lie in the buffer\n");
		return 2;
	}
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | (hugetlb ? MAP_HUGETLB : 0),
		   -1, 0);
	if (buf == MAP_FAILED) {
		perror("access_workload: mmap");
		return 1;
	}
	for (off = 0; off < size; off += page)
		buf[off] = 1;
	barrier();

	hot = buf + hot_off;
	printf("buffer 0x%lx-0x%lx hot 0x%lx-0x%lx\n",
	       (unsigned long)buf, (unsigned long)buf + size,
	       (unsigned long)hot, (unsigned long)hot + hot_size);
	fflush(stdout);

	deadline = now() + seconds;
	while (now() < deadline) {
		for (off = 0; off < hot_size; off += page)
			hot[off]++;
		barrier();
	}
	return 0;
}
