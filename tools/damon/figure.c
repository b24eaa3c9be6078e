// SPDX-License-Identifier: GPL-2.0
/*
 * What the heatmap and the working-set pictures share: the targets they
 * draw (every one, or --target), the common time range, the title block
 * that says what was recorded, for how long and with which attributes,
 * and the time axis in seconds from the first snapshot drawn.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

#define INK		0x000000
#define SOFT_INK	0x505050

int dm_figure_init(struct dm_figure *f, const struct dm_model *m,
		   const struct dm_opts *o)
{
	double span = 0, gaps = 0;
	size_t i, j;

	memset(f, 0, sizeof(*f));
	f->sel = calloc(m->nr_series ? m->nr_series : 1, sizeof(*f->sel));
	if (!f->sel) {
		fprintf(stderr, "damon-report: out of memory\n");
		return -1;
	}
	f->t0 = UINT64_MAX;
	for (i = 0; i < m->nr_series; i++) {
		const struct dm_series *s = &m->series[i];

		if (o->have_target && s->id != o->target)
			continue;
		f->sel[f->nr_sel++] = s;
		f->nr_snaps += s->nr;
		f->max_nr = s->nr > f->max_nr ? s->nr : f->max_nr;
		for (j = 0; j < s->nr; j++) {
			uint64_t t = m->snaps[s->snaps[j]].time_ns;

			f->t0 = t < f->t0 ? t : f->t0;
			f->t1 = t > f->t1 ? t : f->t1;
		}
		/* a series is in time order within a run */
		if (s->nr > 1 && m->snaps[s->snaps[s->nr - 1]].time_ns >
				 m->snaps[s->snaps[0]].time_ns) {
			span += (double)(m->snaps[s->snaps[s->nr - 1]].time_ns -
					 m->snaps[s->snaps[0]].time_ns);
			gaps += (double)(s->nr - 1);
		}
	}
	f->interval_ns = gaps > 0 ? span / gaps : 0;
	if (!f->nr_sel) {
		fprintf(stderr, "damon-report: no target to draw\n");
		dm_figure_free(f);
		return -1;
	}
	return 0;
}

void dm_figure_free(struct dm_figure *f)
{
	free(f->sel);
	f->sel = NULL;
}

/* How many samples an aggregation takes, if the attributes are known. */
uint32_t dm_samples_per_aggr(const struct dm_opts *o)
{
	if (!o->have_attrs || !o->attrs[0] || o->attrs[1] < o->attrs[0])
		return 0;
	if (o->attrs[1] / o->attrs[0] > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)(o->attrs[1] / o->attrs[0]);
}

static void format_us(char *buf, size_t len, unsigned long long us)
{
	if (us >= 1000000 && us % 100000 == 0)
		snprintf(buf, len, "%g s", us / 1e6);
	else if (us >= 1000 && us % 100 == 0)
		snprintf(buf, len, "%g ms", us / 1e3);
	else
		snprintf(buf, len, "%llu us", us);
}

int dm_figure_head_height(int nr_notes)
{
	return 10 + 2 * DM_FONT_LINE + 6 + nr_notes * DM_FONT_LINE + 10;
}

/*
 * Draws the title block: "DAMON <what>: <title or targets>", a line with
 * the targets, the duration, the snapshots and the attributes, then
 * @notes, one a line.  Returns the height it took.
 */
int dm_figure_head(struct dm_image *im, const struct dm_figure *f,
		   const struct dm_opts *o, const char *what,
		   const char *const *notes, int nr_notes)
{
	int w = (int)im->w - 20, y = 10, i;
	char line[1024], fit[1024], a[4][32];
	size_t n = 0;

	if (o->title)
		n = (size_t)snprintf(line, sizeof(line), "DAMON %s: %s", what,
				     o->title);
	else if (f->nr_sel == 1)
		n = (size_t)snprintf(line, sizeof(line), "DAMON %s of target %llu",
				     what, (unsigned long long)f->sel[0]->id);
	else
		n = (size_t)snprintf(line, sizeof(line), "DAMON %s of %zu targets",
				     what, f->nr_sel);
	dm_fit_text(fit, sizeof(fit), line, w, 2);
	dm_text(im, 10, y, fit, 2, -1, INK);
	y += 2 * DM_FONT_LINE + 6;

	n = 0;
	if (f->nr_sel == 1) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "target %llu, ",
				      (unsigned long long)f->sel[0]->id);
	} else {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "targets");
		for (i = 0; i < (int)f->nr_sel && n < 200; i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %llu",
					      (unsigned long long)f->sel[i]->id);
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s, ",
				      i < (int)f->nr_sel ? " ..." : "");
	}
	n += (size_t)snprintf(line + n, sizeof(line) - n, "%.1f s, %zu snapshot%s",
			      (double)(f->t1 - f->t0) / 1e9, f->nr_snaps,
			      f->nr_snaps == 1 ? "" : "s");
	if (o->have_attrs) {
		format_us(a[0], sizeof(a[0]), o->attrs[0]);
		format_us(a[1], sizeof(a[1]), o->attrs[1]);
		format_us(a[2], sizeof(a[2]), o->attrs[2]);
		snprintf(line + n, sizeof(line) - n,
			 "; sampling every %s, aggregation every %s, regions updated every %s, %llu-%llu regions",
			 a[0], a[1], a[2], o->attrs[3], o->attrs[4]);
	} else if (f->interval_ns > 0) {
		format_us(a[0], sizeof(a[0]),
			  (unsigned long long)llround(f->interval_ns / 1e3));
		snprintf(line + n, sizeof(line) - n,
			 "; a snapshot every %s (attributes not given)", a[0]);
	}
	dm_fit_text(fit, sizeof(fit), line, w, 1);
	dm_text(im, 10, y, fit, 1, -1, INK);
	y += DM_FONT_LINE;
	for (i = 0; i < nr_notes; i++, y += DM_FONT_LINE) {
		dm_fit_text(fit, sizeof(fit), notes[i], w, 1);
		dm_text(im, 10, y, fit, 1, -1, SOFT_INK);
	}
	return dm_figure_head_height(nr_notes);
}

/*
 * A time axis of @len pixels from (x, y): downwards with its labels on the
 * left if @vertical, else rightwards with its labels below.  Ticks every
 * 1, 2 or 5 * 10^k seconds, counted from @t0.
 */
void dm_time_axis(struct dm_image *im, int x, int y, int len, int vertical,
		  uint64_t t0, uint64_t t1)
{
	double span = (double)(t1 - t0) / 1e9, step, t;
	char label[32];
	int room, k;

	dm_format_secs(label, sizeof(label), span, span > 10 ? 1 : 0.1);
	room = vertical ? 2 * DM_FONT_LINE : dm_text_width(label, 1) + 24;
	step = dm_tick_step(span, len / room > 0 ? len / room : 1);
	for (k = 0; (t = k * step) <= span * (1 + 1e-9); k++) {
		int at = span > 0 ? (int)lround(t / span * (len - 1)) : 0;

		dm_format_secs(label, sizeof(label), t, step);
		if (vertical) {
			dm_fill(im, x - 5, y + at, 5, 1, INK);
			dm_text(im, x - 8, y + at - 3, label, 1, 1, INK);
		} else {
			dm_fill(im, x + at, y, 1, 5, INK);
			dm_text(im, x + at, y + 8, label, 1, 0, INK);
		}
		if (span <= 0)
			break;
	}
}
