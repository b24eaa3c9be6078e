// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the DAMON region algebra (mm/damon/regions.c).
 *
 * DAMON_MIN_REGION is PAGE_SIZE here as in production, so the examples
 * of the design are given in pages and scaled by PAGE_SIZE.
 */

#include <kunit/test.h>
#include <linux/sizes.h>

#include "../internal.h"

#define P(n)	((unsigned long)(n) * PAGE_SIZE)

#define DAMON_TEST_MAX_REGIONS	10

/* A list of ranges, in pages. */
struct damon_test_ranges {
	unsigned int nr;
	unsigned long r[DAMON_TEST_MAX_REGIONS][2];
};

KUNIT_DEFINE_ACTION_WRAPPER(damon_test_destroy_target_action,
			    damon_destroy_target, struct damon_target *);
KUNIT_DEFINE_ACTION_WRAPPER(damon_test_destroy_ctx_action,
			    damon_destroy_ctx, struct damon_ctx *);

static struct damon_target *damon_test_new_target(struct kunit *test)
{
	struct damon_target *t = damon_new_target(1);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, t);
	err = kunit_add_action_or_reset(test, damon_test_destroy_target_action,
					t);
	KUNIT_ASSERT_EQ(test, err, 0);
	return t;
}

static struct damon_region *damon_test_add_region(struct kunit *test,
						  struct damon_target *t,
						  unsigned long start,
						  unsigned long end)
{
	struct damon_region *r = damon_new_region(start, end);

	KUNIT_ASSERT_NOT_NULL(test, r);
	damon_add_region(r, t);
	return r;
}

static void damon_test_add_ranges(struct kunit *test, struct damon_target *t,
				  const struct damon_test_ranges *ranges)
{
	unsigned int i;

	for (i = 0; i < ranges->nr; i++)
		damon_test_add_region(test, t, P(ranges->r[i][0]),
				      P(ranges->r[i][1]));
}

static void damon_test_expect_ranges(struct kunit *test,
				     struct damon_target *t,
				     const struct damon_test_ranges *expect)
{
	struct damon_region *r;
	unsigned int i = 0;

	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), expect->nr);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&t->regions_list),
			(size_t)expect->nr);
	damon_for_each_region(r, t) {
		if (i >= expect->nr)
			break;
		KUNIT_EXPECT_EQ_MSG(test, r->ar.start, P(expect->r[i][0]),
				    "region %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r->ar.end, P(expect->r[i][1]),
				    "region %u", i);
		i++;
	}
}

/*
 * The invariants every operation keeps: sorted, not overlapping, aligned,
 * no region below DAMON_MIN_REGION, and an exact count.
 */
static void damon_test_expect_sane(struct kunit *test, struct damon_target *t)
{
	struct damon_region *r;
	unsigned long last_end = 0;
	unsigned int nr = 0;

	damon_for_each_region(r, t) {
		KUNIT_EXPECT_GE(test, r->ar.start, last_end);
		KUNIT_EXPECT_GE(test, damon_sz_region(r),
				(unsigned long)DAMON_MIN_REGION);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(r->ar.start,
						   DAMON_MIN_REGION));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(r->ar.end,
						   DAMON_MIN_REGION));
		last_end = r->ar.end;
		nr++;
	}
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), nr);
}

static void damon_rand_small_range(struct kunit *test)
{
	bool seen[10] = {};
	unsigned long v;
	int i;

	for (i = 0; i < 1000; i++) {
		v = damon_rand(100, 110);
		KUNIT_ASSERT_GE(test, v, 100UL);
		KUNIT_ASSERT_LT(test, v, 110UL);
		seen[v - 100] = true;
	}
	/* Missing a value has a probability of 10 * 0.9^1000, about 2e-45. */
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE_MSG(test, seen[i], "%d never picked", 100 + i);
}

static void damon_rand_wider_than_4g(struct kunit *test)
{
	const unsigned long end = 16UL * SZ_1G;
	bool above_4g = false;
	unsigned long v;
	int i;

	if (BITS_PER_LONG < 64)
		kunit_skip(test, "needs 64-bit addresses");

	for (i = 0; i < 1000; i++) {
		v = damon_rand(0, end);
		KUNIT_ASSERT_LT(test, v, end);
		if (v >= 4UL * SZ_1G)
			above_4g = true;
	}
	/* Three quarters of the range is above 4 GiB. */
	KUNIT_EXPECT_TRUE(test, above_4g);
}

static void damon_rand_edges(struct kunit *test)
{
	int i;

	KUNIT_EXPECT_EQ(test, damon_rand(7, 8), 7UL);
	KUNIT_EXPECT_EQ(test, damon_rand(7, 7), 7UL);
	for (i = 0; i < 100; i++) {
		KUNIT_EXPECT_GE(test, damon_rand(ULONG_MAX - 3, ULONG_MAX),
				ULONG_MAX - 3);
		KUNIT_EXPECT_LT(test, damon_rand(ULONG_MAX - 3, ULONG_MAX),
				ULONG_MAX);
	}
}

static void damon_split_region_at_quarter(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *r = damon_test_add_region(test, t, 0, P(100));
	struct damon_region *right;
	const struct damon_test_ranges expect = {
		2, { { 0, 25 }, { 25, 100 } }
	};

	r->nr_accesses = 7;
	r->sampling_addr = P(60);
	r->age = 5;
	KUNIT_ASSERT_EQ(test, damon_split_region_at(t, r, P(25)), 0);
	damon_test_expect_ranges(test, t, &expect);

	/* Both pieces keep the count and the armed address. */
	right = damon_next_region(r);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 7U);
	KUNIT_EXPECT_EQ(test, right->nr_accesses, 7U);
	KUNIT_EXPECT_EQ(test, r->sampling_addr, P(60));
	KUNIT_EXPECT_EQ(test, right->sampling_addr, P(60));
	/* And the age: the frequency of the pieces has not changed. */
	KUNIT_EXPECT_EQ(test, r->age, 5U);
	KUNIT_EXPECT_EQ(test, right->age, 5U);
}

static void damon_split_region_at_bad_size(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *r = damon_test_add_region(test, t, 0, P(100));
	const struct damon_test_ranges expect = { 1, { { 0, 100 } } };

	KUNIT_EXPECT_EQ(test, damon_split_region_at(t, r, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_split_region_at(t, r, P(100)), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_split_region_at(t, r, P(200)), -EINVAL);
	damon_test_expect_ranges(test, t, &expect);
}

struct damon_split_evenly_case {
	const char *desc;
	unsigned long start, end;	/* in pages */
	unsigned int nr_pieces;
	int err;
	struct damon_test_ranges expect;
};

static const struct damon_split_evenly_case damon_split_evenly_cases[] = {
	{
		.desc = "0-100_into_10", .start = 0, .end = 100,
		.nr_pieces = 10, .err = 0,
		.expect = { 10, { { 0, 10 }, { 10, 20 }, { 20, 30 },
				  { 30, 40 }, { 40, 50 }, { 50, 60 },
				  { 60, 70 }, { 70, 80 }, { 80, 90 },
				  { 90, 100 } } },
	},
	{
		.desc = "5-59_into_5", .start = 5, .end = 59,
		.nr_pieces = 5, .err = 0,
		.expect = { 5, { { 5, 16 }, { 16, 27 }, { 27, 38 },
				 { 38, 49 }, { 49, 59 } } },
	},
	{
		.desc = "0-20_into_3", .start = 0, .end = 20,
		.nr_pieces = 3, .err = 0,
		.expect = { 3, { { 0, 7 }, { 7, 14 }, { 14, 20 } } },
	},
	{
		.desc = "0-100_into_1", .start = 0, .end = 100,
		.nr_pieces = 1, .err = 0,
		.expect = { 1, { { 0, 100 } } },
	},
	{
		.desc = "5-6_into_2", .start = 5, .end = 6,
		.nr_pieces = 2, .err = -EINVAL,
		.expect = { 1, { { 5, 6 } } },
	},
	{
		.desc = "0-100_into_0", .start = 0, .end = 100,
		.nr_pieces = 0, .err = -EINVAL,
		.expect = { 1, { { 0, 100 } } },
	},
};

KUNIT_ARRAY_PARAM_DESC(damon_split_evenly, damon_split_evenly_cases, desc);

static void damon_split_region_evenly_table(struct kunit *test)
{
	const struct damon_split_evenly_case *c = test->param_value;
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *r;

	r = damon_test_add_region(test, t, P(c->start), P(c->end));
	KUNIT_EXPECT_EQ(test, damon_split_region_evenly(t, r, c->nr_pieces),
			c->err);
	damon_test_expect_ranges(test, t, &c->expect);
}

/*
 * What does not divide evenly is spread: 1000 pages cut into 666 pieces give
 * pieces of one or two pages, none larger, in order and covering the whole.
 */
static void damon_split_region_evenly_spread(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	unsigned long sz, lo = ULONG_MAX, hi = 0, next = 0;
	struct damon_region *r;

	r = damon_test_add_region(test, t, 0, P(1000));
	KUNIT_ASSERT_EQ(test, damon_split_region_evenly(t, r, 666), 0);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 666U);
	damon_for_each_region(r, t) {
		KUNIT_EXPECT_EQ(test, r->ar.start, next);
		next = r->ar.end;
		sz = damon_sz_region(r);
		lo = min(lo, sz);
		hi = max(hi, sz);
	}
	KUNIT_EXPECT_EQ(test, next, P(1000));
	KUNIT_EXPECT_EQ(test, lo, P(1));
	KUNIT_EXPECT_EQ(test, hi, P(2));
}

static void damon_split_region_evenly_null(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);

	KUNIT_EXPECT_EQ(test, damon_split_region_evenly(t, NULL, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 0U);
}

static void damon_merge_two_regions_weighted(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *l, *r;
	const struct damon_test_ranges expect = { 1, { { 0, 300 } } };

	l = damon_test_add_region(test, t, 0, P(100));
	r = damon_test_add_region(test, t, P(100), P(300));
	l->nr_accesses = 10;
	r->nr_accesses = 20;
	l->age = 3;
	r->age = 10;

	damon_merge_two_regions(t, l, r);
	damon_test_expect_ranges(test, t, &expect);
	/* (10 * 100 + 20 * 200) / 300 = 16.67, rounded down. */
	KUNIT_EXPECT_EQ(test, l->nr_accesses, 16U);
	/* (3 * 100 + 10 * 200) / 300 = 7.67, rounded down. */
	KUNIT_EXPECT_EQ(test, l->age, 7U);
}

static void damon_merge_two_regions_hotter_left(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *l, *r;

	l = damon_test_add_region(test, t, 0, P(100));
	r = damon_test_add_region(test, t, P(100), P(300));
	l->nr_accesses = 20;
	r->nr_accesses = 10;

	damon_merge_two_regions(t, l, r);
	/* (20 * 100 + 10 * 200) / 300 = 13.33, rounded down. */
	KUNIT_EXPECT_EQ(test, l->nr_accesses, 13U);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 1U);
}

struct damon_merge_case {
	const char *desc;
	unsigned int threshold;
	unsigned long sz_limit;		/* in pages */
	struct damon_test_ranges expect;
};

/* The regions of the design's example, with their counts. */
static const struct damon_test_ranges damon_merge_input = {
	8, { { 0, 100 }, { 100, 112 }, { 114, 122 }, { 122, 130 },
	     { 130, 156 }, { 156, 170 }, { 170, 184 }, { 184, 230 } }
};

static const unsigned int damon_merge_input_counts[] = {
	0, 0, 10, 10, 20, 30, 1, 2
};

static const struct damon_merge_case damon_merge_cases[] = {
	{
		/* The gap at 112-114 and the 10/20 step stop merges. */
		.desc = "threshold_9", .threshold = 9, .sz_limit = 9999,
		.expect = { 5, { { 0, 112 }, { 114, 130 }, { 130, 156 },
				 { 156, 170 }, { 170, 230 } } },
	},
	{
		/* 0-112 would exceed the size cap. */
		.desc = "sz_limit_100", .threshold = 9, .sz_limit = 100,
		.expect = { 6, { { 0, 100 }, { 100, 112 }, { 114, 130 },
				 { 130, 156 }, { 156, 170 }, { 170, 230 } } },
	},
	{
		.desc = "threshold_0", .threshold = 0, .sz_limit = 9999,
		.expect = { 6, { { 0, 112 }, { 114, 130 }, { 130, 156 },
				 { 156, 170 }, { 170, 184 }, { 184, 230 } } },
	},
};

KUNIT_ARRAY_PARAM_DESC(damon_merge, damon_merge_cases, desc);

static void damon_merge_regions_of_table(struct kunit *test)
{
	const struct damon_merge_case *c = test->param_value;
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *r;
	unsigned int i = 0;

	damon_test_add_ranges(test, t, &damon_merge_input);
	damon_for_each_region(r, t)
		r->nr_accesses = damon_merge_input_counts[i++];

	damon_merge_regions_of(t, c->threshold, P(c->sz_limit));
	damon_test_expect_ranges(test, t, &c->expect);
}

/*
 * An aggregation makes every region one older, except those whose count
 * moved by more than the threshold since the last one: they start again at
 * 0.  Merged regions take the size-weighted mean of the ages.
 */
static void damon_merge_regions_of_age(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *a, *b, *c, *d;

	a = damon_test_add_region(test, t, 0, P(10));
	b = damon_test_add_region(test, t, P(10), P(40));
	c = damon_test_add_region(test, t, P(50), P(60));
	d = damon_test_add_region(test, t, P(70), P(80));
	a->age = 4;
	b->age = 1;
	/* Kept its frequency within the threshold of 2: one older. */
	c->last_nr_accesses = 18;
	c->nr_accesses = 20;
	c->age = 4;
	/* Moved by 3: a new age. */
	d->last_nr_accesses = 17;
	d->nr_accesses = 20;
	d->age = 9;

	damon_merge_regions_of(t, 2, P(1000));
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 3U);
	/* a (5) and b (2) merged: (5 * 10 + 2 * 30) / 40 = 2.75. */
	KUNIT_EXPECT_EQ(test, damon_sz_region(a), P(40));
	KUNIT_EXPECT_EQ(test, a->age, 2U);
	KUNIT_EXPECT_EQ(test, c->age, 5U);
	KUNIT_EXPECT_EQ(test, d->age, 0U);
	/* The next aggregation compares with this one's count. */
	KUNIT_EXPECT_EQ(test, d->last_nr_accesses, 20U);
}

/* A region with accesses never merges with one without, however close. */
static void damon_merge_regions_of_zero_and_nonzero(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *a, *b;

	a = damon_test_add_region(test, t, 0, P(10));
	b = damon_test_add_region(test, t, P(10), P(20));
	a->nr_accesses = 0;
	b->nr_accesses = 1;

	KUNIT_EXPECT_EQ(test, damon_merge_regions_of(t, 2, P(1000)), 1U);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 2U);
	KUNIT_EXPECT_EQ(test, (unsigned int)b->cold_aggrs, 0U);
}

/*
 * Two regions without accesses merge only once both have been without
 * them for DAMON_COLD_AGGRS aggregations: a region that was accessed lately
 * may hold a hot spot that its last samples missed.
 */
static void damon_merge_regions_of_cold_only(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *a, *b;
	unsigned int i;

	a = damon_test_add_region(test, t, 0, P(10));
	b = damon_test_add_region(test, t, P(10), P(20));
	b->cold_aggrs = 0;	/* accessed in the last aggregation */

	for (i = 1; i < DAMON_COLD_AGGRS; i++) {
		KUNIT_EXPECT_EQ(test, damon_merge_regions_of(t, 2, P(1000)),
				0U);
		KUNIT_EXPECT_EQ_MSG(test, damon_nr_regions(t), 2U,
				    "aggregation %u", i);
	}
	damon_merge_regions_of(t, 2, P(1000));
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 1U);
	KUNIT_EXPECT_EQ(test, (unsigned int)a->cold_aggrs, DAMON_COLD_AGGRS);
}

/* The merged region keeps the accessed address of the busier half. */
static void damon_merge_two_regions_keeps_hit(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *l, *r;

	l = damon_test_add_region(test, t, 0, P(10));
	r = damon_test_add_region(test, t, P(10), P(20));
	l->sampling_addr = P(3);
	damon_count_access(l);
	r->sampling_addr = P(15);
	damon_count_access(r);
	damon_count_access(r);

	damon_merge_two_regions(t, l, r);
	KUNIT_EXPECT_EQ(test, l->hit_addr, P(15));
}

/*
 * Zooming in on page 400 of 800 keeps 800 / (2 * DAMON_ZOOM_DIV) pages on
 * either side of it in a region of its own.
 */
static void damon_zoom_region_middle(struct kunit *test)
{
	const unsigned long side = 800 / (2 * DAMON_ZOOM_DIV);
	const struct damon_test_ranges expect = {
		3, { { 0, 400 - side }, { 400 - side, 401 + side },
		     { 401 + side, 800 } }
	};
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *r;

	r = damon_test_add_region(test, t, 0, P(800));
	r->sampling_addr = P(400) + 123;
	damon_count_access(r);

	KUNIT_EXPECT_EQ(test, damon_zoom_region(t, r), 2U);
	damon_test_expect_ranges(test, t, &expect);
	damon_for_each_region(r, t)
		KUNIT_EXPECT_EQ(test, r->nr_accesses, 1U);
}

/* At the edge of a region, zooming in makes two regions, not three. */
static void damon_zoom_region_edge(struct kunit *test)
{
	const unsigned long side = 800 / (2 * DAMON_ZOOM_DIV);
	const struct damon_test_ranges expect = {
		2, { { 0, 1 + side }, { 1 + side, 800 } }
	};
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *r;

	r = damon_test_add_region(test, t, 0, P(800));
	r->sampling_addr = 0;
	damon_count_access(r);

	KUNIT_EXPECT_EQ(test, damon_zoom_region(t, r), 1U);
	damon_test_expect_ranges(test, t, &expect);
}

/* Without an accessed address inside the region there is nothing to do. */
static void damon_zoom_region_no_hit(struct kunit *test)
{
	const struct damon_test_ranges expect = { 1, { { 100, 900 } } };
	struct damon_target *t = damon_test_new_target(test);
	struct damon_region *r;

	r = damon_test_add_region(test, t, P(100), P(900));
	KUNIT_EXPECT_EQ(test, damon_zoom_region(t, r), 0U);
	r->sampling_addr = P(50);
	damon_count_access(r);
	KUNIT_EXPECT_EQ(test, damon_zoom_region(t, r), 0U);
	damon_test_expect_ranges(test, t, &expect);
}

static struct damon_ctx *damon_test_new_ctx(struct kunit *test,
					    unsigned long min,
					    unsigned long max)
{
	struct damon_ctx *ctx = damon_new_ctx();
	int err;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	err = kunit_add_action_or_reset(test, damon_test_destroy_ctx_action,
					ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	ctx->attrs.min_nr_regions = min;
	ctx->attrs.max_nr_regions = max;
	return ctx;
}

static struct damon_target *damon_test_ctx_target(struct kunit *test,
						  struct damon_ctx *ctx,
						  unsigned long id)
{
	struct damon_target *t = damon_new_target(id);

	KUNIT_ASSERT_NOT_NULL(test, t);
	damon_add_target(ctx, t);
	return t;
}

/*
 * Cold memory is cut into pieces of one size until the context holds its
 * goal: a cold region of 1000 pages and one of 3000 become 25 and 75
 * regions of 40 pages for a goal of 100.
 */
static void damon_split_regions_cold_to_goal(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_new_ctx(test, 10, 1000);
	struct damon_target *t = damon_test_ctx_target(test, ctx, 1);
	struct damon_region *r;

	damon_test_add_region(test, t, 0, P(1000));
	damon_test_add_region(test, t, P(1000), P(4000));
	ctx->nr_regions_goal = 100;

	damon_split_regions(ctx, 0);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 100U);
	damon_test_expect_sane(test, t);
	damon_for_each_region(r, t)
		KUNIT_EXPECT_EQ(test, damon_sz_region(r), P(40));
}

/*
 * Regions that are not cold are cut whatever the goal: the one with few
 * accesses is zoomed in on (three pieces), the hot one and the one
 * accessed lately are cut in two.  The cold one waits for the goal.
 */
static void damon_split_regions_warm_first(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_new_ctx(test, 3, 1000);
	struct damon_target *t = damon_test_ctx_target(test, ctx, 1);
	struct damon_region *few, *hot, *lately;
	unsigned int i;

	few = damon_test_add_region(test, t, 0, P(800));
	hot = damon_test_add_region(test, t, P(800), P(1600));
	lately = damon_test_add_region(test, t, P(1600), P(2400));
	damon_test_add_region(test, t, P(2400), P(3200));
	few->sampling_addr = P(400);
	damon_count_access(few);
	for (i = 0; i < 20; i++) {
		hot->sampling_addr = P(900);
		damon_count_access(hot);
	}
	few->cold_aggrs = 0;
	hot->cold_aggrs = 0;
	lately->cold_aggrs = 1;
	ctx->nr_regions_goal = 3;

	damon_split_regions(ctx, 20);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 8U);
	damon_test_expect_sane(test, t);
}

/*
 * Regions that are not cold are cut in two at a random point, but one whose
 * count has held for eight aggregations or more only at every eighth of its
 * age.  Zooming in on a region with few accesses does not wait.  A count at
 * half of UINT_MAX or above is not "at most half of the hottest": the region
 * is cut in two, not zoomed in on, whatever doubling it would wrap to.
 */
static void damon_split_regions_warm_cuts(struct kunit *test)
{
	static const struct {
		unsigned int age;
		unsigned int nr_accesses;
		unsigned int max_nr_accesses;
		unsigned int nr_regions;
	} cases[] = {
		{ 0, 20, 20, 2 }, { 7, 20, 20, 2 }, { 8, 20, 20, 2 },
		{ 9, 20, 20, 1 }, { 15, 20, 20, 1 }, { 16, 20, 20, 2 },
		{ 17, 20, 20, 1 }, { 9, 5, 20, 3 }, { 0, 1U << 31, UINT_MAX, 2 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct damon_ctx *ctx = damon_test_new_ctx(test, 1, 1000);
		struct damon_target *t = damon_test_ctx_target(test, ctx, 1);
		struct damon_region *r;

		r = damon_test_add_region(test, t, 0, P(800));
		r->sampling_addr = P(400);
		damon_count_access(r);
		r->nr_accesses = cases[i].nr_accesses;
		r->cold_aggrs = 0;
		r->age = cases[i].age;
		ctx->nr_regions_goal = 1;

		damon_split_regions(ctx, cases[i].max_nr_accesses);
		KUNIT_EXPECT_EQ_MSG(test, damon_nr_regions(t),
				    cases[i].nr_regions, "age %u, count %u",
				    cases[i].age, cases[i].nr_accesses);
		damon_test_expect_sane(test, t);
	}
}

/*
 * Leads become regions of their own, before any other cut, aligned outwards
 * and clipped to the region they start in; adjacent leads join; a lead in
 * a gap is dropped; all are consumed.
 */
static void damon_cut_leads_pieces(struct kunit *test)
{
	static const struct damon_test_ranges expect = {
		8, { { 0, 10 }, { 10, 12 }, { 12, 95 }, { 95, 100 },
		     { 100, 150 }, { 150, 190 }, { 190, 200 }, { 300, 400 } }
	};
	struct damon_target *t = damon_test_new_target(test);

	damon_test_add_region(test, t, 0, P(100));
	damon_test_add_region(test, t, P(100), P(200));
	damon_test_add_region(test, t, P(300), P(400));
	/* Reported out of order, as a sweep that wrapped around would. */
	damon_report_lead(t, P(150), P(160));
	damon_report_lead(t, P(160), P(190));
	damon_report_lead(t, P(10) + 5, P(11) + 7);
	damon_report_lead(t, P(250), P(260));	/* in the gap */
	damon_report_lead(t, P(95), P(100));	/* at its region's end */
	KUNIT_EXPECT_EQ(test, t->nr_leads, 4U);

	KUNIT_EXPECT_EQ(test, damon_cut_leads(t, 100), 5U);
	KUNIT_EXPECT_EQ(test, t->nr_leads, 0U);
	damon_test_expect_ranges(test, t, &expect);
}

/* No more than the room given, and the leads are consumed anyway. */
static void damon_cut_leads_room(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	unsigned int i;

	damon_test_add_region(test, t, 0, P(1000));
	for (i = 0; i < 10; i++)
		damon_report_lead(t, P(i * 100 + 50), P(i * 100 + 51));
	KUNIT_EXPECT_EQ(test, damon_cut_leads(t, 5), 5U);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 6U);
	KUNIT_EXPECT_EQ(test, t->nr_leads, 0U);
	damon_test_expect_sane(test, t);
}

/* A target keeps DAMON_MAX_LEADS leads; more are dropped. */
static void damon_report_lead_full(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	unsigned int i;

	for (i = 0; i < DAMON_MAX_LEADS + 10; i++)
		damon_report_lead(t, P(2 * i), P(2 * i + 1));
	KUNIT_EXPECT_EQ(test, t->nr_leads, (unsigned int)DAMON_MAX_LEADS);
	damon_report_lead(t, P(2 * DAMON_MAX_LEADS - 1), P(2 * DAMON_MAX_LEADS));
	KUNIT_EXPECT_EQ(test, t->leads[DAMON_MAX_LEADS - 1].end,
			P(2 * DAMON_MAX_LEADS));
}

/*
 * With primitives that search, the regions adjustment spends no regions on
 * searching: the goal stays at min_nr_regions, discoveries or not.
 */
static void damon_regions_goal_searching(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_new_ctx(test, 10, 1000);
	struct damon_target *t = damon_test_ctx_target(test, ctx, 1);
	struct damon_region *r;

	ctx->primitive.searches = true;
	r = damon_test_add_region(test, t, 0, P(1000));
	ctx->sz_limit = P(1000);
	damon_reset_regions_goal(ctx);
	KUNIT_EXPECT_EQ(test, ctx->nr_regions_goal, 10U);
	r->sampling_addr = P(5);
	damon_count_access(r);
	damon_merge_regions(ctx, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_regions_goal, 10U);
}

/*
 * A context above max_nr_regions is merged down to it: three targets of 10,
 * 10 and 1 regions held to 12 keep their order and extent, and the target
 * with one region keeps it.
 */
static void damon_cap_regions_merges(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_new_ctx(test, 3, 12);
	struct damon_target *t[3];
	unsigned int i, j;

	for (i = 0; i < 3; i++) {
		t[i] = damon_test_ctx_target(test, ctx, i + 1);
		for (j = 0; j < (i < 2 ? 10 : 1); j++)
			damon_test_add_region(test, t[i], P(j * 10),
					      P(j * 10 + 5));
	}
	KUNIT_EXPECT_EQ(test, damon_cap_regions(ctx), 9U);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t[0]) + damon_nr_regions(t[1]) +
			damon_nr_regions(t[2]), 12U);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t[2]), 1U);
	for (i = 0; i < 2; i++) {
		damon_test_expect_sane(test, t[i]);
		KUNIT_EXPECT_EQ(test, damon_first_region(t[i])->ar.start, 0UL);
		KUNIT_EXPECT_EQ(test, damon_last_region(t[i])->ar.end, P(95));
	}
	/* At the most already: nothing to do. */
	KUNIT_EXPECT_EQ(test, damon_cap_regions(ctx), 0U);
}

/* No split takes a context above max_nr_regions. */
static void damon_split_regions_max(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_new_ctx(test, 3, 5);
	struct damon_target *t = damon_test_ctx_target(test, ctx, 1);
	struct damon_region *r;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		r = damon_test_add_region(test, t, P(i * 100), P(i * 100 + 100));
		r->cold_aggrs = 0;
		r->sampling_addr = P(i * 100 + 50);
		damon_count_access(r);
	}
	ctx->nr_regions_goal = 5;
	damon_split_regions(ctx, 20);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 5U);
	damon_test_expect_sane(test, t);
}

/*
 * The goal starts at max_nr_regions / 2, loses a sixteenth each
 * aggregation without a discovery down to min_nr_regions, and doubles on
 * a discovery.
 */
static void damon_regions_goal_adapts(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_new_ctx(test, 10, 1000);
	struct damon_target *t = damon_test_ctx_target(test, ctx, 1);
	struct damon_region *r;
	unsigned int i;

	r = damon_test_add_region(test, t, 0, P(1000));
	ctx->sz_limit = P(1000);
	damon_reset_regions_goal(ctx);
	KUNIT_EXPECT_EQ(test, ctx->nr_regions_goal, 500U);

	damon_merge_regions(ctx, 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_regions_goal, 500U - 500 / 16);
	for (i = 0; i < 200; i++)
		damon_merge_regions(ctx, 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_regions_goal, 10U);

	/* A discovery: an access in a region that was cold. */
	r->sampling_addr = P(5);
	damon_count_access(r);
	damon_merge_regions(ctx, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_regions_goal, 20U);
}

struct damon_fit_case {
	const char *desc;
	struct damon_test_ranges before;
	struct damon_test_ranges ranges;
	struct damon_test_ranges expect;
};

#define DAMON_FIT_BEFORE						\
	{ 8, { { 10, 20 }, { 20, 30 }, { 50, 55 }, { 55, 57 },		\
	       { 57, 59 }, { 70, 80 }, { 80, 90 }, { 90, 100 } } }

static const struct damon_fit_case damon_fit_cases[] = {
	{
		.desc = "stretch_and_shrink",
		.before = DAMON_FIT_BEFORE,
		.ranges = { 3, { { 5, 27 }, { 45, 55 }, { 73, 104 } } },
		.expect = { 6, { { 5, 20 }, { 20, 27 }, { 45, 55 },
				 { 73, 80 }, { 80, 90 }, { 90, 104 } } },
	},
	{
		.desc = "middle_region_kept",
		.before = DAMON_FIT_BEFORE,
		.ranges = { 3, { { 5, 27 }, { 56, 57 }, { 65, 104 } } },
		.expect = { 6, { { 5, 20 }, { 20, 27 }, { 56, 57 },
				 { 65, 80 }, { 80, 90 }, { 90, 104 } } },
	},
	{
		.desc = "middle_region_created",
		.before = DAMON_FIT_BEFORE,
		.ranges = { 3, { { 5, 27 }, { 61, 63 }, { 65, 104 } } },
		.expect = { 6, { { 5, 20 }, { 20, 27 }, { 61, 63 },
				 { 65, 80 }, { 80, 90 }, { 90, 104 } } },
	},
	{
		.desc = "all_replaced",
		.before = DAMON_FIT_BEFORE,
		.ranges = { 3, { { 5, 7 }, { 30, 32 }, { 65, 68 } } },
		.expect = { 3, { { 5, 7 }, { 30, 32 }, { 65, 68 } } },
	},
	{
		.desc = "empty_target",
		.before = { 0 },
		.ranges = { 2, { { 10, 20 }, { 30, 40 } } },
		.expect = { 2, { { 10, 20 }, { 30, 40 } } },
	},
	{
		.desc = "regions_vanish",
		.before = DAMON_FIT_BEFORE,
		.ranges = { 1, { { 70, 90 } } },
		.expect = { 2, { { 70, 80 }, { 80, 90 } } },
	},
	{
		/* A region across the gap is cut back to the first range. */
		.desc = "region_across_gap",
		.before = { 1, { { 10, 60 } } },
		.ranges = { 2, { { 10, 20 }, { 40, 60 } } },
		.expect = { 2, { { 10, 20 }, { 40, 60 } } },
	},
	{
		.desc = "no_ranges",
		.before = DAMON_FIT_BEFORE,
		.ranges = { 0 },
		.expect = { 0 },
	},
};

KUNIT_ARRAY_PARAM_DESC(damon_fit, damon_fit_cases, desc);

static void damon_fit_regions_table(struct kunit *test)
{
	const struct damon_fit_case *c = test->param_value;
	struct damon_target *t = damon_test_new_target(test);
	struct damon_addr_range ranges[DAMON_TEST_MAX_REGIONS];
	unsigned int i;

	damon_test_add_ranges(test, t, &c->before);
	for (i = 0; i < c->ranges.nr; i++) {
		ranges[i].start = P(c->ranges.r[i][0]);
		ranges[i].end = P(c->ranges.r[i][1]);
	}
	KUNIT_EXPECT_EQ(test, damon_fit_regions(t, ranges, c->ranges.nr), 0);
	damon_test_expect_ranges(test, t, &c->expect);
	damon_test_expect_sane(test, t);
}

/* Unaligned ranges are widened to DAMON_MIN_REGION boundaries. */
static void damon_fit_regions_unaligned(struct kunit *test)
{
	struct damon_target *t = damon_test_new_target(test);
	const struct damon_addr_range ranges[] = {
		{ P(5) + 10, P(27) - 10 },
		{ P(40) + 1, P(41) + 1 },
	};
	const struct damon_test_ranges expect = {
		3, { { 5, 20 }, { 20, 27 }, { 40, 42 } }
	};

	damon_test_add_region(test, t, P(10), P(20));
	damon_test_add_region(test, t, P(20), P(30));
	KUNIT_EXPECT_EQ(test, damon_fit_regions(t, ranges,
						ARRAY_SIZE(ranges)), 0);
	damon_test_expect_ranges(test, t, &expect);
}

/*
 * The adaptive adjustment keeps the number of regions of a context within
 * [min_nr_regions, max_nr_regions] whatever the counts: merges never make
 * a region larger than total / min_nr_regions, and splits never run above
 * max_nr_regions.  Two targets, 200 aggregations with random counts,
 * some of them all alike so that everything that may merge does.
 */
static void damon_adjust_regions_random_rounds(struct kunit *test)
{
	const unsigned long min = 10, max = 40;
	struct damon_ctx *ctx = damon_test_new_ctx(test, min, max);
	struct damon_target *t1 = damon_test_ctx_target(test, ctx, 1);
	struct damon_target *t2 = damon_test_ctx_target(test, ctx, 2);
	unsigned int nr, max_count;
	struct damon_target *t;
	struct damon_region *r;
	int round, err;

	/* Ten regions of 128 MiB, the size cap: nothing may merge yet. */
	damon_test_add_region(test, t1, 0, SZ_1G);
	damon_test_add_region(test, t2, SZ_2G, SZ_2G + SZ_256M);
	err = damon_split_region_evenly(t1, damon_first_region(t1), 8);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = damon_split_region_evenly(t2, damon_first_region(t2), 2);
	KUNIT_ASSERT_EQ(test, err, 0);
	ctx->sz_limit = damon_region_sz_limit(ctx);
	KUNIT_EXPECT_EQ(test, ctx->sz_limit, (unsigned long)SZ_128M);

	for (round = 0; round < 200; round++) {
		max_count = round % 5 ? 20 : 0;
		damon_for_each_target(t, ctx) {
			damon_for_each_region(r, t)
				r->nr_accesses = damon_rand(0, max_count + 1);
		}

		damon_merge_regions(ctx, max_count);
		nr = damon_nr_regions(t1) + damon_nr_regions(t2);
		KUNIT_ASSERT_GE_MSG(test, nr, min, "round %d, merged", round);

		damon_split_regions(ctx, max_count);
		damon_for_each_target(t, ctx) {
			damon_for_each_region(r, t)
				r->nr_accesses = 0;
		}
		nr = damon_nr_regions(t1) + damon_nr_regions(t2);
		KUNIT_ASSERT_GE_MSG(test, nr, min, "round %d, split", round);
		KUNIT_ASSERT_LE_MSG(test, nr, max, "round %d, split", round);

		damon_test_expect_sane(test, t1);
		damon_test_expect_sane(test, t2);
		KUNIT_ASSERT_EQ(test, damon_first_region(t1)->ar.start, 0UL);
		KUNIT_ASSERT_EQ(test, damon_last_region(t2)->ar.end,
				(unsigned long)SZ_2G + SZ_256M);
	}
}

static struct kunit_case damon_regions_test_cases[] = {
	KUNIT_CASE(damon_rand_small_range),
	KUNIT_CASE(damon_rand_wider_than_4g),
	KUNIT_CASE(damon_rand_edges),
	KUNIT_CASE(damon_split_region_at_quarter),
	KUNIT_CASE(damon_split_region_at_bad_size),
	KUNIT_CASE_PARAM(damon_split_region_evenly_table,
			 damon_split_evenly_gen_params),
	KUNIT_CASE(damon_split_region_evenly_spread),
	KUNIT_CASE(damon_split_region_evenly_null),
	KUNIT_CASE(damon_merge_two_regions_weighted),
	KUNIT_CASE(damon_merge_two_regions_hotter_left),
	KUNIT_CASE_PARAM(damon_merge_regions_of_table, damon_merge_gen_params),
	KUNIT_CASE(damon_merge_regions_of_age),
	KUNIT_CASE(damon_merge_regions_of_zero_and_nonzero),
	KUNIT_CASE(damon_merge_regions_of_cold_only),
	KUNIT_CASE(damon_merge_two_regions_keeps_hit),
	KUNIT_CASE(damon_zoom_region_middle),
	KUNIT_CASE(damon_zoom_region_edge),
	KUNIT_CASE(damon_zoom_region_no_hit),
	KUNIT_CASE(damon_split_regions_cold_to_goal),
	KUNIT_CASE(damon_split_regions_warm_cuts),
	KUNIT_CASE(damon_split_regions_warm_first),
	KUNIT_CASE(damon_split_regions_max),
	KUNIT_CASE(damon_cap_regions_merges),
	KUNIT_CASE(damon_cut_leads_pieces),
	KUNIT_CASE(damon_cut_leads_room),
	KUNIT_CASE(damon_report_lead_full),
	KUNIT_CASE(damon_regions_goal_adapts),
	KUNIT_CASE(damon_regions_goal_searching),
	KUNIT_CASE_PARAM(damon_fit_regions_table, damon_fit_gen_params),
	KUNIT_CASE(damon_fit_regions_unaligned),
	KUNIT_CASE(damon_adjust_regions_random_rounds),
	{}
};

static struct kunit_suite damon_regions_test_suite = {
	.name = "damon_regions",
	.test_cases = damon_regions_test_cases,
};

kunit_test_suite(damon_regions_test_suite);

MODULE_DESCRIPTION("KUnit tests of the DAMON region algebra");
MODULE_LICENSE("GPL");
