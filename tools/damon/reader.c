// SPDX-License-Identifier: GPL-2.0
/*
 * Reading an input: a file (or "-" for standard input) is taken whole into
 * memory, then handed to the record parser if it looks binary and to the
 * perf script parser if it is text.
 *
 * The record parser checks every count against the bytes left before it
 * trusts it, so no input makes it allocate more than the file can describe
 * or loop longer than the file is long.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "damon-report.h"

#define SNAP_HEAD	20	/* tv_sec, tv_nsec, nr_targets */
#define TARGET_HEAD	12	/* id, nr_regions */
#define REGION_LEN	20	/* start, end, nr_accesses */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The file is a beginning of the magic, cut before its end. */
static int is_cut_magic(const unsigned char *buf, size_t len, size_t off)
{
	return len - off < DM_MAGIC_LEN && !memcmp(buf + off, DM_MAGIC, len - off);
}

static int is_header_at(const unsigned char *buf, size_t len, size_t off)
{
	return len - off >= DM_MAGIC_LEN &&
	       !memcmp(buf + off, DM_MAGIC, DM_MAGIC_LEN);
}

int dm_read_record(const char *name, const unsigned char *buf, size_t len,
		   struct dm_model *m, struct dm_error *e)
{
	size_t off = 0, snap_off;
	uint32_t run = 0;
	int have_header = 0;

	if (len == 0) {
		dm_seterr(e, name, "offset", 0, "empty file");
		return -1;
	}
	while (off < len) {
		uint64_t sec, nsec;
		uint32_t nr_targets, i;

		if (is_cut_magic(buf, len, off)) {
			dm_seterr(e, name, "offset", len, "truncated header");
			return -1;
		}
		if (is_header_at(buf, len, off)) {
			uint32_t ver;

			if (len - off < DM_HEADER_LEN) {
				dm_seterr(e, name, "offset", off + DM_MAGIC_LEN,
					  "truncated header: no version");
				return -1;
			}
			ver = le32(buf + off + DM_MAGIC_LEN);
			if (ver != DM_VERSION) {
				dm_seterr(e, name, "offset", off + DM_MAGIC_LEN,
					  "unsupported record format version %u (expected %d)",
					  ver, DM_VERSION);
				return -1;
			}
			if (have_header)
				run++;
			have_header = 1;
			off += DM_HEADER_LEN;
			continue;
		}
		if (!have_header) {
			dm_seterr(e, name, "offset", 0,
				  "bad magic: not a DAMON record (expected \"%s\")",
				  DM_MAGIC);
			return -1;
		}
		snap_off = off;
		if (len - off < SNAP_HEAD)
			goto truncated;
		sec = le64(buf + off);
		nsec = le64(buf + off + 8);
		nr_targets = le32(buf + off + 16);
		if (nsec >= 1000000000ULL || sec > (UINT64_MAX - nsec) / 1000000000ULL) {
			dm_seterr(e, name, "offset", off,
				  "bad timestamp %llu s %llu ns",
				  (unsigned long long)sec, (unsigned long long)nsec);
			return -1;
		}
		off += SNAP_HEAD;
		if (nr_targets > (len - off) / TARGET_HEAD) {
			dm_seterr(e, name, "offset", off - 4,
				  "nr_targets %u cannot fit in the %zu bytes left (truncated or corrupt)",
				  nr_targets, len - off);
			return -1;
		}
		if (dm_add_snapshot(m, sec * 1000000000ULL + nsec, run))
			goto nomem;
		for (i = 0; i < nr_targets; i++) {
			uint64_t id, prev_end = 0;
			uint32_t nr_regions, j;

			if (len - off < TARGET_HEAD)
				goto truncated;
			id = le64(buf + off);
			nr_regions = le32(buf + off + 8);
			off += TARGET_HEAD;
			if (nr_regions > (len - off) / REGION_LEN) {
				dm_seterr(e, name, "offset", off - 4,
					  "nr_regions %u needs %llu bytes, %zu left (truncated or corrupt)",
					  nr_regions, (unsigned long long)nr_regions * REGION_LEN,
					  len - off);
				return -1;
			}
			if (dm_add_target(m, id) || dm_reserve_regions(m, nr_regions))
				goto nomem;
			for (j = 0; j < nr_regions; j++) {
				const unsigned char *p = buf + off;
				uint64_t start = le64(p), end = le64(p + 8);
				uint32_t n = le32(p + 16);
				struct dm_region *r = &m->regions[m->nr_regions++];

				if (start >= end) {
					dm_seterr(e, name, "offset", off,
						  "region start %llu >= end %llu",
						  (unsigned long long)start,
						  (unsigned long long)end);
					return -1;
				}
				if (j > 0 && start < prev_end) {
					dm_seterr(e, name, "offset", off,
						  "region %llu-%llu overlaps or precedes the previous one",
						  (unsigned long long)start,
						  (unsigned long long)end);
					return -1;
				}
				prev_end = end;
				r->start = start;
				r->end = end;
				r->nr_accesses = n;
				if (n > m->max_accesses)
					m->max_accesses = n;
				off += REGION_LEN;
			}
			m->targets[m->nr_targets - 1].nr_regions = nr_regions;
		}
	}
	if (!have_header) {
		dm_seterr(e, name, "offset", 0, "bad magic");
		return -1;
	}
	if (m->nr_snaps == 0) {
		dm_seterr(e, name, "offset", len,
			  "empty record: no snapshot after the header");
		return -1;
	}
	m->nr_runs = run + 1;
	return 0;
truncated:
	dm_seterr(e, name, "offset", len,
		  "truncated: the file ends inside the snapshot at offset %zu",
		  snap_off);
	return -1;
nomem:
	dm_seterr(e, name, "offset", off, "out of memory");
	return -1;
}

/* Text if the first 4 KiB have no control byte but tab, CR and newline. */
static int looks_text(const unsigned char *buf, size_t len)
{
	size_t i, n = len < 4096 ? len : 4096;

	for (i = 0; i < n; i++) {
		unsigned char c = buf[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		if (c == 0x7f)
			return 0;
	}
	return 1;
}

int dm_read_buf(const char *name, const unsigned char *buf, size_t len,
		struct dm_model *m, struct dm_error *e)
{
	int ret;

	if (len == 0) {
		dm_seterr(e, name, "offset", 0, "empty file");
		return -1;
	}
	if (is_header_at(buf, len, 0) || is_cut_magic(buf, len, 0) ||
	    !looks_text(buf, len))
		ret = dm_read_record(name, buf, len, m, e);
	else
		ret = dm_read_perf(name, buf, len, m, e);
	if (ret == 0 && dm_index(m)) {
		dm_seterr(e, name, "offset", 0, "out of memory");
		ret = -1;
	}
	return ret;
}

/* Reads a non-regular file (a pipe) to its end. */
static unsigned char *slurp(int fd, size_t *lenp, int *err)
{
	size_t cap = 1 << 16, len = 0;
	unsigned char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf) {
		*err = ENOMEM;
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			if (cap > SIZE_MAX / 2 || !(nb = realloc(buf, cap * 2))) {
				free(buf);
				*err = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			free(buf);
			return NULL;
		}
		len += (size_t)n;
	}
	*lenp = len;
	return buf;
}

int dm_read_file(const char *path, struct dm_model *m, struct dm_error *e)
{
	int fd, err = 0, ret, mapped = 0;
	struct stat st;
	unsigned char *buf = NULL;
	size_t len = 0;

	fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
	if (fd < 0) {
		dm_seterr(e, path, "offset", 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		dm_seterr(e, path, "offset", 0, "cannot stat: %s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		dm_seterr(e, path, "offset", 0, "is a directory");
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size > SIZE_MAX / 2) {
			dm_seterr(e, path, "offset", 0, "too large");
			goto fail;
		}
		len = (size_t)st.st_size;
		if (len == 0) {
			dm_seterr(e, path, "offset", 0, "empty file");
			goto fail;
		}
		buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf == MAP_FAILED) {
			buf = NULL;
		} else {
			mapped = 1;
			madvise(buf, len, MADV_SEQUENTIAL);
		}
	}
	if (!buf) {
		buf = slurp(fd, &len, &err);
		if (!buf) {
			dm_seterr(e, path, "offset", 0, "cannot read: %s",
				  strerror(err));
			goto fail;
		}
	}
	ret = dm_read_buf(path, buf, len, m, e);
	if (mapped)
		munmap(buf, len);
	else
		free(buf);
	if (fd)
		close(fd);
	return ret;
fail:
	if (fd)
		close(fd);
	return -1;
}
