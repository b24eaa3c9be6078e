// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON virtual address primitives: the actions of operation schemes.
 *
 * The core hands an action a range of one target's region, at most 2 MiB
 * at a time, and the action works on the target's mm as madvise() would
 * on the process's behalf.  The kdamond must never wait for a process
 * that holds its mmap_lock: every action takes the lock with a trylock and
 * returns -EAGAIN if the address space is busy, and the core tries again at
 * the next aggregation.  The work that may wait for I/O or for reclaim is
 * done after the lock is dropped.
 *
 *  - pageout:	the pages mapped in the range are isolated from their LRU
 *		lists under the lock, then reclaimed without it, their
 *		accessed state ignored as MADV_PAGEOUT does.
 *  - cold:	the pages lose their accessed state and are moved to the
 *		inactive end of their LRU lists.
 *  - willneed:	swapped-out anonymous pages are read back asynchronously;
 *		a file mapping's range is read ahead with the file's fadvise.
 *  - hugepage, nohugepage: the VMAs' flags change, split at the range's
 *		ends as madvise() splits them.  This takes the lock for
 *		writing, so it fails while the process faults or maps.
 *
 * Pages mapped by more than one process, mlocked and hugetlb VMAs, and
 * VM_PFNMAP/VM_IO mappings are left alone.  A large folio is acted on
 * whole, even where the range covers only part of it; a PMD-mapped
 * transparent huge page only if the range covers all of it.
 */

#define pr_fmt(fmt) "damon-va: " fmt

#include <linux/damon.h>
#include <linux/fadvise.h>
#include <linux/fs.h>
#include <linux/khugepaged.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/page_idle.h>
#include <linux/pagewalk.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "../internal.h"
#include "../swap.h"
#include "ops-common.h"

/* The most file ranges one willneed call reads ahead. */
#define DAMON_ACT_MAX_FILES	4

/**
 * struct damon_act_walk - the state of an action's page table walk.
 * @action:	the action.
 * @folios:	the folios isolated for reclaim, for pageout.
 * @swap:	the swap entries found in one PTE table, for willneed.
 * @swap_addr:	the address of each of @swap.
 * @nr_swap:	the number of @swap.
 */
struct damon_act_walk {
	enum damon_action action;
	struct list_head folios;
	swp_entry_t *swap;
	unsigned long *swap_addr;
	unsigned int nr_swap;
};

/* Skip the VMAs that madvise() refuses for cold, pageout and willneed. */
static int damon_act_test_walk(unsigned long start, unsigned long end,
			       struct mm_walk *walk)
{
	return walk->vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_IO |
				      VM_HUGETLB) ? 1 : 0;
}

/* Pageout or cold on one folio mapped by the walked range. */
static void damon_act_folio(struct damon_act_walk *aw, struct folio *folio)
{
	if (folio_likely_mapped_shared(folio))
		return;
	if (aw->action == DAMON_ACT_COLD) {
		folio_clear_referenced(folio);
		folio_test_clear_young(folio);
		folio_deactivate(folio);
		return;
	}
	/* A folio already isolated, by us or by reclaim, is left alone. */
	if (!folio_isolate_lru(folio))
		return;
	if (folio_test_unevictable(folio))
		folio_putback_lru(folio);
	else
		list_add(&folio->lru, &aw->folios);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* Act on a PMD-mapped folio.  Return: whether @pmd maps one. */
static bool damon_act_huge(pmd_t *pmd, unsigned long addr, unsigned long end,
			   struct mm_walk *walk)
{
	struct damon_act_walk *aw = walk->private;
	spinlock_t *ptl;	/* the PMD lock */
	pmd_t pmdval;

	ptl = pmd_trans_huge_lock(pmd, walk->vma);
	if (!ptl)
		return false;
	__acquire(ptl);	/* for sparse: pmd_trans_huge_lock() took it */
	pmdval = pmdp_get(pmd);
	if (aw->action != DAMON_ACT_WILLNEED && pmd_present(pmdval) &&
	    !(addr & ~HPAGE_PMD_MASK) && end - addr == HPAGE_PMD_SIZE &&
	    !is_huge_zero_pmd(pmdval)) {
		if (aw->action == DAMON_ACT_COLD)
			pmdp_test_and_clear_young(walk->vma, addr, pmd);
		damon_act_folio(aw, pmd_folio(pmdval));
	}
	spin_unlock(ptl);
	return true;
}
#else
static bool damon_act_huge(pmd_t *pmd, unsigned long addr, unsigned long end,
			   struct mm_walk *walk)
{
	return false;
}
#endif

/*
 * Act on the PTEs of one table.  Willneed only notes the swap entries: they
 * are read after the table's lock is dropped, in damon_act_swapin().
 */
static int damon_act_pmd_entry(pmd_t *pmd, unsigned long addr,
			       unsigned long end, struct mm_walk *walk)
{
	struct damon_act_walk *aw = walk->private;
	struct vm_area_struct *vma = walk->vma;
	struct folio *folio;
	pte_t *start_pte, *pte, ptent;
	spinlock_t *ptl;	/* the PTE table lock */
	swp_entry_t entry;

	if (damon_act_huge(pmd, addr, end, walk))
		return 0;
	start_pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!start_pte)
		return 0;
	__acquire(ptl);	/* for sparse, which cannot follow __cond_lock() here */
	for (pte = start_pte; addr < end; pte++, addr += PAGE_SIZE) {
		ptent = ptep_get(pte);
		if (aw->action == DAMON_ACT_WILLNEED) {
			if (!is_swap_pte(ptent))
				continue;
			entry = pte_to_swp_entry(ptent);
			if (non_swap_entry(entry) || aw->nr_swap >= PTRS_PER_PTE)
				continue;
			aw->swap_addr[aw->nr_swap] = addr;
			aw->swap[aw->nr_swap++] = entry;
			continue;
		}
		if (!pte_present(ptent))
			continue;
		folio = vm_normal_folio(vma, addr, ptent);
		if (!folio || folio_is_zone_device(folio))
			continue;
		if (aw->action == DAMON_ACT_COLD)
			ptep_test_and_clear_young(vma, addr, pte);
		damon_act_folio(aw, folio);
	}
	pte_unmap_unlock(start_pte, ptl);
	return 0;
}

static const struct mm_walk_ops damon_act_ops = {
	.pmd_entry	= damon_act_pmd_entry,
	.test_walk	= damon_act_test_walk,
	.walk_lock	= PGWALK_RDLOCK,
};

/* Pageout and cold of [@start, @end) of @mm. */
static long damon_act_lru(struct mm_struct *mm, unsigned long start,
			  unsigned long end, enum damon_action action)
{
	struct damon_act_walk aw = {
		.action = action,
		.folios = LIST_HEAD_INIT(aw.folios),
	};

	/* Folios still in this CPU's LRU batches cannot be isolated. */
	lru_add_drain();
	if (!mmap_read_trylock(mm))
		return -EAGAIN;
	walk_page_range(mm, start, end, &damon_act_ops, &aw);
	mmap_read_unlock(mm);
	if (action == DAMON_ACT_PAGEOUT)
		reclaim_pages(&aw.folios);
	return end - start;
}

#ifdef CONFIG_SWAP
/* Start reading the swap entries @aw noted, out of the PTE lock. */
static void damon_act_swapin(struct damon_act_walk *aw,
			     struct vm_area_struct *vma)
{
	struct swap_iocb *splug = NULL;
	struct folio *folio;
	unsigned int i;

	for (i = 0; i < aw->nr_swap; i++) {
		folio = read_swap_cache_async(aw->swap[i], GFP_HIGHUSER_MOVABLE,
					      vma, aw->swap_addr[i], &splug);
		if (folio)
			folio_put(folio);
	}
	swap_read_unplug(splug);
	aw->nr_swap = 0;
}
#endif

/**
 * struct damon_act_file - a file range to read ahead.
 * @file:	the file, with a reference.
 * @offset:	the start of the range in the file, in bytes.
 * @len:	the length of the range, in bytes.
 */
struct damon_act_file {
	struct file *file;
	loff_t offset;
	loff_t len;
};

/*
 * Willneed of [@start, @end) of @mm, which spans at most one PTE table.
 * The swap entries of anonymous VMAs are noted under the PTE lock and their
 * reads started after it, still under the mmap_lock, which keeps the VMA
 * that the swap readahead takes its memory policy from.  File ranges are
 * read ahead once the mmap_lock is dropped, as the file system's fadvise
 * may sleep on its own locks.
 */
static long damon_act_willneed(struct mm_struct *mm, unsigned long start,
			       unsigned long end)
{
	struct damon_act_file files[DAMON_ACT_MAX_FILES];
	struct damon_act_walk aw = { .action = DAMON_ACT_WILLNEED };
	struct vm_area_struct *vma;
	unsigned int nr_files = 0, i;
	unsigned long s, e;
	long ret = end - start;

	aw.swap = kmalloc_array(PTRS_PER_PTE, sizeof(*aw.swap), GFP_KERNEL);
	aw.swap_addr = kmalloc_array(PTRS_PER_PTE, sizeof(*aw.swap_addr),
				     GFP_KERNEL);
	if (!aw.swap || !aw.swap_addr) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (!mmap_read_trylock(mm)) {
		ret = -EAGAIN;
		goto out_free;
	}
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		s = max(start, vma->vm_start);
		e = min(end, vma->vm_end);
		if (!vma->vm_file) {
#ifdef CONFIG_SWAP
			walk_page_range_vma(vma, s, e, &damon_act_ops, &aw);
			damon_act_swapin(&aw, vma);
#endif
			continue;
		}
		if (shmem_mapping(vma->vm_file->f_mapping) ||
		    IS_DAX(file_inode(vma->vm_file)) ||
		    nr_files == DAMON_ACT_MAX_FILES)
			continue;
		files[nr_files++] = (struct damon_act_file){
			.file = get_file(vma->vm_file),
			.offset = ((loff_t)vma->vm_pgoff << PAGE_SHIFT) +
				  (s - vma->vm_start),
			.len = e - s,
		};
	}
	mmap_read_unlock(mm);

	for (i = 0; i < nr_files; i++) {
		vfs_fadvise(files[i].file, files[i].offset, files[i].len,
			    POSIX_FADV_WILLNEED);
		fput(files[i].file);
	}
	lru_add_drain();
out_free:
	kfree(aw.swap_addr);
	kfree(aw.swap);
	return ret;
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/*
 * The write side of mmap_read_trylock(), which this kernel lacks: the steps
 * of mmap_write_lock(), with a trylock of the rwsem.  Released with
 * mmap_write_unlock().
 */
static bool damon_mmap_write_trylock(struct mm_struct *mm)
{
	__mmap_lock_trace_start_locking(mm, true);
	if (!down_write_trylock(&mm->mmap_lock)) {
		__mmap_lock_trace_acquire_returned(mm, true, false);
		return false;
	}
	mm_lock_seqcount_begin(mm);
	__mmap_lock_trace_acquire_returned(mm, true, true);
	return true;
}

/*
 * Hugepage and nohugepage of [@start, @end) of @mm: set the VMA flags as
 * madvise() does, splitting the VMAs at the ends of the range, and let
 * khugepaged know of a VMA that may now be collapsed.
 */
static long damon_act_thp(struct mm_struct *mm, unsigned long start,
			  unsigned long end, enum damon_action action)
{
	int advice = action == DAMON_ACT_HUGEPAGE ? MADV_HUGEPAGE :
						    MADV_NOHUGEPAGE;
	struct vm_area_struct *vma, *prev;
	struct vma_iterator vmi;
	unsigned long pos = start, s, e;
	unsigned long flags;
	long ret = end - start;

	if (!damon_mmap_write_trylock(mm))
		return -EAGAIN;
	while (pos < end) {
		vma = find_vma_prev(mm, pos, &prev);
		if (!vma || vma->vm_start >= end)
			break;
		s = max(pos, vma->vm_start);
		e = min(end, vma->vm_end);
		pos = e;
		if (vma->vm_flags & (VM_SPECIAL | VM_HUGETLB))
			continue;
		flags = vma->vm_flags;
		hugepage_madvise(vma, &flags, advice);
		if (flags == vma->vm_flags)
			continue;
		vma_iter_init(&vmi, mm, s);
		vma = vma_modify_flags(&vmi, prev, vma, s, e, flags);
		if (IS_ERR(vma)) {
			ret = PTR_ERR(vma);
			break;
		}
		vma_start_write(vma);
		vm_flags_reset(vma, flags);
		if (flags & VM_HUGEPAGE)
			khugepaged_enter_vma(vma, flags);
	}
	mmap_write_unlock(mm);
	return ret;
}
#else
static long damon_act_thp(struct mm_struct *mm, unsigned long start,
			  unsigned long end, enum damon_action action)
{
	return -EOPNOTSUPP;
}
#endif

/**
 * damon_va_act() - apply an action of a scheme to a range of an mm.
 * @mm:		the mm, with a reference held by the caller.
 * @start:	the start of the range.
 * @end:	the end of the range, at most 2 MiB past @start and within
 *		the same 2 MiB-aligned block.
 * @action:	the action; not %DAMON_ACT_STAT.
 *
 * Context: The kdamond.  May sleep, but never waits for @mm's mmap_lock.
 * Return: the bytes of the range, once it was acted on; -EAGAIN if the
 * mmap_lock was taken; -EOPNOTSUPP for an action the kernel cannot do;
 * -ENOMEM.
 */
long damon_va_act(struct mm_struct *mm, unsigned long start,
		  unsigned long end, enum damon_action action)
{
	switch (action) {
	case DAMON_ACT_PAGEOUT:
	case DAMON_ACT_COLD:
		return damon_act_lru(mm, start, end, action);
	case DAMON_ACT_WILLNEED:
		return damon_act_willneed(mm, start, end);
	case DAMON_ACT_HUGEPAGE:
	case DAMON_ACT_NOHUGEPAGE:
		return damon_act_thp(mm, start, end, action);
	default:
		return -EOPNOTSUPP;
	}
}
