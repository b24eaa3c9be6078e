// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of DAMON's operation schemes (mm/damon/schemes.c): pattern
 * matching, priorities, watermarks, and what a scheme acts on under its
 * quota, with primitives that only record what they are asked to do.
 */

#include <kunit/test.h>
#include <linux/sizes.h>

#include "../internal.h"

#define P(n)	((unsigned long)(n) * PAGE_SIZE)

/* The pattern every region matches. */
static const struct damon_pattern damon_test_all = {
	.max_sz_bytes = ULONG_MAX,
	.max_nr_accesses = UINT_MAX,
	.max_age = UINT_MAX,
};

KUNIT_DEFINE_ACTION_WRAPPER(damon_test_destroy_ctx_action, damon_destroy_ctx,
			    struct damon_ctx *);
KUNIT_DEFINE_ACTION_WRAPPER(damon_test_destroy_scheme_action,
			    damon_destroy_scheme, struct damon_scheme *);

/* What the recording primitives were asked to do. */
struct damon_test_acts {
	unsigned int nr;
	struct damon_addr_range ranges[16];
	long ret;		/* what ->apply_scheme() returns, if < 0 */
};

static long damon_test_apply_scheme(struct damon_ctx *ctx,
				    struct damon_target *t,
				    unsigned long start, unsigned long end,
				    enum damon_action action)
{
	struct damon_test_acts *acts = ctx->callback.private;

	if (acts->ret < 0)
		return acts->ret;
	if (acts->nr < ARRAY_SIZE(acts->ranges))
		acts->ranges[acts->nr++] = (struct damon_addr_range){
			.start = start,
			.end = end,
		};
	return end - start;
}

/* A context with one target and recording primitives. */
static struct damon_ctx *damon_test_ctx(struct kunit *test,
					struct damon_test_acts *acts,
					struct damon_target **tp)
{
	struct damon_ctx *ctx = damon_new_ctx();
	struct damon_target *t;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	err = kunit_add_action_or_reset(test, damon_test_destroy_ctx_action,
					ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	ctx->primitive.apply_scheme = damon_test_apply_scheme;
	ctx->callback.private = acts;
	t = damon_new_target(1);
	KUNIT_ASSERT_NOT_NULL(test, t);
	damon_add_target(ctx, t);
	*tp = t;
	return ctx;
}

static struct damon_region *damon_test_region(struct kunit *test,
					      struct damon_target *t,
					      unsigned long start,
					      unsigned long end,
					      unsigned int nr_accesses,
					      unsigned int age)
{
	struct damon_region *r = damon_new_region(start, end);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->nr_accesses = nr_accesses;
	r->age = age;
	damon_add_region(r, t);
	return r;
}

static struct damon_scheme *damon_test_scheme(struct kunit *test,
					      const struct damon_pattern *p,
					      enum damon_action action,
					      const struct damon_quota *q)
{
	struct damon_scheme *s = damon_new_scheme(p, action, q, NULL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

/* Each bound of each range is inclusive, and each is checked. */
static void damon_scheme_matches_bounds(struct kunit *test)
{
	static const struct damon_pattern exact = {
		P(10), P(10), 3, 3, 5, 5
	};
	/* One bound past the region's value each: size, count, age. */
	static const struct damon_pattern misses[] = {
		{ P(11), P(10), 3, 3, 5, 5 }, { P(10), P(9), 3, 3, 5, 5 },
		{ P(10), P(10), 4, 3, 5, 5 }, { P(10), P(10), 3, 2, 5, 5 },
		{ P(10), P(10), 3, 3, 6, 5 }, { P(10), P(10), 3, 3, 5, 4 },
	};
	struct damon_region r = {
		.ar = { .start = P(10), .end = P(20) },
		.nr_accesses = 3,
		.age = 5,
	};
	struct damon_scheme s = { .pattern = exact };
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, damon_scheme_matches(&s, &r));
	for (i = 0; i < ARRAY_SIZE(misses); i++) {
		s.pattern = misses[i];
		KUNIT_EXPECT_FALSE_MSG(test, damon_scheme_matches(&s, &r),
				       "pattern %u", i);
	}
}

/*
 * Cold actions put the least accessed first, hot ones the most accessed;
 * age raises the priority of both; no weights, no order.
 */
static void damon_scheme_priority_order(struct kunit *test)
{
	struct damon_region idle_old = {
		.ar = { .start = 0, .end = P(4) }, .nr_accesses = 0, .age = 50,
	};
	struct damon_region idle_new = {
		.ar = { .start = 0, .end = P(4) }, .nr_accesses = 0, .age = 0,
	};
	struct damon_region busy_old = {
		.ar = { .start = 0, .end = P(4) }, .nr_accesses = 20, .age = 50,
	};
	struct damon_scheme s = {
		.action = DAMON_ACT_PAGEOUT,
		.quota = { .weight_nr_accesses = 3, .weight_age = 2 },
	};

	KUNIT_EXPECT_GT(test, damon_scheme_priority(&s, &idle_old, 20),
			damon_scheme_priority(&s, &idle_new, 20));
	KUNIT_EXPECT_GT(test, damon_scheme_priority(&s, &idle_new, 20),
			damon_scheme_priority(&s, &busy_old, 20));
	KUNIT_EXPECT_LE(test, damon_scheme_priority(&s, &idle_old, 20), 1000U);

	s.action = DAMON_ACT_HUGEPAGE;
	KUNIT_EXPECT_GT(test, damon_scheme_priority(&s, &busy_old, 20),
			damon_scheme_priority(&s, &idle_old, 20));
	KUNIT_EXPECT_GT(test, damon_scheme_priority(&s, &idle_old, 20),
			damon_scheme_priority(&s, &idle_new, 20));

	/* Counts above the samples, or no samples at all, stay in range. */
	busy_old.nr_accesses = UINT_MAX;
	KUNIT_EXPECT_LE(test, damon_scheme_priority(&s, &busy_old, 0), 1000U);

	s.quota = (struct damon_quota){};
	KUNIT_EXPECT_EQ(test, damon_scheme_priority(&s, &busy_old, 20), 0U);
}

static void damon_wmarks_allow_range(struct kunit *test)
{
	struct damon_wmarks w = {
		.free_mem = true, .low_permille = 100, .high_permille = 500,
	};

	KUNIT_EXPECT_FALSE(test, damon_wmarks_allow(&w, 99));
	KUNIT_EXPECT_TRUE(test, damon_wmarks_allow(&w, 100));
	KUNIT_EXPECT_TRUE(test, damon_wmarks_allow(&w, 500));
	KUNIT_EXPECT_FALSE(test, damon_wmarks_allow(&w, 501));
	w.free_mem = false;
	KUNIT_EXPECT_TRUE(test, damon_wmarks_allow(&w, 0));
	KUNIT_EXPECT_TRUE(test, damon_wmarks_allow(&w, 1000));
}

/* A bad value fails, and damon_set_schemes() then changes nothing. */
static void damon_set_schemes_validates(struct kunit *test)
{
	struct damon_test_acts acts = {};
	struct damon_pattern bad = damon_test_all;
	struct damon_scheme *s, *kept;
	struct damon_target *t;
	struct damon_ctx *ctx = damon_test_ctx(test, &acts, &t);
	struct damon_quota q = { .reset_ms = 1000 };
	LIST_HEAD(list);
	int err;

	kept = damon_test_scheme(test, &damon_test_all, DAMON_ACT_STAT, NULL);
	list_add(&kept->list, &list);
	KUNIT_ASSERT_EQ(test, damon_set_schemes(ctx, &list), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&list));

	bad.min_age = 2;
	bad.max_age = 1;
	s = damon_test_scheme(test, &bad, DAMON_ACT_STAT, NULL);
	err = kunit_add_action_or_reset(test, damon_test_destroy_scheme_action,
					s);
	KUNIT_ASSERT_EQ(test, err, 0);
	list_add(&s->list, &list);
	KUNIT_EXPECT_EQ(test, damon_set_schemes(ctx, &list), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&list, struct damon_scheme,
						   list), s);
	list_del_init(&s->list);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&ctx->schemes,
						   struct damon_scheme, list),
			    kept);

	s->pattern = damon_test_all;
	s->quota = q;
	s->quota.reset_ms = 0;
	KUNIT_EXPECT_EQ(test, damon_validate_scheme(s), -EINVAL);
	s->quota = q;
	s->quota.weight_age = DAMON_MAX_WEIGHT + 1;
	KUNIT_EXPECT_EQ(test, damon_validate_scheme(s), -EINVAL);
	s->quota = q;
	s->wmarks = (struct damon_wmarks){
		.free_mem = true, .low_permille = 600, .high_permille = 500,
		.interval_us = 1,
	};
	KUNIT_EXPECT_EQ(test, damon_validate_scheme(s), -EINVAL);
	s->wmarks.low_permille = 400;
	KUNIT_EXPECT_EQ(test, damon_validate_scheme(s), 0);
	s->wmarks.high_permille = 1001;
	KUNIT_EXPECT_EQ(test, damon_validate_scheme(s), -EINVAL);
	s->wmarks.high_permille = 500;
	s->action = NR_DAMON_ACTIONS;
	KUNIT_EXPECT_EQ(test, damon_validate_scheme(s), -EINVAL);
}

/* Without a quota: every matching region, whole, in address order. */
static void damon_apply_schemes_all(struct kunit *test)
{
	struct damon_pattern cold = damon_test_all;
	struct damon_test_acts acts = {};
	struct damon_scheme_stats st;
	struct damon_target *t;
	struct damon_ctx *ctx = damon_test_ctx(test, &acts, &t);
	struct damon_scheme *s;
	LIST_HEAD(list);

	cold.max_nr_accesses = 0;
	damon_test_region(test, t, SZ_4M, SZ_4M + P(4), 0, 1);
	damon_test_region(test, t, SZ_4M + P(4), SZ_4M + P(8), 5, 1);
	/* 2 MiB + 2 pages, across a 2 MiB boundary: three pieces */
	damon_test_region(test, t, SZ_8M - P(1), SZ_8M + SZ_2M + P(1), 0, 1);
	s = damon_test_scheme(test, &cold, DAMON_ACT_PAGEOUT, NULL);
	list_add(&s->list, &list);
	KUNIT_ASSERT_EQ(test, damon_set_schemes(ctx, &list), 0);

	damon_schemes_start(ctx);
	damon_apply_schemes(ctx, 20);
	KUNIT_ASSERT_EQ(test, acts.nr, 4U);
	KUNIT_EXPECT_EQ(test, acts.ranges[0].start, (unsigned long)SZ_4M);
	KUNIT_EXPECT_EQ(test, acts.ranges[0].end, SZ_4M + P(4));
	KUNIT_EXPECT_EQ(test, acts.ranges[1].start, SZ_8M - P(1));
	KUNIT_EXPECT_EQ(test, acts.ranges[1].end, (unsigned long)SZ_8M);
	KUNIT_EXPECT_EQ(test, acts.ranges[2].end, (unsigned long)SZ_8M + SZ_2M);
	KUNIT_EXPECT_EQ(test, acts.ranges[3].end, SZ_8M + SZ_2M + P(1));

	damon_scheme_get_stats(ctx, s, &st);
	KUNIT_EXPECT_EQ(test, st.tried_regions, 2ULL);
	KUNIT_EXPECT_EQ(test, st.tried_bytes, (u64)P(4) + SZ_2M + P(2));
	KUNIT_EXPECT_EQ(test, st.applied_regions, 2ULL);
	KUNIT_EXPECT_EQ(test, st.applied_bytes, st.tried_bytes);
	KUNIT_EXPECT_EQ(test, st.quota_exceeds, 0ULL);
	damon_schemes_stop(ctx);
}

/*
 * A quota of 3 pages per second, by age: the oldest region whole, then
 * one page of the next; the next aggregation in the same second does
 * nothing.  Both count as quota exceeded.
 */
static void damon_apply_schemes_quota_bytes(struct kunit *test)
{
	struct damon_quota q = {
		.bytes = P(3), .reset_ms = 1000, .weight_age = 1,
	};
	struct damon_test_acts acts = {};
	struct damon_scheme_stats st;
	struct damon_target *t;
	struct damon_ctx *ctx = damon_test_ctx(test, &acts, &t);
	struct damon_scheme *s;
	LIST_HEAD(list);

	damon_test_region(test, t, P(0), P(2), 0, 1);
	damon_test_region(test, t, P(2), P(4), 0, 30);
	damon_test_region(test, t, P(4), P(6), 0, 9);
	s = damon_test_scheme(test, &damon_test_all, DAMON_ACT_COLD, &q);
	list_add(&s->list, &list);
	KUNIT_ASSERT_EQ(test, damon_set_schemes(ctx, &list), 0);

	damon_schemes_start(ctx);
	damon_apply_schemes(ctx, 20);
	KUNIT_ASSERT_EQ(test, acts.nr, 2U);
	KUNIT_EXPECT_EQ(test, acts.ranges[0].start, P(2));
	KUNIT_EXPECT_EQ(test, acts.ranges[0].end, P(4));
	KUNIT_EXPECT_EQ(test, acts.ranges[1].start, P(4));
	KUNIT_EXPECT_EQ(test, acts.ranges[1].end, P(5));
	damon_scheme_get_stats(ctx, s, &st);
	KUNIT_EXPECT_EQ(test, st.tried_regions, 3ULL);
	KUNIT_EXPECT_EQ(test, st.applied_regions, 2ULL);
	KUNIT_EXPECT_EQ(test, st.applied_bytes, (u64)P(3));
	KUNIT_EXPECT_EQ(test, st.quota_exceeds, 1ULL);

	damon_apply_schemes(ctx, 20);
	KUNIT_EXPECT_EQ(test, acts.nr, 2U);
	damon_scheme_get_stats(ctx, s, &st);
	KUNIT_EXPECT_EQ(test, st.tried_regions, 6ULL);
	KUNIT_EXPECT_EQ(test, st.applied_bytes, (u64)P(3));
	KUNIT_EXPECT_EQ(test, st.quota_exceeds, 2ULL);
	damon_schemes_stop(ctx);
}

/*
 * A busy address space applies nothing; stat applies without the
 * primitives; a watermark outside the free memory keeps a scheme idle.
 */
static void damon_apply_schemes_busy_stat_wmarks(struct kunit *test)
{
	struct damon_wmarks never = {
		.free_mem = true, .low_permille = 0, .high_permille = 0,
		.interval_us = 1,
	};
	struct damon_test_acts acts = { .ret = -EAGAIN };
	struct damon_scheme_stats st;
	struct damon_target *t;
	struct damon_ctx *ctx = damon_test_ctx(test, &acts, &t);
	struct damon_scheme *pageout, *stat, *idle;
	LIST_HEAD(list);

	damon_test_region(test, t, P(0), P(8), 0, 1);
	pageout = damon_test_scheme(test, &damon_test_all, DAMON_ACT_PAGEOUT,
				    NULL);
	stat = damon_test_scheme(test, &damon_test_all, DAMON_ACT_STAT, NULL);
	idle = damon_new_scheme(&damon_test_all, DAMON_ACT_STAT, NULL, &never);
	KUNIT_ASSERT_NOT_NULL(test, idle);
	list_add_tail(&pageout->list, &list);
	list_add_tail(&stat->list, &list);
	list_add_tail(&idle->list, &list);
	KUNIT_ASSERT_EQ(test, damon_set_schemes(ctx, &list), 0);

	damon_schemes_start(ctx);
	damon_apply_schemes(ctx, 20);
	damon_scheme_get_stats(ctx, pageout, &st);
	KUNIT_EXPECT_EQ(test, st.tried_regions, 1ULL);
	KUNIT_EXPECT_EQ(test, st.applied_regions, 0ULL);
	KUNIT_EXPECT_EQ(test, st.applied_bytes, 0ULL);
	damon_scheme_get_stats(ctx, stat, &st);
	KUNIT_EXPECT_EQ(test, st.applied_regions, 1ULL);
	KUNIT_EXPECT_EQ(test, st.applied_bytes, (u64)P(8));
	damon_scheme_get_stats(ctx, idle, &st);
	KUNIT_EXPECT_EQ(test, st.tried_regions, 0ULL);
	KUNIT_EXPECT_EQ(test, acts.nr, 0U);
	damon_schemes_stop(ctx);
}

static struct kunit_case damon_schemes_test_cases[] = {
	KUNIT_CASE(damon_scheme_matches_bounds),
	KUNIT_CASE(damon_scheme_priority_order),
	KUNIT_CASE(damon_wmarks_allow_range),
	KUNIT_CASE(damon_set_schemes_validates),
	KUNIT_CASE(damon_apply_schemes_all),
	KUNIT_CASE(damon_apply_schemes_quota_bytes),
	KUNIT_CASE(damon_apply_schemes_busy_stat_wmarks),
	{}
};

static struct kunit_suite damon_schemes_test_suite = {
	.name = "damon-schemes",
	.test_cases = damon_schemes_test_cases,
};

kunit_test_suite(damon_schemes_test_suite);

MODULE_DESCRIPTION("KUnit tests of DAMON's operation schemes");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
