/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON: Data Access MONitor
 *
 * The public interface of DAMON for in-kernel users and address-space
 * primitives.  A monitoring context (&struct damon_ctx) holds the monitoring
 * attributes, the monitoring targets with their regions, a table of
 * primitives that know how to check accesses in one kind of address space,
 * and the callbacks through which a user sees the results.  damon_start()
 * runs one kernel thread, "kdamond", per context.
 */

#ifndef _LINUX_DAMON_H
#define _LINUX_DAMON_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

/*
 * DAMON_MIN_REGION - the smallest region DAMON makes, and the alignment of
 * every region boundary it computes.  Tests use the same value as
 * production code.
 */
#define DAMON_MIN_REGION	PAGE_SIZE

/**
 * struct damon_addr_range - a half-open address range [@start, @end).
 * @start:	first address of the range.
 * @end:	first address past the range.
 */
struct damon_addr_range {
	unsigned long start;
	unsigned long end;
};

/**
 * struct damon_region - a part of a target whose pages are assumed to be
 * accessed alike.
 * @ar:			the address range of the region.
 * @nr_accesses:	how many sampling intervals of the current aggregation
 *			interval found the region accessed.
 * @sampling_addr:	the address whose access is checked in the current
 *			sampling interval.  The primitives set it; a value
 *			outside @ar means the region is not armed yet.
 * @age:		for how many aggregation intervals, the current one
 *			included once it ends, the region has kept its access
 *			frequency: an aggregation whose @nr_accesses differs
 *			from the last one by more than the merge threshold
 *			starts it again at 0.  The pieces of a split keep the
 *			age; a merge takes the size-weighted mean.
 *
 * The regions of a target are sorted by address and never overlap.  Gaps
 * between them are allowed.  Primitives count an access with
 * damon_count_access(), which also tells the core where it was seen.
 */
struct damon_region {
	struct damon_addr_range ar;
	unsigned int nr_accesses;
	unsigned long sampling_addr;
	unsigned int age;
/* private: */
	struct list_head list;	/* in the target's regions_list */
	unsigned int last_nr_accesses;	/* the count of the last aggregation */
	bool sampling_idle;	/* the sampled page was idle when armed */
	u8 cold_aggrs;		/* aggregations in a row without an access */
	unsigned long hit_addr;	/* an accessed address; valid if counted */
};

/**
 * damon_count_access() - count an access found at a region's sampling
 *	address.
 * @r:	the region whose &damon_region->sampling_addr was accessed.
 *
 * Adds one to &damon_region->nr_accesses and remembers the address, so
 * that the regions adjustment can zoom in on it.
 *
 * Context: The context's kdamond, from ->check_accesses().
 */
static inline void damon_count_access(struct damon_region *r)
{
	r->nr_accesses++;
	r->hit_addr = r->sampling_addr;
}

/*
 * DAMON_MAX_LEADS - the most leads (see damon_report_lead()) a target keeps
 * between two aggregations.  Leads that find the array full are dropped: the
 * next sweep of the primitive finds them again.
 */
#define DAMON_MAX_LEADS		64

/**
 * struct damon_target - one monitored entity, such as a process.
 * @id:		identifier the user gave, unique within the context.  For the
 *		virtual address primitives this is the PID number as seen by
 *		the user who set it; it is what the tracepoint and the
 *		recorder report.
 * @pid:	for the virtual address primitives, the process; the target
 *		holds a reference that damon_destroy_target() puts.  NULL for
 *		other primitives.
 * @nr_regions:	the number of regions in @regions_list.
 * @regions_list: the regions, sorted by address.
 * @list:	link in the context's list of targets.
 */
struct damon_target {
	unsigned long id;
	struct pid *pid;
	unsigned int nr_regions;
	struct list_head regions_list;
	struct list_head list;
/* private: */
	unsigned int nr_leads;		/* valid entries of @leads */
	/* The state of the primitive's search, if it searches. */
	unsigned int nr_sweeps;		/* sweeps completed */
	bool search_cleared;		/* this sweep cleared upper-level bits */
	unsigned long search_next;	/* where the sweep resumes */
	unsigned long search_below;	/* see &damon_search_walk->below */
	unsigned long search_pmd_below;	/* and ->pmd_below */
	unsigned long search_arm_below;	/* and ->arm_below */
	/* The PUD entries (by index) a sweep has looked below */
	struct xarray search_looked;
	struct damon_addr_range leads[DAMON_MAX_LEADS];	/* sorted, disjoint */
};

/**
 * damon_report_lead() - tell the regions adjustment where accesses are.
 * @t:		the target.
 * @start:	the first address found accessed.
 * @end:	the address past the last one found accessed.
 *
 * A primitive that finds accessed memory in a cold region by other means
 * than sampling (&damon_primitive->searches) reports it here, in ascending
 * address order within one sweep.  A lead only steers the regions: at the
 * next aggregation the range becomes a region of its own, whose accesses
 * are then counted by sampling like any other.  It never counts as an
 * access.  A lead that touches the previous one extends it.
 *
 * Context: The context's kdamond, from ->check_accesses().
 */
static inline void damon_report_lead(struct damon_target *t,
				     unsigned long start, unsigned long end)
{
	if (t->nr_leads && t->leads[t->nr_leads - 1].end == start) {
		t->leads[t->nr_leads - 1].end = end;
		return;
	}
	if (t->nr_leads < DAMON_MAX_LEADS)
		t->leads[t->nr_leads++] = (struct damon_addr_range){
			.start = start,
			.end = end,
		};
}

/* The scale of &struct damon_wmarks: free memory in permille of the total. */
#define DAMON_PERMILLE		1000U

/* The largest weight of a &struct damon_quota. */
#define DAMON_MAX_WEIGHT	100U

/**
 * enum damon_action - what a scheme does to the memory of the regions it
 *	matches.
 * @DAMON_ACT_WILLNEED:	read the swapped-out and file pages ahead, as
 *			madvise(MADV_WILLNEED) does.
 * @DAMON_ACT_COLD:	deactivate the pages, so that reclaim takes them
 *			first (MADV_COLD).
 * @DAMON_ACT_PAGEOUT:	reclaim the pages now (MADV_PAGEOUT).
 * @DAMON_ACT_HUGEPAGE:	allow transparent huge pages (MADV_HUGEPAGE).
 * @DAMON_ACT_NOHUGEPAGE: forbid transparent huge pages (MADV_NOHUGEPAGE).
 * @DAMON_ACT_STAT:	nothing: only count the regions in the statistics.
 * @NR_DAMON_ACTIONS:	the number of actions.
 */
enum damon_action {
	DAMON_ACT_WILLNEED,
	DAMON_ACT_COLD,
	DAMON_ACT_PAGEOUT,
	DAMON_ACT_HUGEPAGE,
	DAMON_ACT_NOHUGEPAGE,
	DAMON_ACT_STAT,
	NR_DAMON_ACTIONS,
};

/**
 * struct damon_pattern - the regions a scheme acts on.
 * @min_sz_bytes:	the smallest region size, in bytes.
 * @max_sz_bytes:	the largest region size, in bytes.
 * @min_nr_accesses:	the least &damon_region->nr_accesses, in samples of
 *			the aggregation interval that just ended.
 * @max_nr_accesses:	the most &damon_region->nr_accesses.
 * @min_age:		the least &damon_region->age, in aggregations.
 * @max_age:		the most &damon_region->age.
 *
 * A region matches if each of its three values lies in its range, both
 * ends included.
 */
struct damon_pattern {
	unsigned long min_sz_bytes;
	unsigned long max_sz_bytes;
	unsigned int min_nr_accesses;
	unsigned int max_nr_accesses;
	unsigned int min_age;
	unsigned int max_age;
};

/**
 * struct damon_quota - how much a scheme may do per reset interval.
 * @ms:			kdamond time spent acting, in milliseconds; 0 for no
 *			limit.
 * @bytes:		memory acted on, in bytes; 0 for no limit.
 * @reset_ms:		the reset interval, in milliseconds.
 * @weight_sz:		the weight of the region size in the priority.
 * @weight_nr_accesses:	the weight of the access frequency.
 * @weight_age:		the weight of the age.
 *
 * When a limit binds, the matching regions are taken in the order of
 * their priority (see damon_scheme_priority()): the coldest first for
 * @DAMON_ACT_COLD, @DAMON_ACT_PAGEOUT and @DAMON_ACT_NOHUGEPAGE, the
 * hottest first for the others.
 */
struct damon_quota {
	unsigned long ms;
	unsigned long bytes;
	unsigned long reset_ms;
	unsigned int weight_sz;
	unsigned int weight_nr_accesses;
	unsigned int weight_age;
};

/**
 * struct damon_wmarks - when a scheme is active.
 * @free_mem:		whether the watermarks are used at all; a scheme
 *			without them is always active.
 * @low_permille:	the lowest free memory, in permille of the total,
 *			at which the scheme is active.
 * @high_permille:	the highest.
 * @interval_us:	how often the free memory is read, in microseconds.
 *			It is read at the end of an aggregation interval,
 *			so at most once per aggregation.
 *
 * With @free_mem, a scheme is active only while the free memory is in
 * [@low_permille, @high_permille]: proactive reclaim then idles while
 * memory is plentiful, and leaves a machine that is short of it to the
 * kernel's own reclaim.
 */
struct damon_wmarks {
	bool free_mem;
	unsigned int low_permille;
	unsigned int high_permille;
	unsigned long interval_us;
};

/**
 * struct damon_scheme_stats - what a scheme did since it was set.
 * @tried_regions:	regions that matched the pattern while the scheme
 *			was active, counted at each aggregation.
 * @tried_bytes:	their bytes.
 * @applied_regions:	regions the action was applied to, in part or whole.
 * @applied_bytes:	the bytes the action was applied to.
 * @quota_exceeds:	aggregations at which the quota left matching
 *			regions alone.
 */
struct damon_scheme_stats {
	u64 tried_regions;
	u64 tried_bytes;
	u64 applied_regions;
	u64 applied_bytes;
	u64 quota_exceeds;
};

/**
 * struct damon_scheme - an action for the regions of an access pattern.
 * @pattern:	the regions acted on.
 * @action:	what is done to them.
 * @quota:	how much may be done.
 * @wmarks:	when anything is done.
 * @list:	link in &damon_ctx->schemes.
 *
 * Make one with damon_new_scheme(); give a context its schemes with
 * damon_set_schemes().  The kdamond applies them at the end of each
 * aggregation interval, after the regions were merged and shown to the
 * user, and before the counts are reset.
 */
struct damon_scheme {
	struct damon_pattern pattern;
	enum damon_action action;
	struct damon_quota quota;
	struct damon_wmarks wmarks;
	struct list_head list;
/* private: */
	struct damon_scheme_stats stats;	/* under &damon_ctx->stats_lock */
	bool active;			/* the last verdict of the watermarks */
	ktime_t wmarks_read;		/* when the free memory was read */
	ktime_t quota_start;		/* the start of the reset interval */
	u64 quota_used_ns;		/* time spent acting in the interval */
	unsigned long quota_used_bytes;	/* bytes acted on in the interval */
};

struct damon_ctx;
struct damon_candidate;

/**
 * struct damon_primitive - how to monitor one kind of address space.
 * @init:	build the initial regions of every target that has none.
 *		Called once by kdamond before it starts sampling.
 * @update:	fit the targets' regions to changes of the address space.
 *		Called every regions update interval.
 * @prepare_access_checks: arm every region that is not armed: choose a
 *		&damon_region->sampling_addr inside it and clear the
 *		accessed state there.  Called after @init, and after the
 *		regions were changed by an aggregation or by @update.
 * @check_accesses: for every armed region, call damon_count_access()
 *		if its sampling address was accessed since it was armed,
 *		then arm it again.  Returns the
 *		largest &damon_region->nr_accesses of the context.  Called
 *		once every sampling interval.
 * @reset_aggregated: called after the counts were reset at the end of an
 *		aggregation interval.
 * @target_valid: whether the target still exists.  kdamond stops once no
 *		target is valid.
 * @cleanup:	called by kdamond right before it exits.
 * @apply_scheme: apply an action to [@start, @end) of a target, which
 *		lies within one of its regions.  Returns the bytes acted on,
 *		or -EAGAIN if the address space was busy (the action is tried
 *		again at the next aggregation), -EOPNOTSUPP if the action is
 *		not supported, or another negative errno.  Never called for
 *		%DAMON_ACT_STAT.
 * @searches:	the primitives find accessed memory in cold regions without
 *		sampling it, and report it with damon_report_lead() from
 *		@check_accesses.  The regions adjustment then spends no extra
 *		regions on searching cold memory.
 *
 * Every hook is optional and is called by the context's kdamond only, so
 * a hook may sleep but must not take long: it delays the next sample.
 */
struct damon_primitive {
	void (*init)(struct damon_ctx *ctx);
	void (*update)(struct damon_ctx *ctx);
	void (*prepare_access_checks)(struct damon_ctx *ctx);
	unsigned int (*check_accesses)(struct damon_ctx *ctx);
	void (*reset_aggregated)(struct damon_ctx *ctx);
	bool (*target_valid)(struct damon_target *t);
	void (*cleanup)(struct damon_ctx *ctx);
	long (*apply_scheme)(struct damon_ctx *ctx, struct damon_target *t,
			     unsigned long start, unsigned long end,
			     enum damon_action action);
	bool searches;
};

/**
 * struct damon_callback - hooks through which a user sees the results.
 * @before_start:	after the initial regions were built, before the
 *			first sample.
 * @after_sampling:	after each sampling interval's access check.
 * @after_aggregation:	at the end of each aggregation interval, after the
 *			regions were merged and before the counts are reset:
 *			the place to read &damon_region->nr_accesses.
 * @before_terminate:	when kdamond is about to stop, while the regions
 *			still hold the last partial aggregation.
 * @private:		for the user.
 *
 * A non-zero return from @before_start, @after_sampling or
 * @after_aggregation makes kdamond stop.  All are called by kdamond, may
 * sleep, and must not call damon_stop() on their own context.
 */
struct damon_callback {
	int (*before_start)(struct damon_ctx *ctx);
	int (*after_sampling)(struct damon_ctx *ctx);
	int (*after_aggregation)(struct damon_ctx *ctx);
	int (*before_terminate)(struct damon_ctx *ctx);
	void *private;
};

/**
 * struct damon_attrs - the monitoring attributes of a context.
 * @sample_interval:	time between two access checks, in microseconds.
 * @aggr_interval:	time over which access counts are aggregated, in
 *			microseconds.
 * @regions_update_interval: time between two updates of the regions from
 *			the address space, in microseconds.
 * @min_nr_regions:	the least number of regions per context.
 * @max_nr_regions:	the most regions per context.
 *
 * The defaults are 5 ms, 100 ms, 1 s, 10 and 1000.  damon_set_attrs()
 * lists the rules a valid set follows.
 */
struct damon_attrs {
	unsigned long sample_interval;
	unsigned long aggr_interval;
	unsigned long regions_update_interval;
	unsigned long min_nr_regions;
	unsigned long max_nr_regions;
};

/**
 * struct damon_ctx - a monitoring context.
 * @attrs:	the monitoring attributes.  Written only through
 *		damon_set_attrs(), and only while no kdamond runs.
 * @primitive:	the address-space primitives.
 * @callback:	the user's callbacks.
 * @targets:	the monitoring targets.  Changed only while no kdamond runs,
 *		except by the kdamond itself.
 * @schemes:	the operation schemes.  Changed only while no kdamond runs.
 * @stats_lock:	guards the statistics of @schemes, which the kdamond
 *		updates while it runs.
 * @lock:	protects @kdamond and the stop request; held to refuse
 *		changes while a kdamond runs.
 * @kdamond:	the context's kernel thread, NULL when none runs.
 *
 * Create one with damon_new_ctx(), destroy it with damon_destroy_ctx().
 */
struct damon_ctx {
	struct damon_attrs attrs;
	struct damon_primitive primitive;
	struct damon_callback callback;
	struct list_head targets;
	struct list_head schemes;
	spinlock_t stats_lock;		/* guards the schemes' statistics */

	struct mutex lock;		/* guards @kdamond and the stop request */
	struct task_struct *kdamond;	/* protected by @lock */
/* private: */
	bool kdamond_stop;		/* WRITE_ONCE under @lock, READ_ONCE */
	struct completion kdamond_done;	/* completed when kdamond exits */
	unsigned int nr_regions_goal;	/* regions to sample; kdamond only */
	unsigned long sz_limit;		/* the largest region; kdamond only */
	struct damon_candidate *cands;	/* schemes.c's array; kdamond only */
	unsigned int nr_cands_max;	/* the room in @cands */
};

#define damon_next_region(r) \
	(container_of((r)->list.next, struct damon_region, list))

#define damon_prev_region(r) \
	(container_of((r)->list.prev, struct damon_region, list))

#define damon_first_region(t) \
	list_first_entry(&(t)->regions_list, struct damon_region, list)

#define damon_last_region(t) \
	list_last_entry(&(t)->regions_list, struct damon_region, list)

#define damon_for_each_region(r, t) \
	list_for_each_entry(r, &(t)->regions_list, list)

#define damon_for_each_region_safe(r, next, t) \
	list_for_each_entry_safe(r, next, &(t)->regions_list, list)

#define damon_for_each_target(t, ctx) \
	list_for_each_entry(t, &(ctx)->targets, list)

#define damon_for_each_target_safe(t, next, ctx) \
	list_for_each_entry_safe(t, next, &(ctx)->targets, list)

#define damon_for_each_scheme(s, ctx) \
	list_for_each_entry(s, &(ctx)->schemes, list)

#define damon_for_each_scheme_safe(s, next, ctx) \
	list_for_each_entry_safe(s, next, &(ctx)->schemes, list)

/**
 * damon_sz_region() - the size of a region.
 * @r:	the region.
 *
 * Return: the size of the address range of @r, in bytes.
 */
static inline unsigned long damon_sz_region(const struct damon_region *r)
{
	return r->ar.end - r->ar.start;
}

#ifdef CONFIG_DAMON

struct damon_region *damon_new_region(unsigned long start, unsigned long end);
void damon_insert_region(struct damon_region *r, struct damon_region *prev,
			 struct damon_region *next, struct damon_target *t);
void damon_add_region(struct damon_region *r, struct damon_target *t);
void damon_destroy_region(struct damon_region *r, struct damon_target *t);

struct damon_target *damon_new_target(unsigned long id);
void damon_add_target(struct damon_ctx *ctx, struct damon_target *t);
void damon_destroy_target(struct damon_target *t);
unsigned int damon_nr_regions(const struct damon_target *t);

struct damon_ctx *damon_new_ctx(void);
void damon_destroy_ctx(struct damon_ctx *ctx);
int damon_validate_attrs(const struct damon_attrs *attrs);
int damon_set_attrs(struct damon_ctx *ctx, const struct damon_attrs *attrs);
int damon_set_targets(struct damon_ctx *ctx, struct list_head *targets);
bool damon_is_running(struct damon_ctx *ctx);
int damon_nr_running_ctxs(void);

int damon_start(struct damon_ctx **ctxs, int nr_ctxs);
int damon_stop(struct damon_ctx **ctxs, int nr_ctxs);
int damon_stop_request(struct damon_ctx *ctx, struct task_struct **kdamondp);
int damon_stop_wait(struct damon_ctx *ctx, struct task_struct *kdamond);

struct damon_scheme *damon_new_scheme(const struct damon_pattern *pattern,
				      enum damon_action action,
				      const struct damon_quota *quota,
				      const struct damon_wmarks *wmarks);
void damon_destroy_scheme(struct damon_scheme *s);
int damon_validate_scheme(const struct damon_scheme *s);
int damon_set_schemes(struct damon_ctx *ctx, struct list_head *schemes);
void damon_scheme_get_stats(struct damon_ctx *ctx, struct damon_scheme *s,
			    struct damon_scheme_stats *stats);

#endif	/* CONFIG_DAMON */

#ifdef CONFIG_DAMON_VADDR
void damon_va_set_primitives(struct damon_ctx *ctx);
int damon_va_new_target(unsigned long pid_nr, struct damon_target **tp);
#endif

#endif	/* _LINUX_DAMON_H */
