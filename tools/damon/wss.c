// SPDX-License-Identifier: GPL-2.0
/*
 * wss: the working-set size of each target, i.e. the bytes of its regions
 * accessed at least min_freq times (default 1) in an aggregation, per
 * snapshot.  Prints the percentiles 0/25/50/75/90/99/100 (nearest rank:
 * the ceil(p * n / 100)-th smallest value, the smallest for p0), the mean,
 * the least-squares trend over time, and the mean per time bucket.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void put_size(FILE *out, uint64_t v)
{
	char h[32];

	dm_format_size(h, sizeof(h), v);
	fprintf(out, "%20llu  %s", (unsigned long long)v, h);
}

static int wss_one(const struct dm_model *m, const struct dm_series *s,
		   const struct dm_opts *o, FILE *out)
{
	static const unsigned int pct[] = { 0, 25, 50, 75, 90, 99, 100 };
	uint32_t min = o->min_freq ? o->min_freq : 1;
	unsigned int nb = o->buckets ? o->buckets : 10, b, bar;
	uint64_t *v, *sorted, t0, t1;
	double mean = 0, st = 0, sv = 0, stt = 0, stv = 0, slope = 0, dur, vmax = 0;
	double *bsum;
	size_t *bcnt, i, n = s->nr;
	char h[32];

	if (n == 0)
		return 0;
	if (nb > n)
		nb = (unsigned int)n;
	v = malloc(2 * n * sizeof(*v));
	bsum = calloc(nb, sizeof(*bsum));
	bcnt = calloc(nb, sizeof(*bcnt));
	if (!v || !bsum || !bcnt) {
		free(v);
		free(bsum);
		free(bcnt);
		return -1;
	}
	sorted = v + n;
	t0 = UINT64_MAX;
	t1 = 0;
	for (i = 0; i < n; i++) {
		uint64_t t = m->snaps[s->snaps[i]].time_ns;

		t0 = t < t0 ? t : t0;
		t1 = t > t1 ? t : t1;
	}
	for (i = 0; i < n; i++) {
		v[i] = dm_target_bytes(m, &m->targets[s->entries[i]], min);
		mean += (double)v[i];
	}
	mean /= (double)n;
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), cmp_u64);

	dur = (double)(t1 - t0) / 1e9;
	fprintf(out, "target %llu: %zu snapshots over %.3f s\n",
		(unsigned long long)s->id, n, dur);
	fprintf(out, "working set: bytes in regions with nr_accesses >= %u\n", min);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		size_t rank = (size_t)(((unsigned long long)pct[i] * n + 99) / 100);

		fprintf(out, "  p%-3u ", pct[i]);
		put_size(out, sorted[rank ? rank - 1 : 0]);
		fputc('\n', out);
	}
	fputs("  mean ", out);
	put_size(out, (uint64_t)llround(mean));
	fputc('\n', out);

	/* least squares of wss against time, in seconds from t0 */
	for (i = 0; i < n; i++) {
		double t = (double)(m->snaps[s->snaps[i]].time_ns - t0) / 1e9;

		st += t;
		sv += (double)v[i];
		stt += t * t;
		stv += t * (double)v[i];
	}
	if (n > 1 && n * stt - st * st > 0)
		slope = (n * stv - st * sv) / (n * stt - st * st);
	{
		double change = mean > 0 ? slope * dur / mean : 0;
		const char *word = change > 0.1 ? "growing" :
				   change < -0.1 ? "shrinking" : "stable";

		dm_format_size(h, sizeof(h), (uint64_t)llround(fabs(slope)));
		fprintf(out, "trend: %s, %c%s/s over the run (%+.0f%% of the mean)\n",
			word, slope < 0 ? '-' : '+', h, change * 100);
	}

	/* mean per time bucket */
	for (i = 0; i < n; i++) {
		uint64_t t = m->snaps[s->snaps[i]].time_ns - t0;

		b = t1 > t0 ? (unsigned int)((double)t * nb / ((double)(t1 - t0) + 1)) : 0;
		if (b >= nb)
			b = nb - 1;
		bsum[b] += (double)v[i];
		bcnt[b]++;
	}
	for (b = 0; b < nb; b++)
		if (bcnt[b] && bsum[b] / bcnt[b] > vmax)
			vmax = bsum[b] / bcnt[b];
	fprintf(out, "over time (mean of each of %u time slices):\n", nb);
	for (b = 0; b < nb; b++) {
		double from = dur * b / nb;

		fprintf(out, "  %10.3f s ", from);
		if (!bcnt[b]) {
			fputs("  (no snapshot)\n", out);
			continue;
		}
		bar = vmax > 0 ? (unsigned int)llround(bsum[b] / bcnt[b] / vmax * 30) : 0;
		fprintf(out, "|%-30.*s| ", (int)bar,
			"##############################");
		dm_format_size(h, sizeof(h), (uint64_t)llround(bsum[b] / bcnt[b]));
		fprintf(out, "%s\n", h);
	}
	free(v);
	free(bsum);
	free(bcnt);
	return 0;
}

int dm_report_wss(const struct dm_model *m, const struct dm_opts *o, FILE *out)
{
	size_t i;

	if (o->have_target) {
		const struct dm_series *s = dm_find_series(m, o->target);

		if (!s) {
			fprintf(stderr, "damon-report: no target %llu in the input\n",
				(unsigned long long)o->target);
			return -1;
		}
		return wss_one(m, s, o, out);
	}
	for (i = 0; i < m->nr_series; i++) {
		if (i)
			fputc('\n', out);
		if (wss_one(m, &m->series[i], o, out))
			return -1;
	}
	return 0;
}
