// SPDX-License-Identifier: GPL-2.0
/*
 * Writes synthetic inputs of known content for the damon-report tests.
 *
 *   gen fixtures DIR              every small fixture, good and bad, in DIR
 *   gen big FILE MB NR_REGIONS    a record of about MB MiB, NR_REGIONS per
 *                                 snapshot over three areas, a moving hot spot
 *   gen demo FILE                 a record shaped like one of make demo
 *
 * Record format version 2, little-endian, no padding: "damon_recfmt_ver",
 * u32 version; then snapshots: u64 sec, u64 nsec, u32 nr_targets, and per
 * target u64 id, u32 nr_regions, then per region u64 start, u64 end,
 * u32 nr_accesses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *src, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("gen");
			exit(1);
		}
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v, v >> 8, v >> 16, v >> 24 };

	put(b, x, 4);
}

static void u64(struct buf *b, uint64_t v)
{
	u32(b, (uint32_t)v);
	u32(b, (uint32_t)(v >> 32));
}

static void header(struct buf *b, uint32_t version)
{
	put(b, "damon_recfmt_ver", 16);
	u32(b, version);
}

static void snap(struct buf *b, uint64_t ns, uint32_t nr_targets)
{
	u64(b, ns / 1000000000);
	u64(b, ns % 1000000000);
	u32(b, nr_targets);
}

static void target(struct buf *b, uint64_t id, uint32_t nr_regions)
{
	u64(b, id);
	u32(b, nr_regions);
}

static void region(struct buf *b, uint64_t s, uint64_t e, uint32_t n)
{
	u64(b, s);
	u64(b, e);
	u32(b, n);
}

static void save(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* "basic": three snapshots, two targets in the last (see the tests) */
struct ev {
	uint64_t ns, id;
	uint32_t nr_regions;
	uint64_t s, e;
	uint32_t n;
};

static const struct ev basic[] = {
	{ 100000000000ULL, 4242, 3, 0x400000, 0x401000, 5 },
	{ 100000000000ULL, 4242, 3, 0x401000, 0x403000, 0 },
	{ 100000000000ULL, 4242, 3, 0x7ffff000, 0x80000000, 20 },
	{ 100100000000ULL, 4242, 3, 0x400000, 0x402000, 3 },
	{ 100100000000ULL, 4242, 3, 0x402000, 0x403000, 0 },
	{ 100100000000ULL, 4242, 3, 0x7ffff000, 0x80000000, 20 },
	{ 100200000000ULL, 4242, 2, 0x400000, 0x403000, 1 },
	{ 100200000000ULL, 4242, 2, 0x7ffff000, 0x80000000, 19 },
	{ 100200000000ULL, 77, 1, 0x10000, 0x20000, 2 },
};

static void basic_record(struct buf *b)
{
	header(b, 2);
	snap(b, basic[0].ns, 1);
	target(b, 4242, 3);
	for (int i = 0; i < 3; i++)
		region(b, basic[i].s, basic[i].e, basic[i].n);
	snap(b, basic[3].ns, 1);
	target(b, 4242, 3);
	for (int i = 3; i < 6; i++)
		region(b, basic[i].s, basic[i].e, basic[i].n);
	snap(b, basic[6].ns, 2);
	target(b, 4242, 2);
	for (int i = 6; i < 8; i++)
		region(b, basic[i].s, basic[i].e, basic[i].n);
	target(b, 77, 1);
	region(b, basic[8].s, basic[8].e, basic[8].n);
}

/* perf script lines; the prefix varies as it does between perf versions */
static void perf_line(struct buf *b, const struct ev *v, int style, uint64_t extra_ns)
{
	char line[512];
	uint64_t ns = v->ns + extra_ns;
	int n;

	if (style == 0)
		n = snprintf(line, sizeof(line), "       kdamond.0   123 [001] %6llu.%06llu: ",
			     (unsigned long long)(ns / 1000000000),
			     (unsigned long long)(ns % 1000000000 / 1000));
	else
		n = snprintf(line, sizeof(line), "kdamond.0 123 %llu.%09llu: ",
			     (unsigned long long)(ns / 1000000000),
			     (unsigned long long)(ns % 1000000000));
	n += snprintf(line + n, sizeof(line) - n,
		      "damon:damon_aggregated: target_id=%llu nr_regions=%u %llu-%llu: %u\n",
		      (unsigned long long)v->id, v->nr_regions,
		      (unsigned long long)v->s, (unsigned long long)v->e, v->n);
	put(b, line, (size_t)n);
}

static void basic_perf(struct buf *b, size_t drop_last)
{
	size_t i, n = sizeof(basic) / sizeof(basic[0]) - drop_last;

	for (i = 0; i < n; i++)
		perf_line(b, &basic[i], i % 2, i % 3 * 1000);	/* 1 us apart */
}

/* wss: snapshot i (1..100) has i accessed pages out of 100, shuffled */
static void wss_record(struct buf *b)
{
	uint32_t order[100];
	uint64_t base = 0x10000000;
	int i;

	for (i = 0; i < 100; i++)
		order[i] = (uint32_t)(i * 37 % 100) + 1;	/* a permutation of 1..100 */
	header(b, 2);
	for (i = 0; i < 100; i++) {
		uint32_t k = order[i];

		snap(b, 1000000000ULL + (uint64_t)i * 100000000, 1);
		target(b, 1, k < 100 ? 2 : 1);
		region(b, base, base + k * 4096ULL, 5);
		if (k < 100)
			region(b, base + k * 4096ULL, base + 100 * 4096ULL, 0);
	}
}

/*
 * A process-like layout: heap, mmap area, stack, with huge gaps.  Ten
 * regions per area.  In the mmap area, region 3 is hot (20) in snapshots
 * 0..29, region 6 in 30..49; the stack is warm (8) all along; the rest is
 * idle but for heap region 0 (1).
 */
#define HEAP	0x555555554000ULL
#define HEAP_SZ	(16ULL << 20)
#define MMAP	0x7f0000000000ULL
#define MMAP_SZ	(64ULL << 20)
#define STACK	0x7ffffffde000ULL
#define STACK_SZ (132ULL << 10)

static void area(struct buf *b, uint64_t base, uint64_t size, int nr,
		 int hot, uint32_t hot_n, uint32_t rest)
{
	uint64_t step = size / nr / 4096 * 4096;

	if (step == 0)
		step = size / nr ? size / nr : 1;

	for (int i = 0; i < nr; i++)
		region(b, base + step * i,
		       i == nr - 1 ? base + size : base + step * (i + 1),
		       i == hot ? hot_n : rest);
}

static void heat_record(struct buf *b)
{
	header(b, 2);
	for (int i = 0; i < 50; i++) {
		snap(b, 5000000000ULL + (uint64_t)i * 100000000, 1);
		target(b, 999, 30);
		area(b, HEAP, HEAP_SZ, 10, 0, 1, 0);
		area(b, MMAP, MMAP_SZ, 10, i < 30 ? 3 : 6, 20, 0);
		area(b, STACK, STACK_SZ, 10, -1, 0, 8);
	}
}

/*
 * Three targets: 100 like heat_record but 40 snapshots; 200 from the
 * 10th snapshot on, 256 MiB with a hot quarter moving down; 300 thirty
 * areas of 1 MiB 1 GiB apart (thirty panels), area i % 30 hot (12).
 */
static void multi_record(struct buf *b)
{
	header(b, 2);
	for (int i = 0; i < 40; i++) {
		snap(b, 2000000000ULL + (uint64_t)i * 100000000, i < 10 ? 2 : 3);
		target(b, 100, 30);
		area(b, HEAP, HEAP_SZ, 10, 0, 1, 0);
		area(b, MMAP, MMAP_SZ, 10, i < 20 ? 2 : 7, 20, 0);
		area(b, STACK, STACK_SZ, 10, -1, 0, 8);
		if (i >= 10) {
			target(b, 200, 4);
			area(b, 0x10000000ULL, 256ULL << 20, 4, (i - 10) / 8 % 4, 16, 2);
		}
		target(b, 300, 30);
		for (int k = 0; k < 30; k++)
			region(b, 0x100000000ULL + ((uint64_t)k << 30),
			       0x100000000ULL + ((uint64_t)k << 30) + (1 << 20),
			       k == i % 30 ? 12 : 0);
	}
}

static int fixtures(const char *dir)
{
	struct buf b = { 0 }, t = { 0 };
	const char *s;

	basic_record(&b);
	save(dir, "basic.rec", b.p, b.len);
	/* two runs: the same again after a second header */
	save(dir, "tworuns.rec", b.p, b.len);
	{
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/tworuns.rec", dir);
		f = fopen(path, "ab");
		if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f))
			return 1;
	}
	save(dir, "trunc.rec", b.p, 100);	/* inside the first snapshot */
	save(dir, "trunc-tail.rec", b.p, b.len - 1);
	save(dir, "headeronly.rec", b.p, 20);
	save(dir, "empty.rec", "", 0);

	memcpy(&t, &b, sizeof(t));
	t.p = malloc(b.len);
	memcpy(t.p, b.p, b.len);
	t.p[15] = 'X';
	save(dir, "badmagic.rec", t.p, t.len);
	memcpy(t.p, b.p, b.len);
	t.p[16] = 1;
	save(dir, "badver.rec", t.p, t.len);
	memcpy(t.p, b.p, b.len);
	t.p[20 + 20 + 8] = 0x40;	/* nr_regions of the first target: 0x40 | 3 << 0 */
	t.p[20 + 20 + 8 + 2] = 0x0f;	/* ... about a million */
	save(dir, "absurd-regions.rec", t.p, t.len);
	memcpy(t.p, b.p, b.len);
	memset(t.p + 20 + 16, 0xff, 4);	/* nr_targets 4294967295 */
	save(dir, "absurd-targets.rec", t.p, t.len);
	memcpy(t.p, b.p, b.len);
	memcpy(t.p + 72 + 8, t.p + 72, 8);	/* region 2: end = start */
	save(dir, "startend.rec", t.p, t.len);
	memcpy(t.p, b.p, b.len);
	memcpy(t.p + 72, t.p + 52, 8);	/* region 2 starts where region 1 does */
	save(dir, "overlap.rec", t.p, t.len);
	memcpy(t.p, b.p, b.len);
	memset(t.p + 20 + 8, 0xff, 8);	/* tv_nsec out of range */
	save(dir, "badtime.rec", t.p, t.len);
	free(t.p);

	b.len = 0;
	basic_perf(&b, 0);
	save(dir, "basic.perf", b.p, b.len);
	b.len = 0;
	basic_perf(&b, 4);	/* 4242 of the 2nd snapshot: 2 of 3 */
	save(dir, "trunc.perf", b.p, b.len);
	b.len = 0;
	basic_perf(&b, 7);
	s = "     swapper     0 [000]   100.000500: sched:sched_switch: prev_comm=swapper\n";
	put(&b, s, strlen(s));
	basic_perf(&b, 0);
	save(dir, "other-event.perf", b.p, b.len);
	b.len = 0;
	s = "kdamond.0 123 100.000000: damon:damon_aggregated: target_id=1 nr_regions=1 8192-4096: 1\n";
	put(&b, s, strlen(s));
	save(dir, "startend.perf", b.p, b.len);
	b.len = 0;
	s = "kdamond.0 123 damon:damon_aggregated: target_id=1 nr_regions=1 4096-8192: 1\n";
	put(&b, s, strlen(s));
	save(dir, "notime.perf", b.p, b.len);

	b.len = 0;
	wss_record(&b);
	save(dir, "wss.rec", b.p, b.len);
	b.len = 0;
	heat_record(&b);
	save(dir, "heat.rec", b.p, b.len);
	b.len = 0;
	multi_record(&b);
	save(dir, "multi.rec", b.p, b.len);
	free(b.p);
	return 0;
}

/* About MB MiB of snapshots of nr regions over the three areas. */
static int big(const char *path, unsigned long mb, unsigned int nr)
{
	uint64_t want = (uint64_t)mb << 20, ns = 1000000000ULL;
	struct buf b = { 0 };
	FILE *f = fopen(path, "wb");
	uint64_t written = 0;
	unsigned int per = nr / 3 ? nr / 3 : 1, i = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	header(&b, 2);
	while (written + b.len < want) {
		snap(&b, ns, 1);
		target(&b, 4242, 3 * per);
		area(&b, HEAP, HEAP_SZ, (int)per, -1, 0, i % 3 == 0);
		area(&b, MMAP, MMAP_SZ, (int)per, (int)(i / 10 % per), 20, 1 + i % 2);
		area(&b, STACK, STACK_SZ, (int)per, -1, 0, 8);
		ns += 100000000;
		i++;
		if (b.len > (8u << 20)) {
			if (fwrite(b.p, 1, b.len, f) != b.len)
				return 1;
			written += b.len;
			b.len = 0;
		}
	}
	if (fwrite(b.p, 1, b.len, f) != b.len || fclose(f))
		return 1;
	printf("%s: %llu bytes, %u snapshots of %u regions\n", path,
	       (unsigned long long)(written + b.len), i, 3 * per);
	free(b.p);
	return 0;
}

/*
 * A record shaped like one of "make demo", for pictures of the documents:
 * 26 s of damon-demo-workload's defaults (512 MiB populated, 2 s cold, a
 * 32 MiB hot spot at four places for 4 s each, then two for 8 s), with a
 * heap and a stack beside it.  For a second after each move the regions
 * have not adapted yet: the spot is a wider, cooler region.
 */
static int demo(const char *path)
{
	const uint64_t buf = 0x7f3a40000000ULL, mib = 1ULL << 20;
	const uint64_t heap = 0x55d1c3a6b000ULL, stack = 0x7ffd5e0c2000ULL;
	struct buf b = { 0 };
	uint64_t rs[64], re[64];
	uint32_t rn[64], seed = 1;
	int i, nr;

	header(&b, 2);
	for (i = 0; i < 262; i++) {
		double t = i / 10.0;
		uint64_t spot[2] = { 0, 0 }, cut = 0;
		uint32_t cold = t < 0.3 ? 20 : 0;
		int nr_spots = 0, k, j, settling = 0;

		if (t >= 2.3 && t < 18.3) {
			k = (int)((t - 2.3) / 4);
			spot[nr_spots++] = (uint64_t)(64 + 128 * k - 16) * mib;
			settling = t - 2.3 - 4 * k < 1;
		} else if (t >= 18.3) {
			spot[nr_spots++] = (128 - 16) * mib;
			spot[nr_spots++] = (384 - 16) * mib;
			settling = t < 19.3;
		}
		nr = 0;
#define R(s_, e_, n_) do { rs[nr] = (s_); re[nr] = (e_); rn[nr++] = (n_); } while (0)
		R(heap, heap + 4 * mib, i < 3 ? 20 : 1);
		R(heap + 4 * mib, heap + 9 * mib, 0);
		/* the buffer in 32 MiB regions, the spots cut out of them */
		for (k = 0; k < 16; k++) {
			uint64_t e0 = (uint64_t)(k + 1) * 32 * mib;

			for (j = 0; j < nr_spots; j++) {
				uint64_t lo = spot[j] - (settling ? 8 * mib : 0);
				uint64_t hi = spot[j] + 32 * mib + (settling ? 8 * mib : 0);

				if (lo >= cut && lo < e0) {
					seed = seed * 1103515245 + 12345;
					if (lo > cut)
						R(buf + cut, buf + lo, cold);
					R(buf + lo, buf + hi, settling ? 13 :
					  18 + (seed >> 16) % 3);
					cut = hi;
				}
			}
			if (cut < e0) {
				R(buf + cut, buf + e0, cold);
				cut = e0;
			}
		}
		seed = seed * 1103515245 + 12345;
		R(stack, stack + (132 << 10), 3 + (seed >> 16) % 4);
#undef R
		snap(&b, 7300000000000ULL + (uint64_t)i * 100000000, 1);
		target(&b, 4217, (uint32_t)nr);
		for (j = 0; j < nr; j++)
			region(&b, rs[j], re[j], rn[j]);
	}
	{
		FILE *f = fopen(path, "wb");

		if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	free(b.p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "fixtures"))
		return fixtures(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "demo"))
		return demo(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "big"))
		return big(argv[2], strtoul(argv[3], NULL, 10),
			   (unsigned int)strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: gen fixtures DIR | gen big FILE MB NR_REGIONS | gen demo FILE\n");
	return 2;
}
