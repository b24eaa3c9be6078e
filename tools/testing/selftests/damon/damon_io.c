// SPDX-License-Identifier: GPL-2.0
/*
 * damon_io - reads and writes of odd sizes and at odd offsets.
 *
 * Usage: damon_io read [--changing] FILE
 *        damon_io write FILE COUNT OFFSET STRING
 *
 * read: reads FILE whole with one read() of 1 GiB into a 1 GiB buffer, then
 * checks that the next read() returns 0, that a read of 0 bytes returns 0,
 * and that reading the file back in pieces gives the same bytes: 1 byte at
 * a time, in chunks of 2, 3, 5, 7 and 13 bytes, with pread() of 1 GiB and
 * of 1 byte at every offset (odd ones included) up to past the end, and
 * after lseek() to every offset.  pread() at 2^40 and at the end must
 * return 0.  With --changing, the content may change between reads (as
 * record_stats does while monitoring): only the whole read, the ends and
 * the sizes are checked.  Prints "OK <bytes>", or the first mismatch, or
 * the name of the errno a call failed with ("EINVAL" for a file without a
 * read operation, say).
 *
 * write: writes COUNT bytes at OFFSET with one pwrite() (OFFSET 0: write())
 * and prints "OK", "SHORT <written>/<count>" or the errno name.  The bytes
 * are STRING, then spaces up to COUNT or 64 KiB, then NUL bytes: the buffer
 * is a fresh mapping of COUNT bytes, so a huge COUNT costs no memory
 * unless the kernel reads it all.
 *
 * Exit status: 0 on "OK", 1 otherwise, 2 for a bad usage or an open()
 * that failed (printed as "open:<errno name>").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "damon_util.h"

#define HUGE_COUNT	0x40000000UL	/* 1 GiB */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SHOW_MAX	200	/* bytes of a mismatch shown */
#define PAD_MAX		(64UL << 10)

static char *map(size_t size)
{
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		printf("mmap:%s\n", errname(errno));
		exit(2);
	}
	return p;
}

static int open_file(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		printf("open:%s\n", errname(errno));
		exit(2);
	}
	return fd;
}

/* A failed call: print its errno name, and the call to stderr. */
static int failed(const char *call, long long arg)
{
	int err = errno;

	printf("%s\n", errname(err));
	fprintf(stderr, "damon_io: %s %lld: %s\n", call, arg, strerror(err));
	return 1;
}

static int mismatch(const char *how, long long arg, const char *got,
		    size_t got_len, const char *want, size_t want_len)
{
	printf("MISMATCH %s %lld: got %zu bytes '%.*s', want %zu bytes '%.*s'\n",
	       how, arg, got_len, (int)(got_len < SHOW_MAX ? got_len : SHOW_MAX),
	       got, want_len, (int)(want_len < SHOW_MAX ? want_len : SHOW_MAX),
	       want);
	return 1;
}

/* Read @fd from its start in reads of @chunk bytes, up to @size bytes. */
static ssize_t read_chunks(int fd, char *buf, size_t size, size_t chunk)
{
	size_t len = 0;
	ssize_t ret;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	while (len < size) {
		ret = read(fd, buf + len, chunk);
		if (ret < 0)
			return -1;
		if (!ret)
			break;
		len += ret;
	}
	return len;
}

static int do_read(const char *path, int changing)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 7, 13 };
	char *big = map(HUGE_COUNT);
	char whole[8192], got[8192];
	ssize_t len, ret, want;
	size_t i;
	off_t off;
	int fd;

	fd = open_file(path, O_RDONLY);
	len = read(fd, big, HUGE_COUNT);
	if (len < 0)
		return failed("read", HUGE_COUNT);
	if (!len || (size_t)len >= sizeof(whole) || big[len - 1] != '\n') {
		printf("BAD read of %zd bytes: want one line\n", len);
		return 1;
	}
	memcpy(whole, big, len);
	ret = read(fd, big, HUGE_COUNT);
	if (ret)
		return ret < 0 ? failed("read at end", len) :
			mismatch("read at end", len, big, ret, "", 0);
	ret = pread(fd, big, 0, 0);
	if (ret)
		return ret < 0 ? failed("pread of 0 bytes", 0) :
			mismatch("pread of 0 bytes", 0, big, ret, "", 0);

	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		ret = read_chunks(fd, got, sizeof(got), chunks[i]);
		if (ret < 0)
			return failed("read chunks of", chunks[i]);
		if (!changing && (ret != len || memcmp(got, whole, len)))
			return mismatch("chunks of", chunks[i], got, ret, whole,
					len);
		if (ret < 1 || got[ret - 1] != '\n')
			return mismatch("chunks of", chunks[i], got, ret, whole,
					len);
	}

	for (off = 0; off <= len + 2; off++) {
		ret = pread(fd, big, HUGE_COUNT, off);
		if (ret < 0)
			return failed("pread of 1 GiB at", off);
		if (changing ? ret > len - off + 16 :
		    ret != (off < len ? len - off : 0) ||
		    memcmp(big, whole + off, ret))
			return mismatch("pread of 1 GiB at", off, big, ret,
					whole + (off < len ? off : len),
					off < len ? len - off : 0);
		ret = pread(fd, got, 1, off);
		if (ret < 0)
			return failed("pread of 1 byte at", off);
		want = off < len ? 1 : 0;
		if (!changing && (ret != want || (ret && got[0] != whole[off])))
			return mismatch("pread of 1 byte at", off, got, ret,
					whole + off, want);
		if (lseek(fd, off, SEEK_SET) != off)
			return failed("lseek to", off);
		ret = read(fd, got, sizeof(got));
		if (ret < 0)
			return failed("read after lseek to", off);
		if (!changing && (ret != (off < len ? len - off : 0) ||
				  memcmp(got, whole + off, ret)))
			return mismatch("read after lseek to", off, got, ret,
					whole + (off < len ? off : len),
					off < len ? len - off : 0);
	}
	ret = pread(fd, big, HUGE_COUNT, 1LL << 40);
	if (ret)
		return ret < 0 ? failed("pread at", 1LL << 40) :
			mismatch("pread at", 1LL << 40, big, ret, "", 0);
	close(fd);
	printf("OK %zd\n", len);
	return 0;
}

static int do_write(const char *path, size_t count, off_t off, const char *str)
{
	size_t len = strlen(str);
	char *buf;
	ssize_t ret;
	int fd;

	if (len > count) {
		fprintf(stderr, "damon_io: STRING longer than COUNT\n");
		return 2;
	}
	buf = map(count ? count : 1);
	memcpy(buf, str, len);
	memset(buf + len, ' ', (count < PAD_MAX ? count : PAD_MAX) - len);

	fd = open_file(path, O_WRONLY);
	ret = off ? pwrite(fd, buf, count, off) : write(fd, buf, count);
	if (ret < 0)
		return failed("write of", count);
	close(fd);
	if ((size_t)ret != count) {
		printf("SHORT %zd/%zu\n", ret, count);
		return 1;
	}
	printf("OK\n");
	return 0;
}

int main(int argc, char *argv[])
{
	int changing;

	if (argc >= 3 && !strcmp(argv[1], "read")) {
		changing = !strcmp(argv[2], "--changing");
		if (argc == 3 + changing)
			return do_read(argv[2 + changing], changing);
	} else if (argc == 6 && !strcmp(argv[1], "write")) {
		return do_write(argv[2], strtoull(argv[3], NULL, 0),
				strtoll(argv[4], NULL, 0), argv[5]);
	}
	fprintf(stderr, "usage: %s read [--changing] FILE\n", argv[0]);
	fprintf(stderr, "       %s write FILE COUNT OFFSET STRING\n", argv[0]);
	return 2;
}
