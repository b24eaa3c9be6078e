// SPDX-License-Identifier: GPL-2.0
/*
 * page_idle_workload - pages marked idle through idle page tracking, some of
 * them accessed afterwards, for DAMON to sample in between.
 *
 * Usage: page_idle_workload [--thp] NR_UNITS HOT_OFFSET HOT_UNITS
 *
 * A unit is a base page, or with --thp a PMD-sized transparent huge page,
 * which idle page tracking knows by its head page only (page_idle.c ignores
 * tail pages).  Run as root, for the PFNs of /proc/self/pagemap.
 *
 * 1. Maps NR_UNITS units (with THP disabled for the process by
 *    PR_SET_THP_DISABLE; or aligned, with MADV_HUGEPAGE where madvise()
 *    exists), writes every page once and drains this CPU's LRU batch, so
 *    that every unit is on an LRU list, which idle page tracking requires.
 * 2. Marks every unit idle through /sys/kernel/mm/page_idle/bitmap and
 *    checks that each reads back idle.  Prints
 *
 *	ready <start>-<end> hot <start>-<end>
 *
 *    (hexadecimal, ends exclusive) and waits for SIGUSR1.
 * 3. Writes one byte in every page of the HOT_UNITS units from unit
 *    HOT_OFFSET on, once, prints "touched" and waits for SIGUSR1 again.
 * 4. Prints
 *
 *	result hot <n> idle <n> flag <n> cold <n> idle <n> flag <n>
 *
 *    for the hot units and for the others: how many there are, how many
 *    read idle from the bitmap, and how many had PG_idle set just before
 *    (from /proc/kpageflags, which unlike the bitmap does not consume the
 *    accessed bits: a hot unit whose flag is clear had its access consumed
 *    by someone else, DAMON say, before the bitmap read).
 *
 * Lines starting with '#' explain failures.  Exit status: 0 after the
 * result, 4 if --thp could not get huge pages, 1 on any other failure,
 * including pages that moved (changed PFN) while the test ran.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define BITMAP		"/sys/kernel/mm/page_idle/bitmap"
#define PM_PFN_BITS	55
#define PM_PRESENT	63
/* include/uapi/linux/kernel-page-flags.h */
#define KPF_LRU		5
#define KPF_COMPOUND_HEAD 15
#define KPF_THP		22
#define KPF_IDLE	25
#define HPAGE_SIZE	(2UL << 20)
#define WAIT_SECONDS	300

static unsigned long page_size;
static unsigned long unit_size;
static int pagemap_fd, kpageflags_fd, bitmap_fd;

static unsigned long parse_ulong(const char *arg)
{
	char *end;
	unsigned long val = strtoul(arg, &end, 0);

	if (*arg == '\0' || *end != '\0') {
		fprintf(stderr, "page_idle_workload: bad number '%s'\n", arg);
		exit(1);
	}
	return val;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		printf("# open %s: %m\n", path);
		exit(1);
	}
	return fd;
}

static unsigned long long pread_u64(int fd, unsigned long long off, const char *what)
{
	unsigned long long val;

	if (pread(fd, &val, sizeof(val), off) != sizeof(val)) {
		printf("# read %s at %llu: %m\n", what, off);
		exit(1);
	}
	return val;
}

/* The PFN mapped at @addr, 0 if none. */
static unsigned long pfn_of(unsigned long addr)
{
	unsigned long long pme;

	pme = pread_u64(pagemap_fd, addr / page_size * 8, "pagemap");
	if (!(pme >> PM_PRESENT & 1))
		return 0;
	return pme & ((1ULL << PM_PFN_BITS) - 1);
}

static unsigned long long kpageflags(unsigned long pfn)
{
	return pread_u64(kpageflags_fd, pfn * 8ULL, "kpageflags");
}

static void mark_idle(unsigned long pfn)
{
	unsigned long long word = 1ULL << (pfn % 64);

	if (pwrite(bitmap_fd, &word, sizeof(word), pfn / 64 * 8) != sizeof(word)) {
		printf("# write %s for pfn %#lx: %m\n", BITMAP, pfn);
		exit(1);
	}
}

static int reads_idle(unsigned long pfn)
{
	return pread_u64(bitmap_fd, pfn / 64 * 8, BITMAP) >> (pfn % 64) & 1;
}

/*
 * Find the PFN of each unit of @buf.  A huge page unit must be one THP
 * folio, mapped whole; a base page unit must not be part of a THP.
 * Returns 0, or -1 after saying why.
 */
static int find_pfns(char *buf, unsigned long nr, unsigned long *pfns)
{
	unsigned long i, j, pfn, addr;
	unsigned long long flags;

	for (i = 0; i < nr; i++) {
		addr = (unsigned long)buf + i * unit_size;
		pfns[i] = pfn_of(addr);
		if (!pfns[i]) {
			printf("# unit %lu (%#lx) not mapped\n", i, addr);
			return -1;
		}
		flags = kpageflags(pfns[i]);
		if (unit_size == page_size) {
			if (flags >> KPF_THP & 1) {
				printf("# unit %lu is part of a THP despite PR_SET_THP_DISABLE\n",
				       i);
				return -1;
			}
			continue;
		}
		if (!(flags >> KPF_THP & 1) || !(flags >> KPF_COMPOUND_HEAD & 1)) {
			printf("# unit %lu (%#lx) is no THP head (flags %#llx)\n",
			       i, addr, (unsigned long long)flags);
			return -1;
		}
		for (j = 1; j < unit_size / page_size; j++) {
			pfn = pfn_of(addr + j * page_size);
			if (pfn != pfns[i] + j) {
				printf("# unit %lu is not one huge page: ", i);
				printf("page %lu at pfn %#lx, head at %#lx\n",
				       j, pfn, pfns[i]);
				return -1;
			}
		}
	}
	return 0;
}

/* Wait up to WAIT_SECONDS for SIGUSR1, which the caller blocked. */
static void wait_usr1(void)
{
	struct timespec timeout = { .tv_sec = WAIT_SECONDS };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigtimedwait(&set, NULL, &timeout) != SIGUSR1) {
		printf("# no SIGUSR1 within %d s: %m\n", WAIT_SECONDS);
		exit(1);
	}
}

/*
 * Put the pages this CPU faulted in on the LRU lists: munmap() drains the
 * CPU's batch of folios waiting for the LRU (lru_add_drain()).  The caller
 * stays on this CPU, so no other CPU holds any.
 */
static void drain_lru(void)
{
	char *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("# mmap: %m\n");
		exit(1);
	}
	*p = 1;
	munmap(p, page_size);
}

static void pin_to_this_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("# sched_setaffinity: %m (continuing)\n");
}

static char *map_units(unsigned long nr, int thp)
{
	unsigned long size = nr * unit_size;
	unsigned long len = size + (thp ? HPAGE_SIZE : 0);
	char *map, *buf;

	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		printf("# mmap: %m\n");
		exit(1);
	}
	buf = map;
	if (thp) {
		/* Keep only the aligned part, so that each unit is one PMD. */
		buf = (char *)(((unsigned long)map + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1));
		if (buf > map)
			munmap(map, buf - map);
		if (map + len > buf + size)
			munmap(buf + size, map + len - (buf + size));
	}
	/* Best effort: find_pfns() checks what we got. */
	if (thp)
		madvise(buf, size, MADV_HUGEPAGE);
	return buf;
}

int main(int argc, char *argv[])
{
	unsigned long nr, hot_off, hot_nr, i, off, *pfns;
	unsigned long nr_idle[2] = {}, nr_flag[2] = {}, nr_units[2] = {};
	int thp = argc > 1 && !strcmp(argv[1], "--thp");
	char *buf;
	sigset_t set;
	int hot;

	if (argc != 4 + thp) {
		fprintf(stderr, "usage: %s [--thp] NR_UNITS HOT_OFFSET HOT_UNITS\n",
			argv[0]);
		return 1;
	}
	nr = parse_ulong(argv[1 + thp]);
	hot_off = parse_ulong(argv[2 + thp]);
	hot_nr = parse_ulong(argv[3 + thp]);
	if (!nr || !hot_nr || hot_off >= nr || hot_nr > nr - hot_off) {
		fprintf(stderr, "page_idle_workload: hot units must lie in the buffer\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	unit_size = thp ? HPAGE_SIZE : page_size;
	pagemap_fd = open_or_die("/proc/self/pagemap", O_RDONLY);
	kpageflags_fd = open_or_die("/proc/kpageflags", O_RDONLY);
	bitmap_fd = open_or_die(BITMAP, O_RDWR);
	pfns = calloc(nr, sizeof(*pfns));
	if (!pfns)
		return 1;

	/* Block SIGUSR1 before the caller can know our PID from "ready". */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	pin_to_this_cpu();
	if (!thp)
		prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	buf = map_units(nr, thp);
	for (off = 0; off < nr * unit_size; off += page_size)
		buf[off] = 1;
	drain_lru();
	if (find_pfns(buf, nr, pfns))
		return thp ? 4 : 1;

	for (i = 0; i < nr; i++)
		mark_idle(pfns[i]);
	for (i = 0; i < nr; i++) {
		if (reads_idle(pfns[i]))
			continue;
		printf("# unit %lu (pfn %#lx, flags %#llx%s) does not read idle after marking\n",
		       i, pfns[i], (unsigned long long)kpageflags(pfns[i]),
		       kpageflags(pfns[i]) >> KPF_LRU & 1 ? "" : ", not on an LRU list");
		return 1;
	}
	if (thp) {
		/* What made an earlier attempt fail: tails are not tracked. */
		for (off = page_size; off < unit_size; off += page_size)
			nr_idle[0] += reads_idle(pfns[0] + off / page_size);
		printf("# THP: head reads idle, %lu of %lu tail pages do\n",
		       nr_idle[0], unit_size / page_size - 1);
		nr_idle[0] = 0;
	}

	printf("ready %#lx-%#lx hot %#lx-%#lx\n", (unsigned long)buf,
	       (unsigned long)buf + nr * unit_size,
	       (unsigned long)buf + hot_off * unit_size,
	       (unsigned long)buf + (hot_off + hot_nr) * unit_size);
	wait_usr1();

	for (off = hot_off * unit_size; off < (hot_off + hot_nr) * unit_size;
	     off += page_size)
		buf[off]++;
	printf("touched\n");
	wait_usr1();

	/* kpageflags first: reading the bitmap consumes accessed bits. */
	for (i = 0; i < nr; i++) {
		hot = i >= hot_off && i < hot_off + hot_nr;
		nr_units[hot]++;
		nr_flag[hot] += kpageflags(pfns[i]) >> KPF_IDLE & 1;
	}
	for (i = 0; i < nr; i++) {
		hot = i >= hot_off && i < hot_off + hot_nr;
		nr_idle[hot] += reads_idle(pfns[i]);
	}
	printf("result hot %lu idle %lu flag %lu cold %lu idle %lu flag %lu\n",
	       nr_units[1], nr_idle[1], nr_flag[1],
	       nr_units[0], nr_idle[0], nr_flag[0]);

	for (i = 0; i < nr; i++) {
		if (pfn_of((unsigned long)buf + i * unit_size) != pfns[i]) {
			printf("# unit %lu moved while the test ran: its result is void\n",
			       i);
			return 1;
		}
	}
	return 0;
}
