/* SPDX-License-Identifier: GPL-2.0 */
/*
 * damon-report: reads DAMON record files (format version 2) and the text
 * perf script prints for damon:damon_aggregated, into one model, and prints
 * reports on it.
 *
 * The model is three flat arrays: snapshots point at a run of targets, and
 * targets at a run of regions.  Within a target the regions are sorted and
 * do not overlap (the readers reject anything else), so a target's bytes
 * always fit in a u64.
 */
#ifndef DAMON_REPORT_H
#define DAMON_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DM_MAGIC	"damon_recfmt_ver"
#define DM_MAGIC_LEN	16
#define DM_HEADER_LEN	20
#define DM_VERSION	2

struct dm_region {
	uint64_t start;
	uint64_t end;			/* exclusive */
	uint32_t nr_accesses;
};

struct dm_target {
	uint64_t id;
	size_t first_region;
	uint32_t nr_regions;
};

struct dm_snapshot {
	uint64_t time_ns;
	size_t first_target;
	uint32_t nr_targets;
	uint32_t run;			/* 0 for the first header of the file */
};

/* The target entries of one target id, in time order. */
struct dm_series {
	uint64_t id;
	size_t nr;
	size_t *entries;		/* indices into model.targets */
	size_t *snaps;			/* the snapshot of each entry */
};

struct dm_model {
	struct dm_snapshot *snaps;
	size_t nr_snaps, cap_snaps;
	struct dm_target *targets;
	size_t nr_targets, cap_targets;
	struct dm_region *regions;
	size_t nr_regions, cap_regions;
	uint32_t nr_runs;
	uint32_t max_accesses;		/* over every region */
	/* filled by dm_index() */
	struct dm_series *series;
	size_t nr_series;
	size_t *index_mem;
};

/* Errors: one line, "NAME: offset N: ..." or "NAME: line N: ...". */
struct dm_error {
	char msg[512];
};

/* model.c */
void dm_model_init(struct dm_model *m);
void dm_model_free(struct dm_model *m);
int dm_add_snapshot(struct dm_model *m, uint64_t time_ns, uint32_t run);
int dm_add_target(struct dm_model *m, uint64_t id);
int dm_add_region(struct dm_model *m, uint64_t start, uint64_t end,
		  uint32_t nr_accesses);
int dm_reserve_regions(struct dm_model *m, size_t n);
int dm_index(struct dm_model *m);
const struct dm_series *dm_find_series(const struct dm_model *m, uint64_t id);
uint64_t dm_target_bytes(const struct dm_model *m, const struct dm_target *t,
			 uint32_t min_accesses);
/* The regions of @t; NULL if it has none (the model may have no regions). */
static inline const struct dm_region *dm_regions(const struct dm_model *m,
						 const struct dm_target *t)
{
	return t->nr_regions ? m->regions + t->first_region : NULL;
}
void dm_format_size(char *buf, size_t len, uint64_t bytes);
void dm_seterr(struct dm_error *e, const char *name, const char *unit,
	       unsigned long long where, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* reader.c: any input; perf.c: the perf script text alone */
int dm_read_buf(const char *name, const unsigned char *buf, size_t len,
		struct dm_model *m, struct dm_error *e);
int dm_read_file(const char *path, struct dm_model *m, struct dm_error *e);
int dm_read_record(const char *name, const unsigned char *buf, size_t len,
		   struct dm_model *m, struct dm_error *e);
int dm_read_perf(const char *name, const unsigned char *buf, size_t len,
		 struct dm_model *m, struct dm_error *e);

/* Report options, shared by every subcommand (each uses its part). */
struct dm_opts {
	int have_target;
	uint64_t target;
	unsigned int width;		/* terminal columns; 0: guess */
	unsigned int rows;		/* heatmap time rows; 0: default */
	int color;			/* -1 auto, 0 never, 1 always */
	const char *png;
	unsigned int png_w, png_h;
	double gap;			/* heatmap: split at gaps > gap * covered */
	unsigned int min_freq;		/* wss/hot: nr_accesses threshold; 0: default */
	unsigned int top;
	unsigned int buckets;
	const char *title;		/* pictures: what was recorded */
	int have_attrs;
	unsigned long long attrs[5];	/* sample, aggr, update us; min, max */
};

int dm_report_raw(const struct dm_model *m, FILE *out);
int dm_report_wss(const struct dm_model *m, const struct dm_opts *o, FILE *out);
int dm_report_hot(const struct dm_model *m, const struct dm_opts *o, FILE *out);
int dm_report_heatmap(const struct dm_model *m, const struct dm_opts *o,
		      FILE *out);

/* heatmap.c: the grid shared by the terminal and the PNG output */
struct dm_panel {
	uint64_t start, end;		/* address range shown */
	unsigned int x, w;		/* first column and width in cells */
};

struct dm_grid {
	unsigned int cols, rows;	/* cells, panels and separators included */
	struct dm_panel *panels;
	unsigned int nr_panels;
	double *val;			/* rows * cols; < 0: no data */
	uint64_t t0, t1;		/* time range in ns */
	double vmax;
};

/*
 * @trange: the time range of the rows, NULL for the series' own (then no
 * more rows than snapshots)
 */
int dm_grid_build(const struct dm_model *m, const struct dm_series *s,
		  unsigned int cols, unsigned int rows, unsigned int sep,
		  double gap, const uint64_t *trange, struct dm_grid *g);
void dm_grid_free(struct dm_grid *g);
/* "A".."Z", "AA".."ZZ", ...: the name of panel @p */
void dm_panel_name(char *buf, size_t len, unsigned int p);

/* image.c: an RGB canvas, its drawing, PNG output; colours are 0xRRGGBB */
struct dm_image {
	unsigned int w, h;
	unsigned char *px;
};

/* font.c: cells of DM_FONT_ADV x DM_FONT_LINE pixels at scale 1 */
#define DM_FONT_ADV	6
#define DM_FONT_LINE	10
int dm_font_ink(char c, unsigned int x, unsigned int y);

int dm_image_init(struct dm_image *im, unsigned int w, unsigned int h,
		  uint32_t bg);
void dm_image_free(struct dm_image *im);
void dm_put(struct dm_image *im, int x, int y, uint32_t c);
void dm_fill(struct dm_image *im, int x, int y, int w, int h, uint32_t c);
void dm_frame(struct dm_image *im, int x, int y, int w, int h, uint32_t c);
void dm_line(struct dm_image *im, int x0, int y0, int x1, int y1, uint32_t c);
void dm_dash(struct dm_image *im, int x0, int x1, int y, int on, int off,
	     uint32_t c);
int dm_text_width(const char *s, int scale);
void dm_text(struct dm_image *im, int x, int y, const char *s, int scale,
	     int align, uint32_t c);
void dm_fit_text(char *buf, size_t len, const char *s, int width, int scale);
double dm_tick_step(double range, int max_ticks);
uint64_t dm_size_step(uint64_t range, int max_ticks, uint64_t *unit,
		      const char **uname);
void dm_format_secs(char *buf, size_t len, double t, double step);
int dm_image_write(const struct dm_image *im, const char *path,
		   const char *const *keys, const char *const *texts,
		   int nr_text);

/* A growing string, for the tEXt chunks. */
struct dm_str {
	char *p;
	size_t len, cap;
	int failed;
};
void dm_str_add(struct dm_str *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* figure.c: what the pictures share */
#define DM_PNG_MAX	20000
struct dm_figure {
	const struct dm_series **sel;	/* the targets drawn */
	size_t nr_sel;
	uint64_t t0, t1;		/* their common time range */
	size_t nr_snaps;		/* snapshots of the drawn targets */
	size_t max_nr;			/* of the target with the most */
	double interval_ns;		/* between snapshots; 0: unknown */
};
int dm_figure_init(struct dm_figure *f, const struct dm_model *m,
		   const struct dm_opts *o);
void dm_figure_free(struct dm_figure *f);
int dm_figure_head(struct dm_image *im, const struct dm_figure *f,
		   const struct dm_opts *o, const char *what,
		   const char *const *notes, int nr_notes);
int dm_figure_head_height(int nr_notes);
void dm_time_axis(struct dm_image *im, int x, int y, int len, int vertical,
		  uint64_t t0, uint64_t t1);
uint32_t dm_samples_per_aggr(const struct dm_opts *o);

/* png.c: the heatmap as a picture; wss.c has the working-set one */
int dm_heatmap_png(const struct dm_model *m, const struct dm_opts *o,
		   double gap, FILE *out);

#endif
