// SPDX-License-Identifier: GPL-2.0
/*
 * The text perf script prints for damon:damon_aggregated, one region a line:
 *
 *   kdamond.0   123 [001]  4567.123456: damon:damon_aggregated: \
 *	target_id=4242 nr_regions=12 140737488289792-140737488293888: 5 3
 *
 * The last number, the region's age, is read and not kept (the model has
 * none; kernels before it was added end the line with nr_accesses).
 * What comes before the timestamp varies; the timestamp is the last token
 * before the event name.  Consecutive events are grouped into snapshots:
 * a new snapshot starts when the timestamp moves by more than EPSILON_NS
 * after a complete target, or when a target of the current snapshot comes
 * again (its regions restart).  A target's regions must come together and
 * be as many as its nr_regions says.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

#define EVENT		"damon:damon_aggregated:"
#define EPSILON_NS	1000000ULL	/* 1 ms */

/* The ids of the targets of the current snapshot, by generation. */
struct idset {
	uint64_t *keys;
	uint32_t *gens;
	size_t cap, count;
	uint32_t gen;
};

static size_t slot_of(uint64_t id, size_t cap)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & (cap - 1);
}

static int idset_grow(struct idset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 64, i;
	uint64_t *keys = calloc(ncap, sizeof(*keys));
	uint32_t *gens = calloc(ncap, sizeof(*gens));

	if (!keys || !gens || ncap < s->cap) {
		free(keys);
		free(gens);
		return -1;
	}
	for (i = 0; i < s->cap; i++) {
		size_t k;

		if (s->gens[i] != s->gen)
			continue;
		for (k = slot_of(s->keys[i], ncap); gens[k] == s->gen;
		     k = (k + 1) & (ncap - 1))
			;
		keys[k] = s->keys[i];
		gens[k] = s->gen;
	}
	free(s->keys);
	free(s->gens);
	s->keys = keys;
	s->gens = gens;
	s->cap = ncap;
	return 0;
}

/* Adds @id; returns 1 if it was there, 0 if added, -1 if out of memory. */
static int idset_add(struct idset *s, uint64_t id)
{
	size_t k;

	if ((s->count + 1) * 2 > s->cap && idset_grow(s))
		return -1;
	for (k = slot_of(id, s->cap); s->gens[k] == s->gen;
	     k = (k + 1) & (s->cap - 1))
		if (s->keys[k] == id)
			return 1;
	s->keys[k] = id;
	s->gens[k] = s->gen;
	s->count++;
	return 0;
}

static void idset_clear(struct idset *s)
{
	s->count = 0;
	if (++s->gen == 0) {	/* wrapped: really clear */
		if (s->gens)
			memset(s->gens, 0, s->cap * sizeof(*s->gens));
		s->gen = 1;
	}
}

static int parse_u64(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;

	if (p >= end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*pp = p;
	*v = x;
	return 0;
}

static int parse_u32(const char **pp, const char *end, uint32_t *v)
{
	uint64_t x;

	if (parse_u64(pp, end, &x) || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int expect(const char **pp, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *pp) < n || memcmp(*pp, lit, n))
		return -1;
	*pp += n;
	return 0;
}

/* "SECONDS.FRACTION:" ending right before @ev, to nanoseconds. */
static int parse_time(const char *line, const char *ev, uint64_t *ns)
{
	const char *q = ev, *p, *dot;
	uint64_t sec, frac = 0;
	int digits = 0;

	while (q > line && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (q == line || q[-1] != ':')
		return -1;
	q--;			/* the colon */
	for (p = q; p > line && p[-1] != ' ' && p[-1] != '\t'; p--)
		;
	dot = memchr(p, '.', (size_t)(q - p));
	if (parse_u64(&p, dot ? dot : q, &sec) || p != (dot ? dot : q))
		return -1;
	if (dot) {
		for (p = dot + 1; p < q; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
		}
		if (p == dot + 1)
			return -1;
	}
	for (; digits < 9; digits++)
		frac *= 10;
	if (sec > (UINT64_MAX - frac) / 1000000000ULL)
		return -1;
	*ns = sec * 1000000000ULL + frac;
	return 0;
}

int dm_read_perf(const char *name, const unsigned char *ubuf, size_t len,
		 struct dm_model *m, struct dm_error *e)
{
	const char *buf = (const char *)ubuf, *end = buf + len, *line;
	unsigned long long lineno = 0, target_line = 0;
	struct idset ids = { NULL, NULL, 0, 0, 1 };
	uint64_t last_ts = 0, prev_end = 0, last_id = 0;
	uint32_t seen = 0, expected = 0;
	int ret = -1;

	for (line = buf; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end, *p, *ev;
		uint64_t ts, id, start, rend;
		uint32_t nrr, acc, age;
		int new_snap = 0, new_target = 0;

		lineno++;
		p = line;
		line = nl ? nl + 1 : end;
		while (eol > p && (eol[-1] == '\r' || eol[-1] == ' ' ||
				   eol[-1] == '\t'))
			eol--;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p == eol || *p == '#')
			continue;
		ev = memmem(p, (size_t)(eol - p), EVENT, strlen(EVENT));
		if (!ev) {
			dm_seterr(e, name, "line", lineno,
				  "not a damon:damon_aggregated event");
			goto out;
		}
		if (parse_time(p, ev, &ts)) {
			dm_seterr(e, name, "line", lineno,
				  "no timestamp before the event name");
			goto out;
		}
		p = ev + strlen(EVENT);
		if (expect(&p, eol, " target_id=") || parse_u64(&p, eol, &id) ||
		    expect(&p, eol, " nr_regions=") || parse_u32(&p, eol, &nrr) ||
		    expect(&p, eol, " ") || parse_u64(&p, eol, &start) ||
		    expect(&p, eol, "-") || parse_u64(&p, eol, &rend) ||
		    expect(&p, eol, ": ") || parse_u32(&p, eol, &acc) ||
		    (p != eol && (expect(&p, eol, " ") ||
				  parse_u32(&p, eol, &age))) || p != eol) {
			dm_seterr(e, name, "line", lineno,
				  "malformed damon_aggregated fields");
			goto out;
		}
		if (nrr == 0) {
			dm_seterr(e, name, "line", lineno, "nr_regions=0");
			goto out;
		}
		if (start >= rend) {
			dm_seterr(e, name, "line", lineno,
				  "region start %llu >= end %llu",
				  (unsigned long long)start,
				  (unsigned long long)rend);
			goto out;
		}
		if (m->nr_snaps == 0) {
			new_snap = 1;
		} else if (seen < expected) {
			if (id != last_id) {
				dm_seterr(e, name, "line", lineno,
					  "target %llu (from line %llu) got %u of its %u regions",
					  (unsigned long long)last_id, target_line,
					  seen, expected);
				goto out;
			}
			if (nrr != expected) {
				dm_seterr(e, name, "line", lineno,
					  "nr_regions changed from %u to %u within target %llu",
					  expected, nrr, (unsigned long long)id);
				goto out;
			}
			if (start < prev_end) {
				dm_seterr(e, name, "line", lineno,
					  "region %llu-%llu overlaps or precedes the previous one",
					  (unsigned long long)start,
					  (unsigned long long)rend);
				goto out;
			}
		} else {
			uint64_t d = ts > last_ts ? ts - last_ts : last_ts - ts;
			int r;

			if (d > EPSILON_NS) {
				new_snap = 1;
			} else {
				r = idset_add(&ids, id);
				if (r < 0)
					goto nomem;
				if (r)
					new_snap = 1;
				else
					new_target = 1;
			}
		}
		if (new_snap) {
			idset_clear(&ids);
			if (idset_add(&ids, id) < 0 ||
			    dm_add_snapshot(m, ts, 0))
				goto nomem;
			new_target = 1;
		}
		if (new_target) {
			if (dm_add_target(m, id))
				goto nomem;
			last_id = id;
			expected = nrr;
			seen = 0;
			target_line = lineno;
		}
		if (dm_add_region(m, start, rend, acc))
			goto nomem;
		seen++;
		prev_end = rend;
		last_ts = ts;
	}
	if (m->nr_snaps == 0) {
		dm_seterr(e, name, "line", lineno ? lineno : 1,
			  "no damon:damon_aggregated event");
		goto out;
	}
	if (seen < expected) {
		dm_seterr(e, name, "line", lineno,
			  "end of input: target %llu (from line %llu) got %u of its %u regions",
			  (unsigned long long)last_id, target_line, seen, expected);
		goto out;
	}
	m->nr_runs = 1;
	ret = 0;
	goto out;
nomem:
	dm_seterr(e, name, "line", lineno, "out of memory");
out:
	free(ids.keys);
	free(ids.gens);
	return ret;
}
