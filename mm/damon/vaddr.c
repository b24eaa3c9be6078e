// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON primitives for the virtual address spaces of processes.
 *
 * A target is a process, named by its struct pid.  Every use looks up the
 * task and its mm again and drops both afterwards, so DAMON never pins a
 * process's memory; a target whose mm is gone is skipped.
 *
 * The three regions
 * -----------------
 * A process maps only a small part of its address space, and the unmapped
 * part is neither worth sampling nor cheap to sample.  Following every VMA
 * would cost one region per VMA, however cold.  The layout of nearly every
 * process has two huge holes, though: one between the heap and the mmap
 * area, one between the mmap area and the stack.  The primitives therefore
 * cover the mappings with three regions, cut at the two largest gaps between
 * VMAs, and leave the smaller holes inside the regions to the adaptive
 * regions adjustment, which finds them never accessed:
 *
 *   VMAs:     [text][data][heap]          [lib][lib] [anon]      [stack]
 *   regions:  |<--- first ---->|          |<--- second -->|      |<3rd>|
 *   gaps:                       <-largest>                 <2nd->
 *                               heap..mmap                mmap..stack
 *
 * The computation is a pure function over the mappings fed in address order
 * (struct damon_va_gaps), so that KUnit tests it on synthetic layouts.  The
 * regions cover every mapped byte: the span is aligned outwards and the gaps
 * inwards to DAMON_MIN_REGION, and a gap that alignment leaves empty does not
 * count.  Of two gaps of equal size the lower one is taken.
 *
 * With fewer than two gaps, i.e. fewer than three separated clusters of
 * mappings, the target is still monitored: one region per cluster.  Only a
 * process with no mapping at all gets no region.
 *
 * The regions are recomputed every regions update interval and the
 * existing regions fitted to them (damon_fit_regions()), which keeps the
 * access counts of the regions that still exist.
 *
 * Sampling
 * --------
 * Each region has one sampling address.  Arming a region picks a new random
 * address in it and makes the page there old (see ops-common.c); one
 * sampling interval later the page is checked for being young again.
 *
 * Searching
 * ---------
 * Sampling finds a hot page in a cold region of N pages after N / 2 samples
 * on average: hopeless in a terabyte.  Where the CPU sets the accessed bits
 * of the upper page table levels (damon_va_can_search()), each target's
 * cold regions are also searched, in sweeps that follow those bits down to
 * the accessed pages (damon_va_search()) and report them as leads: the core
 * makes each lead a region, and sampling counts it from then on.
 *
 * A sweep reads at most DAMON_VA_SEARCH_BUDGET entries per sampling
 * interval and target, and resumes where it stopped at the next interval;
 * a new sweep starts at the first aggregation after the last one ended.
 * The first sweep of a target only clears the bits of the PUD entries, and
 * a sweep that looks below a PUD entry for the first time only clears the
 * bits of the PMD entries there: they were set by whatever happened before,
 * so only from the next sweep on does a set bit mean an access since the
 * sweep before.  The cost of a sweep is the number of untouched subtrees
 * at the top (1 GiB each) plus what was accessed below them, however much
 * is mapped.
 *
 * CPUs cache paging-structure entries and may not set a bit again that was
 * cleared under a cached entry.  A sweep that cleared upper-level bits
 * therefore ends with a TLB flush of the target's mm (at most one per
 * aggregation interval), after which the next walks of the CPU reload the
 * entries and set their bits again.  Cold regions are still sampled too,
 * so a place the search misses is found as before, only more slowly.
 */

#define pr_fmt(fmt) "damon-va: " fmt

#include <kunit/visibility.h>
#include <linux/damon.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mmu_notifier.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <asm/tlbflush.h>

#include "internal.h"
#include "ops-common.h"

/*
 * The page table entries a sweep may read per sampling interval and target:
 * at most 4096 reads of 8 bytes, plus one PTE table, a few microseconds
 * natively.  A sweep over 1 TiB that only clears bits reads ~512 Ki PMD
 * entries, 128 intervals; one over 1 TiB with a few hot pages reads the
 * 1024 PUD entries and a table per hot page: a single interval.
 */
#define DAMON_VA_SEARCH_BUDGET	4096UL

/*
 * An upper entry over a region that is not cold has its accessed bit set by
 * the accesses already known there, sweep after sweep: reading below it
 * would mostly find them again, a PMD table or a PTE table each time.  A
 * sweep therefore leaves such "explained" entries alone, bit and all, and
 * only every DAMON_VA_EXPLAINED_EVERY-th sweep looks below them: a new hot
 * spot beside a known one waits for at most that many sweeps (or for its
 * sampling), one far from any is found at the next sweep.
 */
#define DAMON_VA_EXPLAINED_EVERY	8

/* &damon_target->search_next of a target whose last sweep has ended. */
#define DAMON_VA_SEARCH_DONE	ULONG_MAX

/* Get the mm of @t's process, or NULL; mmput() it after use. */
static struct mm_struct *damon_va_get_mm(struct damon_target *t)
{
	struct task_struct *task;
	struct mm_struct *mm;

	task = get_pid_task(t->pid, PIDTYPE_PID);
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm;
}

/* Whether @task is a user process that still has an address space. */
static bool damon_va_task_has_mm(struct task_struct *task)
{
	bool has_mm;

	task_lock(task);
	has_mm = task->mm && !(task->flags & PF_KTHREAD);
	task_unlock(task);
	return has_mm;
}

/**
 * damon_va_new_target() - make a target of a process.
 * @pid_nr:	the PID number of the process, in the caller's PID namespace.
 * @tp:		set to the new target on success.
 *
 * The new target has @pid_nr as its id and holds a reference on the
 * process's struct pid, which damon_destroy_target() puts.  It belongs to no
 * context yet.
 *
 * Context: Process context, may sleep (allocates).
 * Return:
 * * 0		- success.
 * * %-EINVAL	- no process has @pid_nr, the process has exited, or it is a
 *   kernel thread.
 * * %-ENOMEM	- out of memory.
 */
int damon_va_new_target(unsigned long pid_nr, struct damon_target **tp)
{
	struct task_struct *task;
	struct damon_target *t;
	struct pid *pid;
	bool has_mm;
	int err;

	if (!pid_nr || pid_nr > PID_MAX_LIMIT)
		return -EINVAL;
	pid = find_get_pid(pid_nr);
	if (!pid)
		return -EINVAL;

	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		err = -EINVAL;
		goto out_put_pid;
	}
	has_mm = damon_va_task_has_mm(task);
	put_task_struct(task);
	if (!has_mm) {
		err = -EINVAL;
		goto out_put_pid;
	}

	t = damon_new_target(pid_nr);
	if (!t) {
		err = -ENOMEM;
		goto out_put_pid;
	}
	t->pid = pid;
	*tp = t;
	return 0;

out_put_pid:
	put_pid(pid);
	return err;
}

static unsigned long damon_va_range_sz(const struct damon_addr_range *ar)
{
	return ar->end - ar->start;
}

/**
 * damon_va_gaps_init() - start a three-regions computation.
 * @g:	the accumulator.
 *
 * Context: Any context.
 */
void damon_va_gaps_init(struct damon_va_gaps *g)
{
	*g = (struct damon_va_gaps){};
}

/* Remember the gap [@start, @end) if it is one of the two largest yet. */
static void damon_va_gaps_insert(struct damon_va_gaps *g, unsigned long start,
				 unsigned long end)
{
	struct damon_addr_range gap = { .start = start, .end = end };
	unsigned long sz = end - start;

	if (sz > damon_va_range_sz(&g->gaps[0])) {
		g->gaps[1] = g->gaps[0];
		g->gaps[0] = gap;
	} else if (sz > damon_va_range_sz(&g->gaps[1])) {
		g->gaps[1] = gap;
	}
}

/**
 * damon_va_gaps_add() - feed one mapping to a three-regions computation.
 * @g:		the accumulator.
 * @start:	the start of the mapping.
 * @end:	the end of the mapping, exclusive.
 *
 * Mappings must be fed in ascending address order and must not overlap;
 * an empty mapping is ignored.  The gap between the previous mapping and
 * this one, shrunk to DAMON_MIN_REGION boundaries, competes for the two
 * largest; a strictly larger gap is needed to displace a recorded one.  A
 * mapping out of order only widens the span.
 *
 * Context: Any context.
 */
void damon_va_gaps_add(struct damon_va_gaps *g, unsigned long start,
		       unsigned long end)
{
	unsigned long gap_end;

	if (start >= end)
		return;

	if (!g->nr_mappings) {
		g->start = ALIGN_DOWN(start, DAMON_MIN_REGION);
		g->end = ALIGN(end, DAMON_MIN_REGION);
		g->nr_mappings = 1;
		return;
	}

	/* @g->end is aligned up already: the gap is [@g->end, @gap_end). */
	gap_end = ALIGN_DOWN(start, DAMON_MIN_REGION);
	if (gap_end > g->end)
		damon_va_gaps_insert(g, g->end, gap_end);
	g->start = min(g->start, ALIGN_DOWN(start, DAMON_MIN_REGION));
	g->end = max(g->end, ALIGN(end, DAMON_MIN_REGION));
	g->nr_mappings++;
}

/**
 * damon_va_gaps_finish() - compute the regions of a three-regions computation.
 * @g:		the accumulator, fed with every mapping.
 * @ranges:	an array of DAMON_VA_NR_REGIONS ranges, filled in address order.
 *
 * The span of the mappings is cut at the two largest gaps into three
 * ranges.  With only one gap the span is cut in two, and with none it is
 * one range.  Every boundary is aligned to DAMON_MIN_REGION and every range
 * is non-empty.  For example, mappings 10-20, 20-25, 200-210, 210-220,
 * 300-305 and 307-330 (in pages) give 10-25, 200-220 and 300-330.
 *
 * Context: Any context.
 * Return: the number of ranges filled, 1 to DAMON_VA_NR_REGIONS, or -EINVAL
 * if no mapping was fed.
 */
int damon_va_gaps_finish(const struct damon_va_gaps *g,
			 struct damon_addr_range *ranges)
{
	struct damon_addr_range gaps[2];
	unsigned int nr_gaps = 0, i;
	unsigned long start;

	if (!g->nr_mappings)
		return -EINVAL;

	for (i = 0; i < ARRAY_SIZE(g->gaps); i++) {
		if (damon_va_range_sz(&g->gaps[i]))
			gaps[nr_gaps++] = g->gaps[i];
	}
	if (nr_gaps == 2 && gaps[1].start < gaps[0].start)
		swap(gaps[0], gaps[1]);

	start = g->start;
	for (i = 0; i < nr_gaps; i++) {
		ranges[i].start = start;
		ranges[i].end = gaps[i].start;
		start = gaps[i].end;
	}
	ranges[nr_gaps].start = start;
	ranges[nr_gaps].end = g->end;
	return nr_gaps + 1;
}

/* Feed every VMA of @mm to @g. */
static void damon_va_gaps_add_vmas(struct damon_va_gaps *g,
				   struct mm_struct *mm)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	for_each_vma(vmi, vma)
		damon_va_gaps_add(g, vma->vm_start, vma->vm_end);
}

/*
 * Compute the three regions of @t's address space into @ranges, an array
 * of DAMON_VA_NR_REGIONS.  Returns the number of ranges, or -ESRCH if the
 * process has no mm any more, -EINVAL if it maps nothing, or -EAGAIN if its
 * mmap lock was taken.  The lock is only tried, as for sampling: the
 * kdamond must never sleep behind a writer of a target's mm, which may
 * itself wait for a fault that never ends, or it could not be stopped.
 * The next regions update tries again.
 */
static int damon_va_three_regions(struct damon_target *t,
				  struct damon_addr_range *ranges)
{
	struct damon_va_gaps g;
	struct mm_struct *mm;

	mm = damon_va_get_mm(t);
	if (!mm)
		return -ESRCH;

	damon_va_gaps_init(&g);
	if (!mmap_read_trylock(mm)) {
		mmput(mm);
		return -EAGAIN;
	}
	damon_va_gaps_add_vmas(&g, mm);
	mmap_read_unlock(mm);
	mmput(mm);

	return damon_va_gaps_finish(&g, ranges);
}

/**
 * damon_va_set_initial_regions() - give a target its first regions.
 * @t:			the target, which must have no region.
 * @ranges:		the ranges to monitor, sorted, not overlapping,
 *			non-empty and aligned to DAMON_MIN_REGION.
 * @nr_ranges:		the number of @ranges.
 * @min_nr_regions:	the number of regions to aim at.
 *
 * Adds one region per range and splits each evenly
 * (damon_split_region_evenly()) into pieces of about the total size divided
 * by @min_nr_regions, but no smaller than DAMON_MIN_REGION.  Each range is
 * cut into its size divided by that piece size, rounded up, so the target
 * gets at least @min_nr_regions regions (at most @nr_ranges more) unless
 * the ranges hold fewer than @min_nr_regions minimal regions, in which case
 * every region is minimal.
 *
 * Context: Process context, may sleep (allocates).
 * Return:
 * * 0		- success.
 * * %-EINVAL	- @t already has regions, @nr_ranges or @min_nr_regions is
 *		  0, or @ranges are not as described above.
 * * %-ENOMEM	- out of memory; @t is left without regions.
 */
int damon_va_set_initial_regions(struct damon_target *t,
				 const struct damon_addr_range *ranges,
				 unsigned int nr_ranges,
				 unsigned long min_nr_regions)
{
	struct damon_region *r, *next;
	unsigned long total = 0, piece, nr_pieces;
	unsigned int i;
	int err;

	if (damon_nr_regions(t) || !nr_ranges || !min_nr_regions)
		return -EINVAL;
	for (i = 0; i < nr_ranges; i++) {
		if (ranges[i].start >= ranges[i].end ||
		    !IS_ALIGNED(ranges[i].start, DAMON_MIN_REGION) ||
		    !IS_ALIGNED(ranges[i].end, DAMON_MIN_REGION) ||
		    (i && ranges[i].start < ranges[i - 1].end))
			return -EINVAL;
		total += damon_va_range_sz(&ranges[i]);
	}
	piece = max_t(unsigned long, total / min_nr_regions, DAMON_MIN_REGION);

	for (i = 0; i < nr_ranges; i++) {
		r = damon_new_region(ranges[i].start, ranges[i].end);
		if (!r) {
			err = -ENOMEM;
			goto out_destroy_regions;
		}
		damon_add_region(r, t);

		/* A piece is never below DAMON_MIN_REGION: sizes are aligned. */
		nr_pieces = DIV_ROUND_UP(damon_va_range_sz(&ranges[i]), piece);
		nr_pieces = min_t(unsigned long, nr_pieces, UINT_MAX);
		err = damon_split_region_evenly(t, r, nr_pieces);
		if (err)
			goto out_destroy_regions;
	}
	return 0;

out_destroy_regions:
	damon_for_each_region_safe(r, next, t)
		damon_destroy_region(r, t);
	return err;
}

/*
 * Build the initial regions of @t; on failure @t is left without any.  The
 * targets share min_nr_regions: each is cut into its share, so that the
 * context starts with about min_nr_regions regions however many targets it
 * has (damon_cap_regions() trims what the rounding adds beyond the most).
 */
static void damon_va_init_target(struct damon_ctx *ctx, struct damon_target *t)
{
	struct damon_addr_range ranges[DAMON_VA_NR_REGIONS];
	unsigned long share;
	int nr_ranges, err;

	nr_ranges = damon_va_three_regions(t, ranges);
	if (nr_ranges < 0) {
		pr_debug("target %lu: no regions to monitor (%d)\n", t->id,
			 nr_ranges);
		return;
	}
	share = DIV_ROUND_UP(ctx->attrs.min_nr_regions,
			     max_t(size_t, list_count_nodes(&ctx->targets), 1));
	err = damon_va_set_initial_regions(t, ranges, nr_ranges, share);
	if (err)
		pr_debug("target %lu: cannot set initial regions (%d)\n",
			 t->id, err);
}

/* ->init(): give every target without regions its initial regions. */
static void damon_va_init(struct damon_ctx *ctx)
{
	struct damon_target *t;

	damon_assert_owner(ctx);
	list_for_each_entry(t, &ctx->targets, list) {
		/* A user may have given the target regions of its own. */
		if (list_empty(&t->regions_list))
			damon_va_init_target(ctx, t);
	}
	damon_cap_regions(ctx);
}

/*
 * ->update(): fit every target's regions to its current three regions.  A
 * target still without regions (it mapped nothing at ->init() time) gets
 * its initial regions now.  The context is then held to max_nr_regions.
 */
static void damon_va_update(struct damon_ctx *ctx)
{
	struct damon_addr_range ranges[DAMON_VA_NR_REGIONS];
	struct damon_target *t;
	int nr_ranges, err;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx) {
		if (!damon_nr_regions(t)) {
			damon_va_init_target(ctx, t);
			continue;
		}
		nr_ranges = damon_va_three_regions(t, ranges);
		if (nr_ranges < 0)
			continue;
		err = damon_fit_regions(t, ranges, nr_ranges);
		if (err)
			pr_debug("target %lu: cannot fit regions (%d)\n", t->id,
				 err);
	}
	/* New mappings may have added a region per range and target. */
	damon_cap_regions(ctx);
}

/*
 * The VMA that maps @addr in @mm, or NULL if none does or if it has no page
 * tables to read (VM_PFNMAP).  @last is the VMA the last lookup of a batch
 * found: the regions come in address order, most of them in the VMA of the
 * one before, and reusing it spares a maple tree walk per page looked at,
 * which was a third of the kdamond's time.  Valid under one hold of the mmap
 * read lock only.
 */
static struct vm_area_struct *damon_va_vma(struct mm_struct *mm,
					   unsigned long addr,
					   struct vm_area_struct **last)
{
	struct vm_area_struct *vma = *last;

	if (!vma || addr < vma->vm_start || addr >= vma->vm_end) {
		vma = vma_lookup(mm, addr);
		if (!vma)
			return NULL;
		*last = vma;
	}
	return vma->vm_flags & VM_PFNMAP ? NULL : vma;
}

/* Choose a new sampling address for @r and make the page there old. */
static void damon_va_arm(struct mm_struct *mm, struct damon_region *r,
			 struct vm_area_struct **last)
{
	unsigned long addr = damon_rand(r->ar.start, r->ar.end);

	r->sampling_addr = addr;
	r->sampling_idle = damon_va_mkold(damon_va_vma(mm, addr, last), addr);
}

/*
 * &struct damon_va_last_check: the last page whose accessed state a pass of
 * ->check_accesses() read from the page table.  Regions may share a page
 * table mapping (several small regions inside one THP): a region whose
 * sampling address falls in the same mapping as the region before it reuses
 * the result instead of walking the page table again.  Not where the mm has
 * MMU notifiers, though: a secondary MMU (a KVM guest on a huge page of its
 * host, say) may map the page in small pieces, and it is asked about one
 * address only.  The result lives on the stack of one batch of one target's
 * regions, so it is never shared between contexts and never outlives the
 * mmap read lock under which it was read.
 */

/**
 * damon_va_same_answer() - whether a check can reuse the last one's answer.
 * @last:	the last check.
 * @addr:	the sampling address to check.
 * @idle_marked: how the page at @addr was armed.
 *
 * Context: Any context.
 * Return: true if @addr lies in the page table mapping @last read, armed
 * the same way, and no secondary MMU has to be asked about @addr itself.
 */
VISIBLE_IF_KUNIT bool
damon_va_same_answer(const struct damon_va_last_check *last,
		     unsigned long addr, bool idle_marked)
{
	return last->sz && !last->notifiers &&
	       ALIGN_DOWN(addr, last->sz) == last->addr &&
	       last->idle_marked == idle_marked;
}
EXPORT_SYMBOL_IF_KUNIT(damon_va_same_answer);

static bool damon_va_young_cached(struct mm_struct *mm,
				  const struct damon_region *r,
				  struct damon_va_last_check *last,
				  struct vm_area_struct **last_vma)
{
	unsigned long addr = r->sampling_addr;

	if (damon_va_same_answer(last, addr, r->sampling_idle))
		return last->young;

	last->young = damon_va_young(damon_va_vma(mm, addr, last_vma), addr,
				     r->sampling_idle, &last->sz);
	last->addr = ALIGN_DOWN(addr, last->sz);
	last->idle_marked = r->sampling_idle;
	return last->young;
}

static bool damon_va_armed(const struct damon_region *r)
{
	return r->sampling_addr >= r->ar.start && r->sampling_addr < r->ar.end;
}

/*
 * Go on with the sweep over the cold regions of @t, for one interval's
 * budget.  The mmap read lock of @mm is held.
 */
static void damon_va_search_target(struct damon_target *t,
				   struct mm_struct *mm)
{
	struct damon_search_walk w = {
		.target = t,
		.budget = DAMON_VA_SEARCH_BUDGET,
		.below = t->search_below,
		.pmd_below = t->search_pmd_below,
		.arm_below = t->search_arm_below,
		.explained = !(t->nr_sweeps % DAMON_VA_EXPLAINED_EVERY),
		.arming = !t->nr_sweeps,
	};
	struct damon_region *r, *next;
	unsigned long hot_after = 0;
	int stopped = 0;

	if (t->search_next == DAMON_VA_SEARCH_DONE)
		return;

	damon_for_each_region(r, t) {
		if (!damon_region_cold(r)) {
			w.hot_before = r->ar.end;
			continue;
		}
		if (r->ar.end <= t->search_next)
			continue;
		/* Find the first region after @r that is not cold, if any. */
		for (next = r; hot_after < r->ar.end;) {
			next = damon_next_region(next);
			if (&next->list == &t->regions_list)
				hot_after = ULONG_MAX;
			else if (!damon_region_cold(next))
				hot_after = next->ar.start;
		}
		w.hot_after = hot_after;
		/* An odd address is no page: nothing to skip. */
		w.skip = damon_va_armed(r) ? r->sampling_addr & PAGE_MASK : 1;
		stopped = damon_va_search(mm, max(r->ar.start, t->search_next),
					  r->ar.end, &w);
		if (stopped)
			break;
	}
	t->search_cleared |= w.cleared;
	t->search_below = w.below;
	t->search_pmd_below = w.pmd_below;
	t->search_arm_below = w.arm_below;
	if (stopped) {
		t->search_next = w.stop;
		return;
	}

	/* The sweep is over: make the CPUs see the bits it cleared. */
	if (t->search_cleared)
		flush_tlb_mm(mm);
	t->search_cleared = false;
	t->search_next = DAMON_VA_SEARCH_DONE;
	t->search_below = 0;
	t->search_pmd_below = 0;
	t->search_arm_below = 0;
	if (t->nr_sweeps < UINT_MAX)
		t->nr_sweeps++;
}

/* The most regions one hold of a target's mmap read lock covers. */
#define DAMON_VA_REGIONS_PER_LOCK	256

/*
 * One batch of the regions of @t from @first, under one hold of the mmap
 * read lock of @mm, or without it if @mm is NULL: see
 * damon_va_sample_target().  Returns the region after the batch.
 */
static struct damon_region *damon_va_sample_batch(struct damon_ctx *ctx,
						  struct damon_target *t,
						  struct mm_struct *mm,
						  struct damon_region *first,
						  bool count,
						  unsigned int *max_nr_accesses)
{
	struct damon_va_last_check last = {};
	struct vm_area_struct *vma = NULL;
	struct damon_region *r, *end;
	unsigned int n = 0;

	if (mm && !mmap_read_trylock(mm))
		mm = NULL;
	if (mm)
		last.notifiers = mm_has_notifiers(mm);

	for (r = first; &r->list != &t->regions_list &&
	     n < DAMON_VA_REGIONS_PER_LOCK; r = damon_next_region(r), n++) {
		if (mm && count && damon_va_armed(r) &&
		    damon_va_young_cached(mm, r, &last, &vma))
			damon_count_access(r);
		*max_nr_accesses = max(*max_nr_accesses, r->nr_accesses);
	}
	end = r;
	if (!mm)
		return end;

	for (r = first; r != end; r = damon_next_region(r)) {
		if (count || !damon_va_armed(r))
			damon_va_arm(mm, r, &vma);
	}
	if (&end->list == &t->regions_list && count && ctx->primitive.searches)
		damon_va_search_target(t, mm);
	mmap_read_unlock(mm);
	return end;
}

/*
 * One pass over the regions of @t.  When @count is set, first add one to
 * the count of every armed region whose sampling address was accessed;
 * then arm the regions again (all of them when @count is set, only the
 * unarmed ones otherwise), and go on with the search of cold memory.
 * Checking the regions of a batch before arming any matters: arming a
 * region clears the accessed bit of a page table entry that the next
 * region, sharing a huge page with it, has yet to read.  Regions that
 * share a huge page across two batches, few and small, may lose an access
 * that way: the price of bounding the lock hold.
 *
 * The regions are taken in batches of DAMON_VA_REGIONS_PER_LOCK, each under
 * one hold of the mmap read lock, with a chance to reschedule in between:
 * the target's mmap() and munmap() never wait for more than a batch, and
 * nor does the rest of the system.  The lock is only tried: a kdamond
 * queued behind a writer that is stuck (on a fault of a FUSE mapping, say)
 * could not be stopped.  A batch skipped this way keeps its armed
 * addresses, so the next pass sees the accesses of both intervals.  A
 * target whose process or address space has gone is skipped too.  Returns
 * the largest count of @t's regions.
 */
static unsigned int damon_va_sample_target(struct damon_ctx *ctx,
					   struct damon_target *t, bool count)
{
	unsigned int max_nr_accesses = 0;
	struct damon_region *r;
	struct mm_struct *mm;

	mm = damon_va_get_mm(t);
	r = damon_first_region(t);
	while (&r->list != &t->regions_list) {
		r = damon_va_sample_batch(ctx, t, mm, r, count,
					  &max_nr_accesses);
		cond_resched();
	}
	if (mm)
		mmput(mm);
	return max_nr_accesses;
}

/*
 * ->prepare_access_checks(): arm the regions that are not armed, after
 * ->init() or after an aggregation or an update changed the regions.  The
 * others were armed by the last ->check_accesses() and keep their address.
 */
static void damon_va_prepare_access_checks(struct damon_ctx *ctx)
{
	struct damon_target *t;

	damon_assert_owner(ctx);
	list_for_each_entry(t, &ctx->targets, list)
		damon_va_sample_target(ctx, t, false);
}

/*
 * ->check_accesses(): count the accesses of every target and arm again.
 * Returns the largest count in the context, including the regions of
 * targets whose process has gone.
 */
static unsigned int damon_va_check_accesses(struct damon_ctx *ctx)
{
	unsigned int max_nr_accesses = 0;
	struct damon_target *t;

	damon_assert_owner(ctx);
	list_for_each_entry(t, &ctx->targets, list)
		max_nr_accesses = max(max_nr_accesses,
				      damon_va_sample_target(ctx, t, true));
	return max_nr_accesses;
}

/* ->target_valid(): the process still exists and has its address space. */
static bool damon_va_target_valid(struct damon_target *t)
{
	struct task_struct *task;
	bool valid;

	task = get_pid_task(t->pid, PIDTYPE_PID);
	if (!task)
		return false;
	valid = damon_va_task_has_mm(task);
	put_task_struct(task);
	return valid;
}

/*
 * ->reset_aggregated(): an aggregation ended, so a target whose last sweep
 * has ended starts the next one.
 */
static void damon_va_reset_aggregated(struct damon_ctx *ctx)
{
	struct damon_target *t;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx) {
		if (t->search_next == DAMON_VA_SEARCH_DONE)
			t->search_next = 0;
	}
}

/*
 * ->apply_scheme(): act on a range of the process's address space, if it
 * still has one (see vaddr-act.c).
 */
static long damon_va_apply_scheme(struct damon_ctx *ctx,
				  struct damon_target *t, unsigned long start,
				  unsigned long end, enum damon_action action)
{
	struct mm_struct *mm;
	long ret;

	damon_assert_owner(ctx);
	mm = damon_va_get_mm(t);
	if (!mm)
		return -ESRCH;
	ret = damon_va_act(mm, start, end, action);
	mmput(mm);
	return ret;
}

/* No ->cleanup(): no state beyond the targets and their regions. */
static const struct damon_primitive damon_va_primitive = {
	.check_accesses		= damon_va_check_accesses,
	.prepare_access_checks	= damon_va_prepare_access_checks,
	.reset_aggregated	= damon_va_reset_aggregated,
	.target_valid		= damon_va_target_valid,
	.init			= damon_va_init,
	.update			= damon_va_update,
	.apply_scheme		= damon_va_apply_scheme,
};

/**
 * damon_va_set_primitives() - make a context monitor virtual address spaces.
 * @ctx:	the context, whose kdamond must not be running.
 *
 * Installs the virtual address primitives.  The targets of @ctx must come
 * from damon_va_new_target().  ->cleanup is not needed: the primitives keep
 * no state outside the targets, and the end of a run destroys the targets,
 * which puts their pids.  The primitives search cold memory
 * (&damon_primitive->searches) where the CPU sets the accessed bits of
 * upper page table levels.
 *
 * Context: Any context.
 */
void damon_va_set_primitives(struct damon_ctx *ctx)
{
	ctx->primitive = damon_va_primitive;
	ctx->primitive.searches = damon_va_can_search();
}
