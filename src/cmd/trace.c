// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail [trace]: live.  Each round reads what the rings hold, merges it
 * by time up to a watermark, decodes, pairs and writes it; the outputs
 * are flushed between rounds.  The rest of a trace is src/session/.
 */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/ring.h"
#include "session/session-local.h"

#define MERGE_SLACK_NS 2000000ull	/* events this recent wait a round */

/* Read up to SESS_PAGES_PER_ROUND sub-buffers of one CPU.  Returns pages
 * read or -1. */
static int cpu_fill(struct session *s, struct sess_cpu *c)
{
	int n = 0;

	c->capped = false;
	while (n < SESS_PAGES_PER_ROUND) {
		struct kt_page *p = kt_page_get(&s->pool);
		unsigned int skip;
		uint64_t lost;
		int r;

		if (!p)
			return -1;
		r = kt_ring_next(c->ring, p->data, &skip, &lost);
		if (r <= 0) {
			kt_page_put(&s->pool, p);
			if (r < 0)
				return -1;
			return n;
		}
		p->skip = skip;
		p->lost = lost;
		c->capped_ts = *(uint64_t *)p->data;
		kt_page_src_push(&c->ps, p);
		n++;
	}
	c->capped = true;
	return n;
}

/*
 * One round: read what is there on every CPU, emit what is safely old.
 * *more: a CPU had more than a round's worth (read again before sleeping);
 * in the final drain, anything was read at all.
 */
static int round_once(struct session *s, bool final, bool *more)
{
	unsigned long long limit = ~0ull;
	unsigned long long now = final ? ~0ull : sess_clock_now(s);
	bool capped = false;
	int total = 0;

	for (int i = 0; i < s->ncpus; i++) {
		struct sess_cpu *c = &s->cpus[i];
		int n;

		if (!c->ring)
			continue;
		n = cpu_fill(s, c);
		if (n < 0)
			return -1;
		total += n;
		capped |= c->capped;
	}
	if (!final && now != ~0ull)
		limit = now > MERGE_SLACK_NS ? now - MERGE_SLACK_NS : 0;
	/* A CPU with more in the kernel holds everyone back to where it is,
	 * in the final drain too: its older events are still to come. */
	for (int i = 0; i < s->ncpus; i++)
		if (s->cpus[i].capped && s->cpus[i].capped_ts < limit)
			limit = s->cpus[i].capped_ts;
	kt_merge(s->srcs, s->ncpus, limit, &s->sink, &s->last_ts);
	/* Every call that ended before the limit is written. */
	if (!final && limit != ~0ull)
		sess_outputs_tick(s, limit + s->epoch);
	/* Partial sub-buffers are not worth a tight loop: sleep in poll()
	 * until the kernel's watermark (buffer_percent) or the timeout. */
	*more = final ? total > 0 : capped;
	return 0;
}

static int trace_round(struct session *s, bool *more)
{
	return round_once(s, false, more);
}

/* Tracing stopped: the rest of the rings, every pending call, the
 * summary, the outputs closed. */
static int trace_finish(struct session *s, struct kt_session_result *res, char *err,
			size_t errlen)
{
	unsigned long long stop = sess_clock_now(s);	/* tracing is off */
	bool any;

	do {
		if (round_once(s, true, &any) < 0) {
			snprintf(err, errlen, "reading the trace buffers: %s", strerror(errno));
			return -1;
		}
	} while (any && !s->write_err);
	kt_merge(s->srcs, s->ncpus, ~0ull, &s->sink, &s->last_ts);
	/* The intervals before the one tracing stopped in are over. */
	if (stop != ~0ull)
		sess_outputs_tick(s, stop + s->epoch);
	kt_pair_flush(s->pair);
	sess_sort_flush(s);	/* --sort: the rest, before any count */
	sess_report_lost(s, res);
	sess_report_profile(s, res);
	if (kt_pair_unmatched(s->pair) && !s->o->quiet)
		fprintf(stderr, "ktrail: %lu kprobe detail records found no call to complete "
			"(its entry was lost, came before tracing began%s)\n",
			kt_pair_unmatched(s->pair),
			s->kfilters ? ", or was filtered out in the kernel" : "");
	return sess_outputs_finish(s, res, err, errlen);
}

static void trace_summary(struct session *s, unsigned long long lost, const char *per_cpu)
{
	fprintf(stderr, "ktrail: %llu records %s, %llu events lost (%s)\n",
		s->records, s->write_err ? "decoded" : "written", lost, per_cpu);
}

static void trace_close(struct session *s)
{
	if (s->nouts)
		sess_outputs_close(s);
}

static const struct sess_mode trace_mode = {
	.name = "trace",
	.decodes = true,
	.reader = KT_READER_READ,	/* cheaper than the mapping (bench/RESULTS.md) */
	.open = sess_outputs_open,
	.round = trace_round,
	.finish = trace_finish,
	.summary = trace_summary,
	.close = trace_close,
};

int kt_cmd_trace(const struct kt_opts *o, struct kt_session_result *res, char *err,
		 size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	int ret;

	if (!s) {
		memset(res, 0, sizeof(*res));
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	s->o = o;
	s->mode = &trace_mode;
	s->sel = &o->sel;
	ret = sess_run(s, res, err, errlen);
	free(s);
	return ret;
}
