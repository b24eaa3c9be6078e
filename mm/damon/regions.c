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
 * follows the number of regions, not the memory size.  To keep the answer
 * useful with few regions, each aggregation interval ends with a merge and
 * a split:
 *
 *  - Merge.  Two adjacent regions whose counts differ by at most a tenth of
 *    the largest count of the context are taken to be accessed alike and
 *    become one.  With the default intervals (5 ms sampling, 100 ms
 *    aggregation) a count lies in [0, 20]; if the hottest region scored 20,
 *    the threshold is 20 / 10 = 2, so neighbours at 11 and 13 merge while
 *    neighbours at 10 and 13 stay apart.  The tenth is a rule of thumb of
 *    the original design.
 *
 *  - Size cap.  A merge never makes a region larger than the total
 *    monitored size divided by min_nr_regions, so at least about
 *    min_nr_regions regions survive any number of merges.  Monitoring
 *    4 GiB with min_nr_regions = 10 caps regions at 409.6 MiB (rounded
 *    down to DAMON_MIN_REGION).
 *
 *  - Split.  Every region larger than 2 * DAMON_MIN_REGION is then cut at a
 *    random point between 10% and 90% of its size, so that a boundary
 *    between hot and cold memory inside it can be found by the next
 *    aggregation.  Splitting is skipped while the context holds more than
 *    max_nr_regions / 2 regions, so a split at most doubles the count and
 *    never exceeds max_nr_regions (1000 by default: no split above 500).
 *    When the count has not changed since the last split and is below
 *    max_nr_regions / 3 (333 by default), regions are cut into three
 *    pieces instead, because the middle of a region may differ from both
 *    ends.  Splits that make no difference are undone by the next merge.
 */

#include <linux/align.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/sched.h>

#include "internal.h"

/*
 * The adjacent regions of a merge must have counts within
 * max_nr_accesses / DAMON_MERGE_THRESHOLD_DIV of each other.
 */
#define DAMON_MERGE_THRESHOLD_DIV	10

/* A random split leaves between 1 and 9 tenths of a region on the left. */
#define DAMON_SPLIT_MIN_TENTHS		1
#define DAMON_SPLIT_MAX_TENTHS		9

/*
 * Regions made before a change is committed wait in a target of their own
 * on the stack, so that a failure can free them with the usual helpers.
 */
#define DAMON_SPARE_TARGET(name)					\
	{ .regions_list = LIST_HEAD_INIT((name).regions_list) }

/* Unlink @r from the spare target @from, to insert it elsewhere. */
static void damon_take_region(struct damon_target *from,
			      struct damon_region *r)
{
	list_del(&r->list);
	from->nr_regions--;
}

/**
 * damon_rand() - pick a random number in a range.
 * @start:	the smallest number to pick.
 * @end:	one past the largest number to pick.
 *
 * The range may be as wide as an unsigned long allows: the number is the
 * high half of a 64-bit random number multiplied by the width, which is
 * uniform within a bias of width / 2^64.
 *
 * Context: Any context.
 * Return: a number in [@start, @end), or @start if the range is empty.
 */
unsigned long damon_rand(unsigned long start, unsigned long end)
{
	if (end <= start)
		return start;
	return start + (unsigned long)mul_u64_u64_shr(get_random_u64(),
						      end - start, 64);
}

/**
 * damon_split_region_at() - cut a region in two.
 * @t:		the target @r belongs to.
 * @r:		the region to cut.
 * @sz_left:	the size @r keeps.
 *
 * @r keeps [start, start + @sz_left); a new region inserted after it takes
 * the rest.  Both pieces keep the count and the sampling address of @r, so
 * whichever piece contains the armed address stays armed, and both start
 * a new age.
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
	new->sampling_addr = r->sampling_addr;
	new->sampling_idle = r->sampling_idle;

	r->ar.end = new->ar.start;
	r->age = 0;
	damon_insert_region(new, r, damon_next_region(r), t);
	return 0;
}

/**
 * damon_split_region_evenly() - cut a region into pieces of equal size.
 * @t:		the target @r belongs to.
 * @r:		the region to cut.
 * @nr_pieces:	the number of pieces to make.
 *
 * Each piece is the size of @r divided by @nr_pieces, rounded down to
 * DAMON_MIN_REGION; the last piece also takes what the rounding left.  For
 * example, 20 pages cut into 3 give pieces of 6, 6 and 8 pages.  The
 * pieces are allocated before @r is changed, so a failure changes nothing.
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
	unsigned long sz_piece, start;
	unsigned int i;

	if (!r || !nr_pieces)
		return -EINVAL;

	sz_piece = ALIGN_DOWN(damon_sz_region(r) / nr_pieces,
			      DAMON_MIN_REGION);
	if (!sz_piece)
		return -EINVAL;

	start = r->ar.start;
	for (i = 1; i < nr_pieces; i++) {
		piece = damon_new_region(start + sz_piece * i,
					 start + sz_piece * (i + 1));
		if (!piece)
			goto out_destroy_pieces;
		piece->nr_accesses = r->nr_accesses;
		piece->sampling_addr = r->sampling_addr;
		piece->sampling_idle = r->sampling_idle;
		damon_add_region(piece, &pieces);
		cond_resched();
	}
	if (nr_pieces == 1)
		return 0;

	/* The last piece takes the remainder of the rounding. */
	damon_last_region(&pieces)->ar.end = r->ar.end;
	r->ar.end = start + sz_piece;
	r->age = 0;

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

/**
 * damon_merge_two_regions() - merge a region into its left neighbour.
 * @t:	the target of both regions.
 * @l:	the left region, which survives.
 * @r:	the region right after @l, which is destroyed.
 *
 * @l grows to the end of @r and takes the size-weighted mean of the two
 * counts, rounded down: 1 page at 10 merged with 2 pages at 20 gives 3 pages
 * at 16.  The merged region starts a new age.
 *
 * Context: Any context.
 */
void damon_merge_two_regions(struct damon_target *t, struct damon_region *l,
			     struct damon_region *r)
{
	unsigned long sz_l = damon_sz_region(l), sz_r = damon_sz_region(r);
	unsigned int lo, hi;
	unsigned long sz_hi;

	/*
	 * (nl * szl + nr * szr) / (szl + szr) can overflow 64 bits for huge
	 * regions, so add to the lower count the share of the difference
	 * that the region with the higher count weighs; this is the same
	 * number, rounded down the same way.
	 */
	if (l->nr_accesses <= r->nr_accesses) {
		lo = l->nr_accesses;
		hi = r->nr_accesses;
		sz_hi = sz_r;
	} else {
		lo = r->nr_accesses;
		hi = l->nr_accesses;
		sz_hi = sz_l;
	}
	l->nr_accesses = lo + (unsigned int)mul_u64_u64_div_u64(hi - lo, sz_hi,
								 sz_l + sz_r);
	l->ar.end = r->ar.end;
	l->age = 0;
	damon_destroy_region(r, t);
}

/**
 * damon_merge_regions_of() - merge the adjacent regions of a target that
 *	are accessed alike.
 * @t:		the target.
 * @threshold:	the largest difference of counts of regions to merge.
 * @sz_limit:	the largest size of a merged region.
 *
 * Walks the regions in address order and merges each one into the region
 * before it when they touch (no gap), their counts differ by at most
 * @threshold and the result is not larger than @sz_limit.  A merged region
 * may absorb its next neighbour too.  Called once per aggregation, this is
 * also where the regions age: every region gets one older, a merged one
 * starts again at 0.
 *
 * Context: Any context.
 */
void damon_merge_regions_of(struct damon_target *t, unsigned int threshold,
			    unsigned long sz_limit)
{
	struct damon_region *r, *next, *prev = NULL;

	damon_for_each_region_safe(r, next, t) {
		r->age++;
		if (prev && prev->ar.end == r->ar.start &&
		    abs_diff(prev->nr_accesses, r->nr_accesses) <= threshold &&
		    damon_sz_region(prev) + damon_sz_region(r) <= sz_limit)
			damon_merge_two_regions(t, prev, r);
		else
			prev = r;
	}
}

/**
 * damon_split_regions_of() - cut every region of a target at random points.
 * @t:		the target.
 * @nr_subs:	the number of pieces to cut each region into, at most.
 *
 * A region larger than 2 * DAMON_MIN_REGION is cut at a random point
 * between 10% and 90% of its size, rounded down to DAMON_MIN_REGION; the
 * left piece is cut again the same way, up to @nr_subs - 1 cuts in all.  A
 * cut that rounds to nothing is skipped, not retried.  Pieces made here are
 * not cut again in the same call.  An allocation failure leaves the region
 * cut less.
 *
 * Context: Process context, may sleep (allocates).
 */
void damon_split_regions_of(struct damon_target *t, int nr_subs)
{
	struct damon_region *r, *next;
	unsigned long sz, sz_left;
	int i;

	damon_for_each_region_safe(r, next, t) {
		sz = damon_sz_region(r);
		for (i = 0; i < nr_subs - 1 && sz > 2 * DAMON_MIN_REGION; i++) {
			sz_left = mult_frac(sz,
					    damon_rand(DAMON_SPLIT_MIN_TENTHS,
						       DAMON_SPLIT_MAX_TENTHS + 1),
					    10);
			sz_left = ALIGN_DOWN(sz_left, DAMON_MIN_REGION);
			if (!sz_left || sz_left >= sz)
				continue;
			if (damon_split_region_at(t, r, sz_left))
				break;
			sz = sz_left;
		}
	}
}

/**
 * damon_merge_regions() - merge the regions of a context accessed alike.
 * @ctx:		the context.
 * @max_nr_accesses:	the largest count of the context's regions.
 *
 * Applies damon_merge_regions_of() to every target, with a threshold of a
 * tenth of @max_nr_accesses and the context's region size cap.
 *
 * Context: The context's kdamond, or a caller owning a stopped context.
 */
void damon_merge_regions(struct damon_ctx *ctx, unsigned int max_nr_accesses)
{
	unsigned int threshold = max_nr_accesses / DAMON_MERGE_THRESHOLD_DIV;
	struct damon_target *t;

	damon_for_each_target(t, ctx)
		damon_merge_regions_of(t, threshold, ctx->sz_limit);
}

/**
 * damon_split_regions() - cut the regions of a context to look for access
 *	pattern boundaries inside them.
 * @ctx:	the context.
 *
 * Does nothing while the context has more than max_nr_regions / 2 regions.
 * Otherwise cuts every region in two, or in three if the count is the one
 * seen by the previous split and below max_nr_regions / 3.  Either way the
 * count stays at most max_nr_regions.
 *
 * Context: The context's kdamond, or a caller owning a stopped context.
 */
void damon_split_regions(struct damon_ctx *ctx)
{
	unsigned int nr_regions = 0;
	struct damon_target *t;
	int nr_subs = 2;

	damon_for_each_target(t, ctx)
		nr_regions += damon_nr_regions(t);

	if (nr_regions > ctx->attrs.max_nr_regions / 2)
		return;

	if (nr_regions == ctx->last_nr_regions &&
	    nr_regions < ctx->attrs.max_nr_regions / 3)
		nr_subs = 3;

	damon_for_each_target(t, ctx)
		damon_split_regions_of(t, nr_subs);

	ctx->last_nr_regions = nr_regions;
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
