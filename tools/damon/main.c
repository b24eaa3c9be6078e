// SPDX-License-Identifier: GPL-2.0
/*
 * damon-report COMMAND [OPTIONS] FILE
 *
 * FILE is a DAMON record file (format version 2) or the output of
 * "perf script" on damon:damon_aggregated events; "-" reads standard
 * input.  Exit status: 0 done, 1 bad input or failure (one line on
 * stderr), 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

static const char usage[] =
"usage: damon-report COMMAND [OPTIONS] FILE\n"
"FILE: a DAMON record file (format 2) or perf script output of\n"
"damon:damon_aggregated events; '-' for standard input.\n"
"commands:\n"
"  raw        every region of every snapshot, one a line\n"
"  heatmap    time x address map of access frequency, gaps skipped\n"
"             --width N  --rows N  --color auto|always|never  --gap F\n"
"             --png FILE: also draw it, every target a band of panels\n"
"  wss        working-set size percentiles and trend\n"
"             --min-freq N (default 1)  --buckets N (default 10)\n"
"             --png FILE: also draw it over time, percentiles marked\n"
"  hot        the hottest areas, their size, frequency and lifetime\n"
"             --min-freq N (default half the highest)  --top N (default 10)\n"
"common: --target ID (default: every target)\n"
"pictures (--png): --png-size WxH (default 1000 wide, the height to fit)\n"
"  --title TEXT      what was recorded, for the title\n"
"  --attrs \"S A U MIN MAX\"  the DAMON attributes of the record, as in\n"
"                    debugfs attrs: sampling, aggregation and update\n"
"                    intervals in us, min and max number of regions\n";

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static int bad(const char *opt, const char *arg)
{
	fprintf(stderr, "damon-report: bad value for --%s: '%s'\n", opt,
		arg ? arg : "");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "width", required_argument, NULL, 'w' },
		{ "rows", required_argument, NULL, 'r' },
		{ "color", required_argument, NULL, 'c' },
		{ "png", required_argument, NULL, 'p' },
		{ "png-size", required_argument, NULL, 's' },
		{ "gap", required_argument, NULL, 'g' },
		{ "min-freq", required_argument, NULL, 'm' },
		{ "top", required_argument, NULL, 'n' },
		{ "buckets", required_argument, NULL, 'b' },
		{ "title", required_argument, NULL, 'T' },
		{ "attrs", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dm_opts o = { .color = -1 };
	struct dm_model m;
	struct dm_error e;
	const char *cmd;
	unsigned long long v;
	int c, ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "raw") && strcmp(cmd, "heatmap") && strcmp(cmd, "wss") &&
	    strcmp(cmd, "hot")) {
		fprintf(stderr, "damon-report: unknown command '%s'\n%s", cmd, usage);
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_uint(optarg, UINT64_MAX, &v))
				return bad("target", optarg);
			o.have_target = 1;
			o.target = v;
			break;
		case 'w':
			if (parse_uint(optarg, 10000, &v) || v == 0)
				return bad("width", optarg);
			o.width = (unsigned int)v;
			break;
		case 'r':
			if (parse_uint(optarg, 10000, &v) || v == 0)
				return bad("rows", optarg);
			o.rows = (unsigned int)v;
			break;
		case 'c':
			if (!strcmp(optarg, "always"))
				o.color = 1;
			else if (!strcmp(optarg, "never"))
				o.color = 0;
			else if (!strcmp(optarg, "auto"))
				o.color = -1;
			else
				return bad("color", optarg);
			break;
		case 'p':
			o.png = optarg;
			break;
		case 's': {
			unsigned int w, h;
			char x;

			if (sscanf(optarg, "%ux%u%c", &w, &h, &x) != 2 ||
			    w < 64 || h < 32 || w > 20000 || h > 20000)
				return bad("png-size", optarg);
			o.png_w = w;
			o.png_h = h;
			break;
		}
		case 'g': {
			char *end;

			o.gap = strtod(optarg, &end);
			if (*end || !(o.gap > 0 && o.gap < 1e6))
				return bad("gap", optarg);
			break;
		}
		case 'm':
			if (parse_uint(optarg, UINT32_MAX, &v) || v == 0)
				return bad("min-freq", optarg);
			o.min_freq = (unsigned int)v;
			break;
		case 'n':
			if (parse_uint(optarg, 1000000, &v) || v == 0)
				return bad("top", optarg);
			o.top = (unsigned int)v;
			break;
		case 'b':
			if (parse_uint(optarg, 1000, &v) || v == 0)
				return bad("buckets", optarg);
			o.buckets = (unsigned int)v;
			break;
		case 'T':
			o.title = optarg;
			break;
		case 'a': {
			unsigned long long *a = o.attrs;
			char x;

			if (sscanf(optarg, "%llu %llu %llu %llu %llu %c", &a[0], &a[1],
				   &a[2], &a[3], &a[4], &x) != 5 || !a[0] || a[1] < a[0])
				return bad("attrs", optarg);
			o.have_attrs = 1;
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "damon-report: %s needs exactly one FILE\n%s",
			cmd, usage);
		return 2;
	}
	dm_model_init(&m);
	if (dm_read_file(argv[optind], &m, &e)) {
		fprintf(stderr, "damon-report: %s\n", e.msg);
		dm_model_free(&m);
		return 1;
	}
	if (!strcmp(cmd, "raw"))
		ret = dm_report_raw(&m, stdout);
	else if (!strcmp(cmd, "heatmap"))
		ret = dm_report_heatmap(&m, &o, stdout);
	else if (!strcmp(cmd, "wss"))
		ret = dm_report_wss(&m, &o, stdout);
	else
		ret = dm_report_hot(&m, &o, stdout);
	dm_model_free(&m);
	if (fflush(stdout) || ferror(stdout))
		ret = -1;
	return ret ? 1 : 0;
}
