/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page table work shared by DAMON's address-space primitives: clearing and
 * testing the accessed state of the page mapped at one address.
 */

#ifndef _MM_DAMON_OPS_COMMON_H
#define _MM_DAMON_OPS_COMMON_H

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

bool damon_va_mkold(struct mm_struct *mm, unsigned long addr);
bool damon_va_young(struct mm_struct *mm, unsigned long addr,
		    bool idle_marked, unsigned long *folio_sz);

#endif	/* _MM_DAMON_OPS_COMMON_H */
