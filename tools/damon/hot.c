// SPDX-License-Identifier: GPL-2.0
/*
 * hot: the hottest areas of each target.
 *
 * In every snapshot, adjacent regions accessed at least min_freq times
 * (default: half the highest nr_accesses of the input, at least 1) are
 * merged into hot extents.  An extent continues the track of the extent of
 * the previous snapshot it overlaps most (one extent per track and step),
 * or starts a track.  So a hot spot that moves slowly is one track, whose
 * range is everything it covered.  Tracks are ranked by the sum over their
 * aggregations of the mean nr_accesses, i.e. hot and long-lived first.
 */
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

struct extent {
	uint64_t start, end;
	double acc_bytes;		/* sum of nr_accesses * bytes */
	size_t track;
};

struct track {
	uint64_t lo, hi;		/* the union of its extents */
	uint64_t first_t, last_t;
	size_t nr_aggr;
	size_t step;			/* last step it was continued in */
	double sum_bytes, sum_acc_bytes, score;
};

struct vec {
	void *p;
	size_t nr, cap;
};

static void *vec_push(struct vec *v, size_t elem)
{
	if (v->nr == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 64;
		void *np;

		if (ncap > SIZE_MAX / elem || !(np = realloc(v->p, ncap * elem)))
			return NULL;
		v->p = np;
		v->cap = ncap;
	}
	return (char *)v->p + elem * v->nr++;
}

static const struct track *sort_tracks;

static int cmp_track(const void *a, const void *b)
{
	const struct track *x = &sort_tracks[*(const size_t *)a];
	const struct track *y = &sort_tracks[*(const size_t *)b];

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->sum_bytes != y->sum_bytes)
		return x->sum_bytes > y->sum_bytes ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int hot_one(const struct dm_model *m, const struct dm_series *s,
		   uint32_t thr, unsigned int top, FILE *out)
{
	struct vec prev = { 0 }, cur = { 0 }, tracks = { 0 };
	size_t i, *order = NULL, shown;
	uint64_t t0 = s->nr ? m->snaps[s->snaps[0]].time_ns : 0;
	int ret = -1;

	for (i = 0; i < s->nr; i++) {
		const struct dm_target *t = &m->targets[s->entries[i]];
		const struct dm_region *r = dm_regions(m, t);
		uint64_t now = m->snaps[s->snaps[i]].time_ns;
		struct extent *pe, *ce;
		size_t j, k, lo = 0;
		uint32_t q;

		cur.nr = 0;
		for (q = 0; q < t->nr_regions; q++) {
			struct extent *x;

			if (r[q].nr_accesses < thr)
				continue;
			x = cur.nr ? (struct extent *)cur.p + cur.nr - 1 : NULL;
			if (!x || x->end != r[q].start) {
				x = vec_push(&cur, sizeof(*x));
				if (!x)
					goto out;
				x->start = r[q].start;
				x->acc_bytes = 0;
			}
			x->end = r[q].end;
			x->acc_bytes += (double)r[q].nr_accesses *
					(double)(r[q].end - r[q].start);
		}
		pe = prev.p;
		ce = cur.p;
		for (j = 0; j < cur.nr; j++) {
			size_t best = SIZE_MAX;
			uint64_t best_ov = 0;
			struct track *tr;
			double bytes = (double)(ce[j].end - ce[j].start);

			while (lo < prev.nr && pe[lo].end <= ce[j].start)
				lo++;
			for (k = lo; k < prev.nr && pe[k].start < ce[j].end; k++) {
				uint64_t a = pe[k].start > ce[j].start ? pe[k].start : ce[j].start;
				uint64_t b = pe[k].end < ce[j].end ? pe[k].end : ce[j].end;
				struct track *pt = (struct track *)tracks.p + pe[k].track;

				if (pt->step != i && b - a > best_ov) {
					best_ov = b - a;
					best = pe[k].track;
				}
			}
			if (best == SIZE_MAX) {
				tr = vec_push(&tracks, sizeof(*tr));
				if (!tr)
					goto out;
				memset(tr, 0, sizeof(*tr));
				tr->lo = ce[j].start;
				tr->hi = ce[j].end;
				tr->first_t = now;
				best = tracks.nr - 1;
			}
			tr = (struct track *)tracks.p + best;
			ce[j].track = best;
			tr->step = i;
			tr->nr_aggr++;
			tr->last_t = now;
			if (ce[j].start < tr->lo)
				tr->lo = ce[j].start;
			if (ce[j].end > tr->hi)
				tr->hi = ce[j].end;
			tr->sum_bytes += bytes;
			tr->sum_acc_bytes += ce[j].acc_bytes;
			tr->score += ce[j].acc_bytes / bytes;
		}
		{
			struct vec tmp = prev;

			prev = cur;
			cur = tmp;
		}
	}

	fprintf(out, "target %llu: hot means nr_accesses >= %u (highest seen %u); %zu hot area%s\n",
		(unsigned long long)s->id, thr, m->max_accesses, tracks.nr,
		tracks.nr == 1 ? "" : "s");
	if (tracks.nr == 0) {
		ret = 0;
		goto out;
	}
	order = malloc(tracks.nr * sizeof(*order));
	if (!order)
		goto out;
	for (i = 0; i < tracks.nr; i++)
		order[i] = i;
	sort_tracks = tracks.p;
	qsort(order, tracks.nr, sizeof(*order), cmp_track);
	shown = tracks.nr < top ? tracks.nr : top;
	fprintf(out, "%4s  %-35s %11s %10s %7s %12s %12s\n", "rank",
		"address range (all it covered)", "mean size", "mean freq",
		"aggrs", "from", "to");
	for (i = 0; i < shown; i++) {
		const struct track *tr = (const struct track *)tracks.p + order[i];
		char range[48], size[32];

		snprintf(range, sizeof(range), "0x%llx-0x%llx",
			 (unsigned long long)tr->lo, (unsigned long long)tr->hi);
		dm_format_size(size, sizeof(size),
			       (uint64_t)(tr->sum_bytes / (double)tr->nr_aggr + 0.5));
		fprintf(out, "%4zu  %-35s %11s %10.2f %7zu %10.3f s %10.3f s\n",
			i + 1, range, size, tr->sum_acc_bytes / tr->sum_bytes,
			tr->nr_aggr, (double)(int64_t)(tr->first_t - t0) / 1e9,
			(double)(int64_t)(tr->last_t - t0) / 1e9);
	}
	ret = 0;
out:
	free(prev.p);
	free(cur.p);
	free(tracks.p);
	free(order);
	return ret;
}

int dm_report_hot(const struct dm_model *m, const struct dm_opts *o, FILE *out)
{
	uint32_t thr = o->min_freq;
	unsigned int top = o->top ? o->top : 10;
	size_t i;

	if (!thr)
		thr = (m->max_accesses + 1) / 2;
	if (!thr)
		thr = 1;
	if (o->have_target) {
		const struct dm_series *s = dm_find_series(m, o->target);

		if (!s) {
			fprintf(stderr, "damon-report: no target %llu in the input\n",
				(unsigned long long)o->target);
			return -1;
		}
		return hot_one(m, s, thr, top, out);
	}
	for (i = 0; i < m->nr_series; i++) {
		if (i)
			fputc('\n', out);
		if (hot_one(m, &m->series[i], thr, top, out))
			return -1;
	}
	return 0;
}
