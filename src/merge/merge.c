// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Merge per-CPU event sources by time (merge.h).  A thread that migrates
 * between CPUs is seen in order as long as the caller's @limit holds back
 * what a source may still deliver older events before.
 */
#include <stddef.h>

#include "ktrail/merge.h"

void kt_merge(struct kt_evsrc *const *src, int n, unsigned long long limit,
	      const struct kt_merge_sink *sink, unsigned long long *last_ts)
{
	for (;;) {
		struct kt_evsrc *best = NULL;

		for (int i = 0; i < n; i++) {
			struct kt_evsrc *c = src[i];

			if (c && c->has_ev && (!best || c->ts < best->ts))
				best = c;
		}
		if (!best || best->ts >= limit || (sink->stop && sink->stop(sink->arg)))
			return;
		if (best->loss) {
			/* Before the first event after a loss. */
			sink->loss(sink->arg, best->cpu, best->loss_ts, best->loss);
			best->loss = 0;
		}
		if (last_ts)
			*last_ts = best->ts;
		if (best->ev)
			sink->event(sink->arg, best->cpu, best->ev, best->size, best->ts);
		best->ops->next(best);
	}
}
