/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON recorder: keeps the aggregated results of a monitoring context in a
 * memory buffer and appends them to a regular file, in the record format
 * version 2 described below.
 *
 * The recorder knows nothing of its user interface: its owner configures it
 * with damon_rec_set(), opens the file with damon_rec_open() in the context
 * of the user who starts monitoring (or closes it again with
 * damon_rec_cancel() if the start fails), and calls damon_rec_start(),
 * damon_rec_aggregated() and damon_rec_stop() from the context's callbacks.
 */

#ifndef _MM_DAMON_RECORD_H
#define _MM_DAMON_RECORD_H

#include <linux/atomic.h>
#include <linux/damon.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>

/*
 * The record file format, version 2.  Every field is little-endian and of
 * the fixed width given here; nothing is padded.
 *
 *   header:   "damon_recfmt_ver" (16 bytes, no NUL), __le32 version
 *   snapshot: __le64 tv_sec, __le64 tv_nsec, __le32 nr_targets,
 *             then per target: __le64 id, __le32 nr_regions,
 *             then per region: __le64 start, __le64 end, __le32 nr_accesses
 *
 * A file holds one header per monitoring run followed by the snapshots of
 * that run, one per aggregation interval.
 */
#define DAMON_REC_MAGIC		"damon_recfmt_ver"
#define DAMON_REC_MAGIC_LEN	16
#define DAMON_REC_VERSION	2
#define DAMON_REC_HEADER_SIZE	(DAMON_REC_MAGIC_LEN + 4)
#define DAMON_REC_SNAPSHOT_HEAD	(8 + 8 + 4)
#define DAMON_REC_TARGET_HEAD	(8 + 4)
#define DAMON_REC_REGION_SIZE	(8 + 8 + 4)

/* The buffer length is 0 (disabled) or within [MIN_LEN, MAX_LEN]. */
#define DAMON_REC_MIN_LEN	1024
#define DAMON_REC_MAX_LEN	(4 * 1024 * 1024)
#define DAMON_REC_PATH_MAX	256	/* including the terminating NUL */

/**
 * struct damon_rec_stats - what a recorder did in its current or last run.
 * @nr_recorded:	aggregations written to the file.
 * @nr_dropped:		aggregations lost: header, write or allocation failure.
 * @bytes_dropped:	the encoded size of the dropped aggregations.
 */
struct damon_rec_stats {
	unsigned long nr_recorded;
	unsigned long nr_dropped;
	u64 bytes_dropped;
};

/**
 * struct damon_recorder - the recording state of one monitoring context.
 * @lock:	protects every field but the counters.  Taken by the
 *		configuration functions and by the kdamond callbacks; it may be
 *		held across file I/O.
 * @cfg_lock:	also protects @path and @len, which are changed under both
 *		locks, so that damon_rec_get() needs only this one and never
 *		waits for file I/O.
 * @path:	the result file; an absolute path when @len is not 0.
 * @len:	the buffer length, 0 when recording is disabled.
 * @buf:	the buffer, @len bytes, NULL when @len is 0.
 * @offset:	bytes of @buf holding snapshots not yet written.
 * @nr_buffered: the number of snapshots in those bytes.
 * @spare:	a buffer for snapshots larger than @buf, @spare_len bytes;
 *		grown as needed during a run and freed at its end.
 * @spare_len:	the size of @spare, 0 when it is NULL.
 * @file:	the result file, from damon_rec_open() until the run ends
 *		(or damon_rec_cancel()); NULL otherwise, and once closed
 *		after a failure.
 * @running:	between damon_rec_start() and damon_rec_stop() of a run with
 *		recording enabled.
 * @nr_recorded: see &struct damon_rec_stats.
 * @nr_dropped:	see &struct damon_rec_stats.
 * @bytes_dropped: see &struct damon_rec_stats.
 * @last_stats:	the counters of the last run, kept by damon_rec_open() so
 *		that damon_rec_cancel() can give them back.
 *
 * Initialise with damon_rec_init() and tear down with damon_rec_destroy().
 */
struct damon_recorder {
	struct mutex lock;	/* guards the fields marked so */
	spinlock_t cfg_lock;	/* guards @path and @len for readers */
	char path[DAMON_REC_PATH_MAX];		/* protected by @lock */
	unsigned int len;			/* protected by @lock */
	u8 *buf;				/* protected by @lock */
	size_t offset;				/* protected by @lock */
	unsigned int nr_buffered;		/* protected by @lock */
	u8 *spare;				/* protected by @lock */
	size_t spare_len;			/* protected by @lock */
	struct file *file;			/* protected by @lock */
	bool running;				/* protected by @lock */
	atomic_long_t nr_recorded;
	atomic_long_t nr_dropped;
	atomic64_t bytes_dropped;
	struct damon_rec_stats last_stats;	/* protected by @lock */
};

void damon_rec_init(struct damon_recorder *rec);
void damon_rec_destroy(struct damon_recorder *rec);
int damon_rec_set(struct damon_recorder *rec, unsigned int len,
		  const char *path);
void damon_rec_get(struct damon_recorder *rec, unsigned int *len,
		   char *path, size_t size);
void damon_rec_get_stats(struct damon_recorder *rec,
			 struct damon_rec_stats *stats);
struct inode;
const struct inode *damon_rec_inode(struct damon_recorder *rec);

int damon_rec_open(struct damon_recorder *rec);
void damon_rec_cancel(struct damon_recorder *rec);
int damon_rec_start(struct damon_recorder *rec);
int damon_rec_aggregated(struct damon_recorder *rec, struct damon_ctx *ctx);
int damon_rec_stop(struct damon_recorder *rec);

/* The encoder: pure functions, visible to the KUnit suite only. */
#if IS_ENABLED(CONFIG_KUNIT)
size_t damon_rec_encode_header(u8 *buf, size_t size);
size_t damon_rec_snapshot_size(struct damon_ctx *ctx);
size_t damon_rec_encode_snapshot(struct damon_ctx *ctx,
				 const struct timespec64 *ts,
				 u8 *buf, size_t size);
#endif

#endif	/* _MM_DAMON_RECORD_H */
