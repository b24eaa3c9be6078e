// SPDX-License-Identifier: GPL-2.0
/*
 * The heatmap as a picture that reads without the manual: a title block
 * (figure.c), then one band per target, each a row of panels (the address
 * ranges of dm_grid_build(), gaps between them skipped) with time down and
 * addresses across.  Each panel is named and shows its absolute start and
 * end above it and offsets from its start below; a colour bar on the right
 * maps the colours to nr_accesses and, with --attrs, to the share of the
 * samples of an aggregation that found the memory accessed.
 *
 * The colours are levels: one per nr_accesses value up to MAX_LEVELS, so
 * that every colour of the map is a swatch of the bar.  The tEXt chunk
 * "damon-report layout" says where the bar and every band and panel are,
 * for the tests and anyone who reads the picture back.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

#define BG		0xffffff
#define INK		0x000000
#define FRAME		0x808080
#define NODATA		0xc8c8c8
#define MAX_LEVELS	49
#define SEP		12	/* pixels between panels */
#define ABOVE		(2 + 3 * DM_FONT_LINE + 4)	/* band title, two rows */
#define BELOW		(6 + DM_FONT_LINE + 8)		/* ticks and offsets */
#define BAND_GAP	14
#define LEGEND_W	120

/* black, purple, crimson, orange, pale yellow */
static const uint32_t stops[] = { 0x000000, 0x4a1080, 0xb5367a, 0xfb8861,
				  0xfcfdbf };

/*
 * Level 0 (idle) is black; the others start a step away from it, so that
 * memory accessed at all never looks idle.
 */
static uint32_t level_colour(int l, int nlev)
{
	const int n = (int)(sizeof(stops) / sizeof(stops[0]));
	double f = l > 0 && nlev > 1 ? (0.15 + 0.85 * l / (nlev - 1)) * (n - 1) : 0;
	int i = (int)f, k;
	uint32_t c = 0;

	if (i >= n - 1)
		return stops[n - 1];
	f -= i;
	for (k = 16; k >= 0; k -= 8) {
		int a = (stops[i] >> k) & 0xff, b = (stops[i + 1] >> k) & 0xff;

		c |= (uint32_t)lround(a + (b - a) * f) << k;
	}
	return c;
}

/* The level of a cell whose mean nr_accesses is @v: 0 only if idle. */
static int level_of(double v, double top, int nlev)
{
	int l;

	if (v <= 0)
		return 0;
	l = (int)lround(v / top * (nlev - 1));
	return l < 1 ? 1 : l > nlev - 1 ? nlev - 1 : l;
}

struct band {
	const struct dm_series *s;
	struct dm_grid g;
	int y;				/* top of the map */
};

struct layout {
	int w, h, left, mw, mh, head;
	int nr_foot;			/* footnote lines */
	double top;			/* nr_accesses of the top level */
	int nlev;
	uint32_t spa;			/* samples per aggregation, 0: unknown */
};

/* Whether the panel's name and start fit above it, and its end too. */
static int panel_labels_fit(const struct dm_panel *p)
{
	char s[64];

	snprintf(s, sizeof(s), "ZZ 0x%llx", (unsigned long long)p->start);
	return dm_text_width(s, 1) <= (int)p->w;
}

static void draw_panel(struct dm_image *im, const struct layout *L,
		       const struct band *b, unsigned int p, struct dm_str *lay,
		       struct dm_str *desc)
{
	const struct dm_panel *pn = &b->g.panels[p];
	int x = L->left + (int)pn->x, w = (int)pn->w, y = b->y;
	uint64_t span = pn->end - pn->start, step, unit, k;
	char name[16], s[96], sz[32];
	const char *uname;
	int next_start = x + w + 100, room;

	dm_panel_name(name, sizeof(name), p);
	dm_format_size(sz, sizeof(sz), span);
	dm_frame(im, x, y, w, L->mh, FRAME);
	if (panel_labels_fit(pn)) {
		snprintf(s, sizeof(s), "%s 0x%llx", name,
			 (unsigned long long)pn->start);
		dm_text(im, x, y - 2 * DM_FONT_LINE - 2, s, 1, -1, INK);
		snprintf(s, sizeof(s), "0x%llx", (unsigned long long)pn->end);
		dm_text(im, x + w, y - DM_FONT_LINE - 2, s, 1, 1, INK);
		if (dm_text_width(sz, 1) + dm_text_width(s, 1) + 12 <= w)
			dm_text(im, x, y - DM_FONT_LINE - 2, sz, 1, -1, FRAME);
	} else {
		dm_text(im, x, y - 2 * DM_FONT_LINE - 2, name, 1, -1, INK);
	}
	/* offsets from the panel's start; right to left, so that the end's stays */
	snprintf(s, sizeof(s), "%llu MiB", (unsigned long long)span >> 20);
	room = dm_text_width(s, 1) + 16;
	step = dm_size_step(span, w / room > 0 ? w / room : 1, &unit, &uname);
	for (k = span / step + 1; k-- > 0;) {
		int at = x + (int)((double)(k * step) / (double)span * (w - 1));
		int tw;

		dm_fill(im, at, y + L->mh + 1, 1, 5, INK);
		if (k == 0)
			snprintf(s, sizeof(s), "0");
		else
			snprintf(s, sizeof(s), "%llu %s",
				 (unsigned long long)(k * step / unit), uname);
		tw = dm_text_width(s, 1);
		at -= tw / 2;
		if (at < x)
			at = x;
		if (at + tw > x + w)
			at = x + w - tw;
		if (at < x || at + tw + 8 > next_start)
			continue;	/* wider than the panel, or crowded */
		dm_text(im, at, y + L->mh + 8, s, 1, -1, INK);
		next_start = at;
	}
	dm_str_add(lay, "panel %llu %s %d %d %d %d 0x%llx 0x%llx\n",
		   (unsigned long long)b->s->id, name, x, y, w, L->mh,
		   (unsigned long long)pn->start, (unsigned long long)pn->end);
	dm_str_add(desc, "%s%s 0x%llx-0x%llx (%s)", p ? "; " : "", name,
		   (unsigned long long)pn->start, (unsigned long long)pn->end,
		   sz);
}

static void draw_band(struct dm_image *im, const struct layout *L,
		      const struct band *b, struct dm_str *lay,
		      struct dm_str *desc)
{
	const struct dm_grid *g = &b->g;
	int y, x;
	unsigned int p;
	char s[128], fit[128];

	snprintf(s, sizeof(s), "target %llu: %zu snapshot%s, %u address range%s",
		 (unsigned long long)b->s->id, b->s->nr, b->s->nr == 1 ? "" : "s",
		 g->nr_panels, g->nr_panels == 1 ? "" : "s");
	/* bold: twice, a pixel apart */
	dm_fit_text(fit, sizeof(fit), s, L->mw - 1, 1);
	dm_text(im, L->left, b->y - ABOVE + 2, fit, 1, -1, INK);
	dm_text(im, L->left + 1, b->y - ABOVE + 2, fit, 1, -1, INK);
	for (y = 0; y < L->mh && g->rows; y++) {
		unsigned int r = (unsigned int)((unsigned long long)y * g->rows / L->mh);
		const double *row = g->val + (size_t)r * g->cols;

		for (x = 0; x < (int)g->cols; x++) {
			double v = row[x];

			if (v == -2)
				continue;
			dm_put(im, L->left + x, b->y + y, v < 0 ? NODATA :
			       level_colour(level_of(v, L->top, L->nlev), L->nlev));
		}
	}
	dm_str_add(lay, "band %llu %d %d %d %d %u\n", (unsigned long long)b->s->id,
		   L->left, b->y, L->mw, L->mh, g->nr_panels);
	dm_str_add(desc, "%starget %llu: ", desc->len ? "\n" : "",
		   (unsigned long long)b->s->id);
	for (p = 0; p < g->nr_panels; p++)
		draw_panel(im, L, b, p, lay, desc);
	dm_time_axis(im, L->left - 1, b->y, L->mh, 1, g->t0, g->t1);
}

static void draw_legend(struct dm_image *im, const struct layout *L, int y,
			struct dm_str *lay)
{
	int x = L->w - LEGEND_W + 14, bw = 16, avail, sw, bh, l;
	double step, v;
	char s[48];

	dm_text(im, x, y - ABOVE + 2, "nr_accesses", 1, -1, INK);
	dm_text(im, x, y - ABOVE + 2 + DM_FONT_LINE,
		L->spa ? "(% of samples)" : "per aggregation", 1, -1, INK);
	/* down to the "no data" swatch, above the footnotes */
	avail = L->h - (L->nr_foot ? L->nr_foot * DM_FONT_LINE + 8 : 0) - y -
		2 * DM_FONT_LINE - 10;
	if (avail > 320)
		avail = 320;
	sw = avail / L->nlev > 0 ? avail / L->nlev : 1;
	if (sw > 16)
		sw = 16;
	bh = sw * L->nlev;
	for (l = 0; l < L->nlev; l++)
		dm_fill(im, x, y + bh - (l + 1) * sw, bw, sw,
			level_colour(l, L->nlev));
	dm_frame(im, x, y, bw, bh, FRAME);
	step = ceil(dm_tick_step(L->top, bh / (2 * DM_FONT_LINE) > 0 ?
				 bh / (2 * DM_FONT_LINE) : 1));
	for (v = 0; v <= L->top + 1e-9; v += step) {
		int at = level_of(v, L->top, L->nlev);
		int cy = y + bh - at * sw - (sw + 1) / 2;

		if (L->spa)
			snprintf(s, sizeof(s), "%.0f (%.0f%%)", v, v * 100 / L->spa);
		else
			snprintf(s, sizeof(s), "%.0f", v);
		dm_fill(im, x + bw + 1, cy, 4, 1, INK);
		dm_text(im, x + bw + 8, cy - 3, s, 1, -1, INK);
	}
	dm_fill(im, x, y + bh + 10, bw, DM_FONT_LINE, NODATA);
	dm_frame(im, x, y + bh + 10, bw, DM_FONT_LINE, FRAME);
	dm_text(im, x + bw + 8, y + bh + 11, "no data", 1, -1, INK);
	dm_str_add(lay, "legend %d %d %d %d %d\nnodata %d %d %d %d\n", x, y,
		   bw, bh, L->nlev, x, y + bh + 10, bw, DM_FONT_LINE);
}

/* The name and range of a panel, in a footnote. */
static void foot_entry(char *s, size_t len, const struct band *b, size_t nr,
		       unsigned int p)
{
	const struct dm_panel *pn = &b->g.panels[p];
	char name[16];

	dm_panel_name(name, sizeof(name), p);
	if (nr > 1)
		snprintf(s, len, "%llu/%s: 0x%llx-0x%llx", (unsigned long long)b->s->id,
			 name, (unsigned long long)pn->start,
			 (unsigned long long)pn->end);
	else
		snprintf(s, len, "%s: 0x%llx-0x%llx", name,
			 (unsigned long long)pn->start, (unsigned long long)pn->end);
}

/*
 * Lists, below the bands and in columns, the ranges of the panels too
 * narrow to show theirs; returns the number of lines.
 */
static int footnotes(struct dm_image *im, const struct layout *L,
		     const struct band *bands, size_t nr, int y)
{
	int colw = 0, per, k = 0, pass;
	size_t i;
	unsigned int p;
	char s[128];

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nr; i++) {
			for (p = 0; p < bands[i].g.nr_panels; p++) {
				int tw;

				if (panel_labels_fit(&bands[i].g.panels[p]))
					continue;
				foot_entry(s, sizeof(s), &bands[i], nr, p);
				tw = dm_text_width(s, 1) + 18;
				if (pass == 0) {
					colw = tw > colw ? tw : colw;
					continue;
				}
				if (im)
					dm_text(im, 10 + k % per * colw,
						y + (1 + k / per) * DM_FONT_LINE, s,
						1, -1, INK);
				k++;
			}
		}
		if (!colw)
			return 0;
		per = (L->w - 20) / colw > 0 ? (L->w - 20) / colw : 1;
	}
	if (im)
		dm_text(im, 10, y, nr > 1 ?
			"the ranges of the panels too narrow to show them (target/panel):" :
			"the ranges of the panels too narrow to show them:", 1, -1, INK);
	return 1 + (k + per - 1) / per;
}

static int bad_size(const char *why, size_t nr)
{
	fprintf(stderr, "damon-report: the picture is too small for %zu target%s (%s): make it larger with --png-size or pick one with --target\n",
		nr, nr == 1 ? "" : "s", why);
	return -1;
}

int dm_heatmap_png(const struct dm_model *m, const struct dm_opts *o,
		   double gap, FILE *out)
{
	static const char *const notes[] = {
		"time runs down, addresses across; each panel is an address range, the unmapped gaps between ranges are left out",
	};
	struct dm_figure f;
	struct layout L = { 0 };
	struct band *bands = NULL;
	struct dm_image im = { 0 };
	struct dm_str lay = { 0 }, desc = { 0 };
	char title[256];
	uint64_t trange[2];
	size_t i, nb = 0;
	int ret = -1, per_band;
	unsigned int rows;

	if (dm_figure_init(&f, m, o))
		return -1;
	L.spa = dm_samples_per_aggr(o);
	L.top = m->max_accesses > L.spa ? m->max_accesses : L.spa;
	if (L.top < 1)
		L.top = 1;
	L.nlev = L.top + 1 <= MAX_LEVELS ? (int)L.top + 1 : MAX_LEVELS;
	L.w = o->png_w ? (int)o->png_w : 1000;
	L.head = dm_figure_head_height(1);
	L.left = dm_text_width("99999.9 s", 1) + 14;
	L.mw = L.w - L.left - LEGEND_W;
	if (L.mw < 32) {
		bad_size("no room across", f.nr_sel);
		goto out;
	}
	if (o->png_h) {
		L.h = (int)o->png_h;
		L.mh = (L.h - L.head) / (int)f.nr_sel - ABOVE - BELOW - BAND_GAP;
	} else {
		L.mh = f.nr_sel == 1 ? 600 - L.head - ABOVE - BELOW - BAND_GAP : 240;
		per_band = (DM_PNG_MAX - L.head) / (int)f.nr_sel;
		if (L.mh > per_band - ABOVE - BELOW - BAND_GAP)
			L.mh = per_band - ABOVE - BELOW - BAND_GAP;
		L.h = L.head + (int)f.nr_sel * (L.mh + ABOVE + BELOW + BAND_GAP);
	}
	if (L.mh < 16) {
		bad_size("no room down", f.nr_sel);
		goto out;
	}
	bands = calloc(f.nr_sel, sizeof(*bands));
	if (!bands)
		goto nomem;
	trange[0] = f.t0;
	trange[1] = f.t1;
	/* one time range for all: at most a row per snapshot of the longest */
	rows = f.max_nr < (size_t)L.mh ? (unsigned int)f.max_nr : (unsigned int)L.mh;
	for (nb = 0; nb < f.nr_sel; nb++) {
		bands[nb].s = f.sel[nb];
		if (dm_grid_build(m, f.sel[nb], (unsigned int)L.mw, rows, SEP,
				  gap, trange, &bands[nb].g))
			goto nomem;
	}
	/* the footnotes take their room from the maps */
	L.nr_foot = footnotes(NULL, &L, bands, nb, 0);
	if (L.nr_foot) {
		int need = L.nr_foot * DM_FONT_LINE + 8;

		if (o->png_h)
			L.mh -= (need + (int)nb - 1) / (int)nb;
		else
			L.h += need;
		if (L.mh < 16) {
			bad_size("no room down", f.nr_sel);
			goto out;
		}
	}
	if (dm_image_init(&im, (unsigned int)L.w, (unsigned int)L.h, BG))
		goto nomem;
	dm_figure_head(&im, &f, o, "heatmap", notes, 1);
	for (i = 0; i < nb; i++) {
		bands[i].y = L.head + ABOVE + (int)i * (L.mh + ABOVE + BELOW + BAND_GAP);
		draw_band(&im, &L, &bands[i], &lay, &desc);
	}
	draw_legend(&im, &L, L.head + ABOVE, &lay);
	footnotes(&im, &L, bands, nb, L.head + (int)nb * (L.mh + ABOVE + BELOW + BAND_GAP));
	if (lay.failed || desc.failed)
		goto nomem;
	{
		const char *keys[] = { "Title", "Description", "damon-report layout" };
		const char *texts[] = { title, desc.p ? desc.p : "", lay.p ? lay.p : "" };

		snprintf(title, sizeof(title), "DAMON heatmap: %s", o->title ? o->title :
			 "time down, address across, access frequency as colour");
		if (dm_image_write(&im, o->png, keys, texts, 3))
			goto out;
	}
	fprintf(out, "wrote %s (%dx%d, %zu target%s, a band of panels each)\n",
		o->png, L.w, L.h, nb, nb == 1 ? "" : "s");
	ret = 0;
	goto out;
nomem:
	fprintf(stderr, "damon-report: out of memory\n");
out:
	for (i = 0; i < nb; i++)
		dm_grid_free(&bands[i].g);
	free(bands);
	free(lay.p);
	free(desc.p);
	dm_image_free(&im);
	dm_figure_free(&f);
	return ret;
}
