// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON region algebra and the adaptive regions adjustment.
 *
 * Everything here works on the region lists of &struct damon_target only
 * and knows nothing of page tables: the primitives decide what a region's
 * addresses mean.  Only the context's kdamond, or a caller that owns a
 * context no kdamond runs on, may call these functions; none of them
 * takes a lock.
 *
 * DAMON checks one address per region per sampling interval, so its cost
 * follows the number of regions, not the memory size.  A hot spot much
 * smaller than its region is rarely sampled: a 64 KiB spot in a 200 MiB
 * region is hit by one sample in 3200.  So the regions are adjusted at the
 * end of every aggregation interval, after the user saw the counts:
 *
 *  - History.  A sampled page found accessed was accessed, so a count
 *    above zero is a fact while a count of zero is only an estimate.  Each
 *    region remembers how many aggregations in a row showed it no access;
 *    after DAMON_COLD_AGGRS of them (three) it is "cold".  An access in a
 *    cold region is a "discovery".
 *
 *  - Merge.  Two adjacent regions with accesses whose counts differ by at
 *    most a tenth of the largest count become one: with the default
 *    intervals (5 ms sampling, 100 ms aggregation) counts lie in [0, 20],
 *    so neighbours at 18 and 20 merge, at 17 and 20 they do not.  Two cold
 *    regions merge too.  Nothing else merges: a region that had accesses
 *    lately stays apart from its cold neighbours until it is cold itself.
 *    A merge never makes a region larger than the total monitored size
 *    divided by min_nr_regions, so at least about min_nr_regions regions
 *    remain.
 *
 *  - Zoom.  The primitives tell where they found an access
 *    (damon_count_access()).  A region with at most half the accesses of
 *    the hottest is cut around such an address, so that the spot that was
 *    hit weighs eight times more in the middle piece (damon_zoom_region()).
 *    Any other region that is not cold is cut in two at a random point, to
 *    find the edges of what it holds; once its count has held for eight
 *    aggregations, only every eighth aggregation (damon_cut_due()).
 *
 *  - Search.  The cold regions are then cut into pieces of the same size,
 *    so that the context samples nr_regions_goal regions: the samples spread
 *    evenly over cold memory, where an unknown spot is found the sooner the
 *    more regions look for it.  The goal starts at max_nr_regions / 2,
 *    doubles (up to that) on a discovery and otherwise shrinks by a
 *    sixteenth per aggregation down to min_nr_regions, so the search costs
 *    only while it finds something.  No cut takes the context above
 *    max_nr_regions.
 *
 *  - Leads.  Sampling cannot find a page in a terabyte: one page in 2^28.
 *    Primitives that can tell where cold memory was accessed without
 *    sampling it (&damon_primitive->searches; the virtual address
 *    primitives read the accessed bits of the upper page table levels)
 *    report such places as leads (damon_report_lead()).  Each lead becomes
 *    a region of its own at the aggregation (damon_cut_leads()), before any
 *    other cut, and from then on sampling alone decides its count: a lead
 *    steers the regions but never counts as an access.  With such
 *    primitives the search above stays at min_nr_regions: cold memory is
 *    still sampled, only less often, in case a lead is missed.
 *
 * Between two aggregations the cold pieces merge back, so the user sees
 * the few regions that describe the access pattern, not the search grid.
 */

#include <linux/align.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sort.h>

#include "internal.h"

/*
 * The adjacent regions of a merge must have counts within
 * max_nr_accesses / DAMON_MERGE_THRESHOLD_DIV of each other.
 */
#define DAMON_MERGE_THRESHOLD_DIV	10

/* An aggregation without a discovery lowers the regions goal by 1/16. */
#define DAMON_GOAL_DECAY_DIV		16

/*
 * After this many aggregations with the same count, a region that is not
 * cold is cut in two at random only every this many aggregations.
 */
#define DAMON_SETTLED_AGGRS		8

/* A random split leaves between 1 and 9 tenths of a region on the left. */
#define DAMON_SPLIT_MIN_TENTHS		1
#define DAMON_SPLIT_MAX_TENTHS		9

/*
 * Regions made before a change is committed wait in a target of their own
 * on the stack, so that a failure can free them with the usual helpers.
 */
#define DAMON_SPARE_TARGET(name)					\
	{ .regions_list = LIST_HEAD_INIT((name).regions_list) }

/* A piece cut from @r inherits its count, sampling and history. */
static void damon_copy_state(struct damon_region *piece,
			     const struct damon_region *r)
{
	piece->nr_accesses = r->nr_accesses;
	piece->sampling_addr = r->sampling_addr;
	piece->sampling_idle = r->sampling_idle;
	piece->cold_aggrs = r->cold_aggrs;
	piece->hit_addr = r->hit_addr;
	piece->age = r->age;
	piece->last_nr_accesses = r->last_nr_accesses;
}

/* Unlink @r from the spare target @from, to insert it elsewhere. */
static void damon_take_region(struct damon_target *from,
			      struct damon_region *r)
{
	list_del(&r->list);
	from->nr_regions--;
}

static DEFINE_PER_CPU(struct rnd_state, damon_rnd_state);

/**
 * damon_rand() - pick a random number in a range.
 * @start:	the smallest number to pick.
 * @end:	one past the largest number to pick.
 *
 * The range may be as wide as an unsigned long allows: the number is the
 * high half of a 64-bit random number multiplied by the width, which is
 * uniform within a bias of width / 2^64.
 *
 * The numbers choose sampling addresses and cut points: they need to be
 * spread, not unpredictable.  So they come from a per-CPU prandom state,
 * seeded from the kernel's random pool late at boot (before anything can
 * monitor): a few instructions each, where get_random_u64() cost the
 * kdamond an eighth of its time.
 *
 * Context: Any context.
 * Return: a number in [@start, @end), or @start if the range is empty.
 */
unsigned long damon_rand(unsigned long start, unsigned long end)
{
	struct rnd_state *state;
	u64 rnd;

	if (end <= start)
		return start;
	state = get_cpu_ptr(&damon_rnd_state);
	rnd = (u64)prandom_u32_state(state) << 32 | prandom_u32_state(state);
	put_cpu_ptr(&damon_rnd_state);
	return start + (unsigned long)mul_u64_u64_shr(rnd, end - start, 64);
}

static int __init damon_rand_init(void)
{
	prandom_seed_full_state(&damon_rnd_state);
	return 0;
}
late_initcall(damon_rand_init);

/**
 * damon_split_region_at() - cut a region in two.
 * @t:		the target @r belongs to.
 * @r:		the region to cut.
 * @sz_left:	the size @r keeps.
 *
 * @r keeps [start, start + @sz_left); a new region inserted after it takes
 * the rest.  Both pieces keep the count, the sampling address and the
 * access history (age included) of @r, so whichever piece contains the
 * armed address stays armed.
 *
 * Context: Process context, may sleep (allocates).
 * Return:
 * * 0		- success.
 * * -EINVAL	- @sz_left is 0 or not smaller than the size of @r.
 * * -ENOMEM	- out of memory; @r is left as it was.
 */
int damon_split_region_at(struct damon_target *t, struct damon_region *r,
			  unsigned long sz_left)
{
	struct damon_region *new;

	if (!sz_left || sz_left >= damon_sz_region(r))
		return -EINVAL;

	new = damon_new_region(r->ar.start + sz_left, r->ar.end);
	if (!new)
		return -ENOMEM;
	new->nr_accesses = r->nr_accesses;
	damon_copy_state(new, r);

	r->ar.end = new->ar.start;
	damon_insert_region(new, r, damon_next_region(r), t);
	return 0;
}

/**
 * damon_split_region_evenly() - cut a region into pieces of equal size.
 * @t:		the target @r belongs to.
 * @r:		the region to cut.
 * @nr_pieces:	the number of pieces to make.
 *
 * The pieces are multiples of DAMON_MIN_REGION whose sizes differ by at most
 * DAMON_MIN_REGION: what does not divide evenly goes one DAMON_MIN_REGION
 * each to the first pieces.  For example, 20 pages cut into 3 give pieces of
 * 7, 7 and 6 pages, and 1000 pages cut into 666 give 334 pieces of 2 pages
 * and 332 of 1.  The last piece also takes the part of @r past the last
 * DAMON_MIN_REGION boundary, if @r has one.  The pieces are allocated before
 * @r is changed, so a failure changes nothing.
 *
 * Context: Process context, may sleep (allocates).
 * Return:
 * * 0		- success.
 * * -EINVAL	- @r is NULL, @nr_pieces is 0, or a piece would be smaller
 *		  than DAMON_MIN_REGION.
 * * -ENOMEM	- out of memory; @r is left as it was.
 */
int damon_split_region_evenly(struct damon_target *t, struct damon_region *r,
			      unsigned int nr_pieces)
{
	struct damon_target pieces = DAMON_SPARE_TARGET(pieces);
	struct damon_region *piece, *next, *prev;
	unsigned long nr_units, base, extra, start, end;
	unsigned int i;

	if (!r || !nr_pieces)
		return -EINVAL;

	nr_units = damon_sz_region(r) / DAMON_MIN_REGION;
	if (nr_units < nr_pieces)
		return -EINVAL;
	if (nr_pieces == 1)
		return 0;
	/* Piece i is base units long, one more if i < extra. */
	base = nr_units / nr_pieces;
	extra = nr_units % nr_pieces;

	end = r->ar.start + (base + !!extra) * DAMON_MIN_REGION;
	for (i = 1, start = end; i < nr_pieces; i++, start = end) {
		end = start + (base + (i < extra)) * DAMON_MIN_REGION;
		piece = damon_new_region(start, end);
		if (!piece)
			goto out_destroy_pieces;
		damon_copy_state(piece, r);
		damon_add_region(piece, &pieces);
		cond_resched();
	}

	/* The last piece takes the part past the last unit boundary. */
	damon_last_region(&pieces)->ar.end = r->ar.end;
	r->ar.end = damon_first_region(&pieces)->ar.start;

	prev = r;
	damon_for_each_region_safe(piece, next, &pieces) {
		damon_take_region(&pieces, piece);
		damon_insert_region(piece, prev, damon_next_region(prev), t);
		prev = piece;
	}
	return 0;

out_destroy_pieces:
	damon_for_each_region_safe(piece, next, &pieces)
		damon_destroy_region(piece, &pieces);
	return -ENOMEM;
}

/*
 * The size-weighted mean of @a over @sz_a and @b over @sz_b, rounded down.
 * (a * sz_a + b * sz_b) / (sz_a + sz_b) can overflow 64 bits for huge
 * sizes, so add to the lower value the share of the difference that the
 * size of the higher one weighs: the same number, rounded down the same way.
 */
static unsigned int damon_weighted_mean(unsigned int a, unsigned long sz_a,
					unsigned int b, unsigned long sz_b)
{
	if (a > b) {
		swap(a, b);
		swap(sz_a, sz_b);
	}
	return a + (unsigned int)mul_u64_u64_div_u64(b - a, sz_b, sz_a + sz_b);
}

/**
 * damon_merge_two_regions() - merge a region into its left neighbour.
 * @t:	the target of both regions.
 * @l:	the left region, which survives.
 * @r:	the region right after @l, which is destroyed.
 *
 * @l grows to the end of @r and takes the size-weighted means of the two
 * counts and of the two ages, rounded down: 1 page at 10 merged with 2
 * pages at 20 gives 3 pages at 16.
 *
 * Context: Any context.
 */
void damon_merge_two_regions(struct damon_target *t, struct damon_region *l,
			     struct damon_region *r)
{
	unsigned long sz_l = damon_sz_region(l), sz_r = damon_sz_region(r);

	l->nr_accesses = damon_weighted_mean(l->nr_accesses, sz_l,
					     r->nr_accesses, sz_r);
	l->last_nr_accesses = damon_weighted_mean(l->last_nr_accesses, sz_l,
						  r->last_nr_accesses, sz_r);
	l->age = damon_weighted_mean(l->age, sz_l, r->age, sz_r);
	if (r->nr_accesses > l->nr_accesses)
		l->hit_addr = r->hit_addr;
	l->cold_aggrs = min(l->cold_aggrs, r->cold_aggrs);
	l->ar.end = r->ar.end;
	damon_destroy_region(r, t);
}

/*
 * Whether two adjacent regions are accessed alike.  A sampled page that
 * was found accessed was accessed: a count above zero is certain, a count
 * of zero only says that the pages sampled so far were not.  So a region
 * with accesses never merges with one without, and two regions without
 * merge only once both have been cold for DAMON_COLD_AGGRS aggregations.
 */
static bool damon_alike(const struct damon_region *l,
			const struct damon_region *r, unsigned int threshold)
{
	if (!l->nr_accesses || !r->nr_accesses)
		return damon_region_cold(l) && damon_region_cold(r);
	return abs_diff(l->nr_accesses, r->nr_accesses) <= threshold;
}

/*
 * Close an aggregation for @r: it gets one older, or starts a new age if its
 * count moved by more than @threshold since the last aggregation, and its
 * access history learns the count.  Returns whether this is a discovery: an
 * access in a region that was cold.
 */
static bool damon_age_region(struct damon_region *r, unsigned int threshold)
{
	bool found = r->nr_accesses && r->cold_aggrs >= DAMON_COLD_AGGRS;

	if (abs_diff(r->nr_accesses, r->last_nr_accesses) > threshold)
		r->age = 0;
	else if (r->age < UINT_MAX)
		r->age++;
	r->last_nr_accesses = r->nr_accesses;
	if (r->nr_accesses)
		r->cold_aggrs = 0;
	else if (r->cold_aggrs < U8_MAX)
		r->cold_aggrs++;
	return found;
}

/**
 * damon_merge_regions_of() - merge the adjacent regions of a target that
 *	are accessed alike.
 * @t:		the target.
 * @threshold:	the largest difference of counts of regions to merge.
 * @sz_limit:	the largest size of a merged region.
 *
 * Walks the regions in address order and merges each one into the region
 * before it when they touch (no gap), are accessed alike and the result is
 * not larger than @sz_limit.  Two regions are alike when both have
 * accesses and their counts differ by at most @threshold, or when both
 * have been without accesses for DAMON_COLD_AGGRS aggregations in a row.
 * A merged region may absorb its next neighbour too.  Called once per
 * aggregation, this is also where the regions age and learn whether they
 * were accessed.
 *
 * Context: Any context.
 * Return: the number of discoveries: regions that were cold and now show
 * accesses.
 */
unsigned int damon_merge_regions_of(struct damon_target *t,
				    unsigned int threshold,
				    unsigned long sz_limit)
{
	struct damon_region *r, *next, *prev = NULL;
	unsigned int nr_found = 0;

	damon_for_each_region_safe(r, next, t) {
		nr_found += damon_age_region(r, threshold);
		if (prev && prev->ar.end == r->ar.start &&
		    damon_alike(prev, r, threshold) &&
		    damon_sz_region(prev) + damon_sz_region(r) <= sz_limit)
			damon_merge_two_regions(t, prev, r);
		else
			prev = r;
	}
	return nr_found;
}

/*
 * The number of regions a context samples while it searches: none beyond
 * min_nr_regions if its primitives search cold memory themselves.
 */
static unsigned int damon_goal_max(const struct damon_ctx *ctx)
{
	if (ctx->primitive.searches)
		return ctx->attrs.min_nr_regions;
	return max(ctx->attrs.max_nr_regions / 2, ctx->attrs.min_nr_regions);
}

/**
 * damon_reset_regions_goal() - start searching with many regions.
 * @ctx:	the context.
 *
 * Context: The context's kdamond, or a caller owning a stopped context.
 */
void damon_reset_regions_goal(struct damon_ctx *ctx)
{
	damon_assert_owner(ctx);
	ctx->nr_regions_goal = damon_goal_max(ctx);
}

/**
 * damon_merge_regions() - merge the regions of a context accessed alike.
 * @ctx:		the context.
 * @max_nr_accesses:	the largest count of the context's regions.
 *
 * Applies damon_merge_regions_of() to every target, with a threshold of a
 * tenth of @max_nr_accesses and the context's region size cap, and adapts
 * the number of regions to sample: a discovery doubles it, up to half of
 * max_nr_regions; an aggregation without one lowers it by a sixteenth, down
 * to min_nr_regions.
 *
 * Context: The context's kdamond, or a caller owning a stopped context.
 */
void damon_merge_regions(struct damon_ctx *ctx, unsigned int max_nr_accesses)
{
	unsigned int threshold = max_nr_accesses / DAMON_MERGE_THRESHOLD_DIV;
	unsigned int goal = ctx->nr_regions_goal, nr_found = 0;
	struct damon_target *t;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx)
		nr_found += damon_merge_regions_of(t, threshold, ctx->sz_limit);

	if (nr_found)
		goal = min(max(goal, 1U) * 2, damon_goal_max(ctx));
	else if (goal > ctx->attrs.min_nr_regions)
		goal -= max(goal / DAMON_GOAL_DECAY_DIV, 1U);
	ctx->nr_regions_goal = max_t(unsigned int, goal,
				     ctx->attrs.min_nr_regions);
}

/* Cut @r in two at a random point between 10% and 90% of its size. */
static int damon_split_region_randomly(struct damon_target *t,
				       struct damon_region *r)
{
	unsigned long sz = damon_sz_region(r), sz_left;

	sz_left = mult_frac(sz, damon_rand(DAMON_SPLIT_MIN_TENTHS,
					   DAMON_SPLIT_MAX_TENTHS + 1), 10);
	sz_left = ALIGN_DOWN(sz_left, DAMON_MIN_REGION);
	if (!sz_left || sz_left >= sz)
		return -EINVAL;
	return damon_split_region_at(t, r, sz_left);
}

/**
 * damon_zoom_region() - cut the neighbourhood of an accessed address out
 *	of a region.
 * @t:	the target @r belongs to.
 * @r:	a region with accesses, whose &damon_region->hit_addr is inside it.
 *
 * Makes the page at the accessed address, with 1/(2 * DAMON_ZOOM_DIV) of
 * the size of @r on either side, a region of its own; so @r becomes up to
 * three regions, the middle one about 1/DAMON_ZOOM_DIV of its size.  A hot
 * spot much smaller than @r shows few accesses in @r; in the middle piece
 * it weighs DAMON_ZOOM_DIV times more.
 *
 * Context: Process context, may sleep (allocates).
 * Return: the number of regions added, 0 to 2.
 */
unsigned int damon_zoom_region(struct damon_target *t, struct damon_region *r)
{
	unsigned long side, hit, lo, hi;
	unsigned int added = 0;

	if (r->hit_addr < r->ar.start || r->hit_addr >= r->ar.end)
		return 0;
	side = ALIGN_DOWN(damon_sz_region(r) / (2 * DAMON_ZOOM_DIV),
			  DAMON_MIN_REGION);
	hit = ALIGN_DOWN(r->hit_addr, DAMON_MIN_REGION);
	lo = hit - min(side, hit - r->ar.start);
	hi = hit + DAMON_MIN_REGION;
	hi += min(side, r->ar.end - hi);

	if (hi < r->ar.end && !damon_split_region_at(t, r, hi - r->ar.start))
		added++;
	if (lo > r->ar.start && !damon_split_region_at(t, r, lo - r->ar.start))
		added++;
	return added;
}

/*
 * Whether a random cut of @r is due.  A region whose count has held for
 * DAMON_SETTLED_AGGRS aggregations is cut only at every DAMON_SETTLED_AGGRS-th
 * of its age: its random cuts have found nothing that long (a piece that
 * differed would have started a new age and stayed apart), and each cut
 * costs a region to sample until the pieces merge back.
 */
static bool damon_cut_due(const struct damon_region *r)
{
	return r->age < DAMON_SETTLED_AGGRS || !(r->age % DAMON_SETTLED_AGGRS);
}

/*
 * Cut a region that is not cold, given @room for more regions: zoom in on
 * a region with at most half the accesses of the hottest, cut any other in
 * two if a cut is due.  Returns the number of regions added.
 */
static unsigned int damon_split_warm(struct damon_target *t,
				     struct damon_region *r,
				     unsigned int max_nr_accesses,
				     unsigned int room)
{
	if (r->nr_accesses && r->nr_accesses <= max_nr_accesses / 2 &&
	    room >= 2)
		return damon_zoom_region(t, r) ?: !damon_split_region_randomly(t, r);
	if (room && damon_cut_due(r))
		return !damon_split_region_randomly(t, r);
	return 0;
}

static int damon_cmp_ranges(const void *a, const void *b)
{
	const struct damon_addr_range *l = a, *r = b;

	if (l->start == r->start)
		return 0;
	return l->start < r->start ? -1 : 1;
}

/**
 * damon_cut_leads() - give the leads of a target regions of their own.
 * @t:		the target.
 * @room:	how many regions may be added.
 *
 * Each lead that damon_report_lead() recorded is cut out of the region that
 * holds its start: the lead, aligned outwards to DAMON_MIN_REGION and
 * clipped to that region, becomes a region that keeps the history of the
 * one it was cut from.  Sampling then tells how often it is accessed; a
 * lead that is not accessed any more goes cold and merges back.  A lead in
 * no region is dropped.  Every lead is consumed, cut or not.
 *
 * Context: Process context, may sleep (allocates).
 * Return: the number of regions added, at most @room.
 */
unsigned int damon_cut_leads(struct damon_target *t, unsigned int room)
{
	struct damon_region *r;
	struct damon_addr_range *l;
	unsigned int i, added = 0;
	unsigned long lo, hi;

	sort(t->leads, t->nr_leads, sizeof(t->leads[0]), damon_cmp_ranges,
	     NULL);
	r = damon_first_region(t);
	for (i = 0; i < t->nr_leads && room; i++) {
		l = &t->leads[i];
		while (&r->list != &t->regions_list && r->ar.end <= l->start)
			r = damon_next_region(r);
		if (&r->list == &t->regions_list)
			break;
		lo = max(ALIGN_DOWN(l->start, DAMON_MIN_REGION), r->ar.start);
		hi = min(ALIGN(l->end, DAMON_MIN_REGION), r->ar.end);
		if (lo >= hi)
			continue;
		if (lo > r->ar.start) {
			if (damon_split_region_at(t, r, lo - r->ar.start))
				break;
			added++;
			room--;
			r = damon_next_region(r);
		}
		if (hi < r->ar.end && room) {
			if (damon_split_region_at(t, r, hi - r->ar.start))
				break;
			added++;
			room--;
		}
	}
	t->nr_leads = 0;
	return added;
}

/*
 * Cut the cold regions of @ctx, @sz_cold bytes in all, into up to @extra
 * more regions, all of about the same size: a sample then covers as much
 * cold memory wherever it falls.
 */
static void damon_split_cold(struct damon_ctx *ctx, unsigned int extra,
			     unsigned int nr_cold, unsigned long sz_cold)
{
	unsigned long sz_piece, nr;
	struct damon_target *t;
	struct damon_region *r, *next;

	sz_piece = max(sz_cold / (nr_cold + extra), DAMON_MIN_REGION);
	damon_for_each_target(t, ctx) {
		damon_for_each_region_safe(r, next, t) {
			if (!extra)
				return;
			if (!damon_region_cold(r))
				continue;
			nr = min(damon_sz_region(r) / sz_piece, extra + 1UL);
			if (nr > 1 && !damon_split_region_evenly(t, r, nr))
				extra -= nr - 1;
		}
	}
}

/**
 * damon_split_regions() - cut the regions of a context to look for access
 *	pattern boundaries and hot spots inside them.
 * @ctx:		the context.
 * @max_nr_accesses:	the largest count of the context's regions.
 *
 * Called after the user saw the aggregation and before the counts are
 * reset.  First the leads the primitives reported become regions of their
 * own (damon_cut_leads()).  Then every region that is not cold is cut: a
 * region with
 * accesses but at most half of @max_nr_accesses is zoomed in on around an
 * accessed address (damon_zoom_region()), any other is cut in two at a
 * random point.  Then the cold regions are cut into pieces of about the same
 * size, so that the context holds the number of regions
 * damon_merge_regions() chose to sample.  The count never
 * exceeds max_nr_regions.
 *
 * Context: The context's kdamond, or a caller owning a stopped context.
 */
void damon_split_regions(struct damon_ctx *ctx, unsigned int max_nr_accesses)
{
	unsigned int max_nr = ctx->attrs.max_nr_regions;
	unsigned int nr = 0, nr_cold = 0;
	unsigned long sz_cold = 0;
	struct damon_region *r, *next;
	struct damon_target *t;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx)
		nr += damon_nr_regions(t);
	damon_for_each_target(t, ctx)
		nr += damon_cut_leads(t, nr < max_nr ? max_nr - nr : 0);

	damon_for_each_target(t, ctx) {
		damon_for_each_region_safe(r, next, t) {
			if (damon_region_cold(r)) {
				nr_cold++;
				sz_cold += damon_sz_region(r);
				continue;
			}
			if (nr < max_nr)
				nr += damon_split_warm(t, r, max_nr_accesses,
						       max_nr - nr);
		}
	}

	if (nr_cold && nr < ctx->nr_regions_goal)
		damon_split_cold(ctx, min(ctx->nr_regions_goal, max_nr) - nr,
				 nr_cold, sz_cold);
}

/**
 * damon_cap_regions() - hold a context to max_nr_regions.
 * @ctx:	the context.
 *
 * While the context has more than max_nr_regions regions, each region is
 * merged with the one after it in its target, in address order, pairs
 * after pairs, target after target, pass after pass, so that the regions
 * of every target keep their order and cover what they covered (and the
 * gaps between merged neighbours).  A target keeps at least one region, so
 * a context with more targets than max_nr_regions stays above it: starting
 * one is refused (damon_start()).  The initial regions and a regions update
 * may add regions beyond the most; this is where they are trimmed.
 *
 * Context: The context's kdamond, or a caller owning a stopped context.
 * Return: the number of regions merged away.
 */
unsigned int damon_cap_regions(struct damon_ctx *ctx)
{
	unsigned long nr = 0, max = ctx->attrs.max_nr_regions;
	struct damon_region *r, *next;
	struct damon_target *t;
	unsigned int merged = 0;
	bool progress = true;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx)
		nr += damon_nr_regions(t);
	while (nr > max && progress) {
		progress = false;
		damon_for_each_target(t, ctx) {
			r = damon_first_region(t);
			while (nr > max && &r->list != &t->regions_list) {
				next = damon_next_region(r);
				if (&next->list == &t->regions_list)
					break;
				damon_merge_two_regions(t, r, next);
				nr--;
				merged++;
				progress = true;
				r = damon_next_region(r);
			}
		}
	}
	return merged;
}

/**
 * damon_region_sz_limit() - the size cap of merged regions.
 * @ctx:	the context.
 *
 * Context: The context's kdamond, or a caller owning a stopped context.
 * Return: the total size of the context's regions divided by its
 * min_nr_regions, and at least DAMON_MIN_REGION.
 */
unsigned long damon_region_sz_limit(struct damon_ctx *ctx)
{
	unsigned long pieces = max(ctx->attrs.min_nr_regions, 1UL);
	unsigned long monitored = 0;
	struct damon_target *t;
	struct damon_region *r;

	list_for_each_entry(t, &ctx->targets, list)
		list_for_each_entry(r, &t->regions_list, list)
			monitored += r->ar.end - r->ar.start;

	return max(monitored / pieces, DAMON_MIN_REGION);
}

static bool damon_intersect(const struct damon_region *r,
			    const struct damon_addr_range *ar)
{
	return r->ar.start < ar->end && ar->start < r->ar.end;
}

static bool damon_intersect_any(const struct damon_region *r,
				const struct damon_addr_range *ranges,
				unsigned int nr_ranges)
{
	unsigned int i;

	for (i = 0; i < nr_ranges; i++) {
		if (damon_intersect(r, &ranges[i]))
			return true;
	}
	return false;
}

/* Apply one range; the regions before it are final and none overlap. */
static void damon_fit_range(struct damon_target *t,
			    const struct damon_addr_range *ar,
			    struct damon_target *spares)
{
	struct damon_region *r, *first = NULL, *last = NULL, *new;
	struct list_head *prev, *next;
	unsigned long lo, hi;

	damon_for_each_region(r, t) {
		if (damon_intersect(r, ar)) {
			if (!first)
				first = r;
			last = r;
		} else if (r->ar.start >= ar->end) {
			break;
		}
	}

	/*
	 * Aligning the range outwards must not make a region overlap its
	 * neighbour; it cannot for page-aligned ranges, but clamp anyway.
	 */
	if (first) {
		lo = ALIGN_DOWN(ar->start, DAMON_MIN_REGION);
		if (first->list.prev != &t->regions_list)
			lo = max(lo, damon_prev_region(first)->ar.end);
		hi = ALIGN(ar->end, DAMON_MIN_REGION);
		if (last->list.next != &t->regions_list)
			hi = min(hi, damon_next_region(last)->ar.start);
		first->ar.start = lo;
		last->ar.end = hi;
		return;
	}

	/* No region intersects: add one before the first region after it. */
	next = &t->regions_list;
	damon_for_each_region(r, t) {
		if (r->ar.start >= ar->end) {
			next = &r->list;
			break;
		}
	}
	prev = next->prev;

	new = damon_first_region(spares);
	damon_take_region(spares, new);
	lo = ALIGN_DOWN(ar->start, DAMON_MIN_REGION);
	if (prev != &t->regions_list)
		lo = max(lo, list_entry(prev, struct damon_region, list)->ar.end);
	hi = ALIGN(ar->end, DAMON_MIN_REGION);
	if (next != &t->regions_list)
		hi = min(hi, list_entry(next, struct damon_region, list)->ar.start);
	new->ar.start = lo;
	new->ar.end = hi;
	damon_insert_region(new, list_entry(prev, struct damon_region, list),
			    list_entry(next, struct damon_region, list), t);
}

/**
 * damon_fit_regions() - fit the regions of a target to new address ranges.
 * @t:		the target.
 * @ranges:	the ranges the target now covers, sorted and not overlapping.
 * @nr_ranges:	the number of @ranges.
 *
 * Regions that intersect no range are destroyed.  For each range, the
 * first region intersecting it is moved to start at the range's start
 * rounded down to DAMON_MIN_REGION, and the last one to end at the range's
 * end rounded up; the regions between them are kept as they are.  A range
 * that no region intersects gets a new region of its own.  For example,
 * regions 10-20, 20-30, 50-55, 55-57, 57-59, 70-80, 80-90 and 90-100 (in
 * pages) fitted to 5-27, 61-63 and 65-104 become 5-20, 20-27, 61-63, 65-80,
 * 80-90 and 90-104.
 *
 * The new regions are allocated before anything changes, so a failure
 * leaves the target as it was.
 *
 * Context: Process context, may sleep (allocates).
 * Return: 0 on success, -ENOMEM if out of memory.
 */
int damon_fit_regions(struct damon_target *t,
		      const struct damon_addr_range *ranges,
		      unsigned int nr_ranges)
{
	struct damon_target spares = DAMON_SPARE_TARGET(spares);
	struct damon_region *r, *next;
	unsigned int i;
	int err = 0;

	/* A range needs at most one new region. */
	for (i = 0; i < nr_ranges; i++) {
		r = damon_new_region(ranges[i].start, ranges[i].end);
		if (!r) {
			err = -ENOMEM;
			goto out_destroy_spares;
		}
		damon_add_region(r, &spares);
	}

	damon_for_each_region_safe(r, next, t) {
		if (!damon_intersect_any(r, ranges, nr_ranges))
			damon_destroy_region(r, t);
	}

	for (i = 0; i < nr_ranges; i++)
		damon_fit_range(t, &ranges[i], &spares);

out_destroy_spares:
	damon_for_each_region_safe(r, next, &spares)
		damon_destroy_region(r, &spares);
	return err;
}
