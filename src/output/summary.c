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
 *
 * --interval (w->interval_ns): the same figures per interval of that
 * length, each written as soon as it is over, then the whole trace's.
 * Interval k (from 1) is [origin + (k-1) len, origin + k len), in ns
 * since the epoch like the rows' timestamps.  The origin is the first
 * tick (live: when tracing started), else the first record's timestamp
 * (a report).  A record counts in the interval of its end
 * (kt_sum_record_end: timestamp + duration, the time ktrail learns it);
 * one whose interval is written already (a call without its exit,
 * written late) counts in the interval being filled.  An interval is
 * written when a tick or a record comes from past its end, and the last
 * one at the end.  A run of intervals without records is one "no calls"
 * line in the table and no row in the CSV.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The groups of one summary: the whole trace's, or an interval's. */
struct sumset {
	struct group *g;
	size_t n, cap;
	uint64_t lost, lost_rows;
	int last;			/* the group of the last record, -1 */
};

struct sum_priv {
	bool csv;
	bool header;			/* the CSV header is written */
	struct sumset all;
	/* --interval: its length in ns (0: none), the origin once known,
	 * the interval being filled (from 0) and its records. */
	uint64_t len;
	bool started;
	uint64_t origin, index;
	struct sumset cur;
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

/* -------------------------------------------------- intervals (pure) */

uint64_t kt_sum_record_end(const struct kt_record *r)
{
	uint64_t d;

	if (kt_record_duration(r, &d) && r->ts + d >= r->ts)
		return r->ts + d;
	return r->ts;
}

uint64_t kt_sum_interval_of(uint64_t origin, uint64_t len, uint64_t t)
{
	return t > origin && len ? (t - origin) / len : 0;
}

uint64_t kt_sum_interval_start(uint64_t origin, uint64_t len, uint64_t k)
{
	if (len && k > (UINT64_MAX - origin) / len)
		return UINT64_MAX;
	return origin + k * len;
}

/* ---------------------------------------------------------- the writer */

static int sum_begin(struct kt_writer *w)
{
	struct sum_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	p->csv = !strcmp(w->ops->name, "summary-csv");
	p->all.last = -1;
	p->cur.last = -1;
	p->len = w->interval_ns;
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

static struct group *group_of(struct kt_writer *w, struct sumset *p, const struct kt_record *r)
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

/* Count @r in @p. */
static int count(struct kt_writer *w, struct sumset *p, const struct kt_record *r)
{
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

static void set_free(struct sumset *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->g[i].errnos);
		free(p->g[i].bucket);
	}
	free(p->g);
	memset(p, 0, sizeof(*p));
	p->last = -1;
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

/*
 * What a block of figures covers: intervals @first .. @last (from 1;
 * both 0: the whole trace), from @start to @end (ns since the epoch;
 * @timed false: no --interval, not said).
 */
struct span {
	uint64_t first, last;
	uint64_t start, end;
	bool timed;
};

#define CSV_HEADER "eventName,calls,errors,total_ns,min_ns,avg_ns,p50_ns,p90_ns,p99_ns," \
		   "max_ns,incomplete,processId,threadId,processName,errnos,interval," \
		   "intervalStart,intervalEnd\n"

static void write_csv(struct kt_writer *w, struct sum_priv *p, const struct sumset *set,
		      const struct span *sp, struct kt_buf *b)
{
	if (!p->header) {
		kt_buf_put(b, CSV_HEADER, sizeof(CSV_HEADER) - 1);
		p->header = true;
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct group *g = &set->g[i];
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
		kt_buf_putc(b, ',');
		if (sp->first)
			kt_buf_u64(b, sp->first);
		else
			kt_buf_put(b, "all", 3);
		csv_num(b, sp->timed, sp->start);
		csv_num(b, sp->timed, sp->end);
		kt_buf_putc(b, '\n');
	}
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

static void write_text(struct kt_writer *w, const struct sumset *p, struct kt_buf *b)
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
}

/* A time of day as the table writes it, "12:00:01.250000" (local time). */
static void put_clock(struct kt_buf *b, uint64_t ts)
{
	time_t tt = (time_t)(ts / 1000000000u);
	struct tm tm;
	char hms[16];

	if (!localtime_r(&tt, &tm) || !strftime(hms, sizeof(hms), "%H:%M:%S", &tm))
		strcpy(hms, "??:??:??");
	kt_buf_printf(b, "%s.%06u", hms, (unsigned int)(ts % 1000000000u / 1000));
}

/* A length in seconds: "1.000", "0.500", "0.00025", "3600.000". */
static void put_seconds(struct kt_buf *b, uint64_t ns)
{
	char frac[16];
	size_t n;

	snprintf(frac, sizeof(frac), "%09u", (unsigned int)(ns % 1000000000u));
	for (n = 9; n > 3 && frac[n - 1] == '0'; n--)
		;
	frac[n] = '\0';
	kt_buf_printf(b, "%llu.%s", (unsigned long long)(ns / 1000000000u), frac);
}

/* The line before a block of the table: which intervals, when. */
static void text_header(const struct sum_priv *p, const struct span *sp, bool empty,
			struct kt_buf *b)
{
	if (!sp->first) {
		kt_buf_put(b, "whole trace", 11);
		if (p->started) {
			kt_buf_put(b, ": ", 2);
			put_clock(b, sp->start);
			kt_buf_put(b, " to ", 4);
			put_clock(b, sp->end);
			kt_buf_printf(b, " (%llu interval%s of ", (unsigned long long)sp->last,
				      sp->last == 1 ? "" : "s");
			put_seconds(b, p->len);
			kt_buf_put(b, " s)", 3);
		}
		kt_buf_putc(b, '\n');
		return;
	}
	if (sp->last > sp->first)
		kt_buf_printf(b, "intervals %llu to %llu: ", (unsigned long long)sp->first,
			      (unsigned long long)sp->last);
	else
		kt_buf_printf(b, "interval %llu: ", (unsigned long long)sp->first);
	put_clock(b, sp->start);
	kt_buf_put(b, " to ", 4);
	put_clock(b, sp->end);
	kt_buf_put(b, " (", 2);
	put_seconds(b, sp->end - sp->start);
	kt_buf_put(b, empty ? " s): no calls\n" : " s)\n", empty ? 14 : 4);
}

/* One block: @set's figures over @sp. */
static void write_block(struct kt_writer *w, struct sum_priv *p, struct sumset *set,
			const struct span *sp, struct kt_buf *b)
{
	bool empty = !set->n && !set->lost_rows;

	if (set->n)	/* qsort's base may not be NULL, even for no element */
		qsort(set->g, set->n, sizeof(*set->g), by_total);
	if (p->csv) {
		write_csv(w, p, set, sp, b);
		return;
	}
	if (p->len) {
		/* A blank line between blocks. */
		if (p->header)
			kt_buf_putc(b, '\n');
		p->header = true;
		text_header(p, sp, empty && sp->first, b);
		if (empty && sp->first)
			return;
	}
	write_text(w, set, b);
}

/* Room for a block: 0, or -1 with errno (ENOMEM). */
static int out_start(struct kt_buf *b)
{
	return kt_buf_reserve(b, 4096);
}

static int put_out(struct kt_writer *w, struct kt_buf *b)
{
	int rc = b->len ? kt_writer_put(w, b) : 0;

	kt_buf_free(b);
	return rc;
}

/* Intervals p->index .. @k - 1 are over: write them; @k is filled next. */
static int advance(struct kt_writer *w, struct sum_priv *p, uint64_t k)
{
	struct kt_buf b = { 0 };
	uint64_t from = p->index;
	struct span sp = { .timed = true };

	if (k <= p->index)
		return 0;
	if (out_start(&b) < 0)
		return -1;
	if (p->cur.n || p->cur.lost_rows) {
		sp.first = sp.last = from + 1;
		sp.start = kt_sum_interval_start(p->origin, p->len, from);
		sp.end = kt_sum_interval_start(p->origin, p->len, from + 1);
		write_block(w, p, &p->cur, &sp, &b);
		set_free(&p->cur);
		from++;
	}
	if (from < k) {
		/* The intervals without a record: one line (none in CSV). */
		struct sumset none = { .last = -1 };

		sp.first = from + 1;
		sp.last = k;
		sp.start = kt_sum_interval_start(p->origin, p->len, from);
		sp.end = kt_sum_interval_start(p->origin, p->len, k);
		write_block(w, p, &none, &sp, &b);
	}
	p->index = k;
	return put_out(w, &b);
}

static int sum_event(struct kt_writer *w, const struct kt_record *r)
{
	struct sum_priv *p = w->priv;

	if (p->len && r->ev->kind != KT_EV_PSEUDO) {
		if (!p->started) {
			p->started = true;
			p->origin = r->ts;
		}
		if (advance(w, p, kt_sum_interval_of(p->origin, p->len, kt_sum_record_end(r))) < 0)
			return -1;
	}
	if (count(w, &p->all, r) < 0)
		return -1;
	if (p->len && count(w, &p->cur, r) < 0)
		return -1;
	return 0;
}

/* No record that ends before @now will come: the intervals over go out.
 * The first tick before any record is the origin. */
static int sum_tick(struct kt_writer *w, uint64_t now)
{
	struct sum_priv *p = w->priv;

	if (!p->len)
		return 0;
	if (!p->started) {
		p->started = true;
		p->origin = now;
		return 0;
	}
	return advance(w, p, kt_sum_interval_of(p->origin, p->len, now));
}

static int sum_end(struct kt_writer *w)
{
	struct sum_priv *p = w->priv;
	struct kt_buf b = { 0 };
	struct span sp = { 0 };
	int rc = 0;

	if (!p)
		return 0;
	if (p->len && p->started) {
		/* The last interval, the one the trace ended in. */
		rc = advance(w, p, p->index + 1);
		sp.timed = true;
		sp.last = p->index;	/* how many */
		sp.start = p->origin;
		sp.end = kt_sum_interval_start(p->origin, p->len, p->index);
	}
	if (out_start(&b) < 0)
		rc = -1;
	else
		write_block(w, p, &p->all, &sp, &b);
	if (put_out(w, &b) < 0)
		rc = -1;
	set_free(&p->all);
	set_free(&p->cur);
	free(p);
	w->priv = NULL;
	return rc;
}

const struct kt_writer_ops kt_summary_ops = {
	.name = "summary",
	.begin = sum_begin,
	.event = sum_event,
	.tick = sum_tick,
	.end = sum_end,
};

const struct kt_writer_ops kt_summary_csv_ops = {
	.name = "summary-csv",
	.quoted_newlines = true,
	.begin = sum_begin,
	.event = sum_event,
	.tick = sum_tick,
	.end = sum_end,
};
