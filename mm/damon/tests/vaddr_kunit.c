// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of DAMON's virtual address primitives: the three-regions
 * computation on synthetic layouts, fitting regions to a recomputed layout,
 * the initial even split, and the refusal of bad targets.  No address space
 * is needed: the computations are pure functions over address ranges.
 *
 * Addresses are written in pages and scaled by PAGE_SIZE, so the tests use
 * the production DAMON_MIN_REGION.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/pid.h>
#include <linux/sizes.h>
#include <linux/sched.h>
#include <linux/threads.h>

#include "../internal.h"

#define PG(n)		((unsigned long)(n) * PAGE_SIZE)
#define RANGE(s, e)	{ .start = PG(s), .end = PG(e) }

#define MAX_TEST_RANGES	8

KUNIT_DEFINE_ACTION_WRAPPER(damon_destroy_target_action,
			    damon_destroy_target, struct damon_target *);

/* A target with no pid and no region, destroyed when the test ends. */
static struct damon_target *damon_va_test_target(struct kunit *test)
{
	struct damon_target *t = damon_new_target(42);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, t);
	err = kunit_add_action_or_reset(test, damon_destroy_target_action, t);
	KUNIT_ASSERT_EQ(test, err, 0);
	return t;
}

/* Expect the regions of @t to be exactly @expect. */
static void damon_va_expect_regions(struct kunit *test, struct damon_target *t,
				    const struct damon_addr_range *expect,
				    unsigned int nr_expect)
{
	struct damon_region *r;
	unsigned int i = 0;

	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), nr_expect);
	damon_for_each_region(r, t) {
		if (i >= nr_expect)
			break;
		KUNIT_EXPECT_EQ_MSG(test, r->ar.start, expect[i].start,
				    "region %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r->ar.end, expect[i].end,
				    "region %u", i);
		i++;
	}
}

/* damon_va_gaps_*(): the three regions of a layout */

struct damon_va_gaps_case {
	const char *desc;
	struct damon_addr_range mappings[MAX_TEST_RANGES];
	unsigned int nr_mappings;
	int ret;	/* the number of ranges, or an error */
	struct damon_addr_range ranges[DAMON_VA_NR_REGIONS];
};

static const struct damon_va_gaps_case damon_va_gaps_cases[] = {
	{
		.desc = "spec example",
		.mappings = { RANGE(10, 20), RANGE(20, 25), RANGE(200, 210),
			      RANGE(210, 220), RANGE(300, 305),
			      RANGE(307, 330) },
		.nr_mappings = 6,
		.ret = 3,
		.ranges = { RANGE(10, 25), RANGE(200, 220), RANGE(300, 330) },
	},
	{
		.desc = "largest gaps last",
		.mappings = { RANGE(10, 20), RANGE(30, 40), RANGE(45, 50),
			      RANGE(100, 110), RANGE(200, 210) },
		.nr_mappings = 5,
		.ret = 3,
		.ranges = { RANGE(10, 50), RANGE(100, 110), RANGE(200, 210) },
	},
	{
		/* three gaps of 10 pages: the lower two win */
		.desc = "equal gaps",
		.mappings = { RANGE(10, 20), RANGE(30, 40), RANGE(50, 60),
			      RANGE(70, 80) },
		.nr_mappings = 4,
		.ret = 3,
		.ranges = { RANGE(10, 20), RANGE(30, 40), RANGE(50, 80) },
	},
	{
		/* a tie between the two largest, a smaller gap between */
		.desc = "equal largest gaps",
		.mappings = { RANGE(10, 20), RANGE(25, 30), RANGE(130, 140),
			      RANGE(142, 150), RANGE(250, 260) },
		.nr_mappings = 5,
		.ret = 3,
		.ranges = { RANGE(10, 30), RANGE(130, 150), RANGE(250, 260) },
	},
	{
		.desc = "adjacent mappings",
		.mappings = { RANGE(10, 20), RANGE(20, 30), RANGE(30, 40) },
		.nr_mappings = 3,
		.ret = 1,
		.ranges = { RANGE(10, 40) },
	},
	{
		.desc = "one mapping",
		.mappings = { RANGE(10, 20) },
		.nr_mappings = 1,
		.ret = 1,
		.ranges = { RANGE(10, 20) },
	},
	{
		.desc = "two mappings",
		.mappings = { RANGE(10, 20), RANGE(100, 120) },
		.nr_mappings = 2,
		.ret = 2,
		.ranges = { RANGE(10, 20), RANGE(100, 120) },
	},
	{
		/* an empty mapping is no mapping */
		.desc = "two mappings and an empty one",
		.mappings = { RANGE(10, 20), RANGE(50, 50), RANGE(100, 120) },
		.nr_mappings = 3,
		.ret = 2,
		.ranges = { RANGE(10, 20), RANGE(100, 120) },
	},
	{
		/*
		 * The span is aligned outwards, the gaps inwards; the gap
		 * between the second and third mapping is less than a page
		 * once aligned, so it does not count.
		 */
		.desc = "unaligned boundaries",
		.mappings = {
			{ .start = PG(10) + 100, .end = PG(20) - 100 },
			{ .start = PG(100) + 1, .end = PG(110) + 1 },
			{ .start = PG(111) - 1, .end = PG(120) },
			{ .start = PG(300), .end = PG(310) + 5 },
		},
		.nr_mappings = 4,
		.ret = 3,
		.ranges = { RANGE(10, 20), RANGE(100, 120), RANGE(300, 311) },
	},
	{
		.desc = "no mapping",
		.nr_mappings = 0,
		.ret = -EINVAL,
	},
};

KUNIT_ARRAY_PARAM_DESC(damon_va_gaps, damon_va_gaps_cases, desc);

static void damon_va_test_gaps(struct kunit *test)
{
	const struct damon_va_gaps_case *c = test->param_value;
	struct damon_addr_range ranges[DAMON_VA_NR_REGIONS] = {};
	struct damon_va_gaps g;
	unsigned int i;
	int ret;

	damon_va_gaps_init(&g);
	for (i = 0; i < c->nr_mappings; i++)
		damon_va_gaps_add(&g, c->mappings[i].start, c->mappings[i].end);
	ret = damon_va_gaps_finish(&g, ranges);

	KUNIT_ASSERT_EQ(test, ret, c->ret);
	for (i = 0; ret > 0 && i < ret; i++) {
		KUNIT_EXPECT_EQ_MSG(test, ranges[i].start, c->ranges[i].start,
				    "range %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ranges[i].end, c->ranges[i].end,
				    "range %u", i);
	}
}

/* damon_fit_regions() on the three regions of a changed layout */

struct damon_va_fit_case {
	const char *desc;
	struct damon_addr_range mappings[DAMON_VA_NR_REGIONS];
	struct damon_addr_range expect[MAX_TEST_RANGES];
	unsigned int nr_expect;
};

/* The regions before the layout changed. */
static const struct damon_addr_range damon_va_fit_old[] = {
	RANGE(10, 20), RANGE(20, 30), RANGE(50, 55), RANGE(55, 57),
	RANGE(57, 59), RANGE(70, 80), RANGE(80, 90), RANGE(90, 100),
};

static const struct damon_va_fit_case damon_va_fit_cases[] = {
	{
		.desc = "grown and moved",
		.mappings = { RANGE(5, 27), RANGE(45, 55), RANGE(73, 104) },
		.expect = { RANGE(5, 20), RANGE(20, 27), RANGE(45, 55),
			    RANGE(73, 80), RANGE(80, 90), RANGE(90, 104) },
		.nr_expect = 6,
	},
	{
		.desc = "middle shrunk to one region",
		.mappings = { RANGE(5, 27), RANGE(56, 57), RANGE(65, 104) },
		.expect = { RANGE(5, 20), RANGE(20, 27), RANGE(56, 57),
			    RANGE(65, 80), RANGE(80, 90), RANGE(90, 104) },
		.nr_expect = 6,
	},
	{
		.desc = "middle moved into a gap",
		.mappings = { RANGE(5, 27), RANGE(61, 63), RANGE(65, 104) },
		.expect = { RANGE(5, 20), RANGE(20, 27), RANGE(61, 63),
			    RANGE(65, 80), RANGE(80, 90), RANGE(90, 104) },
		.nr_expect = 6,
	},
	{
		.desc = "all new",
		.mappings = { RANGE(5, 7), RANGE(30, 32), RANGE(65, 68) },
		.expect = { RANGE(5, 7), RANGE(30, 32), RANGE(65, 68) },
		.nr_expect = 3,
	},
};

KUNIT_ARRAY_PARAM_DESC(damon_va_fit, damon_va_fit_cases, desc);

static void damon_va_test_fit(struct kunit *test)
{
	const struct damon_va_fit_case *c = test->param_value;
	struct damon_addr_range ranges[DAMON_VA_NR_REGIONS];
	struct damon_target *t = damon_va_test_target(test);
	struct damon_region *r;
	struct damon_va_gaps g;
	unsigned int i;
	int nr_ranges;

	for (i = 0; i < ARRAY_SIZE(damon_va_fit_old); i++) {
		r = damon_new_region(damon_va_fit_old[i].start,
				     damon_va_fit_old[i].end);
		KUNIT_ASSERT_NOT_NULL(test, r);
		damon_add_region(r, t);
	}

	damon_va_gaps_init(&g);
	for (i = 0; i < DAMON_VA_NR_REGIONS; i++)
		damon_va_gaps_add(&g, c->mappings[i].start, c->mappings[i].end);
	nr_ranges = damon_va_gaps_finish(&g, ranges);
	KUNIT_ASSERT_EQ(test, nr_ranges, DAMON_VA_NR_REGIONS);

	KUNIT_ASSERT_EQ(test, 0, damon_fit_regions(t, ranges, nr_ranges));
	damon_va_expect_regions(test, t, c->expect, c->nr_expect);
}

/* damon_va_set_initial_regions(): the initial even split */

struct damon_va_split_case {
	const char *desc;
	struct damon_addr_range ranges[DAMON_VA_NR_REGIONS];
	unsigned int nr_ranges;
	unsigned long min_nr_regions;
	unsigned int nr_regions;	/* the exact number expected */
};

static const struct damon_va_split_case damon_va_split_cases[] = {
	{
		/* pieces of 20 pages: 2 + 2 + 6 */
		.desc = "divisible sizes",
		.ranges = { RANGE(0, 40), RANGE(100, 140), RANGE(200, 320) },
		.nr_ranges = 3,
		.min_nr_regions = 10,
		.nr_regions = 10,
	},
	{
		/* pieces of 6.5 pages: 15, 20 and 30 pages give 3 + 4 + 5 */
		.desc = "spec example",
		.ranges = { RANGE(10, 25), RANGE(200, 220), RANGE(300, 330) },
		.nr_ranges = 3,
		.min_nr_regions = 10,
		.nr_regions = 12,
	},
	{
		.desc = "one range",
		.ranges = { RANGE(0, 1000) },
		.nr_ranges = 1,
		.min_nr_regions = 10,
		.nr_regions = 10,
	},
	{
		/* fewer pages than regions wanted: one page per region */
		.desc = "smaller than min_nr_regions pages",
		.ranges = { RANGE(10, 12), RANGE(50, 51), RANGE(80, 82) },
		.nr_ranges = 3,
		.min_nr_regions = 10,
		.nr_regions = 5,
	},
	{
		.desc = "large min_nr_regions",
		.ranges = { RANGE(10, 25), RANGE(200, 220), RANGE(300, 330) },
		.nr_ranges = 3,
		.min_nr_regions = 1000,
		.nr_regions = 65,
	},
};

KUNIT_ARRAY_PARAM_DESC(damon_va_split, damon_va_split_cases, desc);

static void damon_va_test_initial_split(struct kunit *test)
{
	const struct damon_va_split_case *c = test->param_value;
	struct damon_target *t = damon_va_test_target(test);
	struct damon_region *r, *prev = NULL;
	unsigned long total = 0;
	unsigned int i;
	int err;

	for (i = 0; i < c->nr_ranges; i++)
		total += c->ranges[i].end - c->ranges[i].start;

	err = damon_va_set_initial_regions(t, c->ranges, c->nr_ranges,
					   c->min_nr_regions);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), c->nr_regions);
	/* At least min_nr_regions, unless there are fewer pages. */
	if (total / DAMON_MIN_REGION >= c->min_nr_regions) {
		KUNIT_EXPECT_GE(test, damon_nr_regions(t), c->min_nr_regions);
		KUNIT_EXPECT_LE(test, damon_nr_regions(t),
				c->min_nr_regions + c->nr_ranges);
	} else {
		KUNIT_EXPECT_EQ(test, damon_nr_regions(t),
				total / DAMON_MIN_REGION);
	}

	/*
	 * The regions tile each range exactly: aligned, at least
	 * DAMON_MIN_REGION large, adjacent inside a range, and starting and
	 * ending where the ranges do.
	 */
	i = 0;
	damon_for_each_region(r, t) {
		KUNIT_ASSERT_LT(test, i, c->nr_ranges);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(r->ar.start,
						   DAMON_MIN_REGION));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(r->ar.end,
						   DAMON_MIN_REGION));
		KUNIT_EXPECT_GE(test, damon_sz_region(r), DAMON_MIN_REGION);
		if (!prev || prev->ar.end == c->ranges[i].end) {
			if (prev)
				i++;
			KUNIT_ASSERT_LT(test, i, c->nr_ranges);
			KUNIT_EXPECT_EQ(test, r->ar.start, c->ranges[i].start);
		} else {
			KUNIT_EXPECT_EQ(test, r->ar.start, prev->ar.end);
		}
		prev = r;
	}
	KUNIT_ASSERT_NOT_NULL(test, prev);
	KUNIT_EXPECT_EQ(test, i, c->nr_ranges - 1);
	KUNIT_EXPECT_EQ(test, prev->ar.end, c->ranges[c->nr_ranges - 1].end);
}

static void damon_va_test_initial_split_invalid(struct kunit *test)
{
	const struct damon_addr_range unaligned[] = {
		{ .start = PG(1) + 1, .end = PG(10) },
	};
	const struct damon_addr_range unsorted[] = {
		RANGE(20, 30), RANGE(10, 15),
	};
	const struct damon_addr_range empty[] = { RANGE(10, 10) };
	const struct damon_addr_range good[] = { RANGE(0, 10) };
	struct damon_target *t = damon_va_test_target(test);

	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_set_initial_regions(t, unaligned, 1, 10));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_set_initial_regions(t, unsorted, 2, 10));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_set_initial_regions(t, empty, 1, 10));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_set_initial_regions(t, good, 0, 10));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_set_initial_regions(t, good, 1, 0));
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 0);

	/* a target that has regions already is left alone */
	KUNIT_ASSERT_EQ(test, 0, damon_va_set_initial_regions(t, good, 1, 5));
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 5);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_set_initial_regions(t, good, 1, 10));
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 5);
}

/* damon_va_new_target(): targets that cannot be monitored */

static void damon_va_test_new_target_invalid(struct kunit *test)
{
	struct damon_target *t = NULL;

	KUNIT_EXPECT_EQ(test, -EINVAL, damon_va_new_target(0, &t));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_new_target(PID_MAX_LIMIT + 1UL, &t));
	KUNIT_EXPECT_EQ(test, -EINVAL, damon_va_new_target(ULONG_MAX, &t));
	/* KUnit runs each case in a kernel thread, which has no mm */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			damon_va_new_target(task_pid_vnr(current), &t));
	KUNIT_EXPECT_NULL(test, t);
}

/*
 * damon_va_same_answer(): a check reuses the last one's answer inside the
 * same page table mapping armed the same way, and never where the mm has
 * MMU notifiers, which are asked about one address only.
 */
static void damon_va_test_same_answer(struct kunit *test)
{
	struct damon_va_last_check last = {
		.addr = SZ_2M, .sz = SZ_2M, .young = true,
	};

	KUNIT_EXPECT_TRUE(test, damon_va_same_answer(&last, SZ_2M + PG(3),
						     false));
	KUNIT_EXPECT_FALSE(test, damon_va_same_answer(&last, SZ_4M, false));
	KUNIT_EXPECT_FALSE(test, damon_va_same_answer(&last, SZ_2M + PG(3),
						      true));
	last.notifiers = true;
	KUNIT_EXPECT_FALSE(test, damon_va_same_answer(&last, SZ_2M + PG(3),
						      false));
	last.notifiers = false;
	last.sz = 0;
	KUNIT_EXPECT_FALSE(test, damon_va_same_answer(&last, SZ_2M, false));
}

static struct kunit_case damon_va_test_cases[] = {
	KUNIT_CASE_PARAM(damon_va_test_gaps, damon_va_gaps_gen_params),
	KUNIT_CASE_PARAM(damon_va_test_fit, damon_va_fit_gen_params),
	KUNIT_CASE_PARAM(damon_va_test_initial_split,
			 damon_va_split_gen_params),
	KUNIT_CASE(damon_va_test_initial_split_invalid),
	KUNIT_CASE(damon_va_test_new_target_invalid),
	KUNIT_CASE(damon_va_test_same_answer),
	{}
};

static struct kunit_suite damon_va_test_suite = {
	.name = "damon_vaddr",
	.test_cases = damon_va_test_cases,
};

kunit_test_suite(damon_va_test_suite);

MODULE_DESCRIPTION("KUnit tests of DAMON's virtual address primitives");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
