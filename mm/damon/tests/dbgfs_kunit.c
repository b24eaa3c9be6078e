// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the DAMON debugfs interface: the parsers of its files, the
 * recorder's configuration and the record encoder.
 *
 * Run with CONFIG_DAMON_DBGFS_KUNIT_TEST=y; the suite "damon_dbgfs" runs at
 * boot, or through tools/testing/kunit/kunit.py.
 */

#include <kunit/test.h>
#include <linux/damon.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/unaligned.h>

#include "../dbgfs.h"
#include "../internal.h"
#include "../record.h"

/* The parsers cut their input into tokens: give them a writable copy. */
static char *dbgfs_test_dup(struct kunit *test, const char *str)
{
	char *copy = kunit_kstrdup(test, str, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	return copy;
}

/* A string of @len copies of @c, after @prefix. */
static char *dbgfs_test_long_str(struct kunit *test, const char *prefix,
				 char c, size_t len)
{
	size_t plen = strlen(prefix);
	char *str = kunit_kzalloc(test, plen + len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, str);
	memcpy(str, prefix, plen);
	memset(str + plen, c, len);
	return str;
}

/* attrs */

struct dbgfs_attrs_case {
	const char *desc;
	const char *input;
	int err;
	struct damon_attrs attrs;
};

static const struct dbgfs_attrs_case dbgfs_attrs_cases[] = {
	{ "five", "1 2 3 4 5", 0, { 1, 2, 3, 4, 5 } },
	{ "defaults", "5000 100000 1000000 10 1000\n", 0,
	  { 5000, 100000, 1000000, 10, 1000 } },
	{ "tabs and spaces", " \t7 8\t9  10 11\t\n", 0, { 7, 8, 9, 10, 11 } },
	{ "leading zeros", "007 2 3 4 5", 0, { 7, 2, 3, 4, 5 } },
	{ "four", "1 2 3 4", -EINVAL },
	{ "six", "1 2 3 4 5 6", -EINVAL },
	{ "word", "1 2 3 4 x", -EINVAL },
	{ "number then letters", "1 2 3 4 5x", -EINVAL },
	{ "negative", "-1 2 3 4 5", -EINVAL },
	{ "plus sign", "+1 2 3 4 5", -EINVAL },
	{ "hexadecimal", "0x10 2 3 4 5", -EINVAL },
	{ "overflow", "1 2 3 4 99999999999999999999999", -EINVAL },
	{ "empty", "", -EINVAL },
	{ "newline", "\n", -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(dbgfs_attrs, dbgfs_attrs_cases, desc);

static void damon_dbgfs_test_parse_attrs(struct kunit *test)
{
	const struct dbgfs_attrs_case *c = test->param_value;
	struct damon_attrs attrs = {};
	int err;

	err = damon_dbgfs_parse_attrs(dbgfs_test_dup(test, c->input), &attrs);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (err)
		return;
	KUNIT_EXPECT_EQ(test, attrs.sample_interval, c->attrs.sample_interval);
	KUNIT_EXPECT_EQ(test, attrs.aggr_interval, c->attrs.aggr_interval);
	KUNIT_EXPECT_EQ(test, attrs.regions_update_interval,
			c->attrs.regions_update_interval);
	KUNIT_EXPECT_EQ(test, attrs.min_nr_regions, c->attrs.min_nr_regions);
	KUNIT_EXPECT_EQ(test, attrs.max_nr_regions, c->attrs.max_nr_regions);
}

/* target_ids */

#define DBGFS_TEST_MAX_IDS	4

struct dbgfs_ids_case {
	const char *desc;
	const char *input;
	int nr;				/* or the error */
	unsigned long ids[DBGFS_TEST_MAX_IDS];
};

static const struct dbgfs_ids_case dbgfs_ids_cases[] = {
	{ "one", "123", 1, { 123 } },
	{ "number then letters", "123abc", -EINVAL },
	{ "letter then number", "a123", -EINVAL },
	{ "two", "12 35", 2, { 12, 35 } },
	{ "three", "12 35 46", 3, { 12, 35, 46 } },
	{ "word among numbers", "1 2 abc 4", -EINVAL },
	{ "word first", "abc 2 3", -EINVAL },
	{ "empty", "", 0 },
	{ "newline", "\n", 0 },
	{ "whitespace around", "  7\t8\t\n", 2, { 7, 8 } },
	{ "other whitespace", "\v7\r\f8", 2, { 7, 8 } },
	{ "duplicate", "1 2 1", -EINVAL },
	{ "duplicate neighbours", "5 5", -EINVAL },
	{ "overflow", "99999999999999999999999", -EINVAL },
	{ "negative", "-1", -EINVAL },
	{ "plus sign", "+1", -EINVAL },
	{ "full", "1 2 3 4", 4, { 1, 2, 3, 4 } },
	{ "more than room", "1 2 3 4 5", -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(dbgfs_ids, dbgfs_ids_cases, desc);

static void damon_dbgfs_test_parse_ids(struct kunit *test)
{
	const struct dbgfs_ids_case *c = test->param_value;
	unsigned long ids[DBGFS_TEST_MAX_IDS] = {};
	int nr, i;

	nr = damon_dbgfs_parse_ids(dbgfs_test_dup(test, c->input), ids,
				   DBGFS_TEST_MAX_IDS);
	KUNIT_ASSERT_EQ(test, nr, c->nr);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, ids[i], c->ids[i]);
}

/* record */

struct dbgfs_record_case {
	const char *desc;
	const char *input;
	int err;
	unsigned int len;
	const char *path;
};

static const struct dbgfs_record_case dbgfs_record_cases[] = {
	{ "buffer too short", "42 /foo", -EINVAL },
	{ "4242 /foo.bar", "4242 /foo.bar\n", 0, 4242, "/foo.bar" },
	{ "424242 /foo", "424242 /foo", 0, 424242, "/foo" },
	{ "disabled", "0 null", 0, 0, "null" },
	{ "smallest buffer", "1024 /a", 0, 1024, "/a" },
	{ "below smallest", "1023 /a", -EINVAL },
	{ "largest buffer", "4194304 /a", 0, 4194304, "/a" },
	{ "above largest", "4194305 /a", -EINVAL },
	{ "UTF-8 path", "4242 /\xc3\xa0", 0, 4242, "/\xc3\xa0" },
	{ "relative path", "4242 foo.bar", -EINVAL },
	{ "one field", "123", -EINVAL },
	{ "three fields", "4242 /a b", -EINVAL },
	{ "length not a number", "abc 2 3", -EINVAL },
	{ "length with letters", "4242x /a", -EINVAL },
	{ "negative length", "-1 /a", -EINVAL },
	{ "length overflow", "99999999999999999999999 /a", -EINVAL },
	{ "empty", "", -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(dbgfs_record, dbgfs_record_cases, desc);

static void damon_dbgfs_test_parse_record(struct kunit *test)
{
	const struct dbgfs_record_case *c = test->param_value;
	char path[DAMON_REC_PATH_MAX] = "untouched";
	unsigned int len = 7;
	int err;

	err = damon_dbgfs_parse_record(dbgfs_test_dup(test, c->input), &len,
				       path, sizeof(path));
	KUNIT_ASSERT_EQ(test, err, c->err);
	if (err) {
		KUNIT_EXPECT_EQ(test, len, 7);
		KUNIT_EXPECT_STREQ(test, path, "untouched");
		return;
	}
	KUNIT_EXPECT_EQ(test, len, c->len);
	KUNIT_EXPECT_STREQ(test, path, c->path);
}

/* A path of 255 bytes fits, one of 256 or 300 bytes does not. */
static void damon_dbgfs_test_parse_record_long_path(struct kunit *test)
{
	char path[DAMON_REC_PATH_MAX];
	unsigned int len;
	char *input;

	input = dbgfs_test_long_str(test, "4242 /", 'a', 254);
	KUNIT_EXPECT_EQ(test, damon_dbgfs_parse_record(input, &len, path,
						       sizeof(path)), 0);
	KUNIT_EXPECT_EQ(test, strlen(path), 255);

	input = dbgfs_test_long_str(test, "4242 /", 'a', 255);
	KUNIT_EXPECT_EQ(test, damon_dbgfs_parse_record(input, &len, path,
						       sizeof(path)), -EINVAL);

	input = dbgfs_test_long_str(test, "4242 /", 'a', 299);
	KUNIT_EXPECT_EQ(test, damon_dbgfs_parse_record(input, &len, path,
						       sizeof(path)), -EINVAL);

	input = dbgfs_test_long_str(test, "0 ", 'a', 1024);
	KUNIT_EXPECT_EQ(test, damon_dbgfs_parse_record(input, &len, path,
						       sizeof(path)), -EINVAL);
}

/* mk_contexts */

struct dbgfs_name_case {
	const char *desc;
	const char *name;
	int err;
};

static const struct dbgfs_name_case dbgfs_name_cases[] = {
	{ "plain", "foo", 0 },
	{ "with digits and marks", "ctx-1_a.b", 0 },
	{ "three dots", "...", 0 },
	{ "UTF-8", "caf\xc3\xa9-\xc3\xa0", 0 },
	{ "empty", "", -EINVAL },
	{ "dot", ".", -EINVAL },
	{ "dot dot", "..", -EINVAL },
	{ "slash", "a/b", -EINVAL },
	{ "only slash", "/", -EINVAL },
	{ "space", "a b", -EINVAL },
	{ "newline", "a\nb", -EINVAL },
	{ "control character", "a\x01", -EINVAL },
	{ "delete character", "a\x7f", -EINVAL },
	{ "tab", "\ta", -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(dbgfs_name, dbgfs_name_cases, desc);

static void damon_dbgfs_test_check_name(struct kunit *test)
{
	const struct dbgfs_name_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, damon_dbgfs_check_name(c->name), c->err);
}

/* A name of 63 bytes is accepted, one of 64 is not. */
static void damon_dbgfs_test_check_name_length(struct kunit *test)
{
	char *name;

	name = dbgfs_test_long_str(test, "", 'n', 63);
	KUNIT_EXPECT_EQ(test, damon_dbgfs_check_name(name), 0);
	name = dbgfs_test_long_str(test, "", 'n', 64);
	KUNIT_EXPECT_EQ(test, damon_dbgfs_check_name(name), -EINVAL);
}

/* The recorder's configuration */

static void dbgfs_test_destroy_rec(void *rec)
{
	damon_rec_destroy(rec);
}

static void damon_dbgfs_test_rec_set(struct kunit *test)
{
	char path[DAMON_REC_PATH_MAX];
	struct damon_recorder *rec;
	unsigned int len;
	int err;

	rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	damon_rec_init(rec);
	err = kunit_add_action_or_reset(test, dbgfs_test_destroy_rec, rec);
	KUNIT_ASSERT_EQ(test, err, 0);

	damon_rec_get(rec, &len, path, sizeof(path));
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_STREQ(test, path, "none");

	KUNIT_EXPECT_EQ(test, damon_rec_set(rec, 42, "/foo"), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_rec_set(rec, 4242, "foo"), -EINVAL);
	damon_rec_get(rec, &len, path, sizeof(path));
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_STREQ(test, path, "none");

	KUNIT_ASSERT_EQ(test, damon_rec_set(rec, 4242, "/foo.bar"), 0);
	damon_rec_get(rec, &len, path, sizeof(path));
	KUNIT_EXPECT_EQ(test, len, 4242);
	KUNIT_EXPECT_STREQ(test, path, "/foo.bar");
	KUNIT_EXPECT_NOT_NULL(test, rec->buf);

	KUNIT_ASSERT_EQ(test, damon_rec_set(rec, 0, "null"), 0);
	damon_rec_get(rec, &len, path, sizeof(path));
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_STREQ(test, path, "null");
	KUNIT_EXPECT_NULL(test, rec->buf);
}

/* The encoder */

static void damon_dbgfs_test_encode_header(struct kunit *test)
{
	static const u8 expected[DAMON_REC_HEADER_SIZE] = {
		'd', 'a', 'm', 'o', 'n', '_', 'r', 'e',
		'c', 'f', 'm', 't', '_', 'v', 'e', 'r',
		0x02, 0x00, 0x00, 0x00,
	};
	u8 buf[DAMON_REC_HEADER_SIZE + 4];

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, damon_rec_encode_header(buf, sizeof(buf)),
			DAMON_REC_HEADER_SIZE);
	KUNIT_EXPECT_MEMEQ(test, buf, expected, sizeof(expected));
	KUNIT_EXPECT_EQ(test, buf[DAMON_REC_HEADER_SIZE], 0xa5);

	KUNIT_EXPECT_EQ(test,
			damon_rec_encode_header(buf, DAMON_REC_HEADER_SIZE - 1),
			0);
}

KUNIT_DEFINE_ACTION_WRAPPER(dbgfs_test_destroy_ctx, damon_destroy_ctx,
			    struct damon_ctx *);

/*
 * Three targets of three regions: 20 + 3 * (12 + 3 * 20) = 236 bytes.
 * Target i (0..2) has id 0x01020300 + i, and region j (0..2) of it spans
 * [base, base + 0x1000) with base = 0x12340000 + i * 0x100000 + j * 0x1000,
 * accessed 0x0a0b0c00 + 3 * i + j times.
 */
static void damon_dbgfs_test_encode_snapshot(struct kunit *test)
{
	static const u8 region_1_2[DAMON_REC_REGION_SIZE] = {
		0x00, 0x20, 0x44, 0x12, 0x00, 0x00, 0x00, 0x00,	/* start */
		0x00, 0x30, 0x44, 0x12, 0x00, 0x00, 0x00, 0x00,	/* end */
		0x05, 0x0c, 0x0b, 0x0a,				/* nr_accesses */
	};
	static const u8 head[DAMON_REC_SNAPSHOT_HEAD + DAMON_REC_TARGET_HEAD] = {
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,	/* tv_sec */
		0x44, 0x33, 0x22, 0x11, 0x00, 0x00, 0x00, 0x00,	/* tv_nsec */
		0x03, 0x00, 0x00, 0x00,				/* targets */
		0x00, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00,	/* id */
		0x03, 0x00, 0x00, 0x00,				/* regions */
	};
	const struct timespec64 ts = {
		.tv_sec = 0x0102030405060708LL,
		.tv_nsec = 0x11223344,
	};
	const size_t target_size = DAMON_REC_TARGET_HEAD +
				   3 * DAMON_REC_REGION_SIZE;
	struct damon_target *t;
	struct damon_region *r;
	struct damon_ctx *ctx;
	unsigned long base;
	size_t off;
	int i, j, err;
	u8 *buf;

	ctx = damon_new_ctx();
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	err = kunit_add_action_or_reset(test, dbgfs_test_destroy_ctx, ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	for (i = 0; i < 3; i++) {
		t = damon_new_target(0x01020300 + i);
		KUNIT_ASSERT_NOT_NULL(test, t);
		damon_add_target(ctx, t);
		for (j = 0; j < 3; j++) {
			base = 0x12340000 + i * 0x100000 + j * 0x1000;
			r = damon_new_region(base, base + 0x1000);
			KUNIT_ASSERT_NOT_NULL(test, r);
			r->nr_accesses = 0x0a0b0c00 + 3 * i + j;
			damon_add_region(r, t);
		}
	}

	KUNIT_ASSERT_EQ(test, damon_rec_snapshot_size(ctx), 236);
	buf = kunit_kzalloc(test, 236, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* One byte short: nothing is written. */
	KUNIT_EXPECT_EQ(test, damon_rec_encode_snapshot(ctx, &ts, buf, 235), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 0);

	KUNIT_ASSERT_EQ(test, damon_rec_encode_snapshot(ctx, &ts, buf, 236),
			236);
	KUNIT_EXPECT_MEMEQ(test, buf, head, sizeof(head));

	/* The third region of the second target. */
	off = DAMON_REC_SNAPSHOT_HEAD + target_size + DAMON_REC_TARGET_HEAD +
	      2 * DAMON_REC_REGION_SIZE;
	KUNIT_EXPECT_MEMEQ(test, buf + off, region_1_2, sizeof(region_1_2));

	/* Every target's id and region count, every region's range. */
	for (i = 0; i < 3; i++) {
		off = DAMON_REC_SNAPSHOT_HEAD + i * target_size;
		KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf + off),
				0x01020300 + i);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf + off + 8), 3);
		for (j = 0; j < 3; j++) {
			u8 *p = buf + off + DAMON_REC_TARGET_HEAD +
				j * DAMON_REC_REGION_SIZE;

			base = 0x12340000 + i * 0x100000 + j * 0x1000;
			KUNIT_EXPECT_EQ(test, get_unaligned_le64(p), base);
			KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 8),
					base + 0x1000);
			KUNIT_EXPECT_EQ(test, get_unaligned_le32(p + 16),
					0x0a0b0c00 + 3 * i + j);
		}
	}
}

/* A context without targets makes a 20-byte snapshot of no targets. */
static void damon_dbgfs_test_encode_empty(struct kunit *test)
{
	const struct timespec64 ts = { .tv_sec = 1, .tv_nsec = 2 };
	u8 buf[DAMON_REC_SNAPSHOT_HEAD];
	struct damon_ctx *ctx;
	int err;

	ctx = damon_new_ctx();
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	err = kunit_add_action_or_reset(test, dbgfs_test_destroy_ctx, ctx);
	KUNIT_ASSERT_EQ(test, err, 0);

	KUNIT_EXPECT_EQ(test, damon_rec_encode_snapshot(ctx, &ts, buf,
							sizeof(buf)),
			DAMON_REC_SNAPSHOT_HEAD);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf), 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf + 8), 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf + 16), 0);
}

/* schemes */

struct dbgfs_scheme_case {
	const char *desc;
	const char *input;
	int nr;				/* or the error */
};

static const struct dbgfs_scheme_case dbgfs_scheme_cases[] = {
	{ "action only", "action=stat", 1 },
	{ "every field",
	  "action=pageout size_bytes=4096-max nr_accesses=0-0 age_aggrs=50-max quota_ms=10 quota_bytes=1048576 quota_reset_ms=500 weight_size=0 weight_nr_accesses=5 weight_age=100 wmark_free_permille=50-800 wmark_interval_us=2000",
	  1 },
	{ "two lines, a comment and blanks",
	  "# reclaim\n\naction=pageout age_aggrs=10-max # old\n \t\naction=hugepage\n", 2 },
	{ "empty", "", 0 },
	{ "only a comment", "# action=stat", 0 },
	{ "no action", "size_bytes=0-max", -EINVAL },
	{ "unknown action", "action=free", -EINVAL },
	{ "unknown field", "action=stat colour=red", -EINVAL },
	{ "repeated field", "action=stat action=cold", -EINVAL },
	{ "no value", "action=stat quota_ms", -EINVAL },
	{ "empty value", "action=stat quota_ms=", -EINVAL },
	{ "range without a dash", "action=stat age_aggrs=5", -EINVAL },
	{ "range inverted", "action=stat nr_accesses=5-4", -EINVAL },
	{ "range too large", "action=stat age_aggrs=0-4294967296", -EINVAL },
	{ "negative", "action=stat size_bytes=-1-5", -EINVAL },
	{ "max where no range", "action=stat quota_ms=max", -EINVAL },
	{ "zero reset interval", "action=stat quota_reset_ms=0", -EINVAL },
	{ "weight above 100", "action=stat weight_age=101", -EINVAL },
	{ "watermarks inverted", "action=stat wmark_free_permille=500-100",
	  -EINVAL },
	{ "watermark above 1000", "action=stat wmark_free_permille=0-1001",
	  -EINVAL },
	{ "zero watermarks interval",
	  "action=stat wmark_free_permille=0-1000 wmark_interval_us=0",
	  -EINVAL },
	{ "a good line, then a bad one", "action=stat\naction=stat x=1",
	  -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(dbgfs_scheme, dbgfs_scheme_cases, desc);

static void dbgfs_test_destroy_schemes(void *data)
{
	struct list_head *schemes = data;
	struct damon_scheme *s, *next;

	list_for_each_entry_safe(s, next, schemes, list)
		damon_destroy_scheme(s);
}

static struct list_head *dbgfs_test_schemes(struct kunit *test)
{
	struct list_head *schemes = kunit_kzalloc(test, sizeof(*schemes),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, schemes);
	INIT_LIST_HEAD(schemes);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							dbgfs_test_destroy_schemes,
							schemes), 0);
	return schemes;
}

static void damon_dbgfs_test_parse_schemes(struct kunit *test)
{
	const struct dbgfs_scheme_case *c = test->param_value;
	struct list_head *schemes = dbgfs_test_schemes(test);
	int nr;

	nr = damon_dbgfs_parse_schemes(dbgfs_test_dup(test, c->input),
				       schemes);
	KUNIT_EXPECT_EQ(test, nr, c->nr);
	if (nr >= 0)
		KUNIT_EXPECT_EQ(test, list_count_nodes(schemes), (size_t)nr);
}

/* Every field lands where it should; defaults fill the others. */
static void damon_dbgfs_test_parse_scheme_fields(struct kunit *test)
{
	static const char * const input[] = {
		"nr_accesses=1-2 action=cold age_aggrs=3-max quota_bytes=7 wmark_free_permille=10-20\naction=willneed",
	};
	struct list_head *schemes = dbgfs_test_schemes(test);
	struct damon_scheme *s;
	int nr;

	nr = damon_dbgfs_parse_schemes(dbgfs_test_dup(test, input[0]), schemes);
	KUNIT_ASSERT_EQ(test, nr, 2);
	s = list_first_entry(schemes, struct damon_scheme, list);
	KUNIT_EXPECT_EQ(test, s->action, DAMON_ACT_COLD);
	KUNIT_EXPECT_EQ(test, s->pattern.min_sz_bytes, 0UL);
	KUNIT_EXPECT_EQ(test, s->pattern.max_sz_bytes, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, s->pattern.min_nr_accesses, 1U);
	KUNIT_EXPECT_EQ(test, s->pattern.max_nr_accesses, 2U);
	KUNIT_EXPECT_EQ(test, s->pattern.min_age, 3U);
	KUNIT_EXPECT_EQ(test, s->pattern.max_age, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->quota.ms, 0UL);
	KUNIT_EXPECT_EQ(test, s->quota.bytes, 7UL);
	KUNIT_EXPECT_EQ(test, s->quota.reset_ms, 1000UL);
	KUNIT_EXPECT_TRUE(test, s->wmarks.free_mem);
	KUNIT_EXPECT_EQ(test, s->wmarks.low_permille, 10U);
	KUNIT_EXPECT_EQ(test, s->wmarks.high_permille, 20U);
	KUNIT_EXPECT_EQ(test, s->wmarks.interval_us, 1000000UL);
	s = list_next_entry(s, list);
	KUNIT_EXPECT_EQ(test, s->action, DAMON_ACT_WILLNEED);
	KUNIT_EXPECT_FALSE(test, s->wmarks.free_mem);
}

/* What a schemes file shows parses back to the same line. */
static void damon_dbgfs_test_format_scheme(struct kunit *test)
{
	static const char * const lines[] = {
		"action=pageout size_bytes=4096-max nr_accesses=0-0 age_aggrs=50-max quota_ms=10 quota_bytes=0 quota_reset_ms=1000 weight_size=1 weight_nr_accesses=3 weight_age=2 wmark_free_permille=none wmark_interval_us=1000000",
		"action=nohugepage size_bytes=0-18446744073709551614 nr_accesses=4294967294-max age_aggrs=0-0 quota_ms=18446744073709551615 quota_bytes=18446744073709551615 quota_reset_ms=86400000 weight_size=100 weight_nr_accesses=100 weight_age=100 wmark_free_permille=0-1000 wmark_interval_us=86400000000",
	};
	const struct damon_scheme_stats st = {
		.tried_regions = 1, .tried_bytes = 2, .applied_regions = 3,
		.applied_bytes = U64_MAX, .quota_exceeds = 5,
	};
	struct list_head *schemes = dbgfs_test_schemes(test);
	char *buf = kunit_kzalloc(test, DBGFS_SCHEME_CHARS, GFP_KERNEL);
	static const char * const stats_line[] = {
		" # tried_regions=1 tried_bytes=2 applied_regions=3 applied_bytes=18446744073709551615 quota_exceeds=5\n",
	};
	const char *stats = stats_line[0];
	struct damon_scheme *s;
	unsigned int i;
	int len, nr;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		nr = damon_dbgfs_parse_schemes(dbgfs_test_dup(test, lines[i]),
					       schemes);
		KUNIT_ASSERT_EQ(test, nr, 1);
		s = list_last_entry(schemes, struct damon_scheme, list);
		len = damon_dbgfs_format_scheme(buf, DBGFS_SCHEME_CHARS, s,
						&st);
		KUNIT_EXPECT_LT(test, len, DBGFS_SCHEME_CHARS - 1);
		KUNIT_EXPECT_EQ(test, strlen(buf), strlen(lines[i]) +
				strlen(stats));
		KUNIT_EXPECT_EQ(test, strncmp(buf, lines[i], strlen(lines[i])),
				0);
		KUNIT_EXPECT_STREQ(test, buf + strlen(lines[i]), stats);
		damon_destroy_scheme(s);
		nr = damon_dbgfs_parse_schemes(dbgfs_test_dup(test, buf),
					       schemes);
		KUNIT_ASSERT_EQ(test, nr, 1);
	}
}

/* At most DBGFS_MAX_SCHEMES schemes. */
static void damon_dbgfs_test_parse_schemes_many(struct kunit *test)
{
	struct list_head *schemes = dbgfs_test_schemes(test);
	char *input;
	int i, len = 0, size = 13 * (DBGFS_MAX_SCHEMES + 1) + 1;

	input = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, input);
	for (i = 0; i < DBGFS_MAX_SCHEMES; i++)
		len += scnprintf(input + len, size - len, "action=stat\n");
	KUNIT_EXPECT_EQ(test,
			damon_dbgfs_parse_schemes(dbgfs_test_dup(test, input),
						  schemes),
			DBGFS_MAX_SCHEMES);
	dbgfs_test_destroy_schemes(schemes);
	INIT_LIST_HEAD(schemes);
	scnprintf(input + len, size - len, "action=stat\n");
	KUNIT_EXPECT_EQ(test, damon_dbgfs_parse_schemes(input, schemes),
			-E2BIG);
}

static struct kunit_case damon_dbgfs_test_cases[] = {
	KUNIT_CASE_PARAM(damon_dbgfs_test_parse_attrs,
			 dbgfs_attrs_gen_params),
	KUNIT_CASE_PARAM(damon_dbgfs_test_parse_ids, dbgfs_ids_gen_params),
	KUNIT_CASE_PARAM(damon_dbgfs_test_parse_record,
			 dbgfs_record_gen_params),
	KUNIT_CASE(damon_dbgfs_test_parse_record_long_path),
	KUNIT_CASE_PARAM(damon_dbgfs_test_check_name, dbgfs_name_gen_params),
	KUNIT_CASE(damon_dbgfs_test_check_name_length),
	KUNIT_CASE_PARAM(damon_dbgfs_test_parse_schemes,
			 dbgfs_scheme_gen_params),
	KUNIT_CASE(damon_dbgfs_test_parse_scheme_fields),
	KUNIT_CASE(damon_dbgfs_test_format_scheme),
	KUNIT_CASE(damon_dbgfs_test_parse_schemes_many),
	KUNIT_CASE(damon_dbgfs_test_rec_set),
	KUNIT_CASE(damon_dbgfs_test_encode_header),
	KUNIT_CASE(damon_dbgfs_test_encode_snapshot),
	KUNIT_CASE(damon_dbgfs_test_encode_empty),
	{}
};

static struct kunit_suite damon_dbgfs_test_suite = {
	.name = "damon_dbgfs",
	.test_cases = damon_dbgfs_test_cases,
};

kunit_test_suite(damon_dbgfs_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
