/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page table work shared by DAMON's address-space primitives: clearing and
 * testing the accessed state of the page mapped at one address, and
 * searching a range for accessed pages through the upper page table levels.
 */

#ifndef _MM_DAMON_OPS_COMMON_H
#define _MM_DAMON_OPS_COMMON_H

#include <linux/damon.h>
#include <linux/mm_types.h>
#include <linux/spinlock.h>

bool damon_ptep_mkold(pte_t *pte, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr);
bool damon_ptep_young(pte_t *pte, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr, bool idle_marked);
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
bool damon_pmdp_mkold(pmd_t *pmd, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr);
bool damon_pmdp_young(pmd_t *pmd, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr, bool idle_marked);
#endif

/**
 * struct damon_search_walk - one stretch of a search of cold memory.
 * @target:	the target whose leads are reported.
 * @skip:	a page to leave alone: the armed sampling page of the region
 *		searched, whose accessed bit its own check will read.
 * @budget:	how many page table entries the walk may still read.
 * @stop:	where the walk stopped when the budget ran out.
 * @below:	the end of the last PUD entry whose accessed bit this sweep
 *		found set (and cleared): a later walk of the sweep, of another
 *		region in the same 1 GiB or resuming after the budget ran out,
 *		looks below the entry without testing its bit again.
 * @pmd_below:	the same for the last PMD entry found set.
 * @hot_before: the end of the last region before the one searched that
 *		is not cold, or 0.
 * @hot_after:	the start of the first region after the one searched that is
 *		not cold, or ULONG_MAX.  An upper entry whose range reaches
 *		into one of these two regions is "explained": the accesses
 *		already known there keep its bit set.
 * @arm_below: the end of the last PUD entry below which this sweep arms:
 *		it clears the PMD entries' bits without looking below them,
 *		since nothing cleared them before (the first look below
 *		that PUD entry), so they mean nothing yet.
 * @explained:	look below explained entries too; when not set, the walk
 *		leaves them alone, bit and all.
 * @arming:	clear the PUD entries' accessed bits only, without looking
 *		below them: their state before the first sweep means nothing.
 * @cleared:	set when an upper-level accessed bit was cleared.
 */
struct damon_search_walk {
	struct damon_target *target;
	unsigned long skip;
	unsigned long budget;
	unsigned long stop;
	unsigned long below;
	unsigned long pmd_below;
	unsigned long arm_below;
	unsigned long hot_before;
	unsigned long hot_after;
	bool explained;
	bool arming;
	bool cleared;
};

bool damon_va_can_search(void);
int damon_va_search(struct mm_struct *mm, unsigned long start,
		    unsigned long end, struct damon_search_walk *w);

bool damon_va_mkold(struct vm_area_struct *vma, unsigned long addr);
bool damon_va_young(struct vm_area_struct *vma, unsigned long addr,
		    bool idle_marked, unsigned long *folio_sz);

/* vaddr-act.c: the actions of operation schemes */
long damon_va_act(struct mm_struct *mm, unsigned long start,
		  unsigned long end, enum damon_action action);

#endif	/* _MM_DAMON_OPS_COMMON_H */
