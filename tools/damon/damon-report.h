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

int dm_grid_build(const struct dm_model *m, const struct dm_series *s,
		  unsigned int cols, unsigned int rows, unsigned int sep,
		  double gap, struct dm_grid *g);
void dm_grid_free(struct dm_grid *g);

/* png.c: the map takes the image less a band on the left and on top */
#define DM_PNG_LEFT	44
#define DM_PNG_TOP	12
int dm_write_png(const char *path, const struct dm_grid *g,
		 unsigned int width, unsigned int height, const char *title);

#endif
