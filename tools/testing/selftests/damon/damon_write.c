// SPDX-License-Identifier: GPL-2.0
/*
 * damon_write - write a string to a file in one write() call.
 *
 * Usage: damon_write FILE STRING
 *
 * Prints "OK" when write() took the whole string, otherwise the name of
 * the errno write() failed with ("EINVAL", "EBUSY", ...), so that tests can
 * compare exact error codes.  The string is written as given: pass a
 * trailing newline yourself if you want one.
 *
 * Exit status: 0 if the write succeeded, 1 if it failed, 2 if FILE could
 * not be opened or the usage is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest.h"

#define ERRNO_NAME(e) { e, #e }

static const struct {
	int nr;
	const char *name;
} errno_names[] = {
	ERRNO_NAME(EPERM), ERRNO_NAME(ENOENT), ERRNO_NAME(ESRCH),
	ERRNO_NAME(EINTR), ERRNO_NAME(EIO), ERRNO_NAME(ENXIO),
	ERRNO_NAME(E2BIG), ERRNO_NAME(EBADF), ERRNO_NAME(EAGAIN),
	ERRNO_NAME(ENOMEM), ERRNO_NAME(EACCES), ERRNO_NAME(EFAULT),
	ERRNO_NAME(EBUSY), ERRNO_NAME(EEXIST), ERRNO_NAME(ENODEV),
	ERRNO_NAME(ENOTDIR), ERRNO_NAME(EISDIR), ERRNO_NAME(EINVAL),
	ERRNO_NAME(ENOSPC), ERRNO_NAME(ESPIPE), ERRNO_NAME(EROFS),
	ERRNO_NAME(ERANGE), ERRNO_NAME(ENAMETOOLONG), ERRNO_NAME(EOVERFLOW),
	ERRNO_NAME(EOPNOTSUPP), ERRNO_NAME(ELOOP),
};

static const char *errno_name(int nr)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].nr == nr)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "errno%d", nr);
	return buf;
}

int main(int argc, char *argv[])
{
	size_t len;
	ssize_t ret;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE STRING\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("open:%s\n", errno_name(errno));
		return 2;
	}
	len = strlen(argv[2]);
	ret = write(fd, argv[2], len);
	if (ret < 0) {
		printf("%s\n", errno_name(errno));
		close(fd);
		return 1;
	}
	close(fd);
	if ((size_t)ret != len) {
		printf("SHORT %zd/%zu\n", ret, len);
		return 1;
	}
	printf("OK\n");
	return 0;
}
