// SPDX-License-Identifier: GPL-2.0
/*
 * damon_stress - the busy loops of the DAMON stress and fault selftests.
 *
 * Usage:
 *   damon_stress toggle DIR PID ROUNDS SECONDS SEED
 *	ROUNDS times, or until SECONDS passed: write PID to DIR/target_ids,
 *	"on" then "off" to DIR/monitor_on, reading monitor_on and kdamond_pid
 *	in between, with random pauses of up to 1 ms.  Run several at once.
 *	Prints one line of counts, "<file>:<result>=<n> ...", and each
 *	result that is not allowed: target_ids OK or EBUSY; on OK, EBUSY or
 *	EINVAL (the targets were consumed by a run another process stopped);
 *	off OK or EPERM.
 *
 *   damon_stress ctxrace DIR ROLE SECONDS SEED PID
 *	ROLE "mkrm": make and remove contexts s0..s3 at random; "files": read
 *	and write the files of s0..s3 at random, keeping some open across
 *	the removal of their context; "toggle": as above, on the root
 *	context.  Prints counts, then the results that are not allowed (see
 *	ctxrace_allowed()).
 *
 *   damon_stress failall DIR FILE STRING [STEP]...
 *	The write of STRING to DIR/FILE once with each of the fault injection
 *	points it passes failing in turn, until one with no fault:
 *	/proc/thread-self/fail-nth is set to the number of the point to fail
 *	right before the write().  Before each attempt the STEPs
 *	"pre:FILE=STRING" (a write to DIR/FILE, its result ignored),
 *	"unlink:PATH" and "run:MS" (monitoring turned on for MS milliseconds,
 *	then off) run in their order, after it the "post:FILE=STRING" ones.
 *	Every file of DIR and of its directories is read before and after
 *	each attempt (not record_stats; a kdamond_pid only as running or
 *	not): a write that fails must fail with ENOMEM, or an errno given as
 *	"errno:NAME", and change nothing, not even DIR/record_stats if no
 *	kdamond ran; one that succeeds, despite its fault or without one,
 *	must leave what the write without a fault leaves.  Prints the
 *	attempts that break these rules, then
 *	"points=<n> failed=<n> absorbed=<n> bad=<n> stats=<record_stats>",
 *	the last as read before the first attempt.
 *
 *   damon_stress nodac FILE STRING
 *	Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the effective set,
 *	then write STRING to FILE: the writer of "on" then opens the record
 *	file with the file permissions applying to it.  Prints OK or the
 *	errno name ("open:<name>" if FILE could not be opened).
 *
 *   damon_stress reuse PID SECONDS
 *	Fork a child with exactly PID (clone3() set_tid), which maps and
 *	writes 8 MiB at 0x7e0000000000 for SECONDS, then exits.  Prints
 *	"pid <pid> marker <start>-<end>" and waits for it.
 *
 *   damon_stress mapper SECONDS
 *	For SECONDS, map, touch and unmap areas of 1 to 8 MiB at random, so
 *	that the mappings change all the time.
 *
 *   damon_stress life MS
 *	Map and write 4 MiB, live MS milliseconds, exit.
 *
 *   damon_stress sleepers N
 *	Fork N children that sleep until this process dies, print their PIDs
 *	on one line, and wait.
 *
 * Exit status: 0 if every result was allowed, 1 otherwise, 2 on a bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "damon_util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1024UL * 1024)
#define MARKER_ADDR	0x7e0000000000UL
#define MARKER_SIZE	(8 * MIB)
#define NR_CTXS		4
#define NR_FDS		8
#define MAX_BAD_SHOWN	10
#define STATE_MAX	(64 * 1024)
#define MAX_POINTS	1000

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end) {
		fprintf(stderr, "damon_stress: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void pause_upto_us(unsigned int us)
{
	if (us)
		usleep(random() % us);
}

/* Write @str to @fd at offset 0 in one call: 0 or the errno. */
static int fd_write(int fd, const char *str)
{
	size_t len = strlen(str);
	ssize_t ret = pwrite(fd, str, len, 0);

	if (ret < 0)
		return errno;
	return (size_t)ret == len ? 0 : EMSGSIZE;
}

/* Open @path, write @str, close: 0 or the errno; *@at says which failed. */
static int file_write(const char *path, const char *str, const char **at)
{
	int fd = open(path, O_WRONLY);
	int err;

	*at = "open";
	if (fd < 0)
		return errno;
	*at = "write";
	err = fd_write(fd, str);
	close(fd);
	return err;
}

/* Read @path into @buf: 0 or the errno. */
static int file_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t ret;

	if (fd < 0)
		return errno;
	ret = read(fd, buf, size - 1);
	close(fd);
	if (ret < 0)
		return errno;
	buf[ret] = '\0';
	return 0;
}

/* Counts of results per (operation, errno), and the ones not allowed. */
struct tally {
	char op[32][32];
	int err[32];
	unsigned long n[32];
	int nr;
	unsigned long nr_bad;
};

static void count(struct tally *t, const char *op, int err, bool allowed)
{
	int i;

	if (!allowed && t->nr_bad++ < MAX_BAD_SHOWN)
		printf("# not allowed: %s %s\n", op, errname(err));
	for (i = 0; i < t->nr; i++) {
		if (t->err[i] == err && !strcmp(t->op[i], op)) {
			t->n[i]++;
			return;
		}
	}
	if (t->nr == ARRAY_SIZE(t->err))
		return;
	snprintf(t->op[t->nr], sizeof(t->op[0]), "%s", op);
	t->err[t->nr] = err;
	t->n[t->nr++] = 1;
}

static int show(struct tally *t)
{
	int i;

	for (i = 0; i < t->nr; i++)
		printf("%s%s:%s=%lu", i ? " " : "", t->op[i],
		       errname(t->err[i]), t->n[i]);
	printf(" not_allowed=%lu\n", t->nr_bad);
	return t->nr_bad ? 1 : 0;
}

/* One round of the monitor_on toggling on the context of @dir. */
static void toggle_round(struct tally *t, const char *dir, const char *pid,
			 const char *on_path)
{
	char path[4096], buf[64];
	const char *at;
	int err;

	snprintf(path, sizeof(path), "%s/target_ids", dir);
	err = file_write(path, pid, &at);
	count(t, "targets", err, !err || err == EBUSY);
	pause_upto_us(1000);
	err = file_write(on_path, "on", &at);
	count(t, "on", err, !err || err == EBUSY || err == EINVAL);
	snprintf(path, sizeof(path), "%s/kdamond_pid", dir);
	err = file_read(path, buf, sizeof(buf));
	count(t, "read", err, !err);
	pause_upto_us(1000);
	err = file_read(on_path, buf, sizeof(buf));
	count(t, "read", err, !err);
	err = file_write(on_path, "off", &at);
	count(t, "off", err, !err || err == EPERM);
}

static int cmd_toggle(int argc, char *argv[])
{
	struct tally t = { .nr = 0 };
	unsigned long rounds, i;
	char on_path[4096];
	double deadline;

	if (argc != 6)
		return -1;
	rounds = num(argv[3]);
	deadline = now() + num(argv[4]);
	srandom(num(argv[5]));
	snprintf(on_path, sizeof(on_path), "%s/monitor_on", argv[1]);
	for (i = 0; i < rounds && now() < deadline; i++)
		toggle_round(&t, argv[1], argv[2], on_path);
	printf("rounds=%lu ", i);
	return show(&t);
}

static const char * const ctx_files[] = {
	"attrs", "target_ids", "record", "record_stats", "kdamond_pid",
};

/*
 * What each operation of ctxrace may return.  A context's file may be gone
 * (ENOENT at open, EIO on a file kept open across the removal); writes to
 * a running context fail with EBUSY, and so do mk_contexts and rm_contexts
 * while anything runs.
 */
static bool ctxrace_allowed(const char *op, int err)
{
	if (!err)
		return true;
	if (!strcmp(op, "mk"))
		return err == EEXIST || err == EBUSY;
	if (!strcmp(op, "rm"))
		return err == ENOENT || err == EBUSY;
	if (!strcmp(op, "open"))
		return err == ENOENT;
	if (!strcmp(op, "read") || !strcmp(op, "read_kept"))
		return err == EIO;
	if (!strcmp(op, "write") || !strcmp(op, "write_kept"))
		return err == EIO || err == EBUSY;
	return false;
}

static const char *ctx_input(const char *file, const char *pid)
{
	if (!strcmp(file, "attrs"))
		return random() % 2 ? "5000 100000 1000000 10 1000" :
				      "1000 20000 50000 5 50";
	if (!strcmp(file, "target_ids"))
		return random() % 4 ? pid : "";
	if (!strcmp(file, "record"))
		return "0 none";
	return NULL;	/* read-only */
}

static void ctxrace_mkrm(struct tally *t, const char *dir)
{
	char path[4096], name[16];
	const char *at;
	int err;

	snprintf(name, sizeof(name), "s%ld", random() % NR_CTXS);
	if (random() % 2) {
		snprintf(path, sizeof(path), "%s/mk_contexts", dir);
		err = file_write(path, name, &at);
		count(t, "mk", err, ctxrace_allowed("mk", err));
	} else {
		snprintf(path, sizeof(path), "%s/rm_contexts", dir);
		err = file_write(path, name, &at);
		count(t, "rm", err, ctxrace_allowed("rm", err));
	}
	pause_upto_us(2000);
}

/* Files opened earlier, kept open while their context may go away. */
struct kept {
	int fd[NR_FDS];
	const char *file[NR_FDS];
};

static void ctxrace_files(struct tally *t, const char *dir, const char *pid,
			  struct kept *k)
{
	const char *file = ctx_files[random() % ARRAY_SIZE(ctx_files)];
	const char *input = ctx_input(file, pid);
	int slot = random() % NR_FDS;
	char path[4096], buf[256];
	ssize_t ret;
	int fd, err;

	if (k->fd[slot] >= 0 && random() % 2) {
		/* Use a file kept open, maybe across an rm_contexts. */
		input = ctx_input(k->file[slot], pid);
		if (input) {
			err = fd_write(k->fd[slot], input);
			count(t, "write_kept", err,
			      ctxrace_allowed("write_kept", err));
		}
		ret = pread(k->fd[slot], buf, sizeof(buf), 0);
		err = ret < 0 ? errno : 0;
		count(t, "read_kept", err, ctxrace_allowed("read_kept", err));
		close(k->fd[slot]);
		k->fd[slot] = -1;
		return;
	}
	snprintf(path, sizeof(path), "%s/s%ld/%s", dir, random() % NR_CTXS,
		 file);
	fd = open(path, input ? O_RDWR : O_RDONLY);
	err = fd < 0 ? errno : 0;
	count(t, "open", err, ctxrace_allowed("open", err));
	if (fd < 0)
		return;
	if (input) {
		err = fd_write(fd, input);
		count(t, "write", err, ctxrace_allowed("write", err));
	}
	ret = pread(fd, buf, sizeof(buf), 0);
	err = ret < 0 ? errno : 0;
	count(t, "read", err, ctxrace_allowed("read", err));
	if (k->fd[slot] < 0) {
		k->fd[slot] = fd;
		k->file[slot] = file;
	} else {
		close(fd);
	}
}

static int cmd_ctxrace(int argc, char *argv[])
{
	struct kept k;
	struct tally t = { .nr = 0 };
	const char *dir, *role, *pid;
	char on_path[4096];
	unsigned long rounds = 0;
	double deadline;
	int i;

	if (argc != 6)
		return -1;
	dir = argv[1];
	role = argv[2];
	deadline = now() + num(argv[3]);
	srandom(num(argv[4]));
	pid = argv[5];
	for (i = 0; i < NR_FDS; i++)
		k.fd[i] = -1;
	snprintf(on_path, sizeof(on_path), "%s/monitor_on", dir);
	for (; now() < deadline; rounds++) {
		if (!strcmp(role, "mkrm"))
			ctxrace_mkrm(&t, dir);
		else if (!strcmp(role, "files"))
			ctxrace_files(&t, dir, pid, &k);
		else if (!strcmp(role, "toggle"))
			toggle_round(&t, dir, pid, on_path);
		else
			return -1;
	}
	for (i = 0; i < NR_FDS; i++) {
		if (k.fd[i] >= 0)
			close(k.fd[i]);
	}
	printf("rounds=%lu ", rounds);
	return show(&t);
}

/* Append "name: content" of every file under @path to @state. */
static void read_tree(const char *path, char *state, size_t *len)
{
	struct dirent **ents;
	char file[4096];
	ssize_t ret;
	int i, n, fd;

	n = scandir(path, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		snprintf(file, sizeof(file), "%s/%s", path, name);
		if (name[0] == '.' || !strcmp(name, "record_stats") ||
		    !strcmp(name, "mk_contexts") || !strcmp(name, "rm_contexts")) {
			free(ents[i]);
			continue;
		}
		*len += snprintf(state + *len, STATE_MAX - *len, "%s: ", file);
		if (ents[i]->d_type == DT_DIR) {
			*len += snprintf(state + *len, STATE_MAX - *len, "\n");
			read_tree(file, state, len);
			free(ents[i]);
			continue;
		}
		fd = open(file, O_RDONLY);
		ret = -1;
		if (fd >= 0 && *len + 8192 < STATE_MAX)
			ret = read(fd, state + *len, 8192);
		if (fd >= 0)
			close(fd);
		if (ret > 0 && !strcmp(name, "kdamond_pid") &&
		    state[*len] >= '0' && state[*len] <= '9')
			ret = snprintf(state + *len, 8, "pid\n");
		if (ret > 0)
			*len += ret;
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static char *snapshot(const char *dir)
{
	char *state = malloc(STATE_MAX);
	size_t len = 0;

	if (!state)
		exit(2);
	read_tree(dir, state, &len);
	state[len] = '\0';
	return state;
}

/* Run the STEPs of @kind ("pre", "post"; "unlink" with "pre"). */
static void run_steps(const char *dir, int nr, char *steps[], const char *kind)
{
	char path[4096], *eq;
	const char *at;
	int i;

	for (i = 0; i < nr; i++) {
		if (!strcmp(kind, "pre") && !strncmp(steps[i], "unlink:", 7)) {
			unlink(steps[i] + 7);
			continue;
		}
		if (!strcmp(kind, "pre") && !strncmp(steps[i], "run:", 4)) {
			snprintf(path, sizeof(path), "%s/monitor_on", dir);
			file_write(path, "on", &at);
			usleep(atoi(steps[i] + 4) * 1000);
			file_write(path, "off", &at);
			continue;
		}
		if (strncmp(steps[i], kind, strlen(kind)) ||
		    steps[i][strlen(kind)] != ':')
			continue;
		eq = strchr(steps[i], '=');
		if (!eq)
			continue;
		snprintf(path, sizeof(path), "%s/%.*s", dir,
			 (int)(eq - steps[i] - strlen(kind) - 1),
			 steps[i] + strlen(kind) + 1);
		file_write(path, eq + 1, &at);
	}
}

/* One write of @str to @path with fail-nth @nth: the errno, *@left. */
static int write_nth(const char *path, const char *str, int nth, int *left)
{
	char buf[32];
	int fd, nth_fd, err;
	ssize_t ret;

	fd = open(path, O_WRONLY);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0 || nth_fd < 0) {
		printf("# open: %s\n", errname(errno));
		exit(2);
	}
	snprintf(buf, sizeof(buf), "%d", nth);
	/* Nothing between the two writes may pass an injection point. */
	if (pwrite(nth_fd, buf, strlen(buf), 0) < 0)
		exit(2);
	err = fd_write(fd, str);
	ret = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (pwrite(nth_fd, "0", 1, 0) < 0 || ret <= 0)
		exit(2);
	buf[ret] = '\0';
	*left = atoi(buf);
	close(nth_fd);
	close(fd);
	return err;
}

/* The content of DIR/record_stats, or "-". */
static void read_stats(const char *dir, char *buf, size_t size)
{
	char path[4096];
	ssize_t ret = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/record_stats", dir);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		ret = read(fd, buf, size - 1);
		close(fd);
	}
	if (ret <= 0)
		ret = snprintf(buf, size, "-\n");
	buf[ret] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void show_diff(const char *what, const char *a, const char *b)
{
	printf("# %s; before:\n# %s\n# after:\n# %s\n", what, a, b);
}

static int cmd_failall(int argc, char *argv[])
{
	char path[4096], *before0, *after0, *before, *after, idle[4200];
	char stats0[64] = "", stats[64], stats_after[64];
	int n, err, left, extra = ENOMEM, failed = 0, absorbed = 0, bad = 0;
	const char *dir, *str;
	int nr_steps, i;
	char **steps;

	if (argc < 4)
		return -1;
	dir = argv[1];
	snprintf(path, sizeof(path), "%s/%s", dir, argv[2]);
	str = argv[3];
	steps = argv + 4;
	nr_steps = argc - 4;
	for (i = 0; i < nr_steps; i++) {
		if (!strncmp(steps[i], "errno:", 6)) {
			for (extra = 1; extra < 200; extra++) {
				if (strerrorname_np(extra) &&
				    !strcmp(strerrorname_np(extra), steps[i] + 6))
					break;
			}
		}
	}

	snprintf(idle, sizeof(idle), "%s/kdamond_pid: none\n", dir);
	run_steps(dir, nr_steps, steps, "pre");
	before0 = snapshot(dir);
	err = write_nth(path, str, 0, &left);
	after0 = snapshot(dir);
	run_steps(dir, nr_steps, steps, "post");
	if (err) {
		printf("# without a fault: %s\n", errname(err));
		return 1;
	}
	for (n = 1; n <= MAX_POINTS; n++) {
		run_steps(dir, nr_steps, steps, "pre");
		before = snapshot(dir);
		if (strcmp(before, before0)) {
			show_diff("the steps did not restore the state", before0,
				  before);
			bad++;
			break;
		}
		read_stats(dir, stats, sizeof(stats));
		if (!stats0[0])
			memcpy(stats0, stats, sizeof(stats0));
		err = write_nth(path, str, n, &left);
		read_stats(dir, stats_after, sizeof(stats_after));
		after = snapshot(dir);
		run_steps(dir, nr_steps, steps, "post");
		if (left || !err) {
			if (err || strcmp(after, after0)) {
				printf("# fault %d%s: %s\n", n,
				       left ? " (not injected)" : "", errname(err));
				show_diff("not as without a fault", after0, after);
				bad++;
			}
			absorbed += !left;
		} else {
			failed++;
			if ((err != ENOMEM && err != extra) || strcmp(before, after)) {
				printf("# fault %d: %s\n", n, errname(err));
				show_diff("failed, and changed the state", before,
					  after);
				bad++;
			} else if (strstr(before, idle) &&
				   strcmp(stats, stats_after)) {
				printf("# fault %d: %s\n", n, errname(err));
				show_diff("failed, and changed record_stats",
					  stats, stats_after);
				bad++;
			}
		}
		free(before);
		free(after);
		if (left || bad >= MAX_BAD_SHOWN)
			break;
	}
	printf("points=%d failed=%d absorbed=%d bad=%d stats=%s\n", n - 1,
	       failed, absorbed, bad, stats0);
	return bad || n > MAX_POINTS ? 1 : 0;
}

static int cmd_nodac(int argc, char *argv[])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	const char *at;
	int err;

	if (argc != 3)
		return -1;
	if (syscall(SYS_capget, &hdr, data)) {
		printf("capget:%s\n", errname(errno));
		return 2;
	}
	data[0].effective &= ~((1U << CAP_DAC_OVERRIDE) |
			       (1U << CAP_DAC_READ_SEARCH));
	if (syscall(SYS_capset, &hdr, data)) {
		printf("capset:%s\n", errname(errno));
		return 2;
	}
	err = file_write(argv[1], argv[2], &at);
	if (err && !strcmp(at, "open")) {
		printf("open:%s\n", errname(err));
		return 2;
	}
	printf("%s\n", errname(err));
	return err ? 1 : 0;
}

static void touch(char *p, size_t size)
{
	size_t off;

	for (off = 0; off < size; off += 4096)
		p[off]++;
	/* The writes must happen: DAMON is to see them. */
	asm volatile("" : : "r" (p) : "memory");
}

static int cmd_reuse(int argc, char *argv[])
{
	pid_t want, pid;
	struct clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid_size = 1,
	};
	double deadline;
	char *p;
	int status;

	if (argc != 3)
		return -1;
	want = num(argv[1]);
	args.set_tid = (uintptr_t)&want;
	fflush(stdout);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		printf("clone3:%s\n", errname(errno));
		return 1;
	}
	if (pid) {
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	p = mmap((void *)MARKER_ADDR, MARKER_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap:%s\n", errname(errno));
		_exit(1);
	}
	printf("pid %d marker 0x%lx-0x%lx\n", getpid(), MARKER_ADDR,
	       MARKER_ADDR + MARKER_SIZE);
	fflush(stdout);
	deadline = now() + num(argv[2]);
	while (now() < deadline)
		touch(p, MARKER_SIZE);
	_exit(0);
}

static int cmd_mapper(int argc, char *argv[])
{
	struct {
		char *p;
		size_t size;
	} areas[16] = { { NULL, 0 } };
	double deadline;
	int i;

	if (argc != 2)
		return -1;
	deadline = now() + num(argv[1]);
	srandom(getpid());
	while (now() < deadline) {
		i = random() % ARRAY_SIZE(areas);
		if (areas[i].p) {
			munmap(areas[i].p, areas[i].size);
			areas[i].p = NULL;
		} else {
			areas[i].size = (1 + random() % 8) * MIB;
			areas[i].p = mmap(NULL, areas[i].size,
					  PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (areas[i].p == MAP_FAILED)
				areas[i].p = NULL;
			else
				touch(areas[i].p, areas[i].size);
		}
		for (i = 0; i < (int)ARRAY_SIZE(areas); i++) {
			if (areas[i].p && random() % 2)
				touch(areas[i].p, areas[i].size / 4);
		}
		usleep(20000);
	}
	return 0;
}

static int cmd_life(int argc, char *argv[])
{
	char *p;

	if (argc != 2)
		return -1;
	p = mmap(NULL, 4 * MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		touch(p, 4 * MIB);
	usleep(num(argv[1]) * 1000);
	return 0;
}

static int cmd_sleepers(int argc, char *argv[])
{
	unsigned long n, i;
	pid_t parent = getpid(), pid;

	if (argc != 2)
		return -1;
	n = num(argv[1]);
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			for (;;)
				pause();
		}
		printf("%s%d", i ? " " : "", pid);
	}
	printf("\n");
	fflush(stdout);
	for (;;)
		pause();
}

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
} cmds[] = {
	{ "toggle", cmd_toggle }, { "ctxrace", cmd_ctxrace },
	{ "failall", cmd_failall }, { "nodac", cmd_nodac },
	{ "reuse", cmd_reuse }, { "mapper", cmd_mapper },
	{ "life", cmd_life }, { "sleepers", cmd_sleepers },
};

int main(int argc, char *argv[])
{
	size_t i;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		ret = cmds[i].fn(argc - 1, argv + 1);
		if (ret >= 0)
			return ret;
		break;
	}
	fprintf(stderr, "usage: damon_stress COMMAND ARGS... (see the source)\n");
	return 2;
}
