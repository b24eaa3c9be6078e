// SPDX-License-Identifier: GPL-2.0
/*
 * heatmap: time downwards, address across, access frequency as colour.
 * Each populated address range found by dm_grid_build() is a panel,
 * named A, B, C... (then AA, AB...) with its range above the map.  In a
 * terminal the cells are ANSI 256-colour backgrounds; without colours (not
 * a tty, or --color never) a character ramp.  --png also writes the maps
 * of every target (or of --target) as a picture (png.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "damon-report.h"

#define LABEL_COLS	12	/* "%9.2fs  " */
#define DEFAULT_ROWS	32

/* black, purples, reds, oranges, yellow, white: 256-colour cube indices */
static const int palette[] = { 16, 53, 89, 125, 161, 197, 203, 209, 215, 221,
			       227, 231 };
#define NR_LEVELS	((int)(sizeof(palette) / sizeof(palette[0])))
static const char ramp[] = ".123456789@";	/* 0, then by tenths of the max */
#define NR_RAMP		((int)sizeof(ramp) - 1)

static int level(double v, double vmax, int levels)
{
	int l;

	if (v <= 0 || vmax <= 0)
		return 0;
	l = (int)ceil(v / vmax * (levels - 1));
	return l < 1 ? 1 : l >= levels ? levels - 1 : l;
}

static unsigned int term_width(const struct dm_opts *o)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (o->width)
		return o->width;
	if (env && atoi(env) > 0)
		return (unsigned int)atoi(env);
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void print_grid(const struct dm_grid *g, const struct dm_series *s,
		       int color, FILE *out)
{
	unsigned int r, c, p;
	char sz[32], name[16];

	fprintf(out, "target %llu: %zu snapshots over %.3f s, %u address range%s (gaps between them skipped)\n",
		(unsigned long long)s->id, s->nr,
		(double)(g->t1 - g->t0) / 1e9, g->nr_panels,
		g->nr_panels == 1 ? "" : "s");
	for (p = 0; p < g->nr_panels; p++) {
		dm_panel_name(name, sizeof(name), p);
		dm_format_size(sz, sizeof(sz), g->panels[p].end - g->panels[p].start);
		fprintf(out, "  %s: 0x%llx-0x%llx (%s)\n", name,
			(unsigned long long)g->panels[p].start,
			(unsigned long long)g->panels[p].end, sz);
	}
	fprintf(out, "%*s  ", LABEL_COLS - 2, "time");
	for (c = 0, p = 0; c < g->cols; ) {
		if (p < g->nr_panels && c == g->panels[p].x) {
			const struct dm_panel *pn = &g->panels[p++];
			const char *n = name;

			/* the name, as much of it as the panel has room for */
			dm_panel_name(name, sizeof(name), p - 1);
			for (; *n && c < pn->x + pn->w; n++, c++)
				fputc(*n, out);
		} else {
			fputc(' ', out);
			c++;
		}
	}
	fputc('\n', out);
	for (r = 0; r < g->rows; r++) {
		double t = (double)(g->t1 - g->t0) / 1e9 * r / g->rows;
		int cur = -1;

		fprintf(out, "%9.2fs  ", t);
		for (c = 0; c < g->cols; c++) {
			double v = g->val[(size_t)r * g->cols + c];

			if (v == -2 || v < 0) {
				if (color && cur != -1) {
					fputs("\033[0m", out);
					cur = -1;
				}
				fputc(v == -2 ? '|' : ' ', out);
			} else if (color) {
				int col = palette[level(v, g->vmax, NR_LEVELS)];

				if (col != cur)
					fprintf(out, "\033[48;5;%dm", col);
				cur = col;
				fputc(' ', out);
			} else {
				fputc(ramp[level(v, g->vmax, NR_RAMP)], out);
			}
		}
		if (color && cur != -1)
			fputs("\033[0m", out);
		fputc('\n', out);
	}
	fprintf(out, "%*s  ", LABEL_COLS - 2, "scale");
	if (color) {
		int l;

		fputs("0 ", out);
		for (l = 0; l < NR_LEVELS; l++)
			fprintf(out, "\033[48;5;%dm  ", palette[l]);
		fprintf(out, "\033[0m %.0f nr_accesses; blank: not monitored\n",
			g->vmax);
	} else {
		fprintf(out, "'.' 0, '1'..'9' tenths, '@' %.0f nr_accesses; blank: not monitored\n",
			g->vmax);
	}
}

int dm_report_heatmap(const struct dm_model *m, const struct dm_opts *o,
		      FILE *out)
{
	unsigned int width = term_width(o), cols, rows;
	int color = o->color >= 0 ? o->color : isatty(fileno(out));
	double gap = o->gap > 0 ? o->gap : 0.05;
	int found = 0;
	size_t i;

	if (getenv("NO_COLOR") && o->color < 0)
		color = 0;
	cols = width > LABEL_COLS + 8 ? width - LABEL_COLS : 8;
	rows = o->rows ? o->rows : DEFAULT_ROWS;
	for (i = 0; i < m->nr_series; i++) {
		const struct dm_series *s = &m->series[i];
		struct dm_grid g;

		if (o->have_target && s->id != o->target)
			continue;
		found = 1;
		if (dm_grid_build(m, s, cols, rows, 1, gap, NULL, &g)) {
			fprintf(stderr, "damon-report: out of memory\n");
			return -1;
		}
		if (i && !o->have_target)
			fputc('\n', out);
		print_grid(&g, s, color, out);
		dm_grid_free(&g);
	}
	if (o->have_target && !found) {
		fprintf(stderr, "damon-report: no target %llu in the input\n",
			(unsigned long long)o->target);
		return -1;
	}
	if (o->png && dm_heatmap_png(m, o, gap, out))
		return -1;
	return ferror(out) ? -1 : 0;
}
