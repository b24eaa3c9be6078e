/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the files of DAMON's debugfs interface: dbgfs.c, which makes
 * the files and applies what is written to them, and dbgfs-schemes.c,
 * which translates the text of the schemes file.
 */

#ifndef _MM_DAMON_DBGFS_H
#define _MM_DAMON_DBGFS_H

#include <linux/damon.h>
#include <linux/list.h>
#include <linux/types.h>

/* The most schemes a context takes through its schemes file. */
#define DBGFS_MAX_SCHEMES	32

/* The longest line damon_dbgfs_format_scheme() writes, with its NUL. */
#define DBGFS_SCHEME_CHARS	768

char *dbgfs_next_token(char **strp);
int dbgfs_parse_ulong(const char *tok, unsigned long *val);

int damon_dbgfs_parse_schemes(char *str, struct list_head *schemes);
int damon_dbgfs_format_scheme(char *buf, size_t size,
			      const struct damon_scheme *s,
			      const struct damon_scheme_stats *st);
#if IS_ENABLED(CONFIG_KUNIT)
int damon_dbgfs_parse_scheme(char *line, struct damon_scheme *s);
#endif

#endif	/* _MM_DAMON_DBGFS_H */
