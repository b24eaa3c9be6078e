// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON page table primitives shared by the address-space primitives.
 *
 * DAMON samples one address per region: it makes the page mapped there
 * "old", waits a sampling interval, then asks whether the page is "young"
 * again.  Reclaim (folio_referenced()) and idle page tracking read and clear
 * the same accessed bits, so DAMON must neither hide an access from them nor
 * lose one to them:
 *
 * - mkold clears the accessed bit of the PTE or PMD, and asks secondary MMUs
 *   (e.g. KVM) to clear theirs.  If anything was young, the folio was
 *   accessed since anyone last marked it idle: it is marked young
 *   (PG_young), which folio_referenced() reports as a reference, and not
 *   idle (PG_idle cleared), which idle page tracking reports as accessed,
 *   exactly as page_idle.c does when it consumes an accessed bit.
 * - mkold never marks a folio idle.  PG_idle belongs to idle page tracking,
 *   whose users read it as "not accessed since I marked it": setting it on
 *   a page accessed after their mark would hide that access.  But when the
 *   folio is idle already (someone marked it and nothing accessed it
 *   since), mkold says so, and the check may rely on that mark.
 * - young is true if the accessed bit is set again, or if a secondary MMU
 *   reports an access, or, when mkold found the folio idle, if it is no
 *   longer idle: someone else consumed the accessed bit meanwhile and
 *   cleared PG_idle (folio_referenced(), folio_mark_accessed(), the bitmap
 *   reads of idle page tracking).  Without that mark, an access whose bit
 *   reclaim consumes within the sampling interval is missed: a rare loss,
 *   taken so that idle page tracking stays exact.

 * Only pages with a normal struct page are handled (vm_normal_folio() and
 * vm_normal_folio_pmd()), and hugetlb pages: special mappings such as PFN
 * maps, the zero pages and device memory are never made old and never count
 * as accessed.  A hugetlb page, like a transparent huge page, is one page:
 * the accessed bit of its entry stands for all of it.
 *
 * No TLB flush follows the clearing of an accessed bit.  The bit is only a
 * hint: a CPU that still caches the old translation with the bit set does
 * not write the bit again until the entry is evicted, so an access may be
 * missed (the same trade-off ptep_clear_flush_young() makes on x86), but no
 * translation becomes wrong.  For the same reason the single atomic update
 * needs no lazy MMU section.
 */

#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mmu_notifier.h>
#include <linux/page_idle.h>
#include <linux/pagewalk.h>
#include <linux/pgtable.h>

#include "ops-common.h"

/*
 * Record the result of clearing the accessed bits of @folio, keeping a
 * consumed access visible to reclaim and to idle page tracking.  Returns
 * whether the folio is left marked idle, which the check can then rely on.
 * Every caller holds the lock of a present page table entry that maps
 * @folio, so the folio cannot be freed meanwhile: no reference is needed,
 * unlike in page_idle.c, which starts from a bare PFN.
 */
static bool damon_folio_mkold(struct folio *folio, bool young)
{
	if (!young)
		return folio_test_idle(folio);
	folio_clear_idle(folio);
	folio_set_young(folio);
	return false;
}

/*
 * Whether @folio was accessed since it was made old: @young is the state of
 * its accessed bit; a folio that was idle then and is not any more was
 * accessed through someone else's consumption of the bit.  As for
 * damon_folio_mkold(), the caller's page table lock keeps the folio.
 */
static bool damon_folio_young(struct folio *folio, bool young,
			      bool idle_marked)
{
	return young || (idle_marked && !folio_test_idle(folio));
}

/**
 * damon_ptep_mkold() - make the page mapped by a PTE old.
 * @pte:	the mapped PTE.
 * @ptl:	the page table lock of @pte, held by the caller.
 * @vma:	the VMA that maps @addr.
 * @addr:	the address @pte maps.
 *
 * Clears the accessed bit of @pte and of the secondary MMUs for the page.
 * If any was set, marks the folio young and not idle so that reclaim and
 * idle page tracking still count the access.  Never marks it idle.  Does
 * nothing for a PTE that is not present or does not map a normal page.
 *
 * Context: Any context that holds @ptl.  Does not sleep.
 * Return: true if the folio is left marked idle, false otherwise.
 */
bool damon_ptep_mkold(pte_t *pte, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr)
{
	pte_t entry = ptep_get(pte);
	struct folio *folio;

	lockdep_assert_held(ptl);
	if (!pte_present(entry))
		return false;
	folio = vm_normal_folio(vma, addr, entry);
	return folio &&
	       damon_folio_mkold(folio, ptep_clear_young_notify(vma, addr, pte));
}

/**
 * damon_ptep_young() - test whether the page mapped by a PTE was accessed.
 * @pte:	the mapped PTE.
 * @ptl:	the page table lock of @pte, held by the caller.
 * @vma:	the VMA that maps @addr.
 * @addr:	the address @pte maps.
 * @idle_marked: what damon_ptep_mkold() returned when it made the page old.
 *
 * Context: Any context that holds @ptl.  Does not sleep.
 * Return: true if the accessed bit of @pte is set, a secondary MMU reports
 * an access, or @idle_marked and the folio is no longer idle; false
 * otherwise, and for a PTE that is not present or does not map a normal
 * page.
 */
bool damon_ptep_young(pte_t *pte, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr, bool idle_marked)
{
	pte_t entry = ptep_get(pte);
	struct folio *folio;
	bool young;

	lockdep_assert_held(ptl);
	if (!pte_present(entry))
		return false;
	young = pte_young(entry) || mmu_notifier_test_young(vma->vm_mm, addr);
	/* The folio could only say no: spare the cache line of its flags. */
	if (!young && !idle_marked)
		return false;
	folio = vm_normal_folio(vma, addr, entry);
	return folio && damon_folio_young(folio, young, idle_marked);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/**
 * damon_pmdp_mkold() - make the transparent huge page mapped by a PMD old.
 * @pmd:	the PMD, mapping a transparent huge page.
 * @ptl:	the lock of @pmd, held by the caller (pmd_trans_huge_lock()).
 * @vma:	the VMA that maps @addr.
 * @addr:	any address inside the huge page.
 *
 * The PMD counterpart of damon_ptep_mkold(), for the whole huge page.
 *
 * Context: Any context that holds @ptl.  Does not sleep.
 * Return: true if the folio is left marked idle, false otherwise.
 */
bool damon_pmdp_mkold(pmd_t *pmd, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr)
{
	pmd_t entry = pmdp_get(pmd);
	struct folio *folio;

	lockdep_assert_held(ptl);
	addr &= HPAGE_PMD_MASK;
	if (!pmd_trans_huge(entry))
		return false;
	folio = vm_normal_folio_pmd(vma, addr, entry);
	return folio &&
	       damon_folio_mkold(folio, pmdp_clear_young_notify(vma, addr, pmd));
}

/**
 * damon_pmdp_young() - test whether a transparent huge page was accessed.
 * @pmd:	the PMD, mapping a transparent huge page.
 * @ptl:	the lock of @pmd, held by the caller (pmd_trans_huge_lock()).
 * @vma:	the VMA that maps @addr.
 * @addr:	the address to ask secondary MMUs about.
 * @idle_marked: what damon_pmdp_mkold() returned when it made the page old.
 *
 * Context: Any context that holds @ptl.  Does not sleep.
 * Return: true if the accessed bit of @pmd is set, a secondary MMU reports
 * an access to @addr, or @idle_marked and the folio is no longer idle; false
 * otherwise, and for a PMD that does not map a normal transparent huge page.
 */
bool damon_pmdp_young(pmd_t *pmd, spinlock_t *ptl, struct vm_area_struct *vma,
		      unsigned long addr, bool idle_marked)
{
	pmd_t entry = pmdp_get(pmd);
	struct folio *folio;
	bool young;

	lockdep_assert_held(ptl);
	if (!pmd_trans_huge(entry))
		return false;
	young = pmd_young(entry) || mmu_notifier_test_young(vma->vm_mm, addr);
	if (!young && !idle_marked)
		return false;
	folio = vm_normal_folio_pmd(vma, addr, entry);
	return folio && damon_folio_young(folio, young, idle_marked);
}
#endif	/* CONFIG_TRANSPARENT_HUGEPAGE */

/*
 * Both walks cover one page, [addr, addr + PAGE_SIZE), so ->pmd_entry() is
 * called at most once, with @addr the start of that page.  A PMD that maps a
 * transparent huge page is handled under its lock, after
 * pmd_trans_huge_lock() re-checked it; a PMD that is being migrated or maps
 * device memory is ignored.  Otherwise the PTE is first read without its
 * lock, which answers a test and makes a page old by itself wherever no bit
 * has to be cleared and no idle mark is to be relied on; if not, it is
 * looked up again under the page table lock, which fails harmlessly if the
 * PMD changed meanwhile.  No PTE table is split or allocated.
 */

/* The state of a damon_va_mkold() or damon_va_young() walk. */
struct damon_page_walk {
	bool mkold;		/* in: make the page old, rather than test it */
	bool idle_marked;	/* out of mkold, into the test */
	bool young;		/* out of the test */
	unsigned long folio_sz;	/* out of the test */
};

/*
 * Read the PTE that maps @addr without its lock, under RCU as
 * pte_offset_map() allows.  The lock, and the struct page of the page table
 * that holds it, are only needed to change the entry or to rely on the
 * folio it maps, and most sampled pages were not accessed: their PTE is old
 * at the test and stays old when made old again.  A racing change of the
 * entry is seen or not, as it would be just before the lock was taken.
 * Returns false if there is no PTE table.
 */
static bool damon_pte_peek(pmd_t *pmd, unsigned long addr, pte_t *entry)
{
	pte_t *pte = pte_offset_map(pmd, addr);

	if (!pte)
		return false;
	__acquire(RCU);	/* for sparse: pte_offset_map() took rcu_read_lock() */
	*entry = ptep_get(pte);
	pte_unmap(pte);
	return true;
}

/*
 * Whether the page at @addr is made old with nothing to change: its PTE is
 * not present or old, no secondary MMU keeps an accessed bit of its own, and
 * the folio is not idle, so damon_ptep_mkold() would clear nothing and
 * return false.  The folio's flags are read without a reference: one freed
 * meanwhile answers for a page that is no longer mapped, as it would a
 * moment later.  An idle folio takes the locked path, since the test will
 * rely on that mark.
 */
static bool damon_pte_surely_unmarked(pmd_t *pmd, unsigned long addr,
				      struct mm_walk *walk)
{
	struct folio *folio;
	pte_t entry;

	if (mm_has_notifiers(walk->mm))
		return false;
	if (!damon_pte_peek(pmd, addr, &entry) || !pte_present(entry))
		return true;
	if (pte_young(entry))
		return false;
	folio = vm_normal_folio(walk->vma, addr, entry);
	return !folio || !folio_test_idle(folio);
}

/*
 * Answer the test of the page at @addr from its PTE alone, read without the
 * lock, where the folio and secondary MMUs have nothing to add: the PTE is
 * not present, or its accessed bit is set (a page without a normal struct
 * page still counts as not accessed, which vm_normal_page() tells without
 * touching it), or it is clear and the folio was not idle at arming
 * (@res->idle_marked unset).  Returns whether @res->young is the answer.
 */
static bool damon_pte_young_unlocked(pmd_t *pmd, unsigned long addr,
				     struct mm_walk *walk,
				     struct damon_page_walk *res)
{
	pte_t entry;

	if (mm_has_notifiers(walk->mm))
		return false;
	if (!damon_pte_peek(pmd, addr, &entry) || !pte_present(entry))
		return true;
	if (pte_young(entry)) {
		res->young = !!vm_normal_page(walk->vma, addr, entry);
		return true;
	}
	return !res->idle_marked;
}

static int damon_mkold_pmd_entry(pmd_t *pmd, unsigned long addr,
				 unsigned long next, struct mm_walk *walk)
{
	struct vm_area_struct *vma = walk->vma;
	struct damon_page_walk *w = walk->private;
	spinlock_t *ptl;	/* the PMD lock or the PTE table lock */
	pte_t *pte;

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	ptl = pmd_trans_huge_lock(pmd, vma);
	if (ptl) {
		__acquire(ptl);	/* for sparse: pmd_trans_huge_lock() took it */
		if (pmd_trans_huge(pmdp_get(pmd)))
			w->idle_marked = damon_pmdp_mkold(pmd, ptl, vma, addr);
		spin_unlock(ptl);
		return 0;
	}
#endif
	if (damon_pte_surely_unmarked(pmd, addr, walk))
		return 0;
	pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!pte)
		return 0;
	__acquire(ptl);	/* for sparse, which cannot follow __cond_lock() here */
	w->idle_marked = damon_ptep_mkold(pte, ptl, vma, addr);
	pte_unmap_unlock(pte, ptl);
	return 0;
}

#ifdef CONFIG_HUGETLB_PAGE
/* Clear the accessed bits that secondary MMUs keep for [@start, @end). */
static bool damon_notifier_clear_young(struct mm_struct *mm,
				       unsigned long start, unsigned long end)
{
#ifdef CONFIG_MMU_NOTIFIER
	return mmu_notifier_clear_young(mm, start, end);
#else
	return false;
#endif
}

/*
 * A hugetlb page is one page, as a transparent huge page is: made old or
 * tested whole, under its page table lock.  Made old, it is made old in the
 * secondary MMUs over its whole size, since they may map it in small
 * pieces; tested, they are asked about the walk's address, as for any page.
 */
static int damon_hugetlb_entry(pte_t *pte, unsigned long hmask,
			       unsigned long addr, unsigned long end,
			       struct mm_walk *walk)
{
	struct damon_page_walk *w = walk->private;
	struct hstate *h = hstate_vma(walk->vma);
	unsigned long base = addr & hmask;
	spinlock_t *ptl;	/* the hugetlb page table lock */
	struct folio *folio;
	pte_t entry;
	bool young;

	ptl = huge_pte_lock(h, walk->mm, pte);
	entry = huge_ptep_get(walk->mm, base, pte);
	folio = pte_present(entry) ? pfn_folio(pte_pfn(entry)) : NULL;
	if (folio && w->mkold) {
		young = ptep_test_and_clear_young(walk->vma, base, pte);
		young |= damon_notifier_clear_young(walk->mm, base,
						    base + huge_page_size(h));
		w->idle_marked = damon_folio_mkold(folio, young);
	} else if (folio) {
		young = pte_young(entry) ||
			mmu_notifier_test_young(walk->mm, addr);
		w->young = damon_folio_young(folio, young, w->idle_marked);
		w->folio_sz = huge_page_size(h);
	}
	spin_unlock(ptl);
	return 0;
}
#else
#define damon_hugetlb_entry	NULL
#endif

static const struct mm_walk_ops damon_mkold_ops = {
	.pmd_entry	= damon_mkold_pmd_entry,
	.hugetlb_entry	= damon_hugetlb_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/**
 * damon_va_mkold() - make the page mapped at a user address old.
 * @vma:	the VMA that maps @addr, or NULL if none does.
 * @addr:	the address.
 *
 * Does nothing if @vma is NULL, or if @addr is mapped by a page without a
 * normal struct page.  A hugetlb or transparent huge page is made old whole.
 *
 * Context: Process context, with the mmap read lock of @vma's mm held.  May
 * sleep.
 * Return: true if the page is left marked idle, for damon_va_young().
 */
bool damon_va_mkold(struct vm_area_struct *vma, unsigned long addr)
{
	struct damon_page_walk w = { .mkold = true };

	if (!vma)
		return false;
	addr &= PAGE_MASK;
	mmap_assert_locked(vma->vm_mm);
	walk_page_range_vma(vma, addr, addr + PAGE_SIZE, &damon_mkold_ops, &w);
	return w.idle_marked;
}

static int damon_young_pmd_entry(pmd_t *pmd, unsigned long addr,
				 unsigned long next, struct mm_walk *walk)
{
	struct damon_page_walk *res = walk->private;
	struct vm_area_struct *vma = walk->vma;
	spinlock_t *ptl;	/* the PMD lock or the PTE table lock */
	pte_t *pte;

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	ptl = pmd_trans_huge_lock(pmd, vma);
	if (ptl) {
		__acquire(ptl);	/* for sparse: pmd_trans_huge_lock() took it */
		if (pmd_trans_huge(pmdp_get(pmd))) {
			res->young = damon_pmdp_young(pmd, ptl, vma, addr,
						      res->idle_marked);
			res->folio_sz = HPAGE_PMD_SIZE;
		}
		spin_unlock(ptl);
		return 0;
	}
#endif
	if (damon_pte_young_unlocked(pmd, addr, walk, res))
		return 0;
	pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!pte)
		return 0;
	__acquire(ptl);	/* for sparse, which cannot follow __cond_lock() here */
	res->young = damon_ptep_young(pte, ptl, vma, addr, res->idle_marked);
	pte_unmap_unlock(pte, ptl);
	return 0;
}

static const struct mm_walk_ops damon_young_ops = {
	.pmd_entry	= damon_young_pmd_entry,
	.hugetlb_entry	= damon_hugetlb_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/**
 * damon_va_young() - test whether the page at a user address was accessed.
 * @vma:	the VMA that maps @addr, or NULL if none does.
 * @addr:	the address.
 * @idle_marked: what damon_va_mkold() returned when it made the page old.
 * @folio_sz:	set to the size of the page table mapping found at @addr:
 *		HPAGE_PMD_SIZE for a PMD-mapped transparent huge page, the
 *		huge page size for a hugetlb page, PAGE_SIZE otherwise (also
 *		when nothing is mapped).  Every address in the same naturally
 *		aligned block of that size has the same answer from the page
 *		table; secondary MMUs are asked about @addr alone.
 *
 * Context: Process context, with the mmap read lock of @vma's mm held.  May
 * sleep.
 * Return: true if the page was accessed since damon_va_mkold() made it old;
 * false if not, or if @addr is not mapped by a normal page.
 */
bool damon_va_young(struct vm_area_struct *vma, unsigned long addr,
		    bool idle_marked, unsigned long *folio_sz)
{
	struct damon_page_walk res = {
		.folio_sz = PAGE_SIZE,
		.idle_marked = idle_marked,
	};

	*folio_sz = PAGE_SIZE;
	if (!vma)
		return false;
	addr &= PAGE_MASK;
	mmap_assert_locked(vma->vm_mm);
	walk_page_range_vma(vma, addr, addr + PAGE_SIZE, &damon_young_ops,
			    &res);
	*folio_sz = res.folio_sz;
	return res.young;
}

/*
 * The search
 * ----------
 * x86 sets the accessed bit of every paging-structure entry a page walk
 * uses, not only of the leaf: a clear bit in a PUD entry says that nothing
 * in its 1 GiB was translated since the bit was cleared, a clear bit in a
 * PMD entry the same of its 2 MiB.  damon_va_search() walks a range and
 * descends only below entries whose bit it finds set, clearing each as it
 * goes, so the entries it reads are the untouched subtrees' roots plus
 * what was accessed: its cost follows the accesses, not the mapped size.
 * At the leaves it consumes the accessed bits of the pages it finds young,
 * exactly as damon_ptep_mkold() does (reclaim and idle page tracking still
 * see the access), and reports them as leads.  Leaves are counted by
 * nobody but the regions they land in, through their own sampling.
 *
 * Non-leaf PMD bits are also read by the multi-gen LRU, whose aging walk
 * skips a PTE table under a clear one.  An access that the search hides
 * from that walk this way is not lost to reclaim: its leaf bit was either
 * left set (the search only descends where the PMD bit was set, and then
 * consumes every young leaf into PG_young) or moved to PG_young, and
 * folio_referenced() reads both before a folio is evicted.  The aging
 * walk only learns of it later.
 *
 * The bits are only hints; they are cleared without the page table lock,
 * with the same atomic operation the CPU's own updates are made with, so a
 * racing change of the entry loses nothing but the hint.
 */

/*
 * Whether this machine sets the accessed bits of non-leaf entries: without
 * that, every subtree would look untouched.
 */
bool damon_va_can_search(void)
{
	return IS_ENABLED(CONFIG_ARCH_HAS_NONLEAF_PMD_YOUNG) &&
	       arch_has_hw_nonleaf_pmd_young();
}

/* Test and clear the accessed bit of a non-leaf PUD entry. */
static bool damon_pud_test_and_clear_young(pud_t *pud)
{
#if defined(CONFIG_X86) && defined(CONFIG_TRANSPARENT_HUGEPAGE)
	return pudp_test_and_clear_young(NULL, 0, pud);
#else
	/* No way to tell: look below it. */
	return true;
#endif
}

/* Charge one entry to the walk; false, with @addr noted, if it is spent. */
static bool damon_search_charge(struct damon_search_walk *w,
				unsigned long addr)
{
	if (!w->budget) {
		w->stop = addr;
		return false;
	}
	w->budget--;
	return true;
}

/*
 * Whether the upper entry of @size over @addr is explained by accesses
 * already known, and this walk leaves such entries alone.
 */
static bool damon_search_passes(const struct damon_search_walk *w,
				unsigned long addr, unsigned long size)
{
	unsigned long start = ALIGN_DOWN(addr, size);

	return !w->explained &&
	       (start < w->hot_before || start + size > w->hot_after);
}

/*
 * Whether a sweep has looked below the PUD entry over @addr before.  The
 * first time, the PMD entries' bits below it were set by whatever came
 * before, the filling of the memory included: the sweep clears them
 * without looking below, and looks below from the next sweep on.  This is
 * done even below an explained entry, or a PUD entry next to a known hot
 * spot would wait for two looks below explained entries.  A PUD entry is
 * remembered once looked below, in an XArray of the target indexed by PUD
 * entry: a few bytes per GiB that was ever accessed, where clearing every
 * PMD entry of the address space on the first sweep read 512 Ki entries
 * per TiB mapped.  An entry that cannot be remembered is cleared below
 * again next time, which only delays its search.  Entries are never
 * forgotten while the target lives: memory mapped anew under a PUD entry
 * looked below before brings PMD bits set by its filling, which cost one
 * look at its PTE tables and a few leads that go cold again.
 */
static bool damon_search_looked(const struct damon_search_walk *w,
				unsigned long addr)
{
	return xa_load(&w->target->search_looked, addr >> PUD_SHIFT);
}

static void damon_search_remember(struct damon_search_walk *w,
				  unsigned long addr)
{
	xa_store(&w->target->search_looked, addr >> PUD_SHIFT, xa_mk_value(1),
		 GFP_KERNEL);
}

static int damon_search_pud_entry(pud_t *pud, unsigned long addr,
				  unsigned long next, struct mm_walk *walk)
{
	struct damon_search_walk *w = walk->private;
	pud_t entry = pudp_get(pud);
	bool looked;

	if (!damon_search_charge(w, addr))
		return 1;
	/*
	 * This sweep found the entry's bit set already, in a walk of a region
	 * before this one or before the walk stopped: look below it again,
	 * unless this sweep only clears the PUD entries' bits.
	 */
	if (addr < w->below) {
		if (w->arming)
			walk->action = ACTION_CONTINUE;
		return 0;
	}
	/* A huge PUD is a leaf: not searched, sampling covers it. */
	if (!pud_present(entry) || pud_leaf(entry)) {
		walk->action = ACTION_CONTINUE;
		return 0;
	}
	looked = !w->arming && damon_search_looked(w, addr);
	if ((looked && damon_search_passes(w, addr, PUD_SIZE)) ||
	    !damon_pud_test_and_clear_young(pud)) {
		walk->action = ACTION_CONTINUE;
		return 0;
	}
	w->cleared = true;
	w->below = pud_addr_end(addr, ULONG_MAX);
	if (w->arming) {
		walk->action = ACTION_CONTINUE;
		return 0;
	}
	if (!looked) {
		damon_search_remember(w, addr);
		w->arm_below = w->below;
	}
	return 0;
}

/*
 * Consume the accessed bit of the normal page a PTE maps, as
 * damon_ptep_mkold() would; return whether it was set.
 */
static bool damon_search_pte(pte_t *pte, struct vm_area_struct *vma,
			     unsigned long addr)
{
	pte_t entry = ptep_get(pte);
	struct folio *folio;

	if (!pte_present(entry) || !pte_young(entry))
		return false;
	folio = vm_normal_folio(vma, addr, entry);
	if (!folio)
		return false;
	if (!ptep_clear_young_notify(vma, addr, pte))
		return false;
	damon_folio_mkold(folio, true);
	return true;
}

/* Report the young pages of the PTE table under @pmd in [@addr, @end). */
static void damon_search_ptes(pmd_t *pmd, unsigned long addr,
			      unsigned long end, struct mm_walk *walk)
{
	struct damon_search_walk *w = walk->private;
	spinlock_t *ptl;	/* the PTE table lock */
	pte_t *start_pte, *pte;

	start_pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!start_pte)
		return;
	__acquire(ptl);	/* for sparse, which cannot follow __cond_lock() here */
	/* A table is read whole: the budget may go under by one table. */
	for (pte = start_pte; addr < end; pte++, addr += PAGE_SIZE) {
		w->budget -= !!w->budget;
		if (addr != w->skip && damon_search_pte(pte, walk->vma, addr))
			damon_report_lead(w->target, addr, addr + PAGE_SIZE);
	}
	pte_unmap_unlock(start_pte, ptl);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* Report the transparent huge page @pmd maps, if young, as one lead. */
static void damon_search_huge(pmd_t *pmd, unsigned long addr,
			      unsigned long end, struct mm_walk *walk)
{
	struct damon_search_walk *w = walk->private;
	struct vm_area_struct *vma = walk->vma;
	struct folio *folio;
	spinlock_t *ptl;	/* the PMD lock */
	pmd_t entry;

	ptl = pmd_trans_huge_lock(pmd, vma);
	if (!ptl)
		return;
	__acquire(ptl);	/* for sparse: pmd_trans_huge_lock() took it */
	entry = pmdp_get(pmd);
	if (pmd_trans_huge(entry) && pmd_young(entry) &&
	    (w->skip < addr || w->skip >= end)) {
		folio = vm_normal_folio_pmd(vma, addr & HPAGE_PMD_MASK, entry);
		if (folio && pmdp_clear_young_notify(vma, addr & HPAGE_PMD_MASK,
						     pmd)) {
			damon_folio_mkold(folio, true);
			damon_report_lead(w->target, addr, end);
		}
	}
	spin_unlock(ptl);
}
#else
static void damon_search_huge(pmd_t *pmd, unsigned long addr,
			      unsigned long end, struct mm_walk *walk)
{
}
#endif

static int damon_search_pmd_entry(pmd_t *pmd, unsigned long addr,
				  unsigned long next, struct mm_walk *walk)
{
	struct damon_search_walk *w = walk->private;
	pmd_t entry = pmdp_get_lockless(pmd);
	bool arming = addr < w->arm_below;

	if (!damon_search_charge(w, addr))
		return 1;
	if (!pmd_present(entry))
		return 0;
	if (pmd_trans_huge(entry)) {
		if (!arming)
			damon_search_huge(pmd, addr, next, walk);
		return 0;
	}
	/* As for PUD entries: found set by the walk of a region before. */
	if (addr >= w->pmd_below) {
		if ((!arming && damon_search_passes(w, addr, PMD_SIZE)) ||
		    !pmdp_test_and_clear_young(walk->vma, addr, pmd))
			return 0;
		w->cleared = true;
		w->pmd_below = pmd_addr_end(addr, ULONG_MAX);
	}
	if (!arming) {
		damon_search_ptes(pmd, addr, next, walk);
		cond_resched();
	}
	return 0;
}

static const struct mm_walk_ops damon_search_ops = {
	.pud_entry	= damon_search_pud_entry,
	.pmd_entry	= damon_search_pmd_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/**
 * damon_va_search() - search a range of cold memory for accessed pages.
 * @mm:		the address space.
 * @start:	the start of the range, page aligned.
 * @end:	the end of the range, page aligned.
 * @w:		the walk: its target, budget and mode.
 *
 * Reads the accessed bits of the PUD and PMD entries over [@start, @end),
 * clearing them, and descends only below those found set (not below the
 * PUD entries when @w->arming, not below the PMD entries under a PUD entry
 * looked below for the first time); the young pages found below are made
 * old, as damon_ptep_mkold() makes them, and reported with
 * damon_report_lead().
 * Each entry read costs one of @w->budget; a PTE table is read whole once
 * entered.  Only damon_va_can_search() machines set the bits this needs.
 *
 * Context: Process context, with mmap_read_lock(@mm) held.  May sleep.
 * Return: 0 if the whole range was searched, 1 if the budget ran out
 * first, with @w->stop set to where the search should resume.
 */
int damon_va_search(struct mm_struct *mm, unsigned long start,
		    unsigned long end, struct damon_search_walk *w)
{
	mmap_assert_locked(mm);
	return walk_page_range(mm, start, end, &damon_search_ops, w) > 0;
}
