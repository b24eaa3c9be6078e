// SPDX-License-Identifier: GPL-2.0
/*
 * wss: the working-set size of each target, i.e. the bytes of its regions
 * accessed at least min_freq times (default 1) in an aggregation, per
 * snapshot.  Prints the percentiles 0/25/50/75/90/99/100 (nearest rank:
 * the ceil(p * n / 100)-th smallest value, the smallest for p0), the mean,
 * the least-squares trend over time, and the mean per time bucket.  With
 * --png, also draws it: the working-set size of every snapshot over time,
 * a plot per target, the percentiles and the mean marked.
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

static const unsigned int pct[] = { 0, 25, 50, 75, 90, 99, 100 };
#define NR_PCT	(sizeof(pct) / sizeof(pct[0]))

/*
 * The working-set size of each snapshot of @s, in time order, followed by
 * the same sorted: 2 * s->nr values to free, NULL if out of memory.
 */
static uint64_t *wss_values(const struct dm_model *m, const struct dm_series *s,
			    uint32_t min, double *mean)
{
	uint64_t *v = malloc(2 * (s->nr ? s->nr : 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	*mean = 0;
	for (i = 0; i < s->nr; i++) {
		v[i] = dm_target_bytes(m, &m->targets[s->entries[i]], min);
		*mean += (double)v[i];
	}
	if (s->nr)
		*mean /= (double)s->nr;
	memcpy(v + s->nr, v, s->nr * sizeof(*v));
	qsort(v + s->nr, s->nr, sizeof(*v), cmp_u64);
	return v;
}

/* Percentile @p of the @n sorted values: nearest rank. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned int p)
{
	size_t rank = (size_t)(((unsigned long long)p * n + 99) / 100);

	return sorted[rank ? rank - 1 : 0];
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
	v = wss_values(m, s, min, &mean);
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

	dur = (double)(t1 - t0) / 1e9;
	fprintf(out, "target %llu: %zu snapshots over %.3f s\n",
		(unsigned long long)s->id, n, dur);
	fprintf(out, "working set: bytes in regions with nr_accesses >= %u\n", min);
	for (i = 0; i < NR_PCT; i++) {
		fprintf(out, "  p%-3u ", pct[i]);
		put_size(out, percentile(sorted, n, pct[i]));
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

/* The picture: one plot per target, time across, bytes up. */
#define W_BG		0xffffff
#define W_INK		0x000000
#define W_GRID		0xe4e4e4
#define W_LINE		0x1f4e9a
#define W_PCT		0xc05000
#define W_MEAN		0x208040
#define W_LEFT		78
#define W_RIGHT		150
#define W_ABOVE		(DM_FONT_LINE + 8)
#define W_BELOW		(8 + DM_FONT_LINE + 10)

struct mark {
	uint64_t bytes;
	int y, label_y;
	char text[48];
	uint32_t colour;
};

static int cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	return x->y < y->y ? -1 : x->y > y->y;
}

/* The y of @bytes in a plot of @h pixels from @y0 whose top is @ymax. */
static int y_of(uint64_t bytes, uint64_t ymax, int y0, int h)
{
	double f = (double)bytes / (double)ymax;

	return y0 + h - 1 - (int)lround((f < 1 ? f : 1) * (h - 1));
}

/*
 * The percentiles and the mean as dashed lines across the plot, labelled
 * on its right: the marks of one value share a label ("p25-p75 4.0 MiB"),
 * and the labels are pushed apart where values are close.
 */
static void draw_marks(struct dm_image *im, const uint64_t *sorted, size_t n,
		       double mean, uint64_t ymax, int x0, int w, int y0, int h,
		       struct dm_str *lay, uint64_t id)
{
	struct mark mk[NR_PCT + 1];
	uint64_t avg = (uint64_t)llround(mean);
	char sz[32];
	size_t i, j, nr = 0;

	for (i = 0; i < NR_PCT; i = j) {
		struct mark *k = &mk[nr++];
		uint64_t b = percentile(sorted, n, pct[i]);
		int len;

		for (j = i + 1; j < NR_PCT && percentile(sorted, n, pct[j]) == b; j++)
			;
		dm_format_size(sz, sizeof(sz), b);
		if (j - i > 1)
			len = snprintf(k->text, sizeof(k->text), "p%u-p%u",
				       pct[i], pct[j - 1]);
		else
			len = snprintf(k->text, sizeof(k->text), "p%u", pct[i]);
		if (b == avg) {
			len += snprintf(k->text + len, sizeof(k->text) - len, ",mean");
			avg = UINT64_MAX;
		}
		snprintf(k->text + len, sizeof(k->text) - len, " %s", sz);
		k->bytes = b;
		k->colour = W_PCT;
	}
	if (avg != UINT64_MAX) {
		dm_format_size(sz, sizeof(sz), avg);
		snprintf(mk[nr].text, sizeof(mk[nr].text), "mean %s", sz);
		mk[nr].bytes = avg;
		mk[nr++].colour = W_MEAN;
	}
	for (i = 0; i < nr; i++) {
		mk[i].y = y_of(mk[i].bytes, ymax, y0, h);
		dm_str_add(lay, "mark %llu %s %d\n", (unsigned long long)id,
			   mk[i].text, mk[i].y);
	}
	qsort(mk, nr, sizeof(*mk), cmp_mark);
	/* top down, then bottom up, so that the labels stay in the band */
	for (i = 0; i < nr; i++) {
		mk[i].label_y = mk[i].y - 3;
		if (i && mk[i].label_y < mk[i - 1].label_y + DM_FONT_LINE)
			mk[i].label_y = mk[i - 1].label_y + DM_FONT_LINE;
	}
	for (i = nr; i-- > 0;) {
		int lim = i + 1 < nr ? mk[i + 1].label_y - DM_FONT_LINE :
			  y0 + h - DM_FONT_LINE + 6;

		if (mk[i].label_y > lim)
			mk[i].label_y = lim;
	}
	for (i = 0; i < nr; i++) {
		dm_dash(im, x0, x0 + w - 1, mk[i].y, 6, 4, mk[i].colour);
		dm_line(im, x0 + w, mk[i].y, x0 + w + 6, mk[i].label_y + 3,
			mk[i].colour);
		dm_text(im, x0 + w + 9, mk[i].label_y, mk[i].text, 1, -1,
			mk[i].colour);
	}
}

static int wss_band(struct dm_image *im, const struct dm_model *m,
		    const struct dm_series *s, uint32_t min, uint64_t t0,
		    uint64_t t1, int y0, int h, struct dm_str *lay)
{
	int x0 = W_LEFT, w = (int)im->w - W_LEFT - W_RIGHT, c, prev_y = -1;
	int prev_c = 0;
	uint64_t *v, vmax, step, unit, k, ymax;
	const char *uname;
	int *lo, *hi, *first, *last;
	double mean, span = (double)(t1 - t0);
	char s1[64];
	size_t i, n = s->nr;

	v = wss_values(m, s, min, &mean);
	lo = malloc(4 * (size_t)w * sizeof(*lo));
	if (!v || !lo) {
		free(v);
		free(lo);
		return -1;
	}
	hi = lo + w;
	first = hi + w;
	last = first + w;
	for (c = 0; c < w; c++)
		lo[c] = -1;
	vmax = n ? v[2 * n - 1] : 0;
	step = dm_size_step(vmax ? vmax : 4096, h / (2 * DM_FONT_LINE) > 0 ?
			    h / (2 * DM_FONT_LINE) : 1, &unit, &uname);
	/* the top: 5% over the highest, up to a tick; at most UINT64_MAX */
	ymax = vmax ? vmax + vmax / 20 : 4096;
	if (ymax < vmax)
		ymax = UINT64_MAX;
	k = ymax / step + (ymax % step != 0);
	ymax = k > UINT64_MAX / step ? UINT64_MAX : k * step;

	snprintf(s1, sizeof(s1), "target %llu: %zu snapshot%s",
		 (unsigned long long)s->id, n, n == 1 ? "" : "s");
	dm_text(im, x0, y0 - W_ABOVE, s1, 1, -1, W_INK);
	dm_text(im, x0 + 1, y0 - W_ABOVE, s1, 1, -1, W_INK);
	for (k = 0; k <= ymax / step; k++) {
		int y = y_of(k * step, ymax, y0, h);

		dm_fill(im, x0, y, w, 1, W_GRID);
		dm_fill(im, x0 - 5, y, 5, 1, W_INK);
		if (k)
			snprintf(s1, sizeof(s1), "%llu %s",
				 (unsigned long long)(k * step / unit), uname);
		else
			snprintf(s1, sizeof(s1), "0");
		dm_text(im, x0 - 8, y - 3, s1, 1, 1, W_INK);
	}
	draw_marks(im, v + n, n, mean, ymax, x0, w, y0, h, lay, s->id);
	/* each column: the range of its snapshots, joined to the next */
	for (i = 0; i < n; i++) {
		double dt = (double)(m->snaps[s->snaps[i]].time_ns - t0);
		int y = y_of(v[i], ymax, y0, h);

		c = span > 0 ? (int)(dt / span * (w - 1)) : 0;
		if (lo[c] < 0) {
			lo[c] = y;
			hi[c] = y;
			first[c] = y;
		} else {
			lo[c] = y < lo[c] ? y : lo[c];
			hi[c] = y > hi[c] ? y : hi[c];
		}
		last[c] = y;
	}
	for (c = 0; c < w; c++) {
		if (lo[c] < 0)
			continue;
		if (prev_y >= 0) {
			dm_line(im, x0 + prev_c, prev_y, x0 + c, first[c], W_LINE);
			dm_line(im, x0 + prev_c, prev_y - 1, x0 + c, first[c] - 1,
				W_LINE);
		}
		dm_fill(im, x0 + c, lo[c] - 1, 1, hi[c] - lo[c] + 2, W_LINE);
		prev_y = last[c];
		prev_c = c;
	}
	dm_frame(im, x0, y0, w, h, W_INK);
	dm_time_axis(im, x0, y0 + h + 1, w, 0, t0, t1);
	dm_str_add(lay, "plot %llu %d %d %d %d\n", (unsigned long long)s->id,
		   x0, y0, w, h);
	free(v);
	free(lo);
	return 0;
}

static int wss_png(const struct dm_model *m, const struct dm_opts *o, FILE *out)
{
	uint32_t min = o->min_freq ? o->min_freq : 1;
	struct dm_image im = { 0 };
	struct dm_str lay = { 0 };
	struct dm_figure f;
	char note[160], title[256];
	const char *notes[] = { note };
	int w = o->png_w ? (int)o->png_w : 1000, h, ph, head, ret = -1, band;
	size_t i;

	if (dm_figure_init(&f, m, o))
		return -1;
	snprintf(note, sizeof(note),
		 "working set: bytes in regions with nr_accesses >= %u, in each snapshot; dashed: its percentiles and mean over the run",
		 min);
	head = dm_figure_head_height(1);
	band = W_ABOVE + W_BELOW + 12;
	if (o->png_h) {
		h = (int)o->png_h;
		ph = (h - head) / (int)f.nr_sel - band;
	} else {
		ph = f.nr_sel == 1 ? 600 - head - band : 240;
		if (ph > (DM_PNG_MAX - head) / (int)f.nr_sel - band)
			ph = (DM_PNG_MAX - head) / (int)f.nr_sel - band;
		h = head + (int)f.nr_sel * (ph + band);
	}
	if (ph < 4 * DM_FONT_LINE || w < W_LEFT + W_RIGHT + 32) {
		fprintf(stderr, "damon-report: the picture is too small for %zu target%s: make it larger with --png-size or pick one with --target\n",
			f.nr_sel, f.nr_sel == 1 ? "" : "s");
		goto out;
	}
	if (dm_image_init(&im, (unsigned int)w, (unsigned int)h, W_BG))
		goto nomem;
	dm_figure_head(&im, &f, o, "working set size", notes, 1);
	for (i = 0; i < f.nr_sel; i++)
		if (wss_band(&im, m, f.sel[i], min, f.t0, f.t1,
			     head + W_ABOVE + (int)i * (ph + band), ph, &lay))
			goto nomem;
	if (lay.failed)
		goto nomem;
	{
		const char *keys[] = { "Title", "damon-report layout" };
		const char *texts[] = { title, lay.p ? lay.p : "" };

		snprintf(title, sizeof(title), "DAMON working set size%s%s",
			 o->title ? ": " : "", o->title ? o->title : "");
		if (dm_image_write(&im, o->png, keys, texts, 2))
			goto out;
	}
	fprintf(out, "wrote %s (%dx%d, %zu target%s)\n", o->png, w, h, f.nr_sel,
		f.nr_sel == 1 ? "" : "s");
	ret = 0;
	goto out;
nomem:
	fprintf(stderr, "damon-report: out of memory\n");
out:
	free(lay.p);
	dm_image_free(&im);
	dm_figure_free(&f);
	return ret;
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
		if (wss_one(m, s, o, out))
			return -1;
	} else {
		for (i = 0; i < m->nr_series; i++) {
			if (i)
				fputc('\n', out);
			if (wss_one(m, &m->series[i], o, out))
				return -1;
		}
	}
	return o->png ? wss_png(m, o, out) : 0;
}
