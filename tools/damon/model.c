// SPDX-License-Identifier: GPL-2.0
/* The in-memory model: growth of its arrays, the per-target index, helpers. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

void dm_model_init(struct dm_model *m)
{
	memset(m, 0, sizeof(*m));
}

void dm_model_free(struct dm_model *m)
{
	free(m->snaps);
	free(m->targets);
	free(m->regions);
	free(m->series);
	free(m->index_mem);
	dm_model_init(m);
}

/* Make room for one more element; 0 on success, -1 if out of memory. */
static int grow(void **p, size_t *cap, size_t nr, size_t elem)
{
	size_t ncap;
	void *np;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap < *cap || ncap > SIZE_MAX / elem)
		return -1;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int dm_add_snapshot(struct dm_model *m, uint64_t time_ns, uint32_t run)
{
	struct dm_snapshot *s;

	if (grow((void **)&m->snaps, &m->cap_snaps, m->nr_snaps, sizeof(*s)))
		return -1;
	s = &m->snaps[m->nr_snaps++];
	s->time_ns = time_ns;
	s->first_target = m->nr_targets;
	s->nr_targets = 0;
	s->run = run;
	return 0;
}

/* Appends a target to the last snapshot, which must exist. */
int dm_add_target(struct dm_model *m, uint64_t id)
{
	struct dm_target *t;

	if (grow((void **)&m->targets, &m->cap_targets, m->nr_targets,
		 sizeof(*t)))
		return -1;
	t = &m->targets[m->nr_targets++];
	t->id = id;
	t->first_region = m->nr_regions;
	t->nr_regions = 0;
	m->snaps[m->nr_snaps - 1].nr_targets++;
	return 0;
}

/* Makes room for @n more regions, for readers that append in bulk. */
int dm_reserve_regions(struct dm_model *m, size_t n)
{
	size_t ncap = m->cap_regions ? m->cap_regions : 64;
	struct dm_region *np;

	if (n > SIZE_MAX - m->nr_regions)
		return -1;
	if (m->nr_regions + n <= m->cap_regions)
		return 0;
	while (ncap < m->nr_regions + n) {
		if (ncap > SIZE_MAX / 2 / sizeof(*np))
			return -1;
		ncap *= 2;
	}
	np = realloc(m->regions, ncap * sizeof(*np));
	if (!np)
		return -1;
	m->regions = np;
	m->cap_regions = ncap;
	return 0;
}

/* Appends a region to the last target, which must exist. */
int dm_add_region(struct dm_model *m, uint64_t start, uint64_t end,
		  uint32_t nr_accesses)
{
	struct dm_region *r;

	if (grow((void **)&m->regions, &m->cap_regions, m->nr_regions,
		 sizeof(*r)))
		return -1;
	r = &m->regions[m->nr_regions++];
	r->start = start;
	r->end = end;
	r->nr_accesses = nr_accesses;
	m->targets[m->nr_targets - 1].nr_regions++;
	if (nr_accesses > m->max_accesses)
		m->max_accesses = nr_accesses;
	return 0;
}

static const struct dm_model *sort_model;

static int cmp_entry(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t ix = sort_model->targets[x].id, iy = sort_model->targets[y].id;

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return x < y ? -1 : x > y;	/* keep time order */
}

/*
 * Groups the target entries by id: one series per id, in order of the ids,
 * each series in time order.  O(T log T) whatever the number of ids.
 */
int dm_index(struct dm_model *m)
{
	size_t n = m->nr_targets, i, j, k, *order, *snap_of;

	free(m->series);
	free(m->index_mem);
	m->series = NULL;
	m->index_mem = NULL;
	m->nr_series = 0;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / (2 * sizeof(size_t)))
		return -1;
	m->index_mem = malloc(2 * n * sizeof(size_t));
	if (!m->index_mem)
		return -1;
	order = m->index_mem;
	snap_of = m->index_mem + n;
	for (i = 0; i < n; i++)
		order[i] = i;
	sort_model = m;
	qsort(order, n, sizeof(*order), cmp_entry);
	/* the snapshot of each entry, in the order of entries */
	for (i = 0, k = 0; i < m->nr_snaps; i++)
		for (j = 0; j < m->snaps[i].nr_targets; j++)
			snap_of[k++] = i;
	/* then permute to the sorted order, in place through a copy */
	{
		size_t *tmp = malloc(n * sizeof(size_t));

		if (!tmp)
			return -1;
		for (i = 0; i < n; i++)
			tmp[i] = snap_of[order[i]];
		memcpy(snap_of, tmp, n * sizeof(size_t));
		free(tmp);
	}
	for (i = 0, k = 0; i < n; i++)
		if (i == 0 || m->targets[order[i]].id != m->targets[order[i - 1]].id)
			k++;
	m->series = calloc(k, sizeof(*m->series));
	if (!m->series)
		return -1;
	for (i = 0; i < n; i = j) {
		struct dm_series *s = &m->series[m->nr_series++];

		for (j = i; j < n && m->targets[order[j]].id ==
		     m->targets[order[i]].id; j++)
			;
		s->id = m->targets[order[i]].id;
		s->nr = j - i;
		s->entries = order + i;
		s->snaps = snap_of + i;
	}
	return 0;
}

const struct dm_series *dm_find_series(const struct dm_model *m, uint64_t id)
{
	size_t lo = 0, hi = m->nr_series;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->series[mid].id == id)
			return &m->series[mid];
		if (m->series[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Bytes of the regions of @t accessed at least @min_accesses times. */
uint64_t dm_target_bytes(const struct dm_model *m, const struct dm_target *t,
			 uint32_t min_accesses)
{
	const struct dm_region *r = dm_regions(m, t);
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < t->nr_regions; i++)
		if (r[i].nr_accesses >= min_accesses)
			sum += r[i].end - r[i].start;
	return sum;
}

void dm_format_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
					    "PiB", "EiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

void dm_seterr(struct dm_error *e, const char *name, const char *unit,
	       unsigned long long where, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(e->msg, sizeof(e->msg), "%s: %s %llu: ", name, unit, where);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof(e->msg) - n, fmt, ap);
	va_end(ap);
}
