// SPDX-License-Identifier: GPL-2.0
/*
 * The heatmap grid of one target: rows are time slices, columns address
 * bins, a cell the mean nr_accesses of the bytes it covers (weighted by
 * bytes), or "no data".
 *
 * The address axis is not the whole span, which for a process is mostly
 * the unmapped gaps between its heap, its mmap area and its stack.  The
 * union of every region of every snapshot is cut at each gap wider than
 * `gap` times the covered bytes (at most as many cuts as there is room for
 * panels, the widest gaps first), and each piece is drawn as a panel of
 * equal width, side by side, with a separator between panels.
 */
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

#define MIN_PANEL_COLS	8

struct ivl {
	uint64_t start, end;
};

static int cmp_ivl(const void *a, const void *b)
{
	const struct ivl *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

struct gapi {
	uint64_t size;
	size_t after;		/* the gap follows union interval #after */
};

static int cmp_gap(const void *a, const void *b)
{
	const struct gapi *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->after < y->after ? -1 : x->after > y->after;
}

static int push_ivl(struct ivl **v, size_t *nr, size_t *cap, uint64_t s,
		    uint64_t e)
{
	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct ivl *nv;

		if (ncap > SIZE_MAX / sizeof(**v) ||
		    !(nv = realloc(*v, ncap * sizeof(**v))))
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*nr].start = s;
	(*v)[*nr].end = e;
	(*nr)++;
	return 0;
}

/* The sorted union of every region of the series. */
static int covered(const struct dm_model *m, const struct dm_series *s,
		   struct ivl **out, size_t *nr_out)
{
	struct ivl *all = NULL;
	size_t nr = 0, cap = 0, i, prev_from = 0, prev_nr = 0, k;

	for (i = 0; i < s->nr; i++) {
		const struct dm_target *t = &m->targets[s->entries[i]];
		const struct dm_region *r = dm_regions(m, t);
		size_t from = nr;
		uint32_t q;

		for (q = 0; q < t->nr_regions; q++) {
			if (nr > from && all[nr - 1].end == r[q].start)
				all[nr - 1].end = r[q].end;
			else if (push_ivl(&all, &nr, &cap, r[q].start, r[q].end))
				goto nomem;
		}
		/* the same extents as the previous snapshot: drop them */
		if (i > 0 && nr - from == prev_nr && (!prev_nr ||
		    !memcmp(all + from, all + prev_from, prev_nr * sizeof(*all)))) {
			nr = from;
			continue;
		}
		prev_from = from;
		prev_nr = nr - from;
	}
	if (nr)
		qsort(all, nr, sizeof(*all), cmp_ivl);
	for (i = 0, k = 0; i < nr; i++) {
		if (k && all[i].start <= all[k - 1].end) {
			if (all[i].end > all[k - 1].end)
				all[k - 1].end = all[i].end;
		} else {
			all[k++] = all[i];
		}
	}
	*out = all;
	*nr_out = k;
	return 0;
nomem:
	free(all);
	return -1;
}

/* floor(a * b / c) without overflow */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return (uint64_t)((unsigned __int128)a * b / c);
}

/*
 * Column c of the map covers [bound[c], bound[c + 1]); within a panel the
 * bounds are start + floor(span * i / w).
 */
static unsigned int col_of(const struct dm_panel *p, const uint64_t *bound,
			   uint64_t addr)
{
	double f = (double)(addr - p->start) / (double)(p->end - p->start);
	unsigned int c = (unsigned int)(f * p->w), x = p->x;

	if (c >= p->w)
		c = p->w - 1;
	while (c + 1 < p->w && bound[x + c + 1] <= addr)
		c++;
	while (c > 0 && bound[x + c] > addr)
		c--;
	return x + c;
}

/* Adds the interior sums of a finished row, then clears them. */
static void flush_row(struct dm_grid *g, unsigned int row, double *bytes,
		      double *dacc, double *dcnt, const uint64_t *bound)
{
	double acc = 0, cnt = 0;
	unsigned int c;

	for (c = 0; c < g->cols; c++) {
		double w = (double)(bound[c + 1] - bound[c]);
		size_t cell = (size_t)row * g->cols + c;

		acc += dacc[c];
		cnt += dcnt[c];
		if (cnt != 0) {
			g->val[cell] += acc * w;
			bytes[cell] += cnt * w;
		}
	}
	memset(dacc, 0, (g->cols + 1) * sizeof(*dacc));
	memset(dcnt, 0, (g->cols + 1) * sizeof(*dcnt));
}

int dm_grid_build(const struct dm_model *m, const struct dm_series *s,
		  unsigned int cols, unsigned int rows, unsigned int sep,
		  double gap, const uint64_t *trange, struct dm_grid *g)
{
	struct ivl *u = NULL;
	struct gapi *gaps = NULL;
	char *cut = NULL;
	double *bytes = NULL, *dacc = NULL, *dcnt = NULL;
	uint64_t *bound = NULL;
	unsigned int cur_row = 0;
	size_t nu = 0, i, cells;
	uint64_t total = 0;
	unsigned int maxp, np, p, avail, x;

	memset(g, 0, sizeof(*g));
	if (s->nr == 0 || cols == 0 || rows == 0)
		return -1;
	if (covered(m, s, &u, &nu))
		return -1;
	if (nu == 0) {		/* no region at all: one empty panel */
		if (push_ivl(&u, &nu, &(size_t){ 0 }, 0, 1))
			return -1;
	}
	for (i = 0; i < nu; i++)
		total += u[i].end - u[i].start;
	maxp = (cols + sep) / (MIN_PANEL_COLS + sep);
	if (maxp < 1)
		maxp = 1;
	gaps = calloc(nu, sizeof(*gaps));
	cut = calloc(nu, 1);
	if (!gaps || !cut)
		goto nomem;
	for (i = 0; i + 1 < nu; i++) {
		gaps[i].size = u[i + 1].start - u[i].end;
		gaps[i].after = i;
	}
	if (nu > 1)
		qsort(gaps, nu - 1, sizeof(*gaps), cmp_gap);
	np = 1;
	for (i = 0; i + 1 < nu && np < maxp; i++) {
		if ((double)gaps[i].size <= gap * (double)total)
			break;
		cut[gaps[i].after] = 1;
		np++;
	}
	g->panels = calloc(np, sizeof(*g->panels));
	if (!g->panels)
		goto nomem;
	g->nr_panels = np;
	p = 0;
	g->panels[0].start = u[0].start;
	for (i = 0; i < nu; i++) {
		g->panels[p].end = u[i].end;
		if (cut[i] && i + 1 < nu)
			g->panels[++p].start = u[i + 1].start;
	}
	if (cols < np * MIN_PANEL_COLS + (np - 1) * sep)
		sep = 0;
	avail = cols - (np - 1) * sep;
	for (p = 0, x = 0; p < np; p++) {
		g->panels[p].x = x;
		g->panels[p].w = avail / np + (p < avail % np);
		x += g->panels[p].w + sep;
	}

	if (!trange && rows > s->nr)
		rows = (unsigned int)s->nr;
	g->cols = cols;
	g->rows = rows;
	g->t0 = UINT64_MAX;
	g->t1 = 0;
	for (i = 0; i < s->nr; i++) {
		uint64_t t = m->snaps[s->snaps[i]].time_ns;

		g->t0 = t < g->t0 ? t : g->t0;
		g->t1 = t > g->t1 ? t : g->t1;
	}
	if (trange && trange[0] <= g->t0 && trange[1] >= g->t1) {
		g->t0 = trange[0];
		g->t1 = trange[1];
	}
	g->vmax = m->max_accesses;
	cells = (size_t)rows * cols;
	g->val = calloc(cells, sizeof(*g->val));
	bytes = calloc(cells, sizeof(*bytes));
	dacc = calloc(cols + 1, sizeof(*dacc));
	dcnt = calloc(cols + 1, sizeof(*dcnt));
	bound = calloc(cols + 1, sizeof(*bound));
	if (!g->val || !bytes || !dacc || !dcnt || !bound)
		goto nomem;
	/* separators get an empty width: bound stays at the panel's end */
	for (p = 0; p < np; p++) {
		const struct dm_panel *pn = &g->panels[p];
		unsigned int c, next = p + 1 < np ? g->panels[p + 1].x : cols;

		for (c = 0; c < pn->w; c++)
			bound[pn->x + c] = pn->start + muldiv(pn->end - pn->start,
							       c, pn->w);
		for (c = pn->x + pn->w; c <= next; c++)
			bound[c] = pn->end;
	}

	for (i = 0; i < s->nr; i++) {
		const struct dm_target *t = &m->targets[s->entries[i]];
		const struct dm_region *r = dm_regions(m, t);
		uint64_t dt = m->snaps[s->snaps[i]].time_ns - g->t0;
		unsigned int row = 0;
		uint32_t q;

		if (g->t1 > g->t0)
			row = (unsigned int)((double)dt * rows /
					     ((double)(g->t1 - g->t0) + 1));
		if (row >= rows)
			row = rows - 1;
		if (row != cur_row) {	/* rows come in order of time */
			flush_row(g, cur_row, bytes, dacc, dcnt, bound);
			cur_row = row;
		}
		p = 0;
		for (q = 0; q < t->nr_regions; q++) {
			const struct dm_panel *pn;
			unsigned int c, c0, c1;

			/* regions are sorted: the panel only moves right */
			while (p + 1 < np && r[q].start >= g->panels[p].end)
				p++;
			pn = &g->panels[p];
			if (r[q].start < pn->start || r[q].end > pn->end)
				continue;	/* cannot happen: union */
			c0 = col_of(pn, bound, r[q].start);
			c1 = col_of(pn, bound, r[q].end - 1);
			/* the end columns by overlap, the ones between whole */
			for (c = c0; c <= c1; c = c == c0 && c1 > c0 + 1 ? c1 : c + 1) {
				uint64_t a = bound[c] > r[q].start ? bound[c] : r[q].start;
				uint64_t b = bound[c + 1] < r[q].end ? bound[c + 1] : r[q].end;
				size_t cell = (size_t)row * cols + c;
				double ov = (double)(b - a);

				g->val[cell] += ov * r[q].nr_accesses;
				bytes[cell] += ov;
			}
			if (c1 > c0 + 1) {
				dacc[c0 + 1] += r[q].nr_accesses;
				dacc[c1] -= r[q].nr_accesses;
				dcnt[c0 + 1] += 1;
				dcnt[c1] -= 1;
			}
		}
	}
	flush_row(g, cur_row, bytes, dacc, dcnt, bound);
	for (i = 0; i < cells; i++)
		g->val[i] = bytes[i] > 0 ? g->val[i] / bytes[i] : -1;
	/* separators */
	for (p = 0; p + 1 < np; p++) {
		unsigned int r0, c;

		for (r0 = 0; r0 < rows; r0++)
			for (c = g->panels[p].x + g->panels[p].w;
			     c < g->panels[p + 1].x; c++)
				g->val[(size_t)r0 * cols + c] = -2;
	}
	free(u);
	free(gaps);
	free(cut);
	free(bytes);
	free(dacc);
	free(dcnt);
	free(bound);
	return 0;
nomem:
	free(u);
	free(gaps);
	free(cut);
	free(bytes);
	free(dacc);
	free(dcnt);
	free(bound);
	dm_grid_free(g);
	return -1;
}

void dm_panel_name(char *buf, size_t len, unsigned int p)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = (char)('A' + p % 26);
		p /= 26;
	} while (p-- > 0 && n < 15);
	while (n > 0 && len > 1) {
		*buf++ = tmp[--n];
		len--;
	}
	if (len)
		*buf = '\0';
}

void dm_grid_free(struct dm_grid *g)
{
	free(g->panels);
	free(g->val);
	memset(g, 0, sizeof(*g));
}
