// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON debugfs interface: the text of the schemes file.
 *
 * One scheme per line, as whitespace-separated "key=value" fields in any
 * order; a '#' starts a comment that runs to the end of its line, and
 * lines with no field are skipped.  Only "action" is required:
 *
 *   action=willneed|cold|pageout|hugepage|nohugepage|stat
 *   size_bytes=MIN-MAX		region size, in bytes	   default 0-max
 *   nr_accesses=MIN-MAX	samples found accessed	   default 0-max
 *   age_aggrs=MIN-MAX		age, in aggregations	   default 0-max
 *   quota_ms=N			kdamond ms per reset	   default 0 (none)
 *   quota_bytes=N		bytes per reset		   default 0 (none)
 *   quota_reset_ms=N		the reset interval	   default 1000
 *   weight_size=N, weight_nr_accesses=N, weight_age=N	   default 1, 3, 2
 *   wmark_free_permille=LOW-HIGH|none			   default none
 *   wmark_interval_us=N	free memory read interval  default 1000000
 *
 * Numbers are unsigned decimals; "max" stands for the largest value of a
 * range.  A scheme reads back in the same form, every field given, with
 * its statistics in a comment, so what is read can be written back.
 */

#include <kunit/visibility.h>
#include <linux/damon.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dbgfs.h"
#include "internal.h"

static const char * const dbgfs_action_names[NR_DAMON_ACTIONS] = {
	[DAMON_ACT_WILLNEED]	= "willneed",
	[DAMON_ACT_COLD]	= "cold",
	[DAMON_ACT_PAGEOUT]	= "pageout",
	[DAMON_ACT_HUGEPAGE]	= "hugepage",
	[DAMON_ACT_NOHUGEPAGE]	= "nohugepage",
	[DAMON_ACT_STAT]	= "stat",
};

/* The fields of a line, for telling a repeated one. */
enum dbgfs_scheme_field {
	DBGFS_F_ACTION,
	DBGFS_F_SIZE,
	DBGFS_F_NR_ACCESSES,
	DBGFS_F_AGE,
	DBGFS_F_QUOTA_MS,
	DBGFS_F_QUOTA_BYTES,
	DBGFS_F_QUOTA_RESET,
	DBGFS_F_WEIGHT_SIZE,
	DBGFS_F_WEIGHT_NR_ACCESSES,
	DBGFS_F_WEIGHT_AGE,
	DBGFS_F_WMARK,
	DBGFS_F_WMARK_INTERVAL,
	NR_DBGFS_F,
};

static const char * const dbgfs_field_names[NR_DBGFS_F] = {
	[DBGFS_F_ACTION]		= "action",
	[DBGFS_F_SIZE]			= "size_bytes",
	[DBGFS_F_NR_ACCESSES]		= "nr_accesses",
	[DBGFS_F_AGE]			= "age_aggrs",
	[DBGFS_F_QUOTA_MS]		= "quota_ms",
	[DBGFS_F_QUOTA_BYTES]		= "quota_bytes",
	[DBGFS_F_QUOTA_RESET]		= "quota_reset_ms",
	[DBGFS_F_WEIGHT_SIZE]		= "weight_size",
	[DBGFS_F_WEIGHT_NR_ACCESSES]	= "weight_nr_accesses",
	[DBGFS_F_WEIGHT_AGE]		= "weight_age",
	[DBGFS_F_WMARK]			= "wmark_free_permille",
	[DBGFS_F_WMARK_INTERVAL]	= "wmark_interval_us",
};

/* A number, or "max" for @max; anything above @max fails. */
static int dbgfs_parse_bound(const char *tok, unsigned long max,
			     unsigned long *val)
{
	if (!strcmp(tok, "max")) {
		*val = max;
		return 0;
	}
	if (dbgfs_parse_ulong(tok, val) || *val > max)
		return -EINVAL;
	return 0;
}

/* "MIN-MAX", each at most @max; "max" allowed for either. */
static int dbgfs_parse_range(char *val, unsigned long max, unsigned long *lo,
			     unsigned long *hi)
{
	char *dash = strchr(val, '-');

	if (!dash)
		return -EINVAL;
	*dash = '\0';
	if (dbgfs_parse_bound(val, max, lo) ||
	    dbgfs_parse_bound(dash + 1, max, hi))
		return -EINVAL;
	return 0;
}

/* A number that fits an unsigned int. */
static int dbgfs_parse_uint(const char *tok, unsigned int *val)
{
	unsigned long v;

	if (dbgfs_parse_ulong(tok, &v) || v > UINT_MAX)
		return -EINVAL;
	*val = v;
	return 0;
}

/* Set the field @f of @s from @val. */
static int dbgfs_parse_field(struct damon_scheme *s,
			     enum dbgfs_scheme_field f, char *val)
{
	struct damon_pattern *p = &s->pattern;
	struct damon_quota *q = &s->quota;
	struct damon_wmarks *w = &s->wmarks;
	unsigned long lo, hi;
	int i;

	switch (f) {
	case DBGFS_F_ACTION:
		i = match_string(dbgfs_action_names, NR_DAMON_ACTIONS, val);
		if (i < 0)
			return -EINVAL;
		s->action = i;
		return 0;
	case DBGFS_F_SIZE:
		return dbgfs_parse_range(val, ULONG_MAX, &p->min_sz_bytes,
					 &p->max_sz_bytes);
	case DBGFS_F_NR_ACCESSES:
	case DBGFS_F_AGE:
		if (dbgfs_parse_range(val, UINT_MAX, &lo, &hi))
			return -EINVAL;
		if (f == DBGFS_F_AGE) {
			p->min_age = lo;
			p->max_age = hi;
		} else {
			p->min_nr_accesses = lo;
			p->max_nr_accesses = hi;
		}
		return 0;
	case DBGFS_F_QUOTA_MS:
		return dbgfs_parse_ulong(val, &q->ms);
	case DBGFS_F_QUOTA_BYTES:
		return dbgfs_parse_ulong(val, &q->bytes);
	case DBGFS_F_QUOTA_RESET:
		return dbgfs_parse_ulong(val, &q->reset_ms);
	case DBGFS_F_WEIGHT_SIZE:
		return dbgfs_parse_uint(val, &q->weight_sz);
	case DBGFS_F_WEIGHT_NR_ACCESSES:
		return dbgfs_parse_uint(val, &q->weight_nr_accesses);
	case DBGFS_F_WEIGHT_AGE:
		return dbgfs_parse_uint(val, &q->weight_age);
	case DBGFS_F_WMARK:
		w->free_mem = strcmp(val, "none");
		if (!w->free_mem)
			return 0;
		if (dbgfs_parse_range(val, UINT_MAX, &lo, &hi))
			return -EINVAL;
		w->low_permille = lo;
		w->high_permille = hi;
		return 0;
	case DBGFS_F_WMARK_INTERVAL:
		return dbgfs_parse_ulong(val, &w->interval_us);
	default:
		return -EINVAL;
	}
}

/**
 * damon_dbgfs_parse_scheme() - parse one line of a write to a schemes file.
 * @line:	the line, NUL-terminated, without its newline.  It is
 *		modified.
 * @s:		a scheme from damon_new_scheme(), with the defaults, to set.
 *
 * The format is at the top of this file.  The values are checked with
 * damon_validate_scheme().
 *
 * Context: any context.
 * Return: 0; -ENODATA if the line holds no field (then @s is unchanged);
 * -EINVAL for an unknown, repeated or malformed field, a missing action,
 * or a scheme that is not valid.
 */
VISIBLE_IF_KUNIT int damon_dbgfs_parse_scheme(char *line, struct damon_scheme *s)
{
	unsigned long seen = 0;
	char *comment, *tok, *val;
	int f;

	comment = strchr(line, '#');
	if (comment)
		*comment = '\0';
	while ((tok = dbgfs_next_token(&line))) {
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		f = match_string(dbgfs_field_names, NR_DBGFS_F, tok);
		if (f < 0 || (seen & BIT(f)))
			return -EINVAL;
		seen |= BIT(f);
		if (dbgfs_parse_field(s, f, val))
			return -EINVAL;
	}
	if (!seen)
		return -ENODATA;
	if (!(seen & BIT(DBGFS_F_ACTION)))
		return -EINVAL;
	return damon_validate_scheme(s);
}
EXPORT_SYMBOL_IF_KUNIT(damon_dbgfs_parse_scheme);

/**
 * damon_dbgfs_parse_schemes() - parse a write to a schemes file.
 * @str:	the input, NUL-terminated.  It is modified.
 * @schemes:	an empty list, to which the schemes are added in input
 *		order.  On error it keeps what was made, for the caller to
 *		free.
 *
 * Context: Process context, may sleep.
 * Return: the number of schemes, maybe 0; -EINVAL if a line is not valid
 * (see damon_dbgfs_parse_scheme()); -E2BIG for more than
 * %DBGFS_MAX_SCHEMES schemes; -ENOMEM.
 */
int damon_dbgfs_parse_schemes(char *str, struct list_head *schemes)
{
	const struct damon_pattern all = {
		.max_sz_bytes = ULONG_MAX,
		.max_nr_accesses = UINT_MAX,
		.max_age = UINT_MAX,
	};
	struct damon_scheme *s;
	int nr = 0, err;
	char *line;

	while ((line = strsep(&str, "\n"))) {
		s = damon_new_scheme(&all, DAMON_ACT_STAT, NULL, NULL);
		if (!s)
			return -ENOMEM;
		err = damon_dbgfs_parse_scheme(line, s);
		if (err == -ENODATA) {
			damon_destroy_scheme(s);
			continue;
		}
		list_add_tail(&s->list, schemes);
		if (err)
			return err;
		if (++nr > DBGFS_MAX_SCHEMES)
			return -E2BIG;
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(damon_dbgfs_parse_schemes);

/* "N" or "max" for @max, the largest value a field takes. */
static int dbgfs_format_bound(char *buf, size_t size, unsigned long val,
			      unsigned long max)
{
	if (val == max)
		return scnprintf(buf, size, "max");
	return scnprintf(buf, size, "%lu", val);
}

/* " name=LO-HI" */
static int dbgfs_format_range(char *buf, size_t size, const char *name,
			      unsigned long lo, unsigned long hi,
			      unsigned long max)
{
	int len = scnprintf(buf, size, " %s=", name);

	len += dbgfs_format_bound(buf + len, size - len, lo, max);
	len += scnprintf(buf + len, size - len, "-");
	len += dbgfs_format_bound(buf + len, size - len, hi, max);
	return len;
}

/**
 * damon_dbgfs_format_scheme() - the line a schemes file shows for a scheme.
 * @buf:	the buffer, of at least %DBGFS_SCHEME_CHARS bytes to hold all.
 * @size:	its size.
 * @s:		the scheme.
 * @st:		its statistics.
 *
 * Context: any context.
 * Return: the length written, without the terminating NUL.
 */
int damon_dbgfs_format_scheme(char *buf, size_t size,
			      const struct damon_scheme *s,
			      const struct damon_scheme_stats *st)
{
	const struct damon_pattern *p = &s->pattern;
	const struct damon_quota *q = &s->quota;
	const struct damon_wmarks *w = &s->wmarks;
	int len;

	len = scnprintf(buf, size, "action=%s", dbgfs_action_names[s->action]);
	len += dbgfs_format_range(buf + len, size - len, "size_bytes",
				  p->min_sz_bytes, p->max_sz_bytes, ULONG_MAX);
	len += dbgfs_format_range(buf + len, size - len, "nr_accesses",
				  p->min_nr_accesses, p->max_nr_accesses,
				  UINT_MAX);
	len += dbgfs_format_range(buf + len, size - len, "age_aggrs",
				  p->min_age, p->max_age, UINT_MAX);
	len += scnprintf(buf + len, size - len,
			 " quota_ms=%lu quota_bytes=%lu quota_reset_ms=%lu weight_size=%u weight_nr_accesses=%u weight_age=%u",
			 q->ms, q->bytes, q->reset_ms, q->weight_sz,
			 q->weight_nr_accesses, q->weight_age);
	if (w->free_mem)
		len += dbgfs_format_range(buf + len, size - len,
					  "wmark_free_permille", w->low_permille,
					  w->high_permille, UINT_MAX);
	else
		len += scnprintf(buf + len, size - len,
				 " wmark_free_permille=none");
	len += scnprintf(buf + len, size - len,
			 " wmark_interval_us=%lu # tried_regions=%llu tried_bytes=%llu applied_regions=%llu applied_bytes=%llu quota_exceeds=%llu\n",
			 w->interval_us, st->tried_regions, st->tried_bytes,
			 st->applied_regions, st->applied_bytes,
			 st->quota_exceeds);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(damon_dbgfs_format_scheme);
