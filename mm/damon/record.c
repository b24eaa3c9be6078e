// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON recorder: keeps the aggregated results of a monitoring context in a
 * buffer and appends them to a regular file.
 *
 * The context's kdamond calls the recorder at three points of a run:
 *
 *   before_start       damon_rec_start()       open the file, append a header
 *   after_aggregation  damon_rec_aggregated()  put one snapshot in the buffer,
 *                                              flushing first if it is full
 *   before_terminate   damon_rec_stop()        flush, close the file
 *
 * A flush writes whole snapshots.  If the file takes only part of them (no
 * space, I/O error), it is truncated back to its size before the flush, so
 * that a reader never meets a partial snapshot, and the snapshots are
 * counted as dropped.  Monitoring goes on either way.  Once a run ended,
 * each of its aggregations is either in the file or counted as dropped.
 *
 * Worked numbers: one target of ten regions gives snapshots of
 * 20 + 12 + 10 * 20 = 232 bytes, so a 4096-byte buffer holds 17 of them and
 * is flushed every 1.7 s with the default 100 ms aggregation interval.
 */

#define pr_fmt(fmt) "damon-record: " fmt

#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/unaligned.h>

#include "record.h"

/*
 * O_NONBLOCK only keeps kdamond from blocking in the open of a FIFO: only
 * regular files are accepted, and the flag is cleared once that is known.
 */
#define DAMON_REC_OPEN_FLAGS	(O_WRONLY | O_CREAT | O_APPEND | O_LARGEFILE | \
				 O_NONBLOCK)
#define DAMON_REC_FILE_MODE	0600

/**
 * damon_rec_init() - initialise a recorder, with recording disabled.
 * @rec:	the recorder.
 *
 * The path reads "none" until damon_rec_set() changes it.
 *
 * Context: any context that may sleep.
 */
void damon_rec_init(struct damon_recorder *rec)
{
	mutex_init(&rec->lock);
	strscpy(rec->path, "none");
	rec->len = 0;
	rec->buf = NULL;
	rec->offset = 0;
	rec->nr_buffered = 0;
	rec->file = NULL;
	rec->running = false;
	damon_rec_reset_stats(rec);
}

static void damon_rec_close(struct damon_recorder *rec)
{
	lockdep_assert_held(&rec->lock);
	if (!rec->file)
		return;
	filp_close(rec->file, NULL);
	rec->file = NULL;
}

/**
 * damon_rec_destroy() - free the buffer of a recorder.
 * @rec:	the recorder, whose context's kdamond does not run.
 *
 * Context: process context, may sleep.
 */
void damon_rec_destroy(struct damon_recorder *rec)
{
	mutex_lock(&rec->lock);
	damon_rec_close(rec);	/* only if a run was never stopped */
	kvfree(rec->buf);
	rec->buf = NULL;
	rec->len = 0;
	mutex_unlock(&rec->lock);
	mutex_destroy(&rec->lock);
}

/**
 * damon_rec_set() - set the buffer length and the result file.
 * @rec:	the recorder.
 * @len:	the buffer length in bytes; 0 disables recording.
 * @path:	the result file.  It is stored even when @len is 0.
 *
 * The new buffer is allocated before the old one is freed: on failure the
 * recorder is unchanged.
 *
 * Context: process context, may sleep.  Takes &damon_recorder->lock.
 * Return:
 * * 0 on success;
 * * -EINVAL if @len is neither 0 nor within [%DAMON_REC_MIN_LEN,
 *   %DAMON_REC_MAX_LEN], if @path is %DAMON_REC_PATH_MAX bytes or longer,
 *   or if @len is not 0 and @path is not absolute;
 * * -ENOMEM if the buffer cannot be allocated;
 * * -EBUSY if a run is recording.
 */
int damon_rec_set(struct damon_recorder *rec, unsigned int len,
		  const char *path)
{
	u8 *buf = NULL;
	int err = 0;

	if (len && (len < DAMON_REC_MIN_LEN || len > DAMON_REC_MAX_LEN))
		return -EINVAL;
	if (strnlen(path, DAMON_REC_PATH_MAX) >= DAMON_REC_PATH_MAX)
		return -EINVAL;
	if (len && path[0] != '/')
		return -EINVAL;

	if (len) {
		buf = kvmalloc(len, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}

	mutex_lock(&rec->lock);
	if (rec->running) {
		err = -EBUSY;
		goto out_free_buf;
	}
	swap(rec->buf, buf);
	rec->len = len;
	strscpy(rec->path, path);
	rec->offset = 0;
	rec->nr_buffered = 0;
out_free_buf:
	mutex_unlock(&rec->lock);
	kvfree(buf);	/* the old buffer on success, the new one on error */
	return err;
}

/**
 * damon_rec_get() - read the buffer length and the result file.
 * @rec:	the recorder.
 * @len:	set to the buffer length, 0 when recording is disabled.
 * @path:	filled with the path, NUL-terminated.
 * @size:	the size of @path; %DAMON_REC_PATH_MAX is always enough.
 *
 * Context: process context, may sleep.  Takes &damon_recorder->lock, which
 * a flush in progress holds.
 */
void damon_rec_get(struct damon_recorder *rec, unsigned int *len,
		   char *path, size_t size)
{
	mutex_lock(&rec->lock);
	*len = rec->len;
	strscpy(path, rec->path, size);
	mutex_unlock(&rec->lock);
}

/**
 * damon_rec_get_stats() - read the counters of the current or last run.
 * @rec:	the recorder.
 * @stats:	filled with the counters.
 *
 * The three counters are read one after another, without a lock: while a
 * run records they need not be from the same instant.
 *
 * Context: any context.
 */
void damon_rec_get_stats(struct damon_recorder *rec,
			 struct damon_rec_stats *stats)
{
	stats->nr_recorded = atomic_long_read(&rec->nr_recorded);
	stats->nr_dropped = atomic_long_read(&rec->nr_dropped);
	stats->bytes_dropped = atomic64_read(&rec->bytes_dropped);
}

/**
 * damon_rec_reset_stats() - zero the counters, before a run starts.
 * @rec:	the recorder.
 *
 * Context: any context.
 */
void damon_rec_reset_stats(struct damon_recorder *rec)
{
	atomic_long_set(&rec->nr_recorded, 0);
	atomic_long_set(&rec->nr_dropped, 0);
	atomic64_set(&rec->bytes_dropped, 0);
}

static u8 *damon_rec_put_le64(u8 *p, u64 val)
{
	put_unaligned_le64(val, p);
	return p + 8;
}

static u8 *damon_rec_put_le32(u8 *p, u32 val)
{
	put_unaligned_le32(val, p);
	return p + 4;
}

/**
 * damon_rec_encode_header() - encode the file header of a run.
 * @buf:	where to write it.
 * @size:	the room in @buf.
 *
 * Context: any context.
 * Return: %DAMON_REC_HEADER_SIZE, or 0 if @size is smaller than that.
 */
size_t damon_rec_encode_header(u8 *buf, size_t size)
{
	if (size < DAMON_REC_HEADER_SIZE)
		return 0;
	memcpy(buf, DAMON_REC_MAGIC, DAMON_REC_MAGIC_LEN);
	damon_rec_put_le32(buf + DAMON_REC_MAGIC_LEN, DAMON_REC_VERSION);
	return DAMON_REC_HEADER_SIZE;
}

/**
 * damon_rec_snapshot_size() - the encoded size of a context's snapshot.
 * @ctx:	the context.
 *
 * Context: the caller keeps the targets and regions of @ctx from changing:
 * it is @ctx's kdamond, or no kdamond runs @ctx.
 * Return: %DAMON_REC_SNAPSHOT_HEAD, plus %DAMON_REC_TARGET_HEAD per target,
 * plus %DAMON_REC_REGION_SIZE per region.
 */
size_t damon_rec_snapshot_size(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;
	size_t size = DAMON_REC_SNAPSHOT_HEAD;

	damon_for_each_target(t, ctx) {
		size += DAMON_REC_TARGET_HEAD;
		damon_for_each_region(r, t)
			size += DAMON_REC_REGION_SIZE;
	}
	return size;
}

/**
 * damon_rec_encode_snapshot() - encode the regions of a context.
 * @ctx:	the context.
 * @ts:		the time of the snapshot.
 * @buf:	where to write it.
 * @size:	the room in @buf.
 *
 * Writes @ts, then each target's id and regions with their access counts,
 * in list order.  Nothing is written if the snapshot does not fit.
 *
 * Context: as for damon_rec_snapshot_size().
 * Return: the number of bytes written, damon_rec_snapshot_size(@ctx); or 0
 * if that is more than @size.
 */
size_t damon_rec_encode_snapshot(struct damon_ctx *ctx,
				 const struct timespec64 *ts,
				 u8 *buf, size_t size)
{
	unsigned int nr_targets = 0, nr_regions;
	u8 *p = buf, *nr_targets_at, *nr_regions_at;
	struct damon_target *t;
	struct damon_region *r;

	if (damon_rec_snapshot_size(ctx) > size)
		return 0;

	p = damon_rec_put_le64(p, ts->tv_sec);
	p = damon_rec_put_le64(p, ts->tv_nsec);
	nr_targets_at = p;
	p += 4;
	damon_for_each_target(t, ctx) {
		p = damon_rec_put_le64(p, t->id);
		nr_regions_at = p;
		p += 4;
		nr_regions = 0;
		damon_for_each_region(r, t) {
			p = damon_rec_put_le64(p, r->ar.start);
			p = damon_rec_put_le64(p, r->ar.end);
			p = damon_rec_put_le32(p, r->nr_accesses);
			nr_regions++;
		}
		damon_rec_put_le32(nr_regions_at, nr_regions);
		nr_targets++;
	}
	damon_rec_put_le32(nr_targets_at, nr_targets);
	return p - buf;
}

/*
 * Append @len bytes to the file, all or nothing: if the file takes only a
 * part, it is truncated back to its size before the call.  If even that
 * fails the file is closed, so that nothing more is appended to a file a
 * reader cannot parse.
 */
static int damon_rec_write(struct damon_recorder *rec, const u8 *buf,
			   size_t len)
{
	struct file *file = rec->file;
	loff_t good_size, pos;
	size_t done = 0;
	ssize_t ret;
	long err;

	lockdep_assert_held(&rec->lock);
	good_size = i_size_read(file_inode(file));
	pos = good_size;
	while (done < len) {
		ret = kernel_write(file, buf + done, len - done, &pos);
		if (ret <= 0) {
			err = ret ? ret : -EIO;
			goto out_truncate;
		}
		done += ret;
	}
	return 0;

out_truncate:
	if (done) {
		long terr = vfs_truncate(&file->f_path, good_size);

		if (terr) {
			pr_warn_ratelimited("%s: cannot truncate a partial write (%ld): recording stops\n",
					    rec->path, terr);
			damon_rec_close(rec);
		}
	}
	return err;
}

static void damon_rec_drop(struct damon_recorder *rec, unsigned int nr,
			   size_t bytes)
{
	atomic_long_add(nr, &rec->nr_dropped);
	atomic64_add(bytes, &rec->bytes_dropped);
}

/* Count @nr aggregations of @bytes bytes as recorded if !@err, else dropped. */
static void damon_rec_account(struct damon_recorder *rec, int err,
			      unsigned int nr, size_t bytes)
{
	lockdep_assert_held(&rec->lock);
	if (!err) {
		atomic_long_add(nr, &rec->nr_recorded);
		return;
	}
	pr_warn_ratelimited("%s: write failed (%d): %u aggregations dropped\n",
			    rec->path, err, nr);
	damon_rec_drop(rec, nr, bytes);
}

static void damon_rec_flush(struct damon_recorder *rec)
{
	lockdep_assert_held(&rec->lock);
	if (!rec->offset)
		return;
	if (rec->file)
		damon_rec_account(rec, damon_rec_write(rec, rec->buf, rec->offset),
				  rec->nr_buffered, rec->offset);
	else
		damon_rec_drop(rec, rec->nr_buffered, rec->offset);
	rec->offset = 0;
	rec->nr_buffered = 0;
}

/* Write a snapshot larger than the whole buffer through a temporary one. */
static void damon_rec_write_through(struct damon_recorder *rec,
				    struct damon_ctx *ctx,
				    const struct timespec64 *ts, size_t size)
{
	int err = -ENOMEM;
	u8 *tmp;

	lockdep_assert_held(&rec->lock);
	tmp = kvmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (tmp) {
		damon_rec_encode_snapshot(ctx, ts, tmp, size);
		err = damon_rec_write(rec, tmp, size);
		kvfree(tmp);
	}
	damon_rec_account(rec, err, 1, size);
}

/**
 * damon_rec_start() - begin a run: open the file and append a header.
 * @rec:	the recorder.
 *
 * Does nothing when recording is disabled.  If the file cannot be opened,
 * is not a regular file, or refuses the header, a warning is logged and
 * every aggregation of the run is counted as dropped; monitoring goes on.
 *
 * Context: the before_start callback of the context's kdamond.  Takes
 * &damon_recorder->lock and does file I/O.
 * Return: 0, so that kdamond keeps monitoring.
 */
int damon_rec_start(struct damon_recorder *rec)
{
	u8 header[DAMON_REC_HEADER_SIZE];
	struct file *file;
	int err;

	mutex_lock(&rec->lock);
	damon_rec_close(rec);	/* only if the last run was never stopped */
	rec->offset = 0;
	rec->nr_buffered = 0;
	rec->running = rec->len != 0;
	if (!rec->running)
		goto out_unlock;

	file = filp_open(rec->path, DAMON_REC_OPEN_FLAGS, DAMON_REC_FILE_MODE);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out_warn;
	}
	rec->file = file;
	if (!S_ISREG(file_inode(file)->i_mode)) {
		err = -EINVAL;
		goto out_close_file;
	}
	spin_lock(&file->f_lock);
	file->f_flags &= ~O_NONBLOCK;
	spin_unlock(&file->f_lock);

	damon_rec_encode_header(header, sizeof(header));
	err = damon_rec_write(rec, header, sizeof(header));
	if (err)
		goto out_close_file;
	mutex_unlock(&rec->lock);
	return 0;

out_close_file:
	damon_rec_close(rec);
out_warn:
	pr_warn_ratelimited("cannot record into %s (%d): this run's aggregations are dropped\n",
			    rec->path, err);
out_unlock:
	mutex_unlock(&rec->lock);
	return 0;
}

/**
 * damon_rec_aggregated() - record the aggregation that just ended.
 * @rec:	the recorder.
 * @ctx:	the context, whose regions hold the aggregated counts.
 *
 * Puts a snapshot in the buffer, flushing the buffer first if the snapshot
 * does not fit.  A snapshot larger than the whole buffer is written straight
 * to the file.  Failures are counted as drops, see damon_rec_get_stats().
 *
 * Context: the after_aggregation callback of @ctx's kdamond.  Takes
 * &damon_recorder->lock and may do file I/O.
 * Return: 0, so that kdamond keeps monitoring.
 */
int damon_rec_aggregated(struct damon_recorder *rec, struct damon_ctx *ctx)
{
	struct timespec64 now;
	size_t size;

	ktime_get_coarse_ts64(&now);
	mutex_lock(&rec->lock);
	if (!rec->running)
		goto out_unlock;

	size = damon_rec_snapshot_size(ctx);
	if (size > rec->len - rec->offset)
		damon_rec_flush(rec);
	if (!rec->file) {
		/* not opened, or closed after a failure: already warned */
		damon_rec_drop(rec, 1, size);
	} else if (size <= rec->len - rec->offset) {
		damon_rec_encode_snapshot(ctx, &now, rec->buf + rec->offset,
					  rec->len - rec->offset);
		rec->offset += size;
		rec->nr_buffered++;
	} else {
		damon_rec_write_through(rec, ctx, &now, size);
	}
out_unlock:
	mutex_unlock(&rec->lock);
	return 0;
}

/**
 * damon_rec_stop() - end a run: flush the buffer and close the file.
 * @rec:	the recorder.
 *
 * Context: the before_terminate callback of the context's kdamond.  Takes
 * &damon_recorder->lock and may do file I/O.
 * Return: 0.
 */
int damon_rec_stop(struct damon_recorder *rec)
{
	mutex_lock(&rec->lock);
	if (rec->running) {
		damon_rec_flush(rec);
		damon_rec_close(rec);
		rec->running = false;
	}
	mutex_unlock(&rec->lock);
	return 0;
}
