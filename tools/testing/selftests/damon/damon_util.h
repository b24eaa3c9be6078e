/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the C helpers of the DAMON selftests.
 */
#ifndef DAMON_SELFTESTS_UTIL_H
#define DAMON_SELFTESTS_UTIL_H

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The name of an errno value ("ENOMEM"), "OK" for 0. */
static inline const char *errname(int err)
{
	static char buf[32];
	const char *name;

	if (!err)
		return "OK";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

/* Seconds on the monotonic clock. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* DAMON_SELFTESTS_UTIL_H */
