// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON operation schemes: acting on what the monitoring found.
 *
 * A scheme names an access pattern (ranges of region size, access count
 * and age), an action, a quota and watermarks.  At the end of each
 * aggregation interval, once the user has seen the regions and before
 * their counts are reset, the kdamond walks the regions of every target
 * and hands those that match an active scheme to the primitives'
 * &damon_primitive->apply_scheme, which does the work in the address
 * space.  This file knows nothing of address spaces: it decides what is
 * acted on, in which order, and how much.
 *
 * Watermarks.  A scheme with watermarks reads the free memory of the
 * machine at most every &damon_wmarks->interval_us (in practice at the
 * first aggregation after that) and is active only while it lies within
 * its two marks.
 *
 * Quotas.  A scheme with a quota may spend so many milliseconds of the
 * kdamond's time, and act on so many bytes, per reset interval.  Without
 * a quota, every matching region is acted on in address order.  With one,
 * the matching regions are sorted by a priority (damon_scheme_priority())
 * and acted on from the highest down until the quota is spent.  The time
 * spent is measured, not predicted: regions are acted on in pieces of at
 * most DAMON_ACT_CHUNK bytes and the clock is read after each, so one
 * piece is the most a time quota is overrun by.  The pieces also keep
 * every hold of the target's locks short.
 *
 * Statistics.  Each scheme counts the regions and bytes it matched while
 * active, those it acted on, and the aggregations at which its quota left
 * matching regions alone.  The kdamond adds each aggregation's counts
 * under &damon_ctx->stats_lock, where damon_scheme_get_stats() reads them
 * while it runs.
 */

#define pr_fmt(fmt) "damon: " fmt

#include <kunit/visibility.h>
#include <linux/damon.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmstat.h>

#include "internal.h"

/* The quota of a new scheme: no limit, reset every second. */
static const struct damon_quota damon_default_quota = {
	.reset_ms		= MSEC_PER_SEC,
	.weight_sz		= 1,
	.weight_nr_accesses	= 3,
	.weight_age		= 2,
};

/* The watermarks of a new scheme: none, always active. */
static const struct damon_wmarks damon_default_wmarks = {
	.high_permille		= DAMON_PERMILLE,
	.interval_us		= USEC_PER_SEC,
};

/* The longest reset or watermarks interval: one day, in ms and in us. */
#define DAMON_SCHEME_MAX_MS		(24UL * 60 * 60 * MSEC_PER_SEC)
#define DAMON_SCHEME_MAX_US		(24ULL * 60 * 60 * USEC_PER_SEC)

/*
 * Each part of a priority is a score in [0, DAMON_SCORE_MAX].  Age and
 * size have no upper bound, so their scores saturate: an age of
 * DAMON_SCORE_AGE_HALF aggregations (one second with the default
 * intervals) scores half, as does a region of DAMON_SCORE_SZ_HALF_PAGES
 * pages.
 */
#define DAMON_SCORE_MAX			1000U
#define DAMON_SCORE_AGE_HALF		10U
#define DAMON_SCORE_SZ_HALF_PAGES	512U

/* The most bytes handed to the primitives at once; see the top. */
#define DAMON_ACT_CHUNK			SZ_2M

/**
 * struct damon_candidate - a region that matched a scheme with a quota.
 * @t:		the target of the region.
 * @r:		the region.
 * @priority:	its damon_scheme_priority().
 * @order:	its place in the walk, which breaks ties: address order.
 */
struct damon_candidate {
	struct damon_target *t;
	struct damon_region *r;
	unsigned int priority;
	unsigned int order;
};

/**
 * damon_new_scheme() - allocate an operation scheme.
 * @pattern:	the regions to act on.
 * @action:	what to do to them.
 * @quota:	the quota, or NULL for none (no limit, reset every second,
 *		weights 1, 3 and 2 for size, access frequency and age).
 * @wmarks:	the watermarks, or NULL for none (always active).
 *
 * The values are not checked here: damon_set_schemes() checks them.
 *
 * Context: Process context, may sleep.
 * Return: the scheme, not on any list, with zero statistics; or NULL if out
 * of memory.
 */
struct damon_scheme *damon_new_scheme(const struct damon_pattern *pattern,
				      enum damon_action action,
				      const struct damon_quota *quota,
				      const struct damon_wmarks *wmarks)
{
	struct damon_scheme *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->pattern = *pattern;
	s->action = action;
	s->quota = quota ? *quota : damon_default_quota;
	s->wmarks = wmarks ? *wmarks : damon_default_wmarks;
	INIT_LIST_HEAD(&s->list);
	return s;
}

/**
 * damon_destroy_scheme() - unlink a scheme from its list and free it.
 * @s:	the scheme, or NULL.  Its context must not be running.
 *
 * Context: Any context.
 */
void damon_destroy_scheme(struct damon_scheme *s)
{
	if (!s)
		return;
	list_del(&s->list);
	kfree(s);
}

/**
 * damon_validate_scheme() - check the values of a scheme.
 * @s:	the scheme.
 *
 * A valid scheme has a known action; each minimum of its pattern at most
 * its maximum; a quota reset interval of 1 ms to one day and weights of at
 * most %DAMON_MAX_WEIGHT each; a watermarks interval of 1 us to one day;
 * and, if it has watermarks, low <= high <= %DAMON_PERMILLE.
 *
 * Context: Any context.
 * Return: 0 if @s is valid, -EINVAL otherwise.
 */
int damon_validate_scheme(const struct damon_scheme *s)
{
	const struct damon_pattern *p = &s->pattern;
	const struct damon_quota *q = &s->quota;
	const struct damon_wmarks *w = &s->wmarks;

	if ((unsigned int)s->action >= NR_DAMON_ACTIONS)
		return -EINVAL;
	if (p->min_sz_bytes > p->max_sz_bytes ||
	    p->min_nr_accesses > p->max_nr_accesses ||
	    p->min_age > p->max_age)
		return -EINVAL;
	if (!q->reset_ms || q->reset_ms > DAMON_SCHEME_MAX_MS)
		return -EINVAL;
	if (q->weight_sz > DAMON_MAX_WEIGHT ||
	    q->weight_nr_accesses > DAMON_MAX_WEIGHT ||
	    q->weight_age > DAMON_MAX_WEIGHT)
		return -EINVAL;
	if (!w->interval_us || w->interval_us > DAMON_SCHEME_MAX_US)
		return -EINVAL;
	if (w->free_mem && (w->low_permille > w->high_permille ||
			    w->high_permille > DAMON_PERMILLE))
		return -EINVAL;
	return 0;
}

/**
 * damon_set_schemes() - replace the operation schemes of a context.
 * @ctx:	the context.
 * @schemes:	a list of schemes from damon_new_scheme(), linked through
 *		&damon_scheme->list; may be empty.
 *
 * On success the old schemes and their statistics are freed and the
 * schemes on @schemes move to @ctx, leaving @schemes empty.  On error
 * nothing changes and the schemes stay on @schemes for the caller to free.
 *
 * Context: Process context, may sleep; takes &damon_ctx->lock.
 * Return:
 * * 0		- success.
 * * -EINVAL	- a scheme is not valid (see damon_validate_scheme()).
 * * -EBUSY	- a kdamond runs on @ctx.
 */
int damon_set_schemes(struct damon_ctx *ctx, struct list_head *schemes)
{
	struct damon_scheme *s, *next;
	int err = 0;

	list_for_each_entry(s, schemes, list) {
		err = damon_validate_scheme(s);
		if (err)
			return err;
	}

	mutex_lock(&ctx->lock);
	if (ctx->kdamond) {
		err = -EBUSY;
	} else {
		damon_for_each_scheme_safe(s, next, ctx)
			damon_destroy_scheme(s);
		list_splice_tail_init(schemes, &ctx->schemes);
	}
	mutex_unlock(&ctx->lock);
	return err;
}

/**
 * damon_scheme_get_stats() - read the statistics of a scheme.
 * @ctx:	the context of @s.
 * @s:		the scheme, which the caller keeps on @ctx meanwhile.
 * @stats:	set to the statistics.
 *
 * May be called while the kdamond runs: the counts are those of the last
 * aggregation it finished.
 *
 * Context: Any context; takes &damon_ctx->stats_lock.
 */
void damon_scheme_get_stats(struct damon_ctx *ctx, struct damon_scheme *s,
			    struct damon_scheme_stats *stats)
{
	spin_lock(&ctx->stats_lock);
	*stats = s->stats;
	spin_unlock(&ctx->stats_lock);
}

/*
 * Whether @action is for cold memory: its quota then takes the coldest
 * regions first.
 */
static bool damon_action_for_cold(enum damon_action action)
{
	return action == DAMON_ACT_COLD || action == DAMON_ACT_PAGEOUT ||
	       action == DAMON_ACT_NOHUGEPAGE;
}

/*
 * Whether @r matches the pattern of @s.  Pure: visible to the KUnit suite.
 */
VISIBLE_IF_KUNIT bool damon_scheme_matches(const struct damon_scheme *s,
					   const struct damon_region *r)
{
	const struct damon_pattern *p = &s->pattern;
	unsigned long sz = damon_sz_region(r);

	return sz >= p->min_sz_bytes && sz <= p->max_sz_bytes &&
	       r->nr_accesses >= p->min_nr_accesses &&
	       r->nr_accesses <= p->max_nr_accesses &&
	       r->age >= p->min_age && r->age <= p->max_age;
}
EXPORT_SYMBOL_IF_KUNIT(damon_scheme_matches);

/* @v scored in [0, DAMON_SCORE_MAX]: half the maximum at @half. */
static unsigned int damon_score_saturating(u64 v, unsigned int half)
{
	return div64_u64(v * DAMON_SCORE_MAX, v + half);
}

/*
 * The priority of @r under the quota of @s, in [0, DAMON_SCORE_MAX]: the
 * mean of three scores weighted by the quota's weights.  The access score
 * is the count over @max_nr_samples, turned over for cold actions so that
 * the coldest region scores highest; the age and size scores grow with
 * the age and the size.  A region that kept its frequency long is the
 * surest choice either way, and a larger one does more per walk.  All
 * weights 0 makes every priority 0: address order.  Pure: visible to the
 * KUnit suite.
 */
VISIBLE_IF_KUNIT unsigned int
damon_scheme_priority(const struct damon_scheme *s,
		      const struct damon_region *r, unsigned int max_nr_samples)
{
	const struct damon_quota *q = &s->quota;
	unsigned int weights, freq, age, sz;

	weights = q->weight_sz + q->weight_nr_accesses + q->weight_age;
	if (!weights)
		return 0;
	freq = div_u64((u64)min(r->nr_accesses, max_nr_samples) *
		       DAMON_SCORE_MAX, max(max_nr_samples, 1U));
	if (damon_action_for_cold(s->action))
		freq = DAMON_SCORE_MAX - freq;
	age = damon_score_saturating(r->age, DAMON_SCORE_AGE_HALF);
	sz = damon_score_saturating(damon_sz_region(r) >> PAGE_SHIFT,
				    DAMON_SCORE_SZ_HALF_PAGES);
	return (q->weight_sz * sz + q->weight_nr_accesses * freq +
		q->weight_age * age) / weights;
}
EXPORT_SYMBOL_IF_KUNIT(damon_scheme_priority);

/*
 * Whether watermarks @w let their scheme act at @free_permille of free
 * memory.  Pure: visible to the KUnit suite.
 */
VISIBLE_IF_KUNIT bool damon_wmarks_allow(const struct damon_wmarks *w,
					 unsigned int free_permille)
{
	return !w->free_mem || (free_permille >= w->low_permille &&
				free_permille <= w->high_permille);
}
EXPORT_SYMBOL_IF_KUNIT(damon_wmarks_allow);

/* The free memory of the machine, in permille of its total memory. */
static unsigned int damon_free_permille(void)
{
	unsigned long total = totalram_pages();
	unsigned long free = global_zone_page_state(NR_FREE_PAGES);

	if (!total)
		return 0;
	return min_t(u64, div64_u64((u64)free * DAMON_PERMILLE, total),
		     DAMON_PERMILLE);
}

/* Whether @s is active at @now, reading the free memory if it is time. */
static bool damon_scheme_active(struct damon_scheme *s, ktime_t now)
{
	if (!s->wmarks.free_mem)
		return true;
	if (ktime_us_delta(now, s->wmarks_read) >= (s64)s->wmarks.interval_us) {
		s->wmarks_read = now;
		s->active = damon_wmarks_allow(&s->wmarks,
					       damon_free_permille());
	}
	return s->active;
}

/* Whether the quota of @s is spent for its current reset interval. */
static bool damon_quota_spent(const struct damon_scheme *s)
{
	const struct damon_quota *q = &s->quota;

	return (q->ms && s->quota_used_ns >= (u64)q->ms * NSEC_PER_MSEC) ||
	       (q->bytes && s->quota_used_bytes >= q->bytes);
}

/*
 * Apply the action of @s to [@start, @end) of @t, one piece at a time,
 * charging the quota.  Adds to @st what was applied.  Return: whether the
 * quota was spent before the whole range was done.
 */
static bool damon_scheme_act(struct damon_ctx *ctx, struct damon_scheme *s,
			     struct damon_target *t, unsigned long start,
			     unsigned long end, struct damon_scheme_stats *st)
{
	const struct damon_quota *q = &s->quota;
	unsigned long piece, applied = 0;
	ktime_t begin;
	long ret;

	while (start < end) {
		if (damon_quota_spent(s))
			break;
		piece = min(end - start,
			    DAMON_ACT_CHUNK - (start & (DAMON_ACT_CHUNK - 1)));
		if (q->bytes)
			piece = min(piece, q->bytes - s->quota_used_bytes);

		if (s->action == DAMON_ACT_STAT) {
			ret = piece;
		} else if (!ctx->primitive.apply_scheme) {
			ret = -EOPNOTSUPP;
		} else {
			begin = ktime_get();
			ret = ctx->primitive.apply_scheme(ctx, t, start,
							  start + piece,
							  s->action);
			s->quota_used_ns += ktime_to_ns(ktime_sub(ktime_get(),
								  begin));
		}
		if (ret < 0)
			break;
		s->quota_used_bytes += piece;
		applied += ret;
		start += piece;
	}
	if (applied) {
		st->applied_regions++;
		st->applied_bytes += applied;
	}
	return start < end && damon_quota_spent(s);
}

/* Higher priority first, then the order of the walk. */
static int damon_candidate_cmp(const void *a, const void *b)
{
	const struct damon_candidate *ca = a, *cb = b;

	if (ca->priority != cb->priority)
		return ca->priority > cb->priority ? -1 : 1;
	return ca->order < cb->order ? -1 : ca->order > cb->order;
}

/* Make room in &damon_ctx->cands for a candidate per region. */
static int damon_schemes_reserve(struct damon_ctx *ctx)
{
	struct damon_target *t;
	unsigned int nr = 0;

	damon_for_each_target(t, ctx)
		nr += damon_nr_regions(t);
	if (nr <= ctx->nr_cands_max)
		return 0;
	kvfree(ctx->cands);
	ctx->nr_cands_max = 0;
	ctx->cands = kvmalloc_array(nr, sizeof(*ctx->cands), GFP_KERNEL);
	if (!ctx->cands)
		return -ENOMEM;
	ctx->nr_cands_max = nr;
	return 0;
}

/*
 * Apply @s at the end of an aggregation of at most @max_nr_samples
 * samples.  A scheme with a quota whose candidates cannot be stored does
 * nothing this time.
 */
static void damon_apply_scheme(struct damon_ctx *ctx, struct damon_scheme *s,
			       unsigned int max_nr_samples, ktime_t now)
{
	bool limited = s->quota.ms || s->quota.bytes;
	struct damon_scheme_stats st = {};
	struct damon_candidate *c;
	struct damon_target *t;
	struct damon_region *r;
	unsigned int nr = 0, i;
	bool exceeded = false;

	if (!damon_scheme_active(s, now))
		return;
	if (limited) {
		if (ktime_ms_delta(now, s->quota_start) >= (s64)s->quota.reset_ms) {
			s->quota_start = now;
			s->quota_used_ns = 0;
			s->quota_used_bytes = 0;
		}
		if (damon_schemes_reserve(ctx))
			return;
	}

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (!damon_scheme_matches(s, r))
				continue;
			st.tried_regions++;
			st.tried_bytes += damon_sz_region(r);
			if (!limited) {
				damon_scheme_act(ctx, s, t, r->ar.start,
						 r->ar.end, &st);
				continue;
			}
			ctx->cands[nr] = (struct damon_candidate){
				.t = t,
				.r = r,
				.priority = damon_scheme_priority(s, r,
								  max_nr_samples),
				.order = nr,
			};
			nr++;
		}
	}

	if (limited) {
		sort(ctx->cands, nr, sizeof(*ctx->cands), damon_candidate_cmp,
		     NULL);
		for (i = 0; i < nr && !exceeded; i++) {
			c = &ctx->cands[i];
			exceeded = damon_scheme_act(ctx, s, c->t, c->r->ar.start,
						    c->r->ar.end, &st) ||
				   (damon_quota_spent(s) && i + 1 < nr);
		}
	}
	st.quota_exceeds = exceeded;

	spin_lock(&ctx->stats_lock);
	s->stats.tried_regions += st.tried_regions;
	s->stats.tried_bytes += st.tried_bytes;
	s->stats.applied_regions += st.applied_regions;
	s->stats.applied_bytes += st.applied_bytes;
	s->stats.quota_exceeds += st.quota_exceeds;
	spin_unlock(&ctx->stats_lock);
}

/**
 * damon_apply_schemes() - apply the schemes of a context to its regions.
 * @ctx:		the context.
 * @max_nr_samples:	the most samples of the aggregation that ends.
 *
 * Context: The kdamond of @ctx, or a caller that owns @ctx (the KUnit
 * suite).  May sleep.
 */
void damon_apply_schemes(struct damon_ctx *ctx, unsigned int max_nr_samples)
{
	struct damon_scheme *s;
	ktime_t now = ktime_get();

	damon_assert_owner(ctx);
	damon_for_each_scheme(s, ctx)
		damon_apply_scheme(ctx, s, max_nr_samples, now);
}
EXPORT_SYMBOL_IF_KUNIT(damon_apply_schemes);

/**
 * damon_schemes_start() - prepare the schemes of a context for a run.
 * @ctx:	the context.
 *
 * Starts a new quota interval and reads the watermarks of every scheme.
 * The statistics carry on from the last run.
 *
 * Context: The kdamond of @ctx, or a caller that owns @ctx.
 */
void damon_schemes_start(struct damon_ctx *ctx)
{
	struct damon_scheme *s;
	ktime_t now = ktime_get();

	damon_assert_owner(ctx);
	damon_for_each_scheme(s, ctx) {
		s->quota_start = now;
		s->quota_used_ns = 0;
		s->quota_used_bytes = 0;
		s->wmarks_read = now;
		s->active = damon_wmarks_allow(&s->wmarks,
					       damon_free_permille());
	}
}
EXPORT_SYMBOL_IF_KUNIT(damon_schemes_start);

/**
 * damon_schemes_stop() - free what the schemes of a context used in a run.
 * @ctx:	the context.
 *
 * Context: The kdamond of @ctx, or a caller that owns @ctx.
 */
void damon_schemes_stop(struct damon_ctx *ctx)
{
	damon_assert_owner(ctx);
	kvfree(ctx->cands);
	ctx->cands = NULL;
	ctx->nr_cands_max = 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_schemes_stop);
