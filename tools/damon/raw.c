// SPDX-License-Identifier: GPL-2.0
/*
 * raw: the model as text, one region a line:
 *
 *   # time_s target start end size nr_accesses
 *   12.345678901 4242 0x400000 0x401000 4096 5
 *
 * A line "# run N" comes before the first snapshot of every run after the
 * first.  Formatting is done by hand: printf costs too much for 5 million
 * lines.
 */
#include <string.h>

#include "damon-report.h"

static char *put_dec(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_hex(char *p, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	*p++ = '0';
	*p++ = 'x';
	do {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* seconds.nanoseconds, nine digits */
static char *put_time(char *p, uint64_t ns)
{
	uint64_t frac = ns % 1000000000ULL;
	int i;

	p = put_dec(p, ns / 1000000000ULL);
	*p++ = '.';
	for (i = 8; i >= 0; i--) {
		p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	return p + 9;
}

int dm_report_raw(const struct dm_model *m, FILE *out)
{
	char line[160], prefix[64];
	size_t i, plen;
	uint32_t j, k;

	fputs("# time_s target start end size nr_accesses\n", out);
	for (i = 0; i < m->nr_snaps; i++) {
		const struct dm_snapshot *s = &m->snaps[i];

		if (i > 0 && s->run != m->snaps[i - 1].run)
			fprintf(out, "# run %u\n", s->run + 1);
		for (j = 0; j < s->nr_targets; j++) {
			const struct dm_target *t = &m->targets[s->first_target + j];
			char *p = prefix;

			p = put_time(p, s->time_ns);
			*p++ = ' ';
			p = put_dec(p, t->id);
			*p++ = ' ';
			plen = (size_t)(p - prefix);
			for (k = 0; k < t->nr_regions; k++) {
				const struct dm_region *r =
					&m->regions[t->first_region + k];

				memcpy(line, prefix, plen);
				p = line + plen;
				p = put_hex(p, r->start);
				*p++ = ' ';
				p = put_hex(p, r->end);
				*p++ = ' ';
				p = put_dec(p, r->end - r->start);
				*p++ = ' ';
				p = put_dec(p, r->nr_accesses);
				*p++ = '\n';
				fwrite(line, 1, (size_t)(p - line), out);
			}
		}
	}
	return ferror(out) ? -1 : 0;
}
