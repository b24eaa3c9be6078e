// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON core: monitoring contexts, their targets and regions, and the
 * kernel thread ("kdamond") that monitors a context.
 *
 * Life of a context: damon_new_ctx() makes one with the default attributes
 * and no primitives; the user installs primitives and callbacks, sets the
 * attributes and the targets, and calls damon_start() for a group of
 * contexts.  Each context then has its kdamond, which samples the targets
 * until damon_stop() asks it to stop, a callback returns non-zero, or no
 * target is valid any more.  On its way out kdamond destroys the targets:
 * a context must be given targets again before the next start.
 *
 * Locking:
 *  - damon_lock serialises damon_start() and guards nr_running_ctxs, so
 *    that only one group of contexts runs at a time;
 *  - &damon_ctx->lock guards &damon_ctx->kdamond and the stop request.
 *    Attributes and targets may change only while no kdamond runs, which
 *    the setters check under that lock; while it runs, the kdamond owns
 *    the targets and their regions and touches them without a lock.
 *
 * A kdamond that exits, whether asked to or not, does so in one step under
 * damon_lock and then the context's lock (the order damon_start() takes
 * them in): it destroys the targets, sets &damon_ctx->kdamond to NULL and
 * drops nr_running_ctxs, and, still under damon_lock, completes
 * &damon_ctx->kdamond_done.  Whoever sees ->kdamond NULL therefore also
 * sees the context counted out once it takes damon_lock, and no
 * damon_start() can find the group still running after a damon_stop()
 * found it stopped.  The completion is the kdamond's last access to the
 * context, so waiting for it makes freeing the context safe.
 */

#define pr_fmt(fmt) "damon: " fmt

#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/damon.h>

/* The attributes of a new context. */
static const struct damon_attrs damon_default_attrs = {
	.sample_interval	 = 5 * USEC_PER_MSEC,
	.aggr_interval		 = 100 * USEC_PER_MSEC,
	.regions_update_interval = USEC_PER_SEC,
	.min_nr_regions		 = 10,
	.max_nr_regions		 = 1000,
};

/* Fewer regions than this cannot find a hot area between two cold ones. */
#define DAMON_MIN_NR_REGIONS_LIMIT	3

/*
 * The most regions a context may ask for: 2^20 regions of 56 bytes are 56 MiB
 * of metadata and a million page table walks per sampling interval, well past
 * any useful setting, and the limit keeps region counts far from overflowing
 * an unsigned int even after a regions update adds a few.
 */
#define DAMON_MAX_NR_REGIONS_LIMIT	(1024UL * 1024)

/*
 * The longest interval, in microseconds: one day.  Longer intervals have no
 * use, and the bound keeps the kdamond's deadlines (the monotonic clock plus
 * an interval in nanoseconds) far from overflowing a ktime_t.
 */
#define DAMON_MAX_INTERVAL_US		(24ULL * 60 * 60 * USEC_PER_SEC)

/*
 * kdamond lets its sampling sleep end up to 1/64 of the interval late
 * (78 us of 5 ms), so that the timer may be batched with others.
 */
#define DAMON_SLEEP_SLACK_SHIFT		6

/*
 * The longest kdamond sleeps without looking at its stop request, whatever
 * the sampling interval.  damon_stop() wakes it anyway; this bounds the
 * wait of damon_stop() even if that wake-up were taken by another sleep.
 */
#define DAMON_MAX_SLEEP_NS		(100 * NSEC_PER_MSEC)

static DEFINE_MUTEX(damon_lock);
static int nr_running_ctxs;	/* protected by damon_lock */

/**
 * damon_new_region() - allocate a region.
 * @start:	the first address of the region.
 * @end:	the address right after the region.
 *
 * The region has no accesses counted and is not armed: its sampling
 * address is outside it.
 *
 * Context: Process context, may sleep.
 * Return: the region, or NULL if out of memory.
 */
struct damon_region *damon_new_region(unsigned long start, unsigned long end)
{
	struct damon_region *r;

	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;

	r->ar.start = start;
	r->ar.end = end;
	r->sampling_addr = end;
	r->nr_accesses = 0;
	r->age = 0;
	r->last_nr_accesses = 0;
	r->cold_aggrs = DAMON_COLD_AGGRS;
	r->hit_addr = end;
	INIT_LIST_HEAD(&r->list);
	return r;
}

/**
 * damon_insert_region() - link a region between two adjacent ones.
 * @r:		the region to insert.
 * @prev:	the region @r goes after.
 * @next:	the region @r goes before, which follows @prev.
 * @t:		the target of the three regions.
 *
 * @prev and @next may stand for the head of the target's list, as
 * damon_next_region() and damon_prev_region() return it at either end.
 *
 * Context: Any context.
 */
void damon_insert_region(struct damon_region *r, struct damon_region *prev,
			 struct damon_region *next, struct damon_target *t)
{
	__list_add(&r->list, &prev->list, &next->list);
	t->nr_regions++;
}

/**
 * damon_add_region() - append a region to a target.
 * @r:	the region, which must come after every region of @t.
 * @t:	the target.
 *
 * Context: Any context.
 */
void damon_add_region(struct damon_region *r, struct damon_target *t)
{
	list_add_tail(&r->list, &t->regions_list);
	t->nr_regions++;
}

/**
 * damon_destroy_region() - unlink a region from its target and free it.
 * @r:	the region.
 * @t:	the target @r belongs to.
 *
 * Context: Any context.
 */
void damon_destroy_region(struct damon_region *r, struct damon_target *t)
{
	list_del(&r->list);
	t->nr_regions--;
	kfree(r);
}

/**
 * damon_new_target() - allocate a target.
 * @id:	the identifier the user sees, unique within a context.
 *
 * Context: Process context, may sleep.
 * Return: the target, with no regions and no pid, or NULL if out of memory.
 */
struct damon_target *damon_new_target(unsigned long id)
{
	struct damon_target *t = kmalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	*t = (struct damon_target){
		.id = id,
		.regions_list = LIST_HEAD_INIT(t->regions_list),
		.list = LIST_HEAD_INIT(t->list),
	};
	xa_init(&t->search_looked);
	return t;
}

/**
 * damon_add_target() - append a target to a context.
 * @ctx:	the context, on which no kdamond runs.
 * @t:		the target.
 *
 * Context: Any context.
 */
void damon_add_target(struct damon_ctx *ctx, struct damon_target *t)
{
	damon_assert_owner(ctx);
	list_add_tail(&t->list, &ctx->targets);
}

/**
 * damon_destroy_target() - free a target with its regions.
 * @t:	the target.
 *
 * Unlinks @t from its context's list, if it is on one, destroys its
 * regions, puts its pid reference and frees it.
 *
 * Context: Any context.
 */
void damon_destroy_target(struct damon_target *t)
{
	struct damon_region *r;

	list_del(&t->list);
	put_pid(t->pid);
	while ((r = list_first_entry_or_null(&t->regions_list,
					     struct damon_region, list)))
		damon_destroy_region(r, t);
	xa_destroy(&t->search_looked);
	kfree(t);
}

/**
 * damon_nr_regions() - count the regions of a target.
 * @t:	the target.
 *
 * Context: Any context.
 * Return: the number of regions of @t.
 */
unsigned int damon_nr_regions(const struct damon_target *t)
{
	return t->nr_regions;
}

/**
 * damon_new_ctx() - allocate a monitoring context.
 *
 * The context has the default attributes (5 ms sampling, 100 ms
 * aggregation, 1 s regions update, 10 to 1000 regions), no targets, no
 * schemes, no primitives and no callbacks.
 *
 * Context: Process context, may sleep.
 * Return: the context, or NULL if out of memory.
 */
struct damon_ctx *damon_new_ctx(void)
{
	struct damon_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return NULL;
	ctx->attrs = damon_default_attrs;
	INIT_LIST_HEAD(&ctx->targets);
	INIT_LIST_HEAD(&ctx->schemes);
	spin_lock_init(&ctx->stats_lock);
	mutex_init(&ctx->lock);
	/* Completed while no kdamond runs: destroy and stop never wait. */
	init_completion(&ctx->kdamond_done);
	complete_all(&ctx->kdamond_done);
	return ctx;
}

/**
 * damon_destroy_ctx() - free a monitoring context with its targets and
 *	schemes.
 * @ctx:	the context, or NULL.
 *
 * Does nothing, with a warning, if a kdamond still runs on @ctx: stop it
 * first.
 *
 * Context: Process context, may sleep.
 */
void damon_destroy_ctx(struct damon_ctx *ctx)
{
	struct damon_scheme *s, *next_s;
	struct damon_target *t, *next;

	if (!ctx)
		return;
	if (WARN_ON_ONCE(damon_is_running(ctx)))
		return;

	/* A kdamond that stopped on its own may still be on its way out. */
	wait_for_completion(&ctx->kdamond_done);

	damon_assert_owner(ctx);
	damon_for_each_target_safe(t, next, ctx)
		damon_destroy_target(t);
	damon_for_each_scheme_safe(s, next_s, ctx)
		damon_destroy_scheme(s);
	kvfree(ctx->cands);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
}

/**
 * damon_validate_attrs() - check a set of monitoring attributes.
 * @attrs:	the attributes.
 *
 * A valid set has a sampling interval above zero, aggregation and regions
 * update intervals not shorter than the sampling interval, no interval
 * longer than one day (86,400,000,000 us), at most UINT_MAX samples per
 * aggregation (so that &damon_region->nr_accesses cannot wrap: see
 * damon_max_nr_samples()), and 3 <= min_nr_regions <= max_nr_regions <= 2^20.
 *
 * Context: Any context.
 * Return: 0 if @attrs is valid, -EINVAL otherwise.
 */
int damon_validate_attrs(const struct damon_attrs *attrs)
{
	const u64 max_us = DAMON_MAX_INTERVAL_US;

	if (!attrs->sample_interval ||
	    attrs->aggr_interval < attrs->sample_interval ||
	    attrs->regions_update_interval < attrs->sample_interval)
		return -EINVAL;
	if (attrs->sample_interval > max_us || attrs->aggr_interval > max_us ||
	    attrs->regions_update_interval > max_us)
		return -EINVAL;
	if (attrs->aggr_interval / attrs->sample_interval > UINT_MAX)
		return -EINVAL;
	if (attrs->min_nr_regions < DAMON_MIN_NR_REGIONS_LIMIT ||
	    attrs->min_nr_regions > attrs->max_nr_regions ||
	    attrs->max_nr_regions > DAMON_MAX_NR_REGIONS_LIMIT)
		return -EINVAL;
	return 0;
}

/*
 * The most samples an aggregation of valid @attrs takes: the aggregation
 * interval divided by the sampling interval, at least 1.  An aggregation
 * ends after this many samples even if its interval has not passed yet, so
 * that no &damon_region->nr_accesses exceeds it; damon_validate_attrs()
 * keeps it within UINT_MAX.  Samples come at least a sampling interval
 * apart, so a kdamond on time reaches the count when the interval passes;
 * a late one ends the aggregation earlier, on the time.  Not part of the
 * API: visible to the KUnit suite only.
 */
VISIBLE_IF_KUNIT unsigned int
damon_max_nr_samples(const struct damon_attrs *attrs)
{
	return max(attrs->aggr_interval / attrs->sample_interval, 1UL);
}
EXPORT_SYMBOL_IF_KUNIT(damon_max_nr_samples);

/*
 * @now plus @ns nanoseconds, or KTIME_MAX if that does not fit in a
 * ktime_t: a deadline that saturates instead of wrapping.  Not part of the
 * API: visible to the KUnit suite only.
 */
VISIBLE_IF_KUNIT ktime_t damon_deadline(ktime_t now, u64 ns)
{
	if (ns >= KTIME_MAX || now > KTIME_MAX - (ktime_t)ns)
		return KTIME_MAX;
	return ktime_add_ns(now, ns);
}
EXPORT_SYMBOL_IF_KUNIT(damon_deadline);

/**
 * damon_set_attrs() - set the monitoring attributes of a context.
 * @ctx:	the context.
 * @attrs:	the new attributes; damon_validate_attrs() lists the rules.
 *
 * Nothing changes if an error is returned.
 *
 * Context: Process context, may sleep; takes &damon_ctx->lock.
 * Return:
 * * 0		- success.
 * * -EINVAL	- @attrs is not valid.
 * * -EBUSY	- a kdamond runs on @ctx.
 */
int damon_set_attrs(struct damon_ctx *ctx, const struct damon_attrs *attrs)
{
	int err;

	err = damon_validate_attrs(attrs);
	if (err)
		return err;

	mutex_lock(&ctx->lock);
	if (ctx->kdamond)
		err = -EBUSY;
	else
		ctx->attrs = *attrs;
	mutex_unlock(&ctx->lock);
	return err;
}

/**
 * damon_set_targets() - replace the targets of a context.
 * @ctx:	the context.
 * @targets:	a list of targets built by the caller, linked through
 *		&damon_target->list; may be empty.
 *
 * On success the old targets are destroyed (their pid references put) and
 * the targets on @targets move to @ctx, leaving @targets empty.  On error
 * nothing changes and the targets stay on @targets for the caller to free.
 *
 * Context: Process context, may sleep; takes &damon_ctx->lock.
 * Return:
 * * 0		- success.
 * * -EBUSY	- a kdamond runs on @ctx.
 */
int damon_set_targets(struct damon_ctx *ctx, struct list_head *targets)
{
	struct damon_target *t, *next;
	int err = 0;

	mutex_lock(&ctx->lock);
	if (ctx->kdamond) {
		err = -EBUSY;
		goto out_unlock;
	}
	damon_for_each_target_safe(t, next, ctx)
		damon_destroy_target(t);
	list_splice_tail_init(targets, &ctx->targets);
out_unlock:
	mutex_unlock(&ctx->lock);
	return err;
}

/**
 * damon_is_running() - tell whether a kdamond runs on a context.
 * @ctx:	the context.
 *
 * Context: Process context, may sleep; takes &damon_ctx->lock.
 * Return: true if a kdamond runs on @ctx.
 */
bool damon_is_running(struct damon_ctx *ctx)
{
	bool running;

	mutex_lock(&ctx->lock);
	running = ctx->kdamond;
	mutex_unlock(&ctx->lock);
	return running;
}

/**
 * damon_nr_running_ctxs() - count the running kdamonds.
 *
 * Context: Process context, may sleep; takes damon_lock.
 * Return: the number of contexts with a kdamond in the system.
 */
int damon_nr_running_ctxs(void)
{
	int nr;

	mutex_lock(&damon_lock);
	nr = nr_running_ctxs;
	mutex_unlock(&damon_lock);
	return nr;
}

/* Whether kdamond should stop before its next sample. */
static bool kdamond_need_stop(struct damon_ctx *ctx)
{
	struct damon_target *t;

	damon_assert_owner(ctx);
	/* Pairs with the WRITE_ONCE() in damon_stop_request(). */
	if (READ_ONCE(ctx->kdamond_stop))
		return true;
	if (!ctx->primitive.target_valid)
		return false;
	damon_for_each_target(t, ctx) {
		if (ctx->primitive.target_valid(t))
			return false;
	}
	return true;
}

/*
 * Sleep for @ns nanoseconds, or until damon_stop() asks us to stop.  The
 * state is set before the stop request is read, so a request made after
 * the read finds us sleeping and its wake-up ends the sleep: none is lost.
 * The sleep is cut into slices of at most %DAMON_MAX_SLEEP_NS towards one
 * deadline, and the request is read again before each slice, so a stop
 * never waits longer than that for the sleep to end.  An early wake-up
 * that is not a stop does not shorten the sample.  The sleep is
 * interruptible so that an idle kdamond does not count as load.
 */
static void kdamond_sleep(struct damon_ctx *ctx, u64 ns)
{
	u64 slack = min_t(u64, ns, DAMON_MAX_SLEEP_NS) >> DAMON_SLEEP_SLACK_SHIFT;
	ktime_t deadline = damon_deadline(ktime_get(), ns);
	ktime_t now, expires;

	damon_assert_owner(ctx);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		now = ktime_get();
		/* Pairs with the WRITE_ONCE() in damon_stop_request(). */
		if (READ_ONCE(ctx->kdamond_stop) || !ktime_before(now, deadline))
			break;
		expires = damon_deadline(now, DAMON_MAX_SLEEP_NS);
		if (ktime_after(expires, deadline))
			expires = deadline;
		schedule_hrtimeout_range(&expires, slack, HRTIMER_MODE_ABS);
	}
	__set_current_state(TASK_RUNNING);
}

/* Whether @interval_ns passed since *@last; if so, restart it at @now. */
static bool kdamond_interval_passed(ktime_t *last, ktime_t now,
				    u64 interval_ns)
{
	if (ktime_sub(now, *last) < (s64)interval_ns)
		return false;
	*last = now;
	return true;
}

/* Show every region of the aggregation that ends to the tracepoint. */
static void kdamond_trace_aggregated(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	if (!trace_damon_aggregated_enabled())
		return;
	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t)
			trace_damon_aggregated(t, r, damon_nr_regions(t));
	}
}

/* Start a new aggregation: every count back to zero. */
static void kdamond_reset_aggregated(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t)
			r->nr_accesses = 0;
	}
}

/*
 * The end of a kdamond: tell the user, hand the context back with no
 * targets, and let damon_stop() and damon_start() know.
 */
static void kdamond_exit(struct damon_ctx *ctx)
{
	struct damon_target *t, *next_t;
	struct damon_region *r, *next_r;

	damon_assert_owner(ctx);
	if (ctx->callback.before_terminate)
		ctx->callback.before_terminate(ctx);

	damon_for_each_target(t, ctx) {
		damon_for_each_region_safe(r, next_r, t)
			damon_destroy_region(r, t);
	}
	if (ctx->primitive.cleanup)
		ctx->primitive.cleanup(ctx);
	damon_schemes_stop(ctx);

	pr_debug("kdamond (%d) finishes\n", current->pid);

	/* One step for every observer: see the comment at the top. */
	mutex_lock(&damon_lock);
	mutex_lock(&ctx->lock);
	damon_for_each_target_safe(t, next_t, ctx)
		damon_destroy_target(t);
	ctx->kdamond = NULL;
	nr_running_ctxs--;
	mutex_unlock(&ctx->lock);
	/* For damon_stop_wait(): ->kdamond was stored before the wake-up. */
	smp_mb();
	wake_up_var(&ctx->kdamond);
	/* The last access to @ctx: it may be freed from now on. */
	complete_all(&ctx->kdamond_done);
	mutex_unlock(&damon_lock);
}

/*
 * The monitoring thread of a context.  Each iteration sleeps one sampling
 * interval and checks the accesses; at the end of an aggregation interval
 * it merges the regions, shows them to the user, applies the operation
 * schemes, splits the regions where the counts suggest and resets the
 * counts; every regions update interval it fits the regions to the
 * address space again.
 */
static int kdamond_fn(void *data)
{
	struct damon_ctx *ctx = data;
	struct damon_primitive *prim = &ctx->primitive;
	struct damon_callback *cb = &ctx->callback;
	u64 sample_ns, aggr_ns, update_ns;
	ktime_t last_aggregation, last_update, now;
	unsigned int max_nr_accesses, max_nr_samples, nr_samples = 0;
	bool changed, done = false;

	pr_debug("kdamond (%d) starts\n", current->pid);

	/* Validated by damon_set_attrs(), and fixed while we run. */
	sample_ns = (u64)ctx->attrs.sample_interval * NSEC_PER_USEC;
	aggr_ns = (u64)ctx->attrs.aggr_interval * NSEC_PER_USEC;
	update_ns = (u64)ctx->attrs.regions_update_interval * NSEC_PER_USEC;
	max_nr_samples = damon_max_nr_samples(&ctx->attrs);

	if (prim->init)
		prim->init(ctx);
	if (prim->prepare_access_checks)
		prim->prepare_access_checks(ctx);
	if (cb->before_start && cb->before_start(ctx))
		done = true;

	ctx->sz_limit = damon_region_sz_limit(ctx);
	damon_reset_regions_goal(ctx);
	damon_schemes_start(ctx);
	last_aggregation = ktime_get();
	last_update = last_aggregation;

	while (!done && !kdamond_need_stop(ctx)) {
		kdamond_sleep(ctx, sample_ns);
		if (READ_ONCE(ctx->kdamond_stop))
			break;

		max_nr_accesses = 0;
		if (prim->check_accesses)
			max_nr_accesses = prim->check_accesses(ctx);
		if (cb->after_sampling && cb->after_sampling(ctx))
			done = true;

		changed = false;
		now = ktime_get();
		/*
		 * Samples come at least sample_ns apart, but the time alone
		 * would end an aggregation only at the first sample past
		 * aggr_ns: one more than aggr_ns / sample_ns when they do not
		 * divide.  The count keeps nr_accesses within the bound that
		 * damon_validate_attrs() checked.
		 */
		if (++nr_samples >= max_nr_samples ||
		    kdamond_interval_passed(&last_aggregation, now, aggr_ns)) {
			last_aggregation = now;
			nr_samples = 0;
			damon_merge_regions(ctx, max_nr_accesses);
			if (cb->after_aggregation && cb->after_aggregation(ctx))
				done = true;
			kdamond_trace_aggregated(ctx);
			damon_apply_schemes(ctx, max_nr_samples);
			/* The split zooms in on what the counts showed. */
			damon_split_regions(ctx, max_nr_accesses);
			kdamond_reset_aggregated(ctx);
			if (prim->reset_aggregated)
				prim->reset_aggregated(ctx);
			changed = true;
		}
		if (kdamond_interval_passed(&last_update, now, update_ns)) {
			if (prim->update)
				prim->update(ctx);
			ctx->sz_limit = damon_region_sz_limit(ctx);
			changed = true;
		}
		if (changed && prim->prepare_access_checks)
			prim->prepare_access_checks(ctx);
	}

	kdamond_exit(ctx);
	return 0;
}

/**
 * damon_stop_request() - ask the kdamond of a context to stop, without
 * waiting for it.
 * @ctx:	the context.
 * @kdamondp:	set to the kdamond, with a task reference that
 *		damon_stop_wait() puts, or to NULL if none runs on @ctx.
 *
 * The wake-up ends the kdamond's sampling sleep at once.  ->kdamond cannot
 * exit while we hold &damon_ctx->lock (it takes the lock to clear
 * ->kdamond), so the task is alive when its reference is taken.  A kdamond
 * already asked to stop is asked again, harmlessly, and may be waited for
 * by several callers.
 *
 * Context: Process context, may sleep; takes &damon_ctx->lock.
 * Return:
 * * 0		- this call asked the kdamond to stop.
 * * -EALREADY	- the kdamond had been asked to stop before.
 * * -EPERM	- no kdamond runs on @ctx.
 */
int damon_stop_request(struct damon_ctx *ctx, struct task_struct **kdamondp)
{
	struct task_struct *kdamond;
	int err = -EPERM;

	mutex_lock(&ctx->lock);
	kdamond = ctx->kdamond;
	if (kdamond) {
		err = ctx->kdamond_stop ? -EALREADY : 0;
		/* Pairs with the READ_ONCE()s in kdamond_need_stop/_sleep. */
		WRITE_ONCE(ctx->kdamond_stop, true);
		wake_up_process(kdamond);
		get_task_struct(kdamond);
	}
	mutex_unlock(&ctx->lock);
	*kdamondp = kdamond;
	return err;
}

/**
 * damon_stop_wait() - wait, killably, until a kdamond asked to stop is gone.
 * @ctx:	the context.
 * @kdamond:	the kdamond damon_stop_request() gave for @ctx, maybe NULL.
 *
 * Returns once @kdamond no longer runs on @ctx: it has called the
 * before_terminate callback, destroyed the targets and counted itself out,
 * so that damon_start() may start @ctx again.  A kdamond started on @ctx
 * since does not prolong the wait: the reference held on @kdamond keeps its
 * address from naming another task.  The reference is put in every case.
 * Unlike damon_stop(), the wait does not cover the kdamond's very last
 * access to @ctx: damon_destroy_ctx() waits for that.  The caller keeps
 * @ctx from being freed until this returns, and should hold no lock while
 * it waits.
 *
 * Context: Process context, sleeps killably.
 * Return: 0 once @kdamond is gone; -EINTR if a fatal signal came first,
 * and @kdamond then finishes on its own.
 */
int damon_stop_wait(struct damon_ctx *ctx, struct task_struct *kdamond)
{
	int err;

	if (!kdamond)
		return 0;
	err = wait_var_event_killable(&ctx->kdamond,
				      READ_ONCE(ctx->kdamond) != kdamond);
	put_task_struct(kdamond);
	return err ? -EINTR : 0;
}

/*
 * Whether @ctx may start: it has no kdamond, and has targets, no more than
 * max_nr_regions of them (each needs a region).  Only damon_start() starts a
 * kdamond, under damon_lock: the answer holds until the caller drops it.
 */
static int damon_check_startable(struct damon_ctx *ctx)
{
	int err = 0;

	lockdep_assert_held(&damon_lock);
	mutex_lock(&ctx->lock);
	if (ctx->kdamond)
		err = -EBUSY;
	else if (list_empty(&ctx->targets))
		err = -EINVAL;
	else if (list_count_nodes(&ctx->targets) > ctx->attrs.max_nr_regions)
		err = -E2BIG;
	mutex_unlock(&ctx->lock);
	return err;
}

/**
 * damon_start() - start monitoring a group of contexts.
 * @ctxs:	the contexts.
 * @nr_ctxs:	the number of @ctxs.
 *
 * Starts one kdamond, named "kdamond.<n>", per context.  Only one group of
 * contexts may run in the system at a time.  Either every context starts,
 * or nothing changes: the group is checked and every kdamond is created
 * before any of them is woken, so on error no kdamond has run and every
 * context keeps its targets.
 *
 * Context: Process context, may sleep; takes damon_lock and each
 * &damon_ctx->lock.
 * Return:
 * * 0		- every context runs.
 * * -EINVAL	- @nr_ctxs is below 1, or a context has no targets.
 * * -E2BIG	- a context has more targets than its max_nr_regions.
 * * -EBUSY	- a kdamond already runs, on these contexts or others.
 * * -ENOMEM	- out of memory, or another error of kthread_create().
 */
int damon_start(struct damon_ctx **ctxs, int nr_ctxs)
{
	struct task_struct **kdamonds;
	int i, nr_created = 0, err = 0;

	if (nr_ctxs < 1)
		return -EINVAL;

	kdamonds = kcalloc(nr_ctxs, sizeof(*kdamonds), GFP_KERNEL);
	if (!kdamonds)
		return -ENOMEM;

	mutex_lock(&damon_lock);
	if (nr_running_ctxs) {
		err = -EBUSY;
		goto out_unlock;
	}
	/* Refuse a bad group before creating anything. */
	for (i = 0; i < nr_ctxs; i++) {
		err = damon_check_startable(ctxs[i]);
		if (err)
			goto out_unlock;
	}
	/*
	 * A thread made by kthread_create() sleeps until it is woken, and one
	 * stopped before that never calls kdamond_fn(): until every thread
	 * exists, failing leaves no trace.
	 */
	for (i = 0; i < nr_ctxs; i++) {
		kdamonds[i] = kthread_create(kdamond_fn, ctxs[i], "kdamond.%d",
					     i);
		if (IS_ERR(kdamonds[i])) {
			err = PTR_ERR(kdamonds[i]);
			goto out_stop_kdamonds;
		}
		nr_created++;
	}
	for (i = 0; i < nr_ctxs; i++) {
		mutex_lock(&ctxs[i]->lock);
		WRITE_ONCE(ctxs[i]->kdamond_stop, false);
		reinit_completion(&ctxs[i]->kdamond_done);
		ctxs[i]->kdamond = kdamonds[i];
		mutex_unlock(&ctxs[i]->lock);
	}
	nr_running_ctxs = nr_ctxs;
	/*
	 * A kdamond may finish as soon as it is woken; it then waits for the
	 * damon_lock we hold before it clears ->kdamond and drops the count.
	 */
	for (i = 0; i < nr_ctxs; i++)
		wake_up_process(kdamonds[i]);
	goto out_unlock;

out_stop_kdamonds:
	for (i = 0; i < nr_created; i++)
		kthread_stop(kdamonds[i]);
out_unlock:
	mutex_unlock(&damon_lock);
	kfree(kdamonds);
	return err;
}

/**
 * damon_stop() - stop monitoring a group of contexts.
 * @ctxs:	the contexts.
 * @nr_ctxs:	the number of @ctxs.
 *
 * Asks the kdamond of every context to stop and waits until each is
 * gone.  A kdamond checks for the request at least every 100 ms of sleep
 * and is woken by it, so the wait is the rest of the sampling step in
 * progress (its access checks and callbacks, such as a record file write),
 * whatever the intervals.  Contexts on which no kdamond runs are skipped
 * and the others still stopped.  The stopped contexts have no targets left.
 * A callback must not call this for its own context.
 *
 * Context: Process context, may sleep; takes each &damon_ctx->lock.
 * Return:
 * * 0		- every context was running and is stopped.
 * * -EPERM	- a context was not running.
 * * -EINVAL	- @nr_ctxs is below 1.
 */
int damon_stop(struct damon_ctx **ctxs, int nr_ctxs)
{
	struct task_struct *kdamond;
	int i, err = 0;

	if (nr_ctxs < 1)
		return -EINVAL;

	for (i = 0; i < nr_ctxs; i++) {
		damon_stop_request(ctxs[i], &kdamond);
		if (kdamond) {
			put_task_struct(kdamond);
			wait_for_completion(&ctxs[i]->kdamond_done);
		} else {
			err = -EPERM;
		}
	}
	return err;
}
