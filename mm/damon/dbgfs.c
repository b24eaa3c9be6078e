// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON debugfs interface.
 *
 *   <debugfs>/damon/
 *       attrs target_ids schemes record record_stats        the root context
 *       kdamond_pid
 *       monitor_on mk_contexts rm_contexts                  all contexts
 *       <name>/                                             one per mk_contexts
 *           attrs target_ids schemes record record_stats kdamond_pid
 *
 * Every write takes the same path: a bounded copy of the whole input, a
 * parse into a value aside (the pure damon_dbgfs_parse_*() functions, which
 * the KUnit suite tests), then one step under dbgfs_lock that applies all of
 * it or nothing.  Errors in the input (-EINVAL) are reported before errors
 * of state (-EBUSY, -EEXIST, -ENOENT, -EPERM): a malformed write fails with
 * -EINVAL even while monitoring runs.
 *
 * A context is started only through monitor_on, under dbgfs_lock, so a
 * writer holding dbgfs_lock that finds a context not running knows that it
 * stays so until it unlocks.  No write waits for a kdamond under
 * dbgfs_lock: "off" asks the kdamonds to stop under the lock, then waits
 * for them without it, killably.
 */

#define pr_fmt(fmt) "damon-dbgfs: " fmt

#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/damon.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "dbgfs.h"
#include "internal.h"
#include "record.h"

/* The longest write accepted, in bytes; schemes files take more. */
#define DBGFS_INPUT_MAX		4096
#define DBGFS_NAME_MAX		63	/* the longest context name, bytes */
#define DBGFS_ULONG_CHARS	21	/* "%lu" of a 64-bit value, plus a space */

/**
 * struct dbgfs_ctx - a monitoring context of the debugfs interface.
 * @ctx:	the DAMON context.  Its callbacks are the recorder's, and
 *		&damon_callback->private points back here.
 * @rec:	the recorder of @ctx.
 * @dir:	the directory of a context made by mk_contexts, NULL for the
 *		root context.
 * @name:	the name of @dir, "" for the root context.
 * @list:	link in dbgfs_ctxs.
 * @ref:	one reference for being on dbgfs_ctxs, one per "off" waiting
 *		for its kdamond; the last dbgfs_put_ctx() frees it.
 *
 * A dbgfs_ctx is found through the i_private of its files' inodes.  Files
 * use debugfs' proxied fops, so debugfs_remove() waits for the operations
 * in flight on them and fails later ones.  A write to monitor_on, a file of
 * the root directory, may still wait for the context's kdamond: it holds a
 * reference meanwhile.
 */
struct dbgfs_ctx {
	struct damon_ctx *ctx;
	struct damon_recorder rec;
	struct dentry *dir;
	char name[DBGFS_NAME_MAX + 1];
	struct list_head list;
	refcount_t ref;
};

/*
 * dbgfs_lock serialises the writes of every file, and guards the list of
 * contexts.  dbgfs_dir_lock serialises mk_contexts and rm_contexts as a
 * whole: they make and remove directories without dbgfs_lock, because
 * debugfs_remove() waits for file operations that may be waiting for
 * dbgfs_lock.  Order: dbgfs_dir_lock, then dbgfs_lock.
 */
static DEFINE_MUTEX(dbgfs_dir_lock);
static DEFINE_MUTEX(dbgfs_lock);
static LIST_HEAD(dbgfs_ctxs);		/* protected by dbgfs_lock, root first */
static unsigned int dbgfs_nr_ctxs;	/* protected by dbgfs_lock */
static struct dentry *dbgfs_root;	/* set at init, never changed */

/*
 * Parsers: pure functions on a NUL-terminated copy of the input.  Tokens
 * are separated by ASCII whitespace only, so that a path or a name may
 * hold any other byte, UTF-8 included.
 */

static bool dbgfs_is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Cut the next whitespace-separated token off *@strp; NULL if none is left. */
char *dbgfs_next_token(char **strp)
{
	char *tok = *strp;
	char *end;

	while (dbgfs_is_space(*tok))
		tok++;
	if (!*tok) {
		*strp = tok;
		return NULL;
	}
	end = tok;
	while (*end && !dbgfs_is_space(*end))
		end++;
	if (*end)
		*end++ = '\0';
	*strp = end;
	return tok;
}

/* The only token of @str, or NULL if it has none or more than one. */
static char *dbgfs_only_token(char *str)
{
	char *tok = dbgfs_next_token(&str);

	return tok && !dbgfs_next_token(&str) ? tok : NULL;
}

/* Only decimal digits, no sign, no base prefix; overflow fails. */
int dbgfs_parse_ulong(const char *tok, unsigned long *val)
{
	const char *p;

	for (p = tok; *p; p++) {
		if (!isdigit(*p))
			return -EINVAL;
	}
	if (p == tok || kstrtoul(tok, 10, val))
		return -EINVAL;
	return 0;
}

/**
 * damon_dbgfs_parse_attrs() - parse a write to an attrs file.
 * @str:	the input, NUL-terminated.  It is modified.
 * @attrs:	set to the five values on success.
 *
 * The input is exactly five unsigned decimals separated by whitespace:
 * sampling interval, aggregation interval, regions update interval, minimum
 * and maximum number of regions.  Their values are not checked here.
 *
 * Context: any context.
 * Return: 0, or -EINVAL for any other input.
 */
VISIBLE_IF_KUNIT int
damon_dbgfs_parse_attrs(char *str, struct damon_attrs *attrs)
{
	unsigned long vals[5];
	char *tok;
	int i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		tok = dbgfs_next_token(&str);
		if (!tok || dbgfs_parse_ulong(tok, &vals[i]))
			return -EINVAL;
	}
	if (dbgfs_next_token(&str))
		return -EINVAL;

	attrs->sample_interval = vals[0];
	attrs->aggr_interval = vals[1];
	attrs->regions_update_interval = vals[2];
	attrs->min_nr_regions = vals[3];
	attrs->max_nr_regions = vals[4];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_dbgfs_parse_attrs);

/**
 * damon_dbgfs_parse_ids() - parse a write to a target_ids file.
 * @str:	the input, NUL-terminated.  It is modified.
 * @ids:	filled with the ids, in input order.
 * @max_ids:	the room in @ids.  strlen(@str) / 2 + 1 is always enough.
 *
 * The input is a whitespace-separated list of unsigned decimals, maybe
 * empty.  Whether an id names a process is not checked here.
 *
 * Context: any context.
 * Return: the number of ids; or -EINVAL if a token is not an unsigned
 * decimal that fits an unsigned long, if an id repeats, or if there are
 * more than @max_ids.
 */
VISIBLE_IF_KUNIT int
damon_dbgfs_parse_ids(char *str, unsigned long *ids, int max_ids)
{
	unsigned long id;
	int nr = 0, i;
	char *tok;

	while ((tok = dbgfs_next_token(&str))) {
		if (nr >= max_ids || dbgfs_parse_ulong(tok, &id))
			return -EINVAL;
		for (i = 0; i < nr; i++) {
			if (ids[i] == id)
				return -EINVAL;
		}
		ids[nr++] = id;
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(damon_dbgfs_parse_ids);

/**
 * damon_dbgfs_parse_record() - parse a write to a record file.
 * @str:	the input, NUL-terminated.  It is modified.
 * @len:	set to the buffer length on success.
 * @path:	set to the path on success.
 * @size:	the size of @path, at most %DAMON_REC_PATH_MAX.
 *
 * The input is exactly two whitespace-separated fields: the buffer length
 * as an unsigned decimal, then the path.  A length of 0 disables recording
 * and takes any path; otherwise the length is within [%DAMON_REC_MIN_LEN,
 * %DAMON_REC_MAX_LEN] and the path is absolute, since it is opened only
 * when monitoring starts, maybe by another process.
 *
 * Context: any context.
 * Return: 0; or -EINVAL for another number of fields, a length that is not
 * a decimal or is out of range, a path of @size bytes or more, or a
 * relative path with a non-zero length.
 */
VISIBLE_IF_KUNIT int
damon_dbgfs_parse_record(char *str, unsigned int *len, char *path, size_t size)
{
	char *len_tok, *path_tok;
	unsigned long val;

	len_tok = dbgfs_next_token(&str);
	path_tok = dbgfs_next_token(&str);
	if (!path_tok || dbgfs_next_token(&str))
		return -EINVAL;
	if (dbgfs_parse_ulong(len_tok, &val))
		return -EINVAL;
	if (val && (val < DAMON_REC_MIN_LEN || val > DAMON_REC_MAX_LEN))
		return -EINVAL;
	if (strlen(path_tok) >= size)
		return -EINVAL;
	if (val && path_tok[0] != '/')
		return -EINVAL;

	*len = val;
	strscpy(path, path_tok, size);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_dbgfs_parse_record);

/**
 * damon_dbgfs_check_name() - check a name written to mk_contexts.
 * @name:	the name.
 *
 * A name is 1 to 63 bytes long, holds no '/', no ASCII space and no ASCII
 * control character, and is not "." or "..".  Whether it is taken is not
 * checked here.
 *
 * Context: any context.
 * Return: 0, or -EINVAL.
 */
VISIBLE_IF_KUNIT int damon_dbgfs_check_name(const char *name)
{
	size_t len = strnlen(name, DBGFS_NAME_MAX + 1);
	const char *p;

	if (!len || len > DBGFS_NAME_MAX)
		return -EINVAL;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (p = name; *p; p++) {
		unsigned char c = *p;

		if (c == '/' || c <= ' ' || c == 0x7f)
			return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_dbgfs_check_name);

/* Helpers of the file operations */

static struct dbgfs_ctx *dbgfs_file_ctx(struct file *file)
{
	return file_inode(file)->i_private;
}

/*
 * The whole input of a write, NUL-terminated; kfree() it.  An input longer
 * than @max bytes is refused, and so is one holding a NUL byte: the parsers
 * would not see what follows it.
 */
static char *dbgfs_copy_input(const char __user *ubuf, size_t count,
			      loff_t *ppos, size_t max)
{
	char *kbuf;

	if (*ppos || count > max)
		return ERR_PTR(-EINVAL);
	kbuf = memdup_user_nul(ubuf, count);
	if (!IS_ERR(kbuf) && strlen(kbuf) != count) {
		kfree(kbuf);
		return ERR_PTR(-EINVAL);
	}
	return kbuf;
}

static bool dbgfs_any_running(void)
{
	struct dbgfs_ctx *dctx;

	lockdep_assert_held(&dbgfs_lock);
	list_for_each_entry(dctx, &dbgfs_ctxs, list) {
		if (damon_is_running(dctx->ctx))
			return true;
	}
	return false;
}

/* attrs */

static ssize_t dbgfs_attrs_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	char buf[5 * DBGFS_ULONG_CHARS + 1];
	struct damon_attrs attrs;
	int len;

	mutex_lock(&dbgfs_lock);
	attrs = dctx->ctx->attrs;
	mutex_unlock(&dbgfs_lock);

	len = scnprintf(buf, sizeof(buf), "%lu %lu %lu %lu %lu\n",
			attrs.sample_interval, attrs.aggr_interval,
			attrs.regions_update_interval, attrs.min_nr_regions,
			attrs.max_nr_regions);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t dbgfs_attrs_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	struct damon_attrs attrs;
	char *kbuf;
	int err;

	kbuf = dbgfs_copy_input(ubuf, count, ppos, DBGFS_INPUT_MAX);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	err = damon_dbgfs_parse_attrs(kbuf, &attrs);
	if (err)
		goto out_free_kbuf;

	/* -EINVAL for bad values before -EBUSY while running, as we say. */
	mutex_lock(&dbgfs_lock);
	err = damon_set_attrs(dctx->ctx, &attrs);
	mutex_unlock(&dbgfs_lock);
out_free_kbuf:
	kfree(kbuf);
	return err ? err : count;
}

/* target_ids */

/*
 * What a reader sees of @t: its PID in the reader's PID namespace (0 if the
 * process is not visible there), or the id it was given if it has no pid.
 */
static unsigned long dbgfs_target_id(struct damon_target *t)
{
	return t->pid ? pid_vnr(t->pid) : t->id;
}

static ssize_t dbgfs_target_ids_read(struct file *file, char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	struct damon_target *t;
	size_t size, len = 0;
	unsigned int nr = 0;
	ssize_t ret;
	char *kbuf;

	/*
	 * dbgfs_lock keeps writers out; the context's lock keeps out a
	 * kdamond that exits, which destroys the targets.
	 */
	mutex_lock(&dbgfs_lock);
	mutex_lock(&dctx->ctx->lock);
	damon_for_each_target(t, dctx->ctx)
		nr++;
	size = nr * DBGFS_ULONG_CHARS + 2;
	kbuf = kmalloc(size, GFP_KERNEL);
	if (kbuf) {
		damon_for_each_target(t, dctx->ctx)
			len += scnprintf(kbuf + len, size - len, "%s%lu",
					 len ? " " : "", dbgfs_target_id(t));
		len += scnprintf(kbuf + len, size - len, "\n");
	}
	mutex_unlock(&dctx->ctx->lock);
	mutex_unlock(&dbgfs_lock);
	if (!kbuf)
		return -ENOMEM;

	ret = simple_read_from_buffer(ubuf, count, ppos, kbuf, len);
	kfree(kbuf);
	return ret;
}

/*
 * Add to @targets a target for each PID in @ids.  On error @targets keeps
 * what was made, for the caller to destroy.
 */
static int dbgfs_new_targets(const unsigned long *ids, int nr_ids,
			     struct list_head *targets)
{
	struct damon_target *t;
	int i, err;

	for (i = 0; i < nr_ids; i++) {
		/* -EINVAL for no such process, or a kernel thread */
		err = damon_va_new_target(ids[i], &t);
		if (err)
			return err == -ENOMEM ? err : -EINVAL;
		list_add_tail(&t->list, targets);
	}
	return 0;
}

static ssize_t dbgfs_target_ids_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	struct damon_target *t, *next;
	LIST_HEAD(targets);
	unsigned long *ids;
	int nr_ids, err;
	char *kbuf;

	kbuf = dbgfs_copy_input(ubuf, count, ppos, DBGFS_INPUT_MAX);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	nr_ids = count / 2 + 1;
	ids = kmalloc_array(nr_ids, sizeof(*ids), GFP_KERNEL);
	if (!ids) {
		err = -ENOMEM;
		goto out_free_kbuf;
	}
	nr_ids = damon_dbgfs_parse_ids(kbuf, ids, nr_ids);
	if (nr_ids < 0) {
		err = nr_ids;
		goto out_free_ids;
	}

	err = dbgfs_new_targets(ids, nr_ids, &targets);
	if (err)
		goto out_destroy_targets;

	mutex_lock(&dbgfs_lock);
	err = damon_set_targets(dctx->ctx, &targets);	/* -EBUSY if running */
	mutex_unlock(&dbgfs_lock);
out_destroy_targets:
	/* all of them on error, none after damon_set_targets() took them */
	list_for_each_entry_safe(t, next, &targets, list)
		damon_destroy_target(t);
out_free_ids:
	kfree(ids);
out_free_kbuf:
	kfree(kbuf);
	return err ? err : count;
}

/* schemes: the text is dbgfs-schemes.c's */

static ssize_t dbgfs_schemes_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct damon_ctx *ctx = dbgfs_file_ctx(file)->ctx;
	struct damon_scheme_stats stats;
	struct damon_scheme *s;
	size_t size, len = 0;
	unsigned int nr = 0;
	ssize_t ret;
	char *kbuf;

	/* dbgfs_lock keeps the schemes; the statistics have their lock. */
	mutex_lock(&dbgfs_lock);
	damon_for_each_scheme(s, ctx)
		nr++;
	size = nr * DBGFS_SCHEME_CHARS + 1;
	kbuf = kmalloc(size, GFP_KERNEL);
	if (kbuf) {
		kbuf[0] = '\0';
		damon_for_each_scheme(s, ctx) {
			damon_scheme_get_stats(ctx, s, &stats);
			len += damon_dbgfs_format_scheme(kbuf + len, size - len,
							 s, &stats);
		}
	}
	mutex_unlock(&dbgfs_lock);
	if (!kbuf)
		return -ENOMEM;

	ret = simple_read_from_buffer(ubuf, count, ppos, kbuf, len);
	kfree(kbuf);
	return ret;
}

static ssize_t dbgfs_schemes_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	struct damon_scheme *s, *next;
	LIST_HEAD(schemes);
	char *kbuf;
	int err;

	/* What the file reads can always be written back. */
	kbuf = dbgfs_copy_input(ubuf, count, ppos,
				DBGFS_MAX_SCHEMES * DBGFS_SCHEME_CHARS);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	err = damon_dbgfs_parse_schemes(kbuf, &schemes);
	if (err < 0)
		goto out_destroy_schemes;

	mutex_lock(&dbgfs_lock);
	err = damon_set_schemes(dctx->ctx, &schemes);	/* -EBUSY if running */
	mutex_unlock(&dbgfs_lock);
out_destroy_schemes:
	/* all of them on error, none after damon_set_schemes() took them */
	list_for_each_entry_safe(s, next, &schemes, list)
		damon_destroy_scheme(s);
	kfree(kbuf);
	return err < 0 ? err : count;
}

/* record */

static ssize_t dbgfs_record_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	char buf[DBGFS_ULONG_CHARS + DAMON_REC_PATH_MAX + 1];
	char path[DAMON_REC_PATH_MAX];
	unsigned int rlen;
	int len;

	damon_rec_get(&dctx->rec, &rlen, path, sizeof(path));
	len = scnprintf(buf, sizeof(buf), "%u %s\n", rlen, path);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t dbgfs_record_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	char path[DAMON_REC_PATH_MAX];
	unsigned int rlen;
	char *kbuf;
	int err;

	kbuf = dbgfs_copy_input(ubuf, count, ppos, DBGFS_INPUT_MAX);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	err = damon_dbgfs_parse_record(kbuf, &rlen, path, sizeof(path));
	if (err)
		goto out_free_kbuf;

	/*
	 * The recorder alone would accept a change while a run records
	 * nothing, and would wait for a flush in progress: ask the context.
	 */
	mutex_lock(&dbgfs_lock);
	if (damon_is_running(dctx->ctx))
		err = -EBUSY;
	else
		err = damon_rec_set(&dctx->rec, rlen, path);
	mutex_unlock(&dbgfs_lock);
out_free_kbuf:
	kfree(kbuf);
	return err ? err : count;
}

/* record_stats */

static ssize_t dbgfs_record_stats_read(struct file *file, char __user *ubuf,
				       size_t count, loff_t *ppos)
{
	struct dbgfs_ctx *dctx = dbgfs_file_ctx(file);
	char buf[3 * DBGFS_ULONG_CHARS + 1];
	struct damon_rec_stats stats;
	int len;

	damon_rec_get_stats(&dctx->rec, &stats);
	len = scnprintf(buf, sizeof(buf), "%lu %lu %llu\n", stats.nr_recorded,
			stats.nr_dropped, stats.bytes_dropped);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/* kdamond_pid */

static ssize_t dbgfs_kdamond_pid_read(struct file *file, char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	struct damon_ctx *ctx = dbgfs_file_ctx(file)->ctx;
	char buf[DBGFS_ULONG_CHARS + 1];
	int len;

	/*
	 * The PID in the reader's PID namespace, as target_ids shows: 0 where
	 * the kdamond, a thread of the initial namespace, is not visible.
	 * Under the lock the kdamond cannot exit (it clears ->kdamond first).
	 */
	mutex_lock(&ctx->lock);
	if (ctx->kdamond)
		len = scnprintf(buf, sizeof(buf), "%d\n",
				task_pid_vnr(ctx->kdamond));
	else
		len = scnprintf(buf, sizeof(buf), "none\n");
	mutex_unlock(&ctx->lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/* monitor_on */

static ssize_t dbgfs_monitor_on_read(struct file *file, char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	const char *state = damon_nr_running_ctxs() ? "on\n" : "off\n";

	return simple_read_from_buffer(ubuf, count, ppos, state, strlen(state));
}

static struct damon_recorder *dbgfs_ctx_rec(struct damon_ctx *ctx)
{
	struct dbgfs_ctx *dctx = ctx->callback.private;

	return &dctx->rec;
}

/*
 * Whether two of @nr recorders, all opened, record into the same file: the
 * same inode, whether through the same path, another path or a hard link.
 * Their runs would interleave in it, and one's truncation after a failed
 * write would remove snapshots the other counted as recorded.
 */
static bool dbgfs_recs_share_file(struct damon_ctx **ctxs, int nr)
{
	const struct inode *inode;
	int i, j;

	for (i = 0; i < nr; i++) {
		inode = damon_rec_inode(dbgfs_ctx_rec(ctxs[i]));
		if (!inode)
			continue;
		for (j = i + 1; j < nr; j++) {
			if (damon_rec_inode(dbgfs_ctx_rec(ctxs[j])) != inode)
				continue;
			pr_warn_ratelimited("two contexts record into %s: monitoring not started\n",
					    dbgfs_ctx_rec(ctxs[i])->path);
			return true;
		}
	}
	return false;
}

/*
 * Start every context that has targets, or none of them.  The record files
 * are opened here, by the writer of "on" with its credentials, root and
 * mount namespace, before any kdamond exists: if one cannot be opened,
 * nothing starts and the write fails with the error of the open.  Two
 * contexts recording into one file fail the write with -EBUSY.
 */
static int dbgfs_monitor_start(void)
{
	struct damon_ctx **ctxs;
	struct dbgfs_ctx *dctx;
	int nr = 0, nr_opened = 0, i, err;

	lockdep_assert_held(&dbgfs_lock);
	if (dbgfs_any_running())
		return -EBUSY;

	ctxs = kmalloc_array(dbgfs_nr_ctxs, sizeof(*ctxs), GFP_KERNEL);
	if (!ctxs)
		return -ENOMEM;
	list_for_each_entry(dctx, &dbgfs_ctxs, list) {
		if (!list_empty(&dctx->ctx->targets))
			ctxs[nr++] = dctx->ctx;
	}
	if (!nr) {
		err = -EINVAL;
		goto out_free_ctxs;
	}

	for (i = 0; i < nr; i++) {
		err = damon_rec_open(dbgfs_ctx_rec(ctxs[i]));
		if (err)
			goto out_cancel_recs;
		nr_opened++;
	}
	if (dbgfs_recs_share_file(ctxs, nr)) {
		err = -EBUSY;
		goto out_cancel_recs;
	}
	err = damon_start(ctxs, nr);
	if (!err)
		goto out_free_ctxs;
out_cancel_recs:
	for (i = 0; i < nr_opened; i++)
		damon_rec_cancel(dbgfs_ctx_rec(ctxs[i]));
out_free_ctxs:
	kfree(ctxs);
	return err;
}

static void dbgfs_put_ctx(struct dbgfs_ctx *dctx);

/*
 * Stop every running context, and return once each kdamond has exited, its
 * recorder flushed.  The stops are requested under dbgfs_lock, so that no
 * "on" can come in between, but the kdamonds are waited for without it and
 * killably: a kdamond stuck in a flush (a dead network file system) keeps
 * neither the other files nor a killed writer waiting.  Until each is gone,
 * "on" fails with -EBUSY, and another "off" waits for them again.  Each
 * context waited for is held by a reference, as rm_contexts may remove it
 * once its kdamond cleared &damon_ctx->kdamond.
 *
 * Return: 0 once the kdamonds this call asked to stop are gone; -EPERM if
 * none was running, or if each was asked by an earlier "off" (then after
 * waiting for them): one "off" succeeds per run; -EINTR if a fatal signal
 * ended the wait; -ENOMEM.
 */
static int dbgfs_monitor_stop(void)
{
	struct task_struct **kdamonds;
	struct dbgfs_ctx **dctxs;
	struct dbgfs_ctx *dctx;
	int nr = 0, i, err = 0;
	bool asked = false;

	err = mutex_lock_killable(&dbgfs_lock);
	if (err)
		return err;
	dctxs = kmalloc_array(dbgfs_nr_ctxs, sizeof(*dctxs), GFP_KERNEL);
	kdamonds = kmalloc_array(dbgfs_nr_ctxs, sizeof(*kdamonds), GFP_KERNEL);
	if (!dctxs || !kdamonds) {
		mutex_unlock(&dbgfs_lock);
		err = -ENOMEM;
		goto out_free;
	}
	/*
	 * A kdamond may have stopped by itself, or be stopping already for
	 * an earlier "off": it is waited for all the same.
	 */
	list_for_each_entry(dctx, &dbgfs_ctxs, list) {
		if (!damon_stop_request(dctx->ctx, &kdamonds[nr]))
			asked = true;
		if (!kdamonds[nr])
			continue;
		refcount_inc(&dctx->ref);
		dctxs[nr++] = dctx;
	}
	mutex_unlock(&dbgfs_lock);

	for (i = 0; i < nr; i++) {
		/* damon_stop_wait() puts the task; after a kill, we do. */
		if (!err)
			err = damon_stop_wait(dctxs[i]->ctx, kdamonds[i]);
		else
			put_task_struct(kdamonds[i]);
		dbgfs_put_ctx(dctxs[i]);
	}
	if (!err && !asked)
		err = -EPERM;
out_free:
	kfree(kdamonds);
	kfree(dctxs);
	return err;
}

static ssize_t dbgfs_monitor_on_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	char *kbuf, *cmd;
	int err;

	kbuf = dbgfs_copy_input(ubuf, count, ppos, DBGFS_INPUT_MAX);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	cmd = dbgfs_only_token(kbuf);
	if (cmd && !strcmp(cmd, "on")) {
		err = mutex_lock_killable(&dbgfs_lock);
		if (!err) {
			err = dbgfs_monitor_start();
			mutex_unlock(&dbgfs_lock);
		}
	} else if (cmd && !strcmp(cmd, "off")) {
		err = dbgfs_monitor_stop();	/* takes dbgfs_lock itself */
	} else {
		err = -EINVAL;
	}

	kfree(kbuf);
	return err ? err : count;
}

/* Contexts */

static int dbgfs_before_start(struct damon_ctx *ctx)
{
	struct dbgfs_ctx *dctx = ctx->callback.private;

	return damon_rec_start(&dctx->rec);
}

static int dbgfs_after_aggregation(struct damon_ctx *ctx)
{
	struct dbgfs_ctx *dctx = ctx->callback.private;

	return damon_rec_aggregated(&dctx->rec, ctx);
}

static int dbgfs_before_terminate(struct damon_ctx *ctx)
{
	struct dbgfs_ctx *dctx = ctx->callback.private;

	return damon_rec_stop(&dctx->rec);
}

static struct dbgfs_ctx *dbgfs_new_ctx(const char *name)
{
	struct dbgfs_ctx *dctx;

	dctx = kzalloc(sizeof(*dctx), GFP_KERNEL);
	if (!dctx)
		return NULL;
	dctx->ctx = damon_new_ctx();
	if (!dctx->ctx)
		goto out_free_dctx;

	damon_va_set_primitives(dctx->ctx);
	dctx->ctx->callback.private = dctx;
	dctx->ctx->callback.before_start = dbgfs_before_start;
	dctx->ctx->callback.after_aggregation = dbgfs_after_aggregation;
	dctx->ctx->callback.before_terminate = dbgfs_before_terminate;
	damon_rec_init(&dctx->rec);
	strscpy(dctx->name, name);
	INIT_LIST_HEAD(&dctx->list);
	refcount_set(&dctx->ref, 1);
	return dctx;

out_free_dctx:
	kfree(dctx);
	return NULL;
}

/* @dctx is off the list, its kdamond is not running, its files are gone. */
static void dbgfs_destroy_ctx(struct dbgfs_ctx *dctx)
{
	damon_destroy_ctx(dctx->ctx);	/* puts the targets' pids */
	damon_rec_destroy(&dctx->rec);
	kfree(dctx);
}

/*
 * Drop a reference to @dctx; the last one destroys it, which only happens
 * once it is off the list and its files are gone.
 */
static void dbgfs_put_ctx(struct dbgfs_ctx *dctx)
{
	if (refcount_dec_and_test(&dctx->ref))
		dbgfs_destroy_ctx(dctx);
}

static int dbgfs_fill_dir(struct dentry *dir, struct dbgfs_ctx *dctx,
			  bool root);
static bool dbgfs_file_name(const char *name);

static struct dbgfs_ctx *dbgfs_find_ctx(const char *name)
{
	struct dbgfs_ctx *dctx;

	lockdep_assert_held(&dbgfs_lock);
	list_for_each_entry(dctx, &dbgfs_ctxs, list) {
		if (dctx->dir && !strcmp(dctx->name, name))
			return dctx;
	}
	return NULL;
}

/* mk_contexts */

static int dbgfs_check_new_name(const char *name)
{
	lockdep_assert_held(&dbgfs_lock);
	if (dbgfs_any_running())
		return -EBUSY;
	if (dbgfs_file_name(name) || dbgfs_find_ctx(name))
		return -EEXIST;
	return 0;
}

/*
 * Make a context and its directory, all or nothing.  Called with
 * dbgfs_dir_lock, which keeps the name free, but without dbgfs_lock: if a
 * file cannot be created, the directory is removed again, which waits for
 * the operations already begun on its files, and these may be waiting for
 * dbgfs_lock.  Not on the list yet, the context cannot be started.
 */
static struct dbgfs_ctx *dbgfs_mk_context(const char *name)
{
	struct dbgfs_ctx *dctx;
	int err;

	lockdep_assert_held(&dbgfs_dir_lock);
	dctx = dbgfs_new_ctx(name);
	if (!dctx)
		return ERR_PTR(-ENOMEM);
	dctx->dir = debugfs_create_dir(name, dbgfs_root);
	err = PTR_ERR_OR_ZERO(dctx->dir);
	if (!err)
		err = dbgfs_fill_dir(dctx->dir, dctx, false);
	if (err) {
		debugfs_remove(dctx->dir);	/* nothing for an error */
		dbgfs_destroy_ctx(dctx);
		return ERR_PTR(err);
	}
	return dctx;
}

static ssize_t dbgfs_mk_contexts_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct dbgfs_ctx *dctx;
	char *kbuf, *name;
	int err;

	kbuf = dbgfs_copy_input(ubuf, count, ppos, DBGFS_INPUT_MAX);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	name = dbgfs_only_token(kbuf);
	err = name ? damon_dbgfs_check_name(name) : -EINVAL;
	if (err)
		goto out_free_kbuf;

	mutex_lock(&dbgfs_dir_lock);
	mutex_lock(&dbgfs_lock);
	err = dbgfs_check_new_name(name);
	mutex_unlock(&dbgfs_lock);
	if (err)
		goto out_unlock_dir;
	dctx = dbgfs_mk_context(name);
	if (IS_ERR(dctx)) {
		err = PTR_ERR(dctx);
		goto out_unlock_dir;
	}
	mutex_lock(&dbgfs_lock);
	list_add_tail(&dctx->list, &dbgfs_ctxs);
	dbgfs_nr_ctxs++;
	mutex_unlock(&dbgfs_lock);
out_unlock_dir:
	mutex_unlock(&dbgfs_dir_lock);
out_free_kbuf:
	kfree(kbuf);
	return err ? err : count;
}

/* rm_contexts */

static ssize_t dbgfs_rm_contexts_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct dbgfs_ctx *dctx = NULL;
	char *kbuf, *name;
	int err = 0;

	kbuf = dbgfs_copy_input(ubuf, count, ppos, DBGFS_INPUT_MAX);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);

	name = dbgfs_only_token(kbuf);
	if (!name) {
		err = -EINVAL;
		goto out_free_kbuf;
	}

	mutex_lock(&dbgfs_dir_lock);
	mutex_lock(&dbgfs_lock);
	if (dbgfs_any_running()) {
		err = -EBUSY;
	} else {
		dctx = dbgfs_find_ctx(name);
		if (dctx) {
			list_del(&dctx->list);
			dbgfs_nr_ctxs--;
		} else {
			err = -ENOENT;
		}
	}
	mutex_unlock(&dbgfs_lock);
	/*
	 * Off the list, the context cannot be started any more.  Its files
	 * may be in use: debugfs_remove() waits for them, so it must be
	 * called without dbgfs_lock, which they may be waiting for.
	 */
	if (dctx) {
		debugfs_remove(dctx->dir);
		dbgfs_put_ctx(dctx);	/* an "off" may still hold it */
	}
	mutex_unlock(&dbgfs_dir_lock);
out_free_kbuf:
	kfree(kbuf);
	return err ? err : count;
}

/* The files */

static const struct file_operations dbgfs_attrs_fops = {
	.read = dbgfs_attrs_read,
	.write = dbgfs_attrs_write,
	.llseek = default_llseek,
};

static const struct file_operations dbgfs_target_ids_fops = {
	.read = dbgfs_target_ids_read,
	.write = dbgfs_target_ids_write,
	.llseek = default_llseek,
};

static const struct file_operations dbgfs_schemes_fops = {
	.read = dbgfs_schemes_read,
	.write = dbgfs_schemes_write,
	.llseek = default_llseek,
};

static const struct file_operations dbgfs_record_fops = {
	.read = dbgfs_record_read,
	.write = dbgfs_record_write,
	.llseek = default_llseek,
};

static const struct file_operations dbgfs_record_stats_fops = {
	.read = dbgfs_record_stats_read,
	.llseek = default_llseek,
};

static const struct file_operations dbgfs_kdamond_pid_fops = {
	.read = dbgfs_kdamond_pid_read,
	.llseek = default_llseek,
};

static const struct file_operations dbgfs_monitor_on_fops = {
	.read = dbgfs_monitor_on_read,
	.write = dbgfs_monitor_on_write,
	.llseek = default_llseek,
};

static const struct file_operations dbgfs_mk_contexts_fops = {
	.write = dbgfs_mk_contexts_write,
};

static const struct file_operations dbgfs_rm_contexts_fops = {
	.write = dbgfs_rm_contexts_write,
};

/**
 * struct dbgfs_file - a file of the interface.
 * @name:	the file name.
 * @mode:	its permissions.
 * @fops:	its operations.
 * @per_ctx:	whether every context directory has one (the root's being
 *		the root context's), or only the root directory.
 */
struct dbgfs_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
	bool per_ctx;
};

static const struct dbgfs_file dbgfs_files[] = {
	{ "attrs",	  0600, &dbgfs_attrs_fops,	  true },
	{ "target_ids",	  0600, &dbgfs_target_ids_fops,	  true },
	{ "schemes",	  0600, &dbgfs_schemes_fops,	  true },
	{ "record",	  0600, &dbgfs_record_fops,	  true },
	{ "record_stats", 0400, &dbgfs_record_stats_fops, true },
	{ "kdamond_pid",  0400, &dbgfs_kdamond_pid_fops,  true },
	{ "monitor_on",	  0600, &dbgfs_monitor_on_fops,	  false },
	{ "mk_contexts",  0600, &dbgfs_mk_contexts_fops,  false },
	{ "rm_contexts",  0600, &dbgfs_rm_contexts_fops,  false },
};

/* Whether @name is the name of a file of the root directory. */
static bool dbgfs_file_name(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(dbgfs_files); i++) {
		if (!strcmp(name, dbgfs_files[i].name))
			return true;
	}
	return false;
}

/*
 * Create the files of @dctx in @dir, and the global files too if @dir is
 * the root.  Return: 0, or the error of the first file that could not be
 * created; the files created before it are left for the caller to remove.
 */
static int dbgfs_fill_dir(struct dentry *dir, struct dbgfs_ctx *dctx,
			  bool root)
{
	const struct dbgfs_file *f;
	struct dentry *dentry;
	int i;

	for (i = 0; i < ARRAY_SIZE(dbgfs_files); i++) {
		f = &dbgfs_files[i];
		if (!f->per_ctx && !root)
			continue;
		dentry = debugfs_create_file(f->name, f->mode, dir,
					     f->per_ctx ? dctx : NULL, f->fops);
		if (IS_ERR(dentry))
			return PTR_ERR(dentry);
	}
	return 0;
}

static int __init damon_dbgfs_init(void)
{
	struct dbgfs_ctx *dctx;

	dctx = dbgfs_new_ctx("");
	if (!dctx)
		return -ENOMEM;

	mutex_lock(&dbgfs_lock);
	list_add_tail(&dctx->list, &dbgfs_ctxs);
	dbgfs_nr_ctxs = 1;
	mutex_unlock(&dbgfs_lock);

	/* Failures only leave the interface without some files. */
	dbgfs_root = debugfs_create_dir("damon", NULL);
	dbgfs_fill_dir(dbgfs_root, dctx, true);
	return 0;
}
late_initcall(damon_dbgfs_init);
