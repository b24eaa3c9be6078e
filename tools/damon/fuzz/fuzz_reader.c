// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the readers: any bytes give either a model or one
 * error line, within bounded time and memory.  The model is checked for
 * the invariants the reports rely on.
 */
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dm_model m;
	struct dm_error e;
	size_t i, total = 0;

	dm_model_init(&m);
	if (dm_read_buf("fuzz", data, size, &m, &e) == 0) {
		if (m.nr_snaps == 0)
			abort();
		for (i = 0; i < m.nr_snaps; i++)
			total += m.snaps[i].nr_targets;
		if (total != m.nr_targets)
			abort();
		for (i = 0; i < m.nr_regions; i++)
			if (m.regions[i].start >= m.regions[i].end)
				abort();
		for (i = 0; i < m.nr_series; i++)
			if (!m.series[i].nr)
				abort();
	} else if (!strchr(e.msg, ':') || strchr(e.msg, '\n')) {
		abort();
	}
	dm_model_free(&m);
	return 0;
}
