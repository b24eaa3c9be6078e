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
#include <linux/mutex.h>
#include <linux/types.h>

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

struct damon_ctx;

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

	struct mutex lock;		/* guards @kdamond and the stop request */
	struct task_struct *kdamond;	/* protected by @lock */
/* private: */
	bool kdamond_stop;		/* WRITE_ONCE under @lock, READ_ONCE */
	struct completion kdamond_done;	/* completed when kdamond exits */
	unsigned int nr_regions_goal;	/* regions to sample; kdamond only */
	unsigned long sz_limit;		/* the largest region; kdamond only */
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

#endif	/* CONFIG_DAMON */

#ifdef CONFIG_DAMON_VADDR
void damon_va_set_primitives(struct damon_ctx *ctx);
int damon_va_new_target(unsigned long pid_nr, struct damon_target **tp);
#endif

#endif	/* _LINUX_DAMON_H */
