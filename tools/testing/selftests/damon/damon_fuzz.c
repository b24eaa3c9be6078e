// SPDX-License-Identifier: GPL-2.0
/*
 * damon_fuzz - random and huge writes to every file of DAMON's debugfs.
 *
 * Usage: damon_fuzz DIR SEED COUNT SECONDS PID...
 *
 * Makes COUNT writes, or as many as SECONDS allow, each to a file picked at
 * random among the files of
 * DIR (<debugfs>/damon) and of its context directories, of an input made
 * in one of these ways, at random:
 *
 *   random bytes, NUL and control bytes included, up to 64 bytes;
 *   random tokens of digits, signs, letters and whitespace;
 *   a valid input with one field replaced by a long number (up to 4096
 *   digits, or with leading zeros), or by a negative one;
 *   many PIDs: the PIDs given, the PIDs given repeated, or runs of
 *   numbers, up to and past 4096 bytes;
 *   a valid input with a NUL byte put in, or followed by a NUL and more;
 *   a huge input (4097 bytes to 1 MiB) of digits, spaces or random bytes;
 *   a valid input with one byte flipped, inserted or deleted.
 *
 * Around each write it reads every file of DIR and of the context
 * directories (but record_stats, and the statistics of the schemes files,
 * which move while monitoring) and lists the directories.  A rejected
 * write must fail with EINVAL, EBUSY, EEXIST, ENOENT, EPERM or E2BIG (an
 * "on" also with an error of opening a record file that a mutated path
 * names, such as EROFS or EACCES) and leave all of that as it was.  An
 * accepted write must hold no NUL byte and be at most 4096 bytes long
 * (24576 for a schemes file), and what the file then reads must be
 * accepted back and change nothing.  Contexts that an accepted mk_contexts
 * made are removed, a context removed by rm_contexts
 * is made again, and monitoring started by "on" is stopped.
 *
 * Prints "#" lines for each violation (the first 20) and a summary line;
 * exits 0 if there was no violation, 1 otherwise, 2 on a bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "damon_util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define INPUT_MAX	4096		/* the longest input DAMON accepts */
#define SCHEMES_MAX	(32 * 768)	/* ... but for a schemes file */
#define HUGE_MAX	(1024 * 1024)
#define STATE_MAX	(128 * 1024)
#define MAX_SHOWN	20

static const char *dir;
static char *input;		/* HUGE_MAX bytes */
static size_t input_len;
static char *pids[1024];
static int nr_pids;
static unsigned long nr_violations;

static const char * const files[] = {
	"attrs", "target_ids", "schemes", "record", "record_stats",
	"kdamond_pid", "monitor_on", "mk_contexts", "rm_contexts",
	"fz/attrs", "fz/target_ids", "fz/schemes", "fz/record",
	"fz/record_stats", "fz/kdamond_pid",
};

static bool is_schemes(const char *file)
{
	const char *base = strrchr(file, '/');

	return !strcmp(base ? base + 1 : file, "schemes");
}

/* The longest input @file accepts. */
static size_t input_max(const char *file)
{
	return is_schemes(file) ? SCHEMES_MAX : INPUT_MAX;
}

/*
 * Drop the comments, from " #" to the end of each line, of @len bytes at
 * @s: the statistics a schemes file shows there move while monitoring.
 * Return: the new length.
 */
static size_t strip_comments(char *s, size_t len)
{
	size_t i, j = 0;
	bool comment = false;

	for (i = 0; i < len; i++) {
		if (s[i] == '#' && j && s[j - 1] == ' ') {
			comment = true;
			j--;
		} else if (s[i] == '\n') {
			comment = false;
		}
		if (!comment)
			s[j++] = s[i];
	}
	return j;
}

static void violation(const char *file, const char *fmt, const char *arg)
{
	char shown[41];
	size_t i;

	if (nr_violations++ >= MAX_SHOWN)
		return;
	for (i = 0; i < input_len && i < sizeof(shown) - 1; i++)
		shown[i] = input[i] >= ' ' && input[i] < 0x7f ? input[i] : '.';
	shown[i] = '\0';
	printf("# %s <- '%s' (%zu bytes): ", file, shown, input_len);
	printf(fmt, arg);
	printf("\n");
}

/* Write @len bytes of @buf to DIR/@file in one write(): 0 or the errno. */
static int put(const char *file, const char *buf, size_t len)
{
	char path[4096];
	ssize_t ret;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	if (ret < 0)
		return -ret;
	return (size_t)ret == len ? 0 : EMSGSIZE;
}

static int put_str(const char *file, const char *str)
{
	return put(file, str, strlen(str));
}

/* Append "name: content" of every file of @path to @state. */
static void read_dir(const char *path, const char *prefix, char *state,
		     size_t *len)
{
	struct dirent **ents;
	char file[4096];
	int i, n, fd;
	ssize_t ret;

	n = scandir(path, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (name[0] == '.' || !strcmp(name, "record_stats") ||
		    !strcmp(name, "mk_contexts") || !strcmp(name, "rm_contexts"))
			goto next;
		snprintf(file, sizeof(file), "%s/%s", path, name);
		if (ents[i]->d_type == DT_DIR) {
			*len += snprintf(state + *len, STATE_MAX - *len,
					 "%s%s/\n", prefix, name);
			if (!*prefix)
				read_dir(file, name, state, len);
			goto next;
		}
		*len += snprintf(state + *len, STATE_MAX - *len, "%s/%s: ",
				 prefix, name);
		fd = open(file, O_RDONLY);
		ret = -1;
		if (fd >= 0 && *len + SCHEMES_MAX + 1 < STATE_MAX)
			ret = read(fd, state + *len, SCHEMES_MAX + 1);
		if (fd >= 0)
			close(fd);
		if (ret > 0 && !strcmp(name, "schemes"))
			ret = strip_comments(state + *len, ret);
		if (ret > 0)
			*len += ret;
next:
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static char *snapshot(void)
{
	char *state = malloc(STATE_MAX);
	size_t len = 0;

	if (!state)
		exit(2);
	read_dir(dir, "", state, &len);
	state[len] = '\0';
	return state;
}

static bool is_dir(const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static void add(const char *s, size_t len)
{
	size_t room = input_len < HUGE_MAX ? HUGE_MAX - input_len : 0;

	if (len > room)
		len = room;
	memcpy(input + input_len, s, len);
	input_len += len;
}

static void adds(const char *s)
{
	add(s, strlen(s));
}

static void add_digits(size_t n)
{
	while (n-- && input_len < HUGE_MAX)
		input[input_len++] = '0' + random() % 10;
}

static const char *pid(void)
{
	return pids[random() % nr_pids];
}

/* A valid input for @file, field by field; @bad replaces field @at. */
static void valid_input(const char *file, int at, void (*bad)(void))
{
	static const char * const attrs[] = {
		"5000", "100000", "1000000", "10", "1000" };
	static const char * const scheme[][2] = {
		{ "action=", "pageout" }, { "size_bytes=", "4096-max" },
		{ "nr_accesses=", "0-0" }, { "age_aggrs=", "5-max" },
		{ "quota_ms=", "10" }, { "wmark_free_permille=", "0-1000" },
	};
	const char *base = strrchr(file, '/');
	char buf[32];
	int i;

	base = base ? base + 1 : file;
	if (!strcmp(base, "attrs")) {
		for (i = 0; i < 5; i++) {
			if (i)
				adds(" ");
			if (i == at % 5 && bad)
				bad();
			else
				adds(attrs[i]);
		}
	} else if (!strcmp(base, "target_ids")) {
		for (i = 0; i < 2; i++) {
			if (i)
				adds(" ");
			if (i == at % 2 && bad)
				bad();
			else
				adds(pids[i % nr_pids]);
		}
	} else if (!strcmp(base, "record")) {
		if (at % 2 && bad)
			bad();
		else
			adds("1024");
		adds(" ");
		if (!(at % 2) && bad)
			bad();
		else
			adds("/tmp/damon_fuzz.data");
	} else if (!strcmp(base, "schemes")) {
		for (i = 0; i < (int)ARRAY_SIZE(scheme); i++) {
			adds(i ? " " : "");
			adds(scheme[i][0]);
			if (i == at % (int)ARRAY_SIZE(scheme) && bad)
				bad();
			else
				adds(scheme[i][1]);
		}
		adds(random() % 2 ? "\naction=stat # a comment\n" : "\n");
	} else if (!strcmp(base, "monitor_on")) {
		adds(random() % 2 ? "on" : "off");
	} else if (!strcmp(base, "mk_contexts") ||
		   !strcmp(base, "rm_contexts")) {
		snprintf(buf, sizeof(buf), "fz%ld", random() % 3);
		adds(buf);
	} else {
		adds(pid());
	}
}

static void long_number(void)
{
	if (random() % 2) {
		add_digits(20 + random() % 4000);
	} else {
		while (input_len < 30)
			adds("0");
		adds("100");
	}
}

static void negative_number(void)
{
	static const char * const negs[] = {
		"-1", "-0", "-9223372036854775808", "-18446744073709551615",
		"-5000", "+5000", "--1", "1-",
	};

	adds(negs[random() % ARRAY_SIZE(negs)]);
}

static void many_pids(void)
{
	size_t limit = random() % 4 ? INPUT_MAX : INPUT_MAX + 64;
	int i = 0, start = 1 + random() % 1000;
	char buf[32];

	while (input_len < limit) {
		switch (random() % 3) {
		case 0:		/* the live PIDs, in order */
			snprintf(buf, sizeof(buf), "%s ", pids[i++ % nr_pids]);
			if (i > nr_pids && random() % 2)
				return;
			break;
		case 1:		/* a run of numbers */
			snprintf(buf, sizeof(buf), "%d ", start++);
			break;
		default:	/* a live PID again */
			snprintf(buf, sizeof(buf), "%s ", pid());
			break;
		}
		adds(buf);
	}
	input_len = limit;
}

static void make_input(const char *file)
{
	static const char tokens[] = "0123456789 \t\n-+xX.,;/abcdef";
	size_t i, n;
	char c;

	input_len = 0;
	switch (random() % 9) {
	case 0:		/* random bytes */
		n = 1 + random() % 64;
		for (i = 0; i < n; i++)
			input[input_len++] = random();
		break;
	case 1:		/* random tokens */
		n = 1 + random() % 200;
		for (i = 0; i < n; i++)
			input[input_len++] = tokens[random() % (sizeof(tokens) - 1)];
		break;
	case 2:
		valid_input(file, random(), long_number);
		break;
	case 3:
		valid_input(file, random(), negative_number);
		break;
	case 4:
		if (strstr(file, "target_ids"))
			many_pids();
		else
			valid_input(file, 0, NULL);
		break;
	case 5:		/* a NUL inside, or after, a valid input */
		valid_input(file, 0, NULL);
		if (random() % 2) {
			i = random() % input_len;
			memmove(input + i + 1, input + i, input_len - i);
			input[i] = '\0';
			input_len++;
		} else {
			add("\0", 1);
			if (random() % 2)
				adds(" 1 2 3");
		}
		break;
	case 6:		/* huge */
		n = INPUT_MAX + 1 + random() % (HUGE_MAX - INPUT_MAX - 1);
		c = "0 \x00"[random() % 3];
		memset(input, c, n);
		if (random() % 4 == 0) {
			for (i = 0; i < n; i++)
				input[i] = random();
		}
		input_len = n;
		break;
	case 7:		/* one byte changed */
		valid_input(file, 0, NULL);
		i = random() % input_len;
		switch (random() % 3) {
		case 0:
			input[i] ^= 1 << (random() % 8);
			break;
		case 1:
			memmove(input + i + 1, input + i, input_len - i);
			input[i] = random();
			input_len++;
			break;
		default:
			memmove(input + i, input + i + 1, input_len - i - 1);
			input_len--;
			break;
		}
		break;
	default:	/* exactly INPUT_MAX bytes: a valid input and spaces */
		valid_input(file, 0, NULL);
		while (input_len < INPUT_MAX)
			adds(" ");
		break;
	}
}

/* The input as a string: the caller has INPUT_MAX + 1 bytes. */
static void content_of_input(char *buf)
{
	size_t len = input_len < INPUT_MAX ? input_len : INPUT_MAX;

	memcpy(buf, input, len);
	buf[len] = '\0';
}

/* After an accepted write: its effects undone or checked. */
static void check_accepted(const char *file)
{
	static char content[SCHEMES_MAX + 1];
	char *before, *after, *name, path[4096];
	bool made;
	int fd, err;
	ssize_t ret;

	if (memchr(input, '\0', input_len))
		violation(file, "taken, with a NUL byte%s", "");
	if (input_len > input_max(file))
		violation(file, "taken, longer than %s bytes",
			  is_schemes(file) ? "24576" : "4096");

	if (!strcmp(file, "mk_contexts")) {
		/* Remove what it made: the context named by the input. */
		content_of_input(content);
		name = content + strspn(content, " \t\n\v\f\r");
		name[strcspn(name, " \t\n\v\f\r")] = '\0';
		made = is_dir(name);
		err = put_str("rm_contexts", name);
		if (!made)
			violation(file, "taken, but no directory %s", name);
		else if (err)
			violation(file, "its context not removed: %s",
				  errname(err));
	} else if (!strcmp(file, "rm_contexts")) {
		err = is_dir("fz") ? 0 : put_str("mk_contexts", "fz");
		if (err)
			violation(file, "fz not made again: %s", errname(err));
	} else if (!strcmp(file, "monitor_on")) {
		put_str("monitor_on", "off");
	} else {
		/* What the file reads is accepted back, and changes nothing. */
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		fd = open(path, O_RDONLY);
		ret = fd < 0 ? -1 : read(fd, content, input_max(file));
		if (fd >= 0)
			close(fd);
		if (ret < 0) {
			violation(file, "taken, then unreadable%s", "");
			return;
		}
		before = snapshot();
		err = put(file, content, ret);
		after = snapshot();
		if (err)
			violation(file, "its content is refused back: %s",
				  errname(err));
		else if (strcmp(before, after))
			violation(file, "its content written back changes it%s",
				  "");
		free(before);
		free(after);
	}
}

static bool in(int err, const int *errs, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (err == errs[i])
			return true;
	}
	return false;
}

static bool is_monitor_on(const char *file)
{
	const char *base = strrchr(file, '/');

	return !strcmp(base ? base + 1 : file, "monitor_on");
}

int main(int argc, char *argv[])
{
	unsigned long count, i, nr_ok = 0, nr_err[6] = { 0 };
	double deadline;
	static const int allowed[] = { EINVAL, EBUSY, EEXIST, ENOENT, EPERM,
				       E2BIG };
	static const int open_errs[] = { EACCES, EROFS, EISDIR, ELOOP, ENOTDIR,
					 ENAMETOOLONG, ENOSPC };
	unsigned long nr_open_errs = 0;
	char *before, *after;
	const char *file;
	size_t e;
	int err;

	if (argc < 6) {
		fprintf(stderr, "usage: damon_fuzz DIR SEED COUNT SECONDS PID...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	dir = argv[1];
	srandom(strtoul(argv[2], NULL, 0));
	count = strtoul(argv[3], NULL, 0);
	deadline = now() + strtoul(argv[4], NULL, 0);
	for (nr_pids = 0; nr_pids + 5 < argc && nr_pids < (int)ARRAY_SIZE(pids);
	     nr_pids++)
		pids[nr_pids] = argv[nr_pids + 5];
	input = malloc(HUGE_MAX + 1);
	if (!input)
		return 2;

	before = snapshot();
	for (i = 0; i < count && now() < deadline; i++) {
		file = files[random() % ARRAY_SIZE(files)];
		make_input(file);
		err = put(file, input, input_len);
		if (!err) {
			nr_ok++;
			check_accepted(file);
			free(before);
			before = snapshot();
			continue;
		}
		for (e = 0; e < ARRAY_SIZE(allowed); e++) {
			if (err == allowed[e])
				break;
		}
		if (e < ARRAY_SIZE(allowed)) {
			nr_err[e]++;
		} else if (is_monitor_on(file) &&
			   in(err, open_errs, ARRAY_SIZE(open_errs))) {
			nr_open_errs++;
		} else {
			violation(file, "failed with %s", errname(err));
		}
		after = snapshot();
		if (strcmp(before, after))
			violation(file, "rejected (%s), but the interface changed",
				  errname(err));
		free(before);
		before = after;
	}
	free(before);
	printf("writes=%lu accepted=%lu EINVAL=%lu EBUSY=%lu EEXIST=%lu",
	       i, nr_ok, nr_err[0], nr_err[1], nr_err[2]);
	printf(" ENOENT=%lu EPERM=%lu E2BIG=%lu record-open=%lu violations=%lu\n",
	       nr_err[3], nr_err[4], nr_err[5], nr_open_errs, nr_violations);
	return nr_violations ? 1 : 0;
}
