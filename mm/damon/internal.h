/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations shared by the DAMON core, its primitives and their
 * KUnit suites.  Nothing here is for users of DAMON: see <linux/damon.h>.
 */

#ifndef _MM_DAMON_INTERNAL_H
#define _MM_DAMON_INTERNAL_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/damon.h>
#include <asm/current.h>

/*
 * damon_assert_owner() - assert that the caller may use the targets, the
 * regions and the attributes of @ctx without a lock: it is the kdamond of
 * @ctx, or no kdamond runs on @ctx.  Checked on kernels with lockdep, as
 * lockdep_assert_held() is; compiles to nothing otherwise.
 */
#ifdef CONFIG_LOCKDEP
#define damon_assert_owner(ctx)						\
	do {								\
		struct task_struct *__kdamond = READ_ONCE((ctx)->kdamond); \
									\
		WARN_ON_ONCE(__kdamond && __kdamond != current);	\
	} while (0)
#else
#define damon_assert_owner(ctx)	((void)(ctx))
#endif

/* core.c: pure helpers of the kdamond, visible to the KUnit suite only */
#if IS_ENABLED(CONFIG_KUNIT)
unsigned int damon_max_nr_samples(const struct damon_attrs *attrs);
ktime_t damon_deadline(ktime_t now, u64 ns);
#endif

/* schemes.c: applying the operation schemes, by the kdamond */
void damon_schemes_start(struct damon_ctx *ctx);
void damon_apply_schemes(struct damon_ctx *ctx, unsigned int max_nr_samples);
void damon_schemes_stop(struct damon_ctx *ctx);
#if IS_ENABLED(CONFIG_KUNIT)
bool damon_scheme_matches(const struct damon_scheme *s,
			  const struct damon_region *r);
unsigned int damon_scheme_priority(const struct damon_scheme *s,
				   const struct damon_region *r,
				   unsigned int max_nr_samples);
bool damon_wmarks_allow(const struct damon_wmarks *w,
			unsigned int free_permille);
#endif

/* regions.c: region algebra and the adaptive regions adjustment */

/*
 * A region is cold once this many aggregations in a row found no access in
 * it; only cold regions merge with each other.  A new region starts cold:
 * nothing was seen in it yet.
 */
#define DAMON_COLD_AGGRS		3U

/* Zooming in on an accessed address keeps 1/DAMON_ZOOM_DIV of a region. */
#define DAMON_ZOOM_DIV			8

/* Whether @r has shown no access for long enough to be taken as cold. */
static inline bool damon_region_cold(const struct damon_region *r)
{
	return !r->nr_accesses && r->cold_aggrs >= DAMON_COLD_AGGRS;
}

unsigned long damon_rand(unsigned long start, unsigned long end);
int damon_split_region_at(struct damon_target *t, struct damon_region *r,
			  unsigned long sz_left);
int damon_split_region_evenly(struct damon_target *t, struct damon_region *r,
			      unsigned int nr_pieces);
void damon_merge_two_regions(struct damon_target *t, struct damon_region *l,
			     struct damon_region *r);
unsigned int damon_merge_regions_of(struct damon_target *t,
				    unsigned int threshold,
				    unsigned long sz_limit);
unsigned int damon_zoom_region(struct damon_target *t, struct damon_region *r);
unsigned int damon_cut_leads(struct damon_target *t, unsigned int room);
unsigned int damon_cap_regions(struct damon_ctx *ctx);
void damon_reset_regions_goal(struct damon_ctx *ctx);
void damon_merge_regions(struct damon_ctx *ctx, unsigned int max_nr_accesses);
void damon_split_regions(struct damon_ctx *ctx, unsigned int max_nr_accesses);
unsigned long damon_region_sz_limit(struct damon_ctx *ctx);
int damon_fit_regions(struct damon_target *t,
		      const struct damon_addr_range *ranges,
		      unsigned int nr_ranges);

/*
 * vaddr.c: the "three regions" of a virtual address space, as a pure
 * computation that the KUnit suite can drive without VMAs.
 */

/**
 * struct damon_va_gaps - accumulates mappings to find the two largest gaps.
 * @start:	start of the first mapping fed, aligned down.
 * @end:	end of the last mapping fed, aligned up.
 * @gaps:	the largest (@gaps[0]) and the second largest (@gaps[1])
 *		unmapped gaps between the mappings fed so far, both with
 *		boundaries aligned into the gap; an empty range means none.
 * @nr_mappings: how many non-empty mappings were fed.
 *
 * Initialise with damon_va_gaps_init(), feed mappings in ascending address
 * order with damon_va_gaps_add(), then call damon_va_gaps_finish().
 */
struct damon_va_gaps {
	unsigned long start;
	unsigned long end;
	struct damon_addr_range gaps[2];
	unsigned long nr_mappings;
};

#define DAMON_VA_NR_REGIONS	3

void damon_va_gaps_init(struct damon_va_gaps *g);
void damon_va_gaps_add(struct damon_va_gaps *g, unsigned long start,
		       unsigned long end);
int damon_va_gaps_finish(const struct damon_va_gaps *g,
			 struct damon_addr_range *ranges);
int damon_va_set_initial_regions(struct damon_target *t,
				 const struct damon_addr_range *ranges,
				 unsigned int nr_ranges,
				 unsigned long min_nr_regions);

/**
 * struct damon_va_last_check - the last accessed state vaddr.c read.
 * @addr:	the start of the page table mapping read, aligned to @sz.
 * @sz:		the size of that mapping, 0 if nothing was read yet.
 * @idle_marked: how the mapping's page was armed.
 * @young:	the answer.
 * @notifiers:	the mm has MMU notifiers: an answer is never reused.
 */
struct damon_va_last_check {
	unsigned long addr;
	unsigned long sz;
	bool idle_marked;
	bool young;
	bool notifiers;
};

#if IS_ENABLED(CONFIG_KUNIT)
bool damon_va_same_answer(const struct damon_va_last_check *last,
			  unsigned long addr, bool idle_marked);
#endif

/* dbgfs.c: the parsers of the debugfs files, visible to the KUnit suite */
#if IS_ENABLED(CONFIG_KUNIT)
int damon_dbgfs_parse_attrs(char *str, struct damon_attrs *attrs);
int damon_dbgfs_parse_ids(char *str, unsigned long *ids, int max_ids);
int damon_dbgfs_parse_record(char *str, unsigned int *len, char *path,
			     size_t size);
int damon_dbgfs_check_name(const char *name);
#endif

#endif	/* _MM_DAMON_INTERNAL_H */
