// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Summaries (-o summary, -o summary-csv): what a whole trace did, per
 * event, or per process or thread and event (--summary-by).  Written at
 * the end, from the records every other output gets, so a summary is the
 * aggregation of the rows the same run writes:
 *   calls       every row of the event (complete or not);
 *   errors      complete rows whose returnValue is -4095 .. -1 (an
 *               errno), with the most frequent errno names;
 *   incomplete  rows without both their entry and exit;
 *   durations   the rows' own (kt_record_duration: complete syscalls): total,
 *               min, max and avg (total / count, rounded down) exact;
 *               p50, p90 and p99 from log-linear buckets (exact below
 *               256 ns; above, 128 buckets per power of two, each
 *               reported as its middle, clipped to min and max: within
 *               0.4 % of the exact nearest-rank percentile; the first
 *               and last rank are min and max, exact).
 * Memory is bounded: 64 KiB of buckets per group, whatever the number of
 * calls.  ktrail's own lost_events rows are not a group: the summary says
 * how many events were lost.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/util.h"
#include "ktrail/writer.h"

#define SUB_BITS 7
#define SUB (1u << SUB_BITS)		/* buckets per power of two */
#define NBUCKETS (SUB + (64 - SUB_BITS) * SUB)
#define MAX_ERRNO 4095
#define TOP_ERRNOS 3

struct group {
	const struct kt_event_def *ev;
	int id;				/* pid or tid (--summary-by), else 0 */
	char comm[17];
	uint64_t calls, incomplete, errors, done;
	uint64_t total, min, max;
	bool total_overflow;
	uint32_t *errnos;		/* [MAX_ERRNO + 1], NULL until one */
	uint64_t *bucket;		/* [NBUCKETS], NULL until a duration */
};

struct sum_priv {
	bool csv;
	struct group *g;
	size_t n, cap;
	uint64_t lost, lost_rows;
	int last;			/* the group of the last record, -1 */
};

/* ---------------------------------------------------- buckets (pure) */

unsigned int kt_sum_bucket(uint64_t v)
{
	unsigned int k;

	if (v < SUB)
		return (unsigned int)v;
	k = 63u - (unsigned int)__builtin_clzll(v);	/* >= SUB_BITS */
	return SUB + (k - SUB_BITS) * SUB +
	       (unsigned int)((v >> (k - SUB_BITS)) & (SUB - 1));
}

/* The smallest value of bucket @b, and its width. */
static void bucket_range(unsigned int b, uint64_t *low, uint64_t *width)
{
	unsigned int k, sub;

	if (b < SUB) {
		*low = b;
		*width = 1;
		return;
	}
	k = (b - SUB) / SUB + SUB_BITS;
	sub = (b - SUB) % SUB;
	*width = 1ull << (k - SUB_BITS);
	*low = (uint64_t)(SUB + sub) << (k - SUB_BITS);
}

uint64_t kt_sum_percentile(const uint64_t *bucket, uint64_t n, uint64_t min, uint64_t max,
			   unsigned int pct)
{
	/* Nearest rank: the value at rank ceil(pct * n / 100), from 1. */
	uint64_t rank = (pct * n + 99) / 100, seen = 0;

	if (!n)
		return 0;
	/* The first and the last are known exactly. */
	if (rank <= 1)
		return min;
	if (rank >= n)
		return max;
	for (unsigned int b = 0; b < NBUCKETS; b++) {
		uint64_t low, width, v;

		seen += bucket[b];
		if (seen < rank)
			continue;
		bucket_range(b, &low, &width);
		v = width == 1 ? low : low + width / 2;
		return v < min ? min : v > max ? max : v;
	}
	return max;
}

/* A duration in human units, as the table writes it (kt_duration_human). */
char *kt_sum_human(char *buf, size_t len, uint64_t ns)
{
	kt_duration_human(buf, len, ns);
	return buf;
}

/* An errno's name ("EAGAIN"), or its number. */
static const char *errno_name(int e, char *buf, size_t len)
{
	const char *n = kt_errno_name(e);

	if (n)
		return n;
	snprintf(buf, len, "%d", e);
	return buf;
}

/* ---------------------------------------------------------- the writer */

static int sum_begin(struct kt_writer *w)
{
	struct sum_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	p->csv = !strcmp(w->ops->name, "summary-csv");
	p->last = -1;
	w->priv = p;
	return 0;
}

static int group_id(const struct kt_writer *w, const struct kt_record *r)
{
	switch (w->summary_by) {
	case KT_SUM_BY_PROCESS:
		return r->pid;
	case KT_SUM_BY_THREAD:
		return r->tid;
	default:
		return 0;
	}
}

static struct group *group_of(struct kt_writer *w, struct sum_priv *p, const struct kt_record *r)
{
	int id = group_id(w, r);
	struct group *g;

	if (p->last >= 0 && p->g[p->last].ev == r->ev && p->g[p->last].id == id)
		return &p->g[p->last];
	for (size_t i = 0; i < p->n; i++)
		if (p->g[i].ev == r->ev && p->g[i].id == id) {
			p->last = (int)i;
			return &p->g[i];
		}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct group *ng = realloc(p->g, cap * sizeof(*ng));

		if (!ng)
			return NULL;
		p->g = ng;
		p->cap = cap;
	}
	g = &p->g[p->n];
	memset(g, 0, sizeof(*g));
	g->ev = r->ev;
	g->id = id;
	g->min = UINT64_MAX;
	p->last = (int)p->n++;
	return g;
}

static int sum_event(struct kt_writer *w, const struct kt_record *r)
{
	struct sum_priv *p = w->priv;
	struct group *g;
	uint64_t d;

	if (r->ev->kind == KT_EV_PSEUDO) {
		/* lost_events: its one argument is the count, when known. */
		p->lost_rows++;
		if (r->ev->nargs && r->args[0].set)
			p->lost += r->args[0].u;
		return 0;
	}
	g = group_of(w, p, r);
	if (!g) {
		errno = ENOMEM;
		return -1;
	}
	if (w->summary_by != KT_SUM_BY_EVENT && r->comm)
		snprintf(g->comm, sizeof(g->comm), "%s", r->comm);
	g->calls++;
	if (r->state != KT_ST_COMPLETE) {
		g->incomplete++;
		return 0;
	}
	if (r->has_ret && r->ret < 0 && r->ret >= -MAX_ERRNO) {
		if (!g->errnos && !(g->errnos = calloc(MAX_ERRNO + 1, sizeof(*g->errnos)))) {
			errno = ENOMEM;
			return -1;
		}
		g->errors++;
		g->errnos[-r->ret]++;
	}
	/* The duration the rows have (kt_record_duration), the same test. */
	if (kt_record_duration(r, &d)) {

		if (!g->bucket && !(g->bucket = calloc(NBUCKETS, sizeof(*g->bucket)))) {
			errno = ENOMEM;
			return -1;
		}
		g->bucket[kt_sum_bucket(d)]++;
		g->done++;
		if (g->total + d < g->total)
			g->total_overflow = true;
		g->total += d;
		if (d < g->min)
			g->min = d;
		if (d > g->max)
			g->max = d;
	}
	return 0;
}

/* Sorted by total time, then calls, then name. */
static int by_total(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->ev->name, y->ev->name);
}

/* The most frequent errnos: "EAGAIN:12|EINTR:3" (CSV) or "EAGAIN 12, EINTR 3". */
static void put_errnos(struct kt_buf *b, const struct group *g, bool csv)
{
	bool used[MAX_ERRNO + 1] = { false };

	if (!g->errnos)
		return;
	for (int k = 0; k < TOP_ERRNOS; k++) {
		int best = 0;
		char nb[16];

		for (int e = 1; e <= MAX_ERRNO; e++)
			if (!used[e] && g->errnos[e] > (best ? g->errnos[best] : 0))
				best = e;
		if (!best)
			break;
		used[best] = true;
		if (k)
			kt_buf_put(b, csv ? "|" : ", ", csv ? 1 : 2);
		kt_buf_printf(b, csv ? "%s:%u" : "%s %u", errno_name(best, nb, sizeof(nb)),
			      g->errnos[best]);
	}
}

static void csv_num(struct kt_buf *b, bool have, uint64_t v)
{
	kt_buf_putc(b, ',');
	if (have)
		kt_buf_u64(b, v);
}

static int write_csv(struct kt_writer *w, struct sum_priv *p, struct kt_buf *b)
{
	kt_buf_printf(b, "eventName,calls,errors,total_ns,min_ns,avg_ns,p50_ns,p90_ns,p99_ns,"
		      "max_ns,incomplete,processId,threadId,processName,errnos\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct group *g = &p->g[i];
		bool d = g->done > 0;

		kt_esc_csv(b, g->ev->name, strlen(g->ev->name));
		kt_buf_putc(b, ',');
		kt_buf_u64(b, g->calls);
		kt_buf_putc(b, ',');
		kt_buf_u64(b, g->errors);
		csv_num(b, d && !g->total_overflow, g->total);
		csv_num(b, d, g->min);
		csv_num(b, d && !g->total_overflow, d ? g->total / g->done : 0);
		csv_num(b, d, d ? kt_sum_percentile(g->bucket, g->done, g->min, g->max, 50) : 0);
		csv_num(b, d, d ? kt_sum_percentile(g->bucket, g->done, g->min, g->max, 90) : 0);
		csv_num(b, d, d ? kt_sum_percentile(g->bucket, g->done, g->min, g->max, 99) : 0);
		csv_num(b, d, g->max);
		csv_num(b, true, g->incomplete);
		csv_num(b, w->summary_by == KT_SUM_BY_PROCESS, (uint64_t)g->id);
		csv_num(b, w->summary_by == KT_SUM_BY_THREAD, (uint64_t)g->id);
		kt_buf_putc(b, ',');
		if (w->summary_by != KT_SUM_BY_EVENT)
			kt_esc_csv(b, g->comm, strlen(g->comm));
		kt_buf_putc(b, ',');
		put_errnos(b, g, true);
		kt_buf_putc(b, '\n');
	}
	return 0;
}

/* A log2 histogram of one group's durations, bars as wide as 40. */
static void histogram(struct kt_buf *b, const struct group *g)
{
	uint64_t pow[65] = { 0 }, most = 0;
	int lo = 64, hi = -1;

	for (unsigned int i = 0; i < NBUCKETS; i++) {
		uint64_t low, width;
		int k;

		if (!g->bucket[i])
			continue;
		bucket_range(i, &low, &width);
		k = low ? 63 - __builtin_clzll(low) : 0;
		pow[k] += g->bucket[i];
	}
	for (int k = 0; k < 64; k++)
		if (pow[k]) {
			lo = k < lo ? k : lo;
			hi = k;
			most = pow[k] > most ? pow[k] : most;
		}
	for (int k = lo; k <= hi; k++) {
		char a[24], z[24], range[64];
		unsigned int bar = most ? (unsigned int)((pow[k] * 40 + most - 1) / most) : 0;

		snprintf(range, sizeof(range), "[%s, %s)", kt_sum_human(a, sizeof(a), k ? 1ull << k : 0),
			 kt_sum_human(z, sizeof(z), k < 63 ? 1ull << (k + 1) : UINT64_MAX));
		kt_buf_printf(b, "    %-20s %10llu |", range, (unsigned long long)pow[k]);
		for (unsigned int i = 0; i < 40; i++)
			kt_buf_putc(b, i < bar ? '@' : ' ');
		kt_buf_put(b, "|\n", 2);
	}
}

static int write_text(struct kt_writer *w, struct sum_priv *p, struct kt_buf *b)
{
	uint64_t calls = 0, errors = 0;
	const char *by = w->summary_by == KT_SUM_BY_PROCESS ? "PROCESS" :
			 w->summary_by == KT_SUM_BY_THREAD ? "THREAD" : NULL;

	for (size_t i = 0; i < p->n; i++) {
		calls += p->g[i].calls;
		errors += p->g[i].errors;
	}
	kt_buf_printf(b, "ktrail summary: %llu calls, %llu errors, %zu %s%s", (unsigned long long)calls,
		      (unsigned long long)errors, p->n, by ? "groups" : "events",
		      by ? (w->summary_by == KT_SUM_BY_PROCESS ? " (by process)" : " (by thread)") :
			   "");
	if (p->lost_rows)
		kt_buf_printf(b, "; %llu events lost, the figures may miss calls",
			      (unsigned long long)p->lost);
	kt_buf_printf(b, "\n%s%-24s %10s %8s %10s %10s %10s %10s %10s %10s %10s\n",
		      by ? "" : "", by ? "PROCESS/THREAD EVENT" : "EVENT", "CALLS", "ERRORS", "TOTAL",
		      "MIN", "AVG", "P50", "P90", "P99", "MAX");
	for (size_t i = 0; i < p->n; i++) {
		const struct group *g = &p->g[i];
		char name[64], t[7][24];
		bool d = g->done > 0;

		if (by)
			snprintf(name, sizeof(name), "%s[%d] %s", g->comm, g->id, g->ev->name);
		else
			snprintf(name, sizeof(name), "%s", g->ev->name);
		kt_esc_table(b, name, strlen(name));
		for (size_t k = strlen(name); k < 24; k++)
			kt_buf_putc(b, ' ');
		kt_buf_printf(b, " %10llu %8llu %10s %10s %10s %10s %10s %10s %10s\n",
			      (unsigned long long)g->calls, (unsigned long long)g->errors,
			      d ? kt_sum_human(t[0], 24, g->total) : "-",
			      d ? kt_sum_human(t[1], 24, g->min) : "-",
			      d ? kt_sum_human(t[2], 24, g->total / g->done) : "-",
			      d ? kt_sum_human(t[3], 24, kt_sum_percentile(g->bucket, g->done, g->min,
									   g->max, 50)) : "-",
			      d ? kt_sum_human(t[4], 24, kt_sum_percentile(g->bucket, g->done, g->min,
									   g->max, 90)) : "-",
			      d ? kt_sum_human(t[5], 24, kt_sum_percentile(g->bucket, g->done, g->min,
									   g->max, 99)) : "-",
			      d ? kt_sum_human(t[6], 24, g->max) : "-");
		if (g->incomplete)
			kt_buf_printf(b, "    incomplete: %llu\n", (unsigned long long)g->incomplete);
		if (g->errors) {
			kt_buf_put(b, "    errors: ", 12);
			put_errnos(b, g, false);
			kt_buf_putc(b, '\n');
		}
		if (d)
			histogram(b, g);
	}
	return 0;
}

static int sum_end(struct kt_writer *w)
{
	struct sum_priv *p = w->priv;
	struct kt_buf b = { 0 };
	int rc = 0;

	if (!p)
		return 0;
	qsort(p->g, p->n, sizeof(*p->g), by_total);
	if (p->csv)
		write_csv(w, p, &b);
	else
		write_text(w, p, &b);
	if (!b.p) {
		errno = ENOMEM;
		rc = -1;
	} else if (kt_writer_put(w, &b) < 0) {
		rc = -1;
	}
	kt_buf_free(&b);
	for (size_t i = 0; i < p->n; i++) {
		free(p->g[i].errnos);
		free(p->g[i].bucket);
	}
	free(p->g);
	free(p);
	w->priv = NULL;
	return rc;
}

const struct kt_writer_ops kt_summary_ops = {
	.name = "summary",
	.begin = sum_begin,
	.event = sum_event,
	.end = sum_end,
};

const struct kt_writer_ops kt_summary_csv_ops = {
	.name = "summary-csv",
	.quoted_newlines = true,
	.begin = sum_begin,
	.event = sum_event,
	.end = sum_end,
};
