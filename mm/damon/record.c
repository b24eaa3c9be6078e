// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON recorder: keeps the aggregated results of a monitoring context in a
 * buffer and appends them to a regular file.
 *
 * The file is opened by damon_rec_open(), in the context of the user who
 * starts monitoring, before the kdamond exists; the kdamond then uses it at
 * three points of the run:
 *
 *   before_start       damon_rec_start()       append a header
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
 *
 * A snapshot larger than the whole buffer is encoded into a spare buffer
 * and written at once.  The spare buffer only grows during a run, so that
 * such snapshots do not cost an allocation each, and is freed at its end.
 */

#define pr_fmt(fmt) "damon-record: " fmt

#include <kunit/visibility.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/overflow.h>
#include <linux/path.h>
#include <linux/printk.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/unaligned.h>

#include "record.h"

/*
 * O_NOFOLLOW: a symbolic link as the last component is refused.
 * O_NONBLOCK: only keeps the open from blocking on a FIFO swapped in after
 * the file type was checked; such a file is refused after the open, and the
 * flag is cleared once the file is known to be regular.
 */
#define DAMON_REC_OPEN_FLAGS	(O_WRONLY | O_CREAT | O_APPEND | O_LARGEFILE | \
				 O_NOFOLLOW | O_NONBLOCK)
#define DAMON_REC_FILE_MODE	0600

/* The spare buffer grows to a needed size plus this fraction (1/4). */
#define DAMON_REC_SPARE_HEADROOM_SHIFT	2

static void damon_rec_set_stats(struct damon_recorder *rec,
				const struct damon_rec_stats *stats)
{
	atomic_long_set(&rec->nr_recorded, stats->nr_recorded);
	atomic_long_set(&rec->nr_dropped, stats->nr_dropped);
	atomic64_set(&rec->bytes_dropped, stats->bytes_dropped);
}

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
	spin_lock_init(&rec->cfg_lock);
	strscpy(rec->path, "none");
	rec->len = 0;
	rec->buf = NULL;
	rec->offset = 0;
	rec->nr_buffered = 0;
	rec->spare = NULL;
	rec->spare_len = 0;
	rec->file = NULL;
	rec->running = false;
	memset(&rec->last_stats, 0, sizeof(rec->last_stats));
	damon_rec_set_stats(rec, &rec->last_stats);
}

static void damon_rec_close(struct damon_recorder *rec)
{
	lockdep_assert_held(&rec->lock);
	if (!rec->file)
		return;
	filp_close(rec->file, NULL);
	rec->file = NULL;
}

static void damon_rec_free_spare(struct damon_recorder *rec)
{
	lockdep_assert_held(&rec->lock);
	kvfree(rec->spare);
	rec->spare = NULL;
	rec->spare_len = 0;
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
	damon_rec_close(rec);	/* only if a run was never started or stopped */
	damon_rec_free_spare(rec);
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
 * * -EBUSY if a run is recording, or the file is open for a run to come.
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
	if (rec->running || rec->file) {
		err = -EBUSY;
		goto out_free_buf;
	}
	swap(rec->buf, buf);
	spin_lock(&rec->cfg_lock);
	rec->len = len;
	strscpy(rec->path, path);
	spin_unlock(&rec->cfg_lock);
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
 * Context: any context.  Takes &damon_recorder->cfg_lock only, so that a
 * reader never waits for a flush in progress, which holds
 * &damon_recorder->lock across file I/O.
 */
void damon_rec_get(struct damon_recorder *rec, unsigned int *len,
		   char *path, size_t size)
{
	spin_lock(&rec->cfg_lock);
	*len = rec->len;
	strscpy(path, rec->path, size);
	spin_unlock(&rec->cfg_lock);
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
 * damon_rec_inode() - the inode of the file a recorder has open.
 * @rec:	the recorder, whose context is not running.
 *
 * For telling whether two recorders would write into one file.  The
 * pointer is only valid for comparison.
 *
 * Context: process context, may sleep.  Takes &damon_recorder->lock.
 * Return: the inode of the file damon_rec_open() opened, or NULL if none is
 * open (recording is disabled).
 */
const struct inode *damon_rec_inode(struct damon_recorder *rec)
{
	const struct inode *inode = NULL;

	mutex_lock(&rec->lock);
	if (rec->file)
		inode = file_inode(rec->file);
	mutex_unlock(&rec->lock);
	return inode;
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
VISIBLE_IF_KUNIT size_t damon_rec_encode_header(u8 *buf, size_t size)
{
	if (size < DAMON_REC_HEADER_SIZE)
		return 0;
	memcpy(buf, DAMON_REC_MAGIC, DAMON_REC_MAGIC_LEN);
	damon_rec_put_le32(buf + DAMON_REC_MAGIC_LEN, DAMON_REC_VERSION);
	return DAMON_REC_HEADER_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(damon_rec_encode_header);

/**
 * damon_rec_snapshot_size() - the encoded size of a context's snapshot.
 * @ctx:	the context.
 *
 * Context: the caller keeps the targets and regions of @ctx from changing:
 * it is @ctx's kdamond, or no kdamond runs @ctx.
 * The size comes from &damon_target->nr_regions: the regions themselves
 * are not walked.
 *
 * Return: %DAMON_REC_SNAPSHOT_HEAD, plus %DAMON_REC_TARGET_HEAD per target,
 * plus %DAMON_REC_REGION_SIZE per region; SIZE_MAX if that overflows.
 */
VISIBLE_IF_KUNIT size_t damon_rec_snapshot_size(struct damon_ctx *ctx)
{
	struct damon_target *t;
	size_t size = DAMON_REC_SNAPSHOT_HEAD;

	damon_for_each_target(t, ctx)
		size = size_add(size, size_add(DAMON_REC_TARGET_HEAD,
					       size_mul(t->nr_regions,
							DAMON_REC_REGION_SIZE)));
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(damon_rec_snapshot_size);

/**
 * damon_rec_encode_snapshot() - encode the regions of a context.
 * @ctx:	the context.
 * @ts:		the time of the snapshot.
 * @buf:	where to write it.
 * @size:	the room in @buf.
 *
 * Writes @ts, then each target's id and regions with their access counts,
 * in list order, walking the regions once.  Nothing is written if the
 * snapshot does not fit.  A target whose list of regions does not hold
 * &damon_target->nr_regions of them (a bug) makes the encoding fail, with
 * nothing written past the size computed from the counts.
 *
 * Context: as for damon_rec_snapshot_size().
 * Return: the number of bytes written, damon_rec_snapshot_size(@ctx); or 0
 * if that is more than @size, or if the regions disagree with their count.
 */
VISIBLE_IF_KUNIT size_t
damon_rec_encode_snapshot(struct damon_ctx *ctx, const struct timespec64 *ts,
			  u8 *buf, size_t size)
{
	unsigned int nr_targets = 0, nr_regions;
	struct damon_target *t;
	struct damon_region *r;
	u8 *nr_targets_at, *p = buf;

	if (damon_rec_snapshot_size(ctx) > size)
		return 0;

	p = damon_rec_put_le64(p, ts->tv_sec);
	p = damon_rec_put_le64(p, ts->tv_nsec);
	nr_targets_at = p;
	p += 4;
	damon_for_each_target(t, ctx) {
		p = damon_rec_put_le64(p, t->id);
		p = damon_rec_put_le32(p, t->nr_regions);
		nr_regions = 0;
		damon_for_each_region(r, t) {
			if (WARN_ON_ONCE(nr_regions == t->nr_regions))
				return 0;
			p = damon_rec_put_le64(p, r->ar.start);
			p = damon_rec_put_le64(p, r->ar.end);
			p = damon_rec_put_le32(p, r->nr_accesses);
			nr_regions++;
		}
		if (WARN_ON_ONCE(nr_regions != t->nr_regions))
			return 0;
		nr_targets++;
	}
	damon_rec_put_le32(nr_targets_at, nr_targets);
	return p - buf;
}
EXPORT_SYMBOL_IF_KUNIT(damon_rec_encode_snapshot);

/*
 * Cut the file back to @size through the open file, as ftruncate(2) would,
 * with the rights of who opened it: being open for writing is what allows
 * it, whatever the permissions of its path became since the open.
 */
static int damon_rec_truncate(struct file *file, loff_t size)
{
	struct inode *inode = file_inode(file);
	const struct cred *old_cred;
	int err;

	if (IS_APPEND(inode))
		return -EPERM;
	old_cred = override_creds(file->f_cred);
	sb_start_write(inode->i_sb);
	err = security_file_truncate(file);
	if (!err)
		err = do_truncate(file_mnt_idmap(file), file->f_path.dentry,
				  size, ATTR_MTIME | ATTR_CTIME, file);
	sb_end_write(inode->i_sb);
	revert_creds(old_cred);
	return err;
}

/*
 * Append @len bytes to the file, all or nothing: if the file takes only a
 * part, it is truncated back to its size before the call.  If even that
 * fails the file is closed, so that nothing more is appended to a file a
 * reader cannot parse.
 *
 * The kdamond writes with the credentials of who opened the file, the user
 * who started monitoring, as process accounting does: the kernel's own
 * would let the write past the checks made on the user (quota limits,
 * root-reserved blocks, LSMs, the set-group-ID bit a write clears).
 */
static int damon_rec_write(struct damon_recorder *rec, const u8 *buf,
			   size_t len)
{
	struct file *file = rec->file;
	const struct cred *old_cred;
	loff_t good_size, pos;
	size_t done = 0;
	ssize_t ret = 0;
	long err;

	lockdep_assert_held(&rec->lock);
	good_size = i_size_read(file_inode(file));
	pos = good_size;
	old_cred = override_creds(file->f_cred);
	while (done < len) {
		ret = kernel_write(file, buf + done, len - done, &pos);
		if (ret <= 0)
			break;
		done += ret;
	}
	revert_creds(old_cred);
	if (done == len)
		return 0;
	err = ret ? ret : -EIO;

	if (done) {
		int terr = damon_rec_truncate(file, good_size);

		if (terr) {
			pr_warn_ratelimited("%s: cannot truncate a partial write (%d): recording stops\n",
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

/* Make the spare buffer hold at least @size bytes; it never shrinks. */
static int damon_rec_grow_spare(struct damon_recorder *rec, size_t size)
{
	size_t len;

	lockdep_assert_held(&rec->lock);
	if (size <= rec->spare_len)
		return 0;
	/* Headroom, so that a few more regions need no new allocation. */
	len = size_add(size, size >> DAMON_REC_SPARE_HEADROOM_SHIFT);
	damon_rec_free_spare(rec);
	rec->spare = kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);
	if (!rec->spare)
		return -ENOMEM;
	rec->spare_len = len;
	return 0;
}

/* Write a snapshot larger than the whole buffer through the spare buffer. */
static void damon_rec_write_through(struct damon_recorder *rec,
				    struct damon_ctx *ctx,
				    const struct timespec64 *ts, size_t size)
{
	int err;

	lockdep_assert_held(&rec->lock);
	err = damon_rec_grow_spare(rec, size);
	if (!err && !damon_rec_encode_snapshot(ctx, ts, rec->spare, size))
		err = -EINVAL;
	if (!err)
		err = damon_rec_write(rec, rec->spare, size);
	damon_rec_account(rec, err, 1, size);
}

/*
 * Open @name for appending, in the caller's context, without opening
 * anything but a regular file: an existing file is looked up (not through
 * a symbolic link) and refused unless regular before it is opened, so that
 * a device is never opened.  A missing file is created.  A FIFO put in the
 * file's place between the look-up and the open is refused after the open,
 * which O_NONBLOCK keeps from blocking; only a user allowed to make device
 * nodes could swap in a device.
 */
static bool damon_rec_pseudo_fs(const struct super_block *sb)
{
	/*
	 * Writing the records into a control file of the kernel, say DAMON's
	 * own monitor_on, would act on the kernel (and deadlock the kdamond
	 * against the writer of "off"): only files that store data qualify.
	 */
	switch (sb->s_magic) {
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case SECURITYFS_MAGIC:
		return true;
	default:
		return false;
	}
}

static struct file *damon_rec_open_regular(const char *name)
{
	struct file *file;
	struct path path;
	int err;

	err = kern_path(name, 0, &path);
	if (!err) {
		if (d_is_symlink(path.dentry))
			err = -ELOOP;
		else if (d_is_dir(path.dentry))
			err = -EISDIR;
		else if (!d_is_reg(path.dentry) ||
			 damon_rec_pseudo_fs(path.dentry->d_sb))
			err = -EINVAL;
		path_put(&path);
	} else if (err == -ENOENT) {
		err = 0;	/* O_CREAT makes it */
	}
	if (err)
		return ERR_PTR(err);

	file = filp_open(name, DAMON_REC_OPEN_FLAGS, DAMON_REC_FILE_MODE);
	if (IS_ERR(file))
		return file;
	if (!S_ISREG(file_inode(file)->i_mode) ||
	    damon_rec_pseudo_fs(file_inode(file)->i_sb)) {
		filp_close(file, NULL);
		return ERR_PTR(-EINVAL);
	}
	spin_lock(&file->f_lock);
	file->f_flags &= ~O_NONBLOCK;
	spin_unlock(&file->f_lock);
	return file;
}

/**
 * damon_rec_open() - open the result file for the run about to start.
 * @rec:	the recorder, whose context is not running.
 *
 * Does nothing when recording is disabled.  Otherwise opens the path for
 * appending, creating it with mode 0600 if it does not exist, with the
 * credentials, root directory and mount namespace of the caller.  A
 * symbolic link as the last component, a directory or any other file that
 * is not regular is refused without being opened.  The file is then the
 * recorder's: the run's kdamond writes and closes it, or damon_rec_cancel()
 * closes it if the run does not start.  On success the counters of
 * damon_rec_get_stats() are zeroed for the new run, even when recording is
 * disabled; damon_rec_cancel() gives the old ones back.
 *
 * Context: process context of the user who starts monitoring, may sleep.
 * Takes &damon_recorder->lock.
 * Return:
 * * 0 on success, or when recording is disabled;
 * * -ELOOP if the path names a symbolic link;
 * * -EISDIR if it names a directory;
 * * -EINVAL if it names another file that is not regular, or a file of a
 *   kernel pseudo file system (debugfs, tracefs, proc, sysfs, cgroup);
 * * -EBUSY if a run is recording;
 * * another error of the look-up or of filp_open(), such as -ENOENT for a
 *   missing directory or -EACCES.
 */
int damon_rec_open(struct damon_recorder *rec)
{
	struct file *file;
	int err = 0;

	mutex_lock(&rec->lock);
	if (rec->running) {
		err = -EBUSY;
		goto out_unlock;
	}
	damon_rec_close(rec);	/* one left by a start that never came */
	if (rec->len) {
		file = damon_rec_open_regular(rec->path);
		if (IS_ERR(file)) {
			err = PTR_ERR(file);
			pr_warn_ratelimited("cannot open %s (%d): monitoring not started\n",
					    rec->path, err);
			goto out_unlock;
		}
		rec->file = file;
	}
	damon_rec_get_stats(rec, &rec->last_stats);
	damon_rec_set_stats(rec, &(struct damon_rec_stats){});
out_unlock:
	mutex_unlock(&rec->lock);
	return err;
}

/**
 * damon_rec_cancel() - undo damon_rec_open() for a run that did not start.
 * @rec:	the recorder, whose context is not running, and for which
 *		damon_rec_open() succeeded.
 *
 * Closes the file and gives back the counters of the last run.
 *
 * Context: process context, may sleep.  Takes &damon_recorder->lock.
 */
void damon_rec_cancel(struct damon_recorder *rec)
{
	mutex_lock(&rec->lock);
	if (!rec->running) {
		damon_rec_close(rec);
		damon_rec_set_stats(rec, &rec->last_stats);
	}
	mutex_unlock(&rec->lock);
}

/**
 * damon_rec_start() - begin a run: append a header to the file.
 * @rec:	the recorder, whose file damon_rec_open() opened.
 *
 * Does nothing when recording is disabled.  If the file was not opened
 * (damon_rec_open() was not called) or refuses the header, a warning is
 * logged, the file is closed and every aggregation of the run is counted
 * as dropped; monitoring goes on.
 *
 * Context: the before_start callback of the context's kdamond.  Takes
 * &damon_recorder->lock and does file I/O.
 * Return: 0, so that kdamond keeps monitoring.
 */
int damon_rec_start(struct damon_recorder *rec)
{
	u8 header[DAMON_REC_HEADER_SIZE];
	int err = -EBADF;

	mutex_lock(&rec->lock);
	rec->offset = 0;
	rec->nr_buffered = 0;
	rec->running = rec->len != 0;
	if (!rec->running) {
		damon_rec_close(rec);
		goto out_unlock;
	}
	if (!rec->file)
		goto out_warn;

	damon_rec_encode_header(header, sizeof(header));
	err = damon_rec_write(rec, header, sizeof(header));
	if (!err)
		goto out_unlock;
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
 * does not fit.  A snapshot larger than the whole buffer is encoded into the
 * spare buffer and written straight to the file.  Failures are counted as
 * drops, see damon_rec_get_stats().
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
		if (damon_rec_encode_snapshot(ctx, &now, rec->buf + rec->offset,
					      rec->len - rec->offset)) {
			rec->offset += size;
			rec->nr_buffered++;
		} else {
			damon_rec_drop(rec, 1, size);
		}
	} else {
		damon_rec_write_through(rec, ctx, &now, size);
	}
out_unlock:
	mutex_unlock(&rec->lock);
	return 0;
}

/**
 * damon_rec_stop() - end a run: flush the buffer, close the file, free the
 * spare buffer.
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
		damon_rec_free_spare(rec);
		rec->running = false;
	}
	mutex_unlock(&rec->lock);
	return 0;
}
