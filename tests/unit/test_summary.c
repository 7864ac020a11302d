// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Summaries (src/output/summary.c): the log-linear buckets (exact below
 * 128 ns, at most 1/128 wide above), nearest-rank percentiles within
 * 0.4 % of the exact ones over many distributions, human units, and the
 * summary-csv writer's exact figures (calls, errors and their errnos,
 * incomplete calls, total, min, avg, max, the order by total time, per
 * event and per process), the lost events said, and the text table with
 * its histogram.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ktrail/catalog.h"
#include "ktrail/writer.h"

#define NB (128 + 57 * 128)

static void test_buckets(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 128; v++)
		assert_int_equal(kt_sum_bucket(v), v);
	/* 128 .. 255: still one value a bucket. */
	assert_int_equal(kt_sum_bucket(128), 128);
	assert_int_equal(kt_sum_bucket(129), 129);
	assert_int_equal(kt_sum_bucket(255), 255);
	assert_int_equal(kt_sum_bucket(256), 256);	/* [256, 258) */
	assert_int_equal(kt_sum_bucket(257), 256);
	assert_int_equal(kt_sum_bucket(258), 257);
	assert_int_equal(kt_sum_bucket(UINT64_MAX), NB - 1);
	/* Monotonic, and never wider than 1/128 of its values. */
	for (uint64_t v = 1; v < (1ull << 40); v = v * 3 / 2 + 1) {
		assert_true(kt_sum_bucket(v) <= kt_sum_bucket(v + 1));
		assert_true(kt_sum_bucket(v + v / 128 + 1) > kt_sum_bucket(v) || v < 128);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t exact(const uint64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank = (pct * n + 99) / 100;

	return sorted[(rank ? rank : 1) - 1];
}

static void test_percentiles(void **state)
{
	static uint64_t bucket[NB];
	static uint64_t v[20000];
	const unsigned int pcts[] = { 1, 50, 90, 99, 100 };

	(void)state;
	srand(42);
	for (int dist = 0; dist < 6; dist++) {
		size_t n = dist == 0 ? 1 : dist == 1 ? 7 : 20000;
		uint64_t min = UINT64_MAX, max = 0;

		memset(bucket, 0, sizeof(bucket));
		for (size_t i = 0; i < n; i++) {
			switch (dist) {
			case 0: case 1: v[i] = 100 + i * 37; break;
			case 2: v[i] = (uint64_t)rand() % 100; break;			/* exact range */
			case 3: v[i] = 1000 + (uint64_t)rand() % 1000000; break;	/* uniform */
			case 4: v[i] = 1ull << (rand() % 40); break;			/* powers */
			default: v[i] = (uint64_t)rand() * (uint64_t)rand(); break;	/* wide */
			}
			bucket[kt_sum_bucket(v[i])]++;
			min = v[i] < min ? v[i] : min;
			max = v[i] > max ? v[i] : max;
		}
		qsort(v, n, sizeof(v[0]), cmp_u64);
		for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
			uint64_t want = exact(v, n, pcts[k]);
			uint64_t got = kt_sum_percentile(bucket, n, min, max, pcts[k]);
			uint64_t diff = got > want ? got - want : want - got;

			if (want < 256 || pcts[k] == 100 || (pcts[k] * n + 99) / 100 <= 1)
				assert_int_equal(got, want);
			else if (diff * 256 > want)
				fail_msg("dist %d p%u: %llu, exact %llu", dist, pcts[k],
					 (unsigned long long)got, (unsigned long long)want);
			assert_true(got >= min && got <= max);
		}
	}
	assert_int_equal(kt_sum_percentile(bucket, 0, 0, 0, 50), 0);
}

static void test_human(void **state)
{
	char b[24];

	(void)state;
	assert_string_equal(kt_sum_human(b, sizeof(b), 0), "0ns");
	assert_string_equal(kt_sum_human(b, sizeof(b), 999), "999ns");
	assert_string_equal(kt_sum_human(b, sizeof(b), 1000), "1.00us");
	assert_string_equal(kt_sum_human(b, sizeof(b), 12345), "12.3us");
	assert_string_equal(kt_sum_human(b, sizeof(b), 4560000), "4.56ms");
	assert_string_equal(kt_sum_human(b, sizeof(b), 250000000), "250ms");
	assert_string_equal(kt_sum_human(b, sizeof(b), 1200000000), "1.20s");
}

struct out {
	struct kt_writer w;
	const struct kt_event_def *evs[4];
	FILE *fp;
	char *buf;
	size_t len;
};

static void open_iv(struct out *o, const char *fmt, enum kt_sum_by by, uint64_t interval)
{
	memset(o, 0, sizeof(*o));
	o->fp = open_memstream(&o->buf, &o->len);
	assert_non_null(o->fp);
	o->evs[0] = kt_event_by_name("msgrcv");
	o->evs[1] = kt_event_by_name("msgsnd");
	o->evs[2] = kt_lost_event();
	o->w.nevents = 3;
	o->w.events = o->evs;
	o->w.fp = o->fp;
	o->w.summary_by = by;
	o->w.interval_ns = interval;
	o->w.ops = kt_writer_find(fmt);
	assert_non_null(o->w.ops);
	assert_int_equal(kt_writer_begin(&o->w), 0);
}

static void open_sum(struct out *o, const char *fmt, enum kt_sum_by by)
{
	open_iv(o, fmt, by, 0);
}

static void put(struct out *o, const char *ev, int pid, const char *comm, enum kt_state st,
		int64_t ret, uint64_t dur)
{
	struct kt_record r = {
		.ts = 1000, .ts_exit = st == KT_ST_COMPLETE ? 1000 + dur : 0, .pid = pid,
		.tid = pid, .comm = comm, .ev = kt_event_by_name(ev), .state = st,
		.has_ret = st == KT_ST_COMPLETE, .ret = ret,
	};

	assert_int_equal(kt_writer_event(&o->w, &r), 0);
}

static const char *end_sum(struct out *o)
{
	assert_int_equal(kt_writer_end(&o->w), 0);
	fflush(o->fp);
	return o->buf;
}

static void feed(struct out *o)
{
	struct kt_record lost = { .ts = 5, .comm = "", .ev = kt_lost_event(),
				  .args = { { .set = true, .u = 3 } } };

	put(o, "msgsnd", 10, "a", KT_ST_COMPLETE, 0, 100);
	put(o, "msgsnd", 10, "a", KT_ST_COMPLETE, -11, 300);	/* EAGAIN */
	put(o, "msgrcv", 10, "a", KT_ST_COMPLETE, 16, 5000);
	put(o, "msgrcv", 20, "b", KT_ST_COMPLETE, -4, 7000);	/* EINTR */
	put(o, "msgrcv", 20, "b", KT_ST_COMPLETE, -4, 9000);
	put(o, "msgrcv", 20, "b", KT_ST_COMPLETE, -11, 1000);
	put(o, "msgrcv", 20, "b", KT_ST_UNFINISHED, 0, 0);
	put(o, "msgsnd", 20, "b", KT_ST_COMPLETE, -9999, 200);	/* not an errno */
	assert_int_equal(kt_writer_event(&o->w, &lost), 0);
}

#define HDR "eventName,calls,errors,total_ns,min_ns,avg_ns,p50_ns,p90_ns,p99_ns,max_ns," \
	    "incomplete,processId,threadId,processName,errnos,interval,intervalStart," \
	    "intervalEnd\n"

static void test_csv_by_event(void **state)
{
	struct out o;

	(void)state;
	open_sum(&o, "summary-csv", KT_SUM_BY_EVENT);
	feed(&o);
	assert_string_equal(end_sum(&o),
		HDR
		"msgrcv,5,3,22000,1000,5500,5008,9000,9000,9000,1,,,,EINTR:2|EAGAIN:1,all,,\n"
		"msgsnd,3,1,600,100,200,200,300,300,300,0,,,,EAGAIN:1,all,,\n");
	fclose(o.fp);
	free(o.buf);
}

static void test_csv_by_process(void **state)
{
	struct out o;

	(void)state;
	open_sum(&o, "summary-csv", KT_SUM_BY_PROCESS);
	feed(&o);
	assert_string_equal(end_sum(&o),
		HDR
		"msgrcv,4,3,17000,1000,5666,6992,9000,9000,9000,1,20,,b,EINTR:2|EAGAIN:1,all,,\n"
		"msgrcv,1,0,5000,5000,5000,5000,5000,5000,5000,0,10,,a,,all,,\n"
		"msgsnd,2,1,400,100,200,100,300,300,300,0,10,,a,EAGAIN:1,all,,\n"
		"msgsnd,1,0,200,200,200,200,200,200,200,0,20,,b,,all,,\n");
	fclose(o.fp);
	free(o.buf);
}

static void test_text(void **state)
{
	struct out o;
	const char *t;

	(void)state;
	open_sum(&o, "summary", KT_SUM_BY_EVENT);
	feed(&o);
	t = end_sum(&o);
	assert_non_null(strstr(t, "ktrail summary: 8 calls, 4 errors, 2 events; 3 events lost, "
				  "the figures may miss calls\n"));
	assert_non_null(strstr(t, "\nmsgrcv                            5        3     22.0us     "
				  "1.00us     5.50us     5.01us     9.00us     9.00us     9.00us\n"
				  "    incomplete: 1\n    errors: EINTR 2, EAGAIN 1\n"));
	/* Its histogram: 1000 in [512ns, 1.02us), 5000 and 7000 in
	 * [4.10us, 8.19us), 9000 in [8.19us, 16.4us); the longest bar 40. */
	assert_non_null(strstr(t, "    [512ns, 1.02us)               1 |" "@@@@@@@@@@@@@@@@@@@@"
				  "                    |\n"));
	assert_non_null(strstr(t, "    [4.10us, 8.19us)              2 |"
				  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"));
	assert_non_null(strstr(t, "msgsnd                            3        1      600ns      "
				  "100ns      200ns      200ns      300ns      300ns      300ns\n"));
	fclose(o.fp);
	free(o.buf);
}

/* ---------------------------------------------------------- --interval */

#define S 1000000000ull		/* ns in a second */
#define MS 1000000ull

static void put_at(struct out *o, const char *ev, enum kt_state st, int64_t ret, uint64_t ts,
		   uint64_t dur)
{
	struct kt_record r = {
		.ts = ts, .ts_exit = st == KT_ST_COMPLETE ? ts + dur : 0, .pid = 7, .tid = 7,
		.comm = "w", .ev = kt_event_by_name(ev), .state = st,
		.has_ret = st == KT_ST_COMPLETE, .ret = ret,
	};

	assert_int_equal(kt_writer_event(&o->w, &r), 0);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void test_interval_math(void **state)
{
	struct kt_record r = { .ts = 5 * S, .ts_exit = 5 * S + 300, .ev = kt_event_by_name("msgrcv"),
			       .state = KT_ST_COMPLETE, .has_ret = true };

	(void)state;
	/* [origin + k len, origin + (k + 1) len): the end is the next one's. */
	assert_true(kt_sum_interval_of(1000, 500, 999) == 0);	/* before: the first */
	assert_true(kt_sum_interval_of(1000, 500, 1000) == 0);
	assert_true(kt_sum_interval_of(1000, 500, 1499) == 0);
	assert_true(kt_sum_interval_of(1000, 500, 1500) == 1);
	assert_true(kt_sum_interval_of(1000, 500, 2000) == 2);
	assert_true(kt_sum_interval_of(0, 1, UINT64_MAX) == UINT64_MAX);
	assert_true(kt_sum_interval_start(1000, 500, 0) == 1000);
	assert_true(kt_sum_interval_start(1000, 500, 3) == 2500);
	assert_true(kt_sum_interval_start(UINT64_MAX - 10, 100, 1) == UINT64_MAX);
	assert_true(kt_sum_interval_start(10, UINT64_MAX / 2, 3) == UINT64_MAX);
	/* A record counts at its end: timestamp + duration ... */
	assert_true(kt_sum_record_end(&r) == 5 * S + 300);
	/* ... an exit stamped before its entry (duration 0) at its entry ... */
	r.ts_exit = 5 * S - 7;
	assert_true(kt_sum_record_end(&r) == 5 * S);
	/* ... a record without a duration at its timestamp. */
	r.state = KT_ST_NO_EXIT;
	r.ts_exit = 0;
	assert_true(kt_sum_record_end(&r) == 5 * S);
	r.state = KT_ST_COMPLETE;
	r.ev = kt_event_by_name("sched_process_exec");
	assert_non_null(r.ev);
	r.ts_exit = 6 * S;
	assert_true(kt_sum_record_end(&r) == 5 * S);
}

/*
 * A live trace's order: a tick at 1 s (the origin), calls ending in the
 * first interval (its last nanosecond too) and exactly at the second's
 * start, a tick in the third, a call in the fifth (the third and fourth
 * have none), a call without its exit that comes late (it counts in the
 * fifth, being filled) and lost events.
 */
static void feed_intervals(struct out *o)
{
	struct kt_record lost = { .ts = 3 * S + 200 * MS, .comm = "", .ev = kt_lost_event(),
				  .args = { { .set = true, .u = 2 } } };

	assert_int_equal(kt_writer_tick(&o->w, S), 0);
	put_at(o, "msgsnd", KT_ST_COMPLETE, 0, S + 100 * MS, 100 * MS);
	put_at(o, "msgrcv", KT_ST_COMPLETE, 0, S + 300 * MS, 200 * MS - 1);
	put_at(o, "msgrcv", KT_ST_COMPLETE, -11, S + 400 * MS, 100 * MS);
	assert_int_equal(kt_writer_tick(&o->w, S + 1200 * MS), 0);
	assert_int_equal(kt_writer_tick(&o->w, S + 1300 * MS), 0);	/* nothing more over */
	put_at(o, "msgsnd", KT_ST_COMPLETE, 0, S + 1900 * MS, 200 * MS);
	put_at(o, "msgrcv", KT_ST_UNFINISHED, 0, S + 100 * MS, 0);
	assert_int_equal(kt_writer_event(&o->w, &lost), 0);
}

static void test_interval_csv(void **state)
{
	struct out o;
	size_t before;

	(void)state;
	open_iv(&o, "summary-csv", KT_SUM_BY_EVENT, 500 * MS);
	feed_intervals(&o);
	/* The first two intervals are written as they end, before the end. */
	fflush(o.fp);
	assert_string_equal(o.buf,
		HDR
		"msgrcv,1,0,199999999,199999999,199999999,199999999,199999999,199999999,"
		"199999999,0,,,,,1,1000000000,1500000000\n"
		"msgsnd,1,0,100000000,100000000,100000000,100000000,100000000,100000000,"
		"100000000,0,,,,,1,1000000000,1500000000\n"
		"msgrcv,1,1,100000000,100000000,100000000,100000000,100000000,100000000,"
		"100000000,0,,,,EAGAIN:1,2,1500000000,2000000000\n");
	before = o.len;
	assert_string_equal(end_sum(&o) + before,
		/* The fifth, then the whole trace: the sums of the intervals. */
		"msgsnd,1,0,200000000,200000000,200000000,200000000,200000000,200000000,"
		"200000000,0,,,,,5,3000000000,3500000000\n"
		"msgrcv,1,0,,,,,,,,1,,,,,5,3000000000,3500000000\n"
		"msgsnd,2,0,300000000,100000000,150000000,100000000,200000000,200000000,"
		"200000000,0,,,,,all,1000000000,3500000000\n"
		"msgrcv,3,1,299999999,100000000,149999999,100000000,199999999,199999999,"
		"199999999,1,,,,EAGAIN:1,all,1000000000,3500000000\n");
	fclose(o.fp);
	free(o.buf);
}

static void test_interval_text(void **state)
{
	struct out o;
	const char *t;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	open_iv(&o, "summary", KT_SUM_BY_EVENT, 500 * MS);
	feed_intervals(&o);
	t = end_sum(&o);
	assert_true(starts(t, "interval 1: 00:00:01.000000 to 00:00:01.500000 (0.500 s)\n"
			   "ktrail summary: 2 calls, 0 errors, 2 events\n"));
	assert_non_null(strstr(t, "|\n\ninterval 2: 00:00:01.500000 to 00:00:02.000000 (0.500 s)\n"
				  "ktrail summary: 1 calls, 1 errors, 1 events\n"));
	assert_non_null(strstr(t, "|\n\nintervals 3 to 4: 00:00:02.000000 to 00:00:03.000000 "
				  "(1.000 s): no calls\n\n"
				  "interval 5: 00:00:03.000000 to 00:00:03.500000 (0.500 s)\n"
				  "ktrail summary: 2 calls, 0 errors, 2 events; 2 events lost, the "
				  "figures may miss calls\n"));
	assert_non_null(strstr(t, "\n    incomplete: 1\n\nwhole trace: 00:00:01.000000 to "
				  "00:00:03.500000 (5 intervals of 0.500 s)\n"
				  "ktrail summary: 5 calls, 1 errors, 2 events; 2 events lost, the "
				  "figures may miss calls\n"));
	assert_non_null(strstr(t, "\nmsgsnd                            2        0      300ms      "
				  "100ms      150ms      100ms      200ms      200ms      200ms\n"));
	fclose(o.fp);
	free(o.buf);
}

/*
 * A report's order: no tick, the origin is the first record's timestamp;
 * a call that began before it counts at its end; a run of empty intervals
 * is one line, however long (a timestamp far away costs nothing); an
 * interval that is not a whole number of milliseconds.
 */
static void test_interval_report(void **state)
{
	struct out o;
	const char *t;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	open_iv(&o, "summary", KT_SUM_BY_EVENT, 250 * MS + 1);
	put_at(&o, "msgsnd", KT_ST_COMPLETE, 0, 10 * S, 100 * MS);
	put_at(&o, "msgrcv", KT_ST_COMPLETE, 0, 9 * S, S + 300 * MS);	/* 10.3 s: the 2nd */
	put_at(&o, "msgrcv", KT_ST_NO_EXIT, 0, 8 * S, 0);		/* late: the 2nd */
	put_at(&o, "msgsnd", KT_ST_COMPLETE, 0, 1000000 * S, 5);
	t = end_sum(&o);
	assert_true(starts(t, "interval 1: 00:00:10.000000 to 00:00:10.250000 (0.250000001 s)\n"
			   "ktrail summary: 1 calls, 0 errors, 1 events\n"));
	assert_non_null(strstr(t, "\n\ninterval 2: 00:00:10.250000 to 00:00:10.500000 "
				  "(0.250000001 s)\nktrail summary: 2 calls, 0 errors, 1 events\n"));
	/* (1000000 - 10) s / 0.250000001 s = 3999959.8...: the last is interval
	 * 3999960, from 10 + 3999959 * 0.250000001 = 999999.753999959 s. */
	assert_non_null(strstr(t, "\n\nintervals 3 to 3999959: 00:00:10.500000 to "
				  "13:46:39.753999 (999989.253999957 s): no calls\n\n"
				  "interval 3999960: 13:46:39.753999 to 13:46:40.003999 "
				  "(0.250000001 s)\nktrail summary: 1 calls, 0 errors, 1 events\n"));
	assert_non_null(strstr(t, "\n\nwhole trace: 00:00:10.000000 to 13:46:40.003999 "
				  "(3999960 intervals of 0.250000001 s)\n"
				  "ktrail summary: 4 calls, 0 errors, 2 events\n"));
	fclose(o.fp);
	free(o.buf);
	/* Without --interval, or a format without intervals, a tick is nothing. */
	open_sum(&o, "summary-csv", KT_SUM_BY_EVENT);
	assert_int_equal(kt_writer_tick(&o.w, 5 * S), 0);
	assert_string_equal(end_sum(&o), HDR);
	fclose(o.fp);
	free(o.buf);
	open_sum(&o, "csv", KT_SUM_BY_EVENT);
	assert_int_equal(kt_writer_tick(&o.w, 5 * S), 0);
	end_sum(&o);
	fclose(o.fp);
	free(o.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_csv_by_event),
		cmocka_unit_test(test_csv_by_process),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_interval_math),
		cmocka_unit_test(test_interval_csv),
		cmocka_unit_test(test_interval_text),
		cmocka_unit_test(test_interval_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
